"""Search on a large family library, through the real service, against indexed counts of the same rows as baselines.

    python -m bench.search --assets 100000 [--assets 1000000] [--database-url URL] [--repeat 30]

Six members' libraries are bulk-inserted (no files) with a `search_documents` row per photo, written as the pipeline
writes it (folded words): a description for 15% (everyday words, Zipf-distributed), tags for 10%, place names for
40% (home towns, most of them, and holidays), what the image tagger saw for 95% (ImageNet labels of
`ml/data/labels.json` with their synonyms and broader terms, a few common ones weighted up: dogs, beaches, cars,
food), text read in 10%, camera and file name for all. The second and third members share their libraries with the
first; the fourth and fifth each make a space with the first and add 2.5% of the library to it; the sixth makes one
without the first. The first member's searches are measured ("everything I can see": own, partners, spaces), and a
search of the fourth member's space. With --database-url (PostgreSQL), a database of its own is created beside the
given one and dropped after. On SQLite the FTS5 index is built in one go after the bulk insert (its insert trigger
dropped and recreated as migration 0021 made it), which is what keeps 1,000,000 documents within minutes.
"""

import argparse
import asyncio
import importlib
import os
import random
import time
import uuid
from pathlib import Path

from sqlalchemy import func, insert, select, text

from bench.common import OUT, p50_p95, print_table, timings_ms
from bench.timeline import BATCH, asset_rows, loaded_family, settle
from domain.search import document_text
from ml import tagger
from services import search, sharing, spaces
from services.accounts import Actor
from services.runtime import Hearth
from services.search import Narrowing, Query
from storage import assets as asset_queries
from storage.models import Asset, AssetDetails, AssetUserState, SearchDocument
from storage.places import GEOCODER, NAME_COLUMNS

USERS, PARTNERS = 6, 2
SPACE_SHARE = 0.025  # of the whole library, added to each space
MIGRATION = importlib.import_module('storage.migrations.versions.0021_search')
SCOPE_MIGRATION = importlib.import_module('storage.migrations.versions.0022_search_scope')
TEXT_MODEL = 'bench-ocr'

# Everyday words of captions, most frequent first (drawn with Zipf weights 1/rank); the last is the rare word.
EVERYDAY = """
day fun first family little happy home time good new park great walk love old beautiful morning kids big friends
birthday party lunch dinner garden summer school weekend trip holiday together afternoon evening sunny view water
sea sand house playing cousins grandma grandpa mum dad baby sister brother aunt uncle visit cake presents games
snow rain cold warm ice cream picnic castle museum hill mountain forest lake river bridge boat train bus airport
station market street town village church harbour tree flowers autumn spring winter sunset sunrise light dark night
fireworks concert match football swimming pool bike ride climbing camping tent fire bbq breakfast coffee tea pizza
pasta chips wedding christening graduation anniversary christmas tree dressing costume dance music piano guitar
drawing painting lego puzzle book reading sleeping bath teeth smile laughing crying funny silly tired muddy wet
windy foggy cloudy blue green red yellow purple orange pink white black golden tiny huge long short first-day
uniform homework teacher class trophy medal race sports-day nativity carol pumpkin costume sandcastle waves rock
pools crabs shells pier ferry island cliff beach-hut campervan cottage farm sheep cows horses ducks swans geese
chickens puppy kitten rabbit hamster fish zoo aquarium penguins giraffe elephant lion monkeys lighthouse
""".split()  # noqa: SIM905 (a list of words, as written)
RARE_WORD = EVERYDAY[-1]
TAGS = """
holiday birthday school family christmas wedding garden friends grandparents cousins beach camping skiing
weekend first-steps day-out party sports favourites to-print scanned-prints school-run
""".split()  # noqa: SIM905 (a list of words, as written)
READ = """
exit open closed menu cafe street road welcome happy birthday sale entrance toilets platform gate museum park
station parking no stop slow school bus tickets please thank you keep out private beach hotel restaurant bar
""".split()  # noqa: SIM905 (a list of words, as written)
# (city, county, state, country, code): each member's home, then the holidays everyone goes on
HOMES = [
    ('Edinburgh', 'City of Edinburgh', 'Scotland', 'United Kingdom', 'GB'),
    ('Edinburgh', 'City of Edinburgh', 'Scotland', 'United Kingdom', 'GB'),
    ('London', 'Greater London', 'England', 'United Kingdom', 'GB'),
    ('Lyon', 'Rhône', 'Auvergne-Rhône-Alpes', 'France', 'FR'),
    ('Toronto', 'Toronto', 'Ontario', 'Canada', 'CA'),
    ('Bristol', 'Bristol', 'England', 'United Kingdom', 'GB'),
]
HOLIDAYS = [
    ('Paris', 'Paris', 'Île-de-France', 'France', 'FR'),
    ('Barcelona', 'Barcelona', 'Catalonia', 'Spain', 'ES'),
    ('Florence', 'Florence', 'Tuscany', 'Italy', 'IT'),
    ('Athens', 'Central Athens', 'Attica', 'Greece', 'GR'),
    ('Palma', 'Balearic Islands', 'Balearic Islands', 'Spain', 'ES'),
    ('Amsterdam', 'Amsterdam', 'North Holland', 'Netherlands', 'NL'),
    ('Lisbon', 'Lisbon', 'Lisbon', 'Portugal', 'PT'),
    ('Venice', 'Venice', 'Veneto', 'Italy', 'IT'),
    ('Fort William', 'Highland', 'Scotland', 'United Kingdom', 'GB'),
    ('St Ives', 'Cornwall', 'England', 'United Kingdom', 'GB'),
    ('Keswick', 'Cumbria', 'England', 'United Kingdom', 'GB'),
    ('New York', 'New York County', 'New York', 'United States', 'US'),
    ('Tokyo', 'Tokyo', 'Tokyo', 'Japan', 'JP'),
    ('Sydney', 'Sydney', 'New South Wales', 'Australia', 'AU'),
    ('Reykjavik', 'Reykjavik', 'Capital Region', 'Iceland', 'IS'),
    ('Marrakesh', 'Marrakesh', 'Marrakesh-Safi', 'Morocco', 'MA'),
]
# Extra weight (over 1 for every one of the 1,000 labels) of the things family photos show most.
COMMON_LABELS = {
    'seashore': 100, 'sandbar': 20, 'lakeside': 20, 'golden retriever': 25, 'Labrador retriever': 25,
    'sports car': 15, 'minivan': 15, 'convertible': 10, 'pizza': 15, 'restaurant': 20, 'plate': 15, 'cup': 15,
    'park bench': 10, 'jersey': 15, 'suit': 10, 'swimming trunks': 10, 'alp': 10, 'bicycle-built-for-two': 5,
}  # fmt: skip


class Words:
    """Draws each photo's words, as the pipeline would have stored them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.zipf = [1 / rank for rank in range(1, len(EVERYDAY) + 1)]
        self.labels = tagger.LABELS
        self.label_weights = [1 + COMMON_LABELS.get(label.name, 0) for label in self.labels]

    def document(self, asset: dict, place: tuple | None) -> dict:
        rng = self.rng
        description = ' '.join(rng.choices(EVERYDAY, self.zipf, k=rng.randint(3, 10))) if rng.random() < 0.15 else None
        tags = rng.sample(TAGS, rng.randint(1, 3)) if rng.random() < 0.10 else []
        document = {
            'asset_id': asset['id'],
            'words': document_text(description, *tags),
            'place': document_text(*place) if place else '',
            'file': document_text(
                asset['original_filename'].rsplit('.', 1)[0], asset['camera_make'], asset['camera_model']
            ),
            'read_text': '',
            'labels': '',
            'broader': '',
            'labels_model': None,
            'text_model': None,
        }
        if rng.random() < 0.95:
            seen = set(rng.choices(self.labels, self.label_weights, k=rng.choice((1, 1, 2, 2, 3))))
            names = document_text(*(text for label in seen for text in (label.name, *label.synonyms)))
            broader = document_text(*(word for label in seen for word in label.broader))
            broader = ' '.join(word for word in broader.split() if word not in names.split())
            document.update(labels=names, broader=broader, labels_model=tagger.MODEL_VERSION)
        if rng.random() < 0.10:
            read = [*rng.sample(READ, rng.randint(1, 5)), str(rng.randrange(1, 500))]
            document.update(read_text=document_text(*read), text_model=TEXT_MODEL)
        return document


def place_of(rng: random.Random, home: tuple) -> tuple | None:
    """40% of photos are placed: most at home, the rest on holidays."""
    if rng.random() >= 0.40:
        return None
    return home if rng.random() < 0.65 else rng.choice(HOLIDAYS)


def batches(owner_ids: list[uuid.UUID], count: int):
    rng = random.Random(2027)
    words = Words(rng)
    for start in range(0, count, BATCH):
        assets, details, states, documents = [], [], [], []
        for number in range(start, min(count, start + BATCH)):
            owner = number % len(owner_ids)
            asset, detail, state = asset_rows(rng, owner_ids[owner], number)
            place = place_of(rng, HOMES[owner])
            detail.update(
                zip(NAME_COLUMNS, place or (None,) * 5, strict=True), place_source=GEOCODER if place else None
            )
            if not place:  # every row has every key: executemany takes the columns from the first
                asset.update(exif_latitude=None, exif_longitude=None, exif_altitude=None)
                detail.update(latitude=None, longitude=None)
            assets.append(asset)
            details.append(detail)
            if state:
                states.append(state)
            documents.append({**words.document(asset, place), **scope_copies(asset, detail, state)})
        yield assets, details, states, documents


def scope_copies(asset: dict, detail: dict, state: dict | None) -> dict:
    """What migration 0022's triggers copy onto a photo's words (the bench inserts them with those triggers off)."""
    return {
        'owner_id': asset['owner_id'],
        'library_id': None,
        'taken_at': detail['taken_at'],
        'month_key': detail['month_key'],
        'place_country_code': detail['place_country_code'],
        'place_country': detail['place_country'],
        'media_type': asset['media_type'],
        'camera_make': asset['camera_make'],
        'camera_model': asset['camera_model'],
        'trashed': asset['trashed_at'] is not None,
        'owner_archived': bool(state and state['archived']),
    }


async def fill(hearth: Hearth, owner_ids: list[uuid.UUID], count: int) -> dict[str, float]:
    """Bulk-insert the library and its words in one transaction; seconds spent on each part."""
    seconds = {'assets': 0.0, 'words': 0.0, 'index': 0.0}
    sqlite = hearth.db.is_sqlite
    async with hearth.db.engine.begin() as connection:
        if sqlite:
            await connection.execute(text('DROP TRIGGER search_documents_ai'))
            await connection.execute(text('DROP TRIGGER search_documents_scope'))
        else:
            await connection.execute(text('ALTER TABLE search_documents DISABLE TRIGGER search_documents_scope'))
        for asset_batch, details_batch, state_batch, documents in batches(owner_ids, count):
            start = time.perf_counter()
            await connection.execute(insert(Asset.__table__), asset_batch)
            await connection.execute(insert(AssetDetails.__table__), details_batch)
            if state_batch:
                await connection.execute(insert(AssetUserState.__table__), state_batch)
            middle = time.perf_counter()
            if sqlite:
                await connection.execute(insert(SearchDocument.__table__), documents)
            else:
                await _copy_documents(connection, documents)
            seconds['assets'] += middle - start
            seconds['words'] += time.perf_counter() - middle
        if sqlite:
            start = time.perf_counter()
            await connection.execute(text("INSERT INTO search_fts(search_fts) VALUES('rebuild')"))
            await connection.execute(text(MIGRATION.SQLITE[1]))  # the insert trigger, as the migration made it
            await connection.execute(text(SCOPE_MIGRATION.SQLITE[0]))
            seconds['index'] = time.perf_counter() - start
        else:
            await connection.execute(text('ALTER TABLE search_documents ENABLE TRIGGER search_documents_scope'))
    async with hearth.db.session() as session:
        await asset_queries.recount_library_months(session)
        await session.commit()
    start = time.perf_counter()
    await settle(hearth)
    seconds['settle'] = time.perf_counter() - start
    return seconds


async def _copy_documents(connection, documents: list[dict]) -> None:
    """PostgreSQL's COPY, which fills the generated tsvector and its GIN index as rows arrive."""
    columns = [name for name in documents[0]]
    raw = await connection.get_raw_connection()
    records = [tuple(document[name] for name in columns) for document in documents]
    await raw.driver_connection.copy_records_to_table('search_documents', records=records, columns=columns)


async def share(hearth: Hearth, members: list[Actor], count: int) -> list[uuid.UUID]:
    """Partners of the first member, and three spaces (two with the first member); the spaces' ids."""
    me = members[0]
    for partner in members[1 : PARTNERS + 1]:
        await sharing.share_library(hearth, partner, me.email)
    made = []
    for number, owner in enumerate(members[PARTNERS + 1 :]):
        space = await spaces.create_space(hearth, owner, f'Space {number}')
        if number < 2:
            await spaces.add_member(hearth, owner, space.id, me.email, 'viewer')
        async with hearth.db.session() as session:
            mine = select(AssetDetails.asset_id).where(AssetDetails.owner_id == owner.id)
            ids = list(await session.scalars(mine.order_by(AssetDetails.asset_id).limit(int(count * SPACE_SHARE))))
        for start in range(0, len(ids), 5000):
            await spaces.add_assets(hearth, owner, space.id, ids[start : start + 5000])
        made.append(space.id)
    return made


# ---- measuring ----------------------------------------------------------------------------------------------------

QUERIES = [
    ('a common label word', 'dog'),
    ('a rare word', RARE_WORD),
    ('two words', 'dog beach'),
    ('a place', 'Paris'),
    ('a year and a word', 'beach 2019'),
    ('a prefix', 'edinb'),
    ('a word found nowhere', 'qwertzuiop'),
]


async def measure(hearth: Hearth, members: list[Actor], space_id: uuid.UUID, repeat: int) -> list[list[object]]:
    me = members[0]
    rows = []
    for label, words in QUERIES:
        for order in search.ORDERS:
            query = Query(words)
            rows.append(await _timed(f'{label}: "{words}", {order}', query, order, hearth, me, repeat))
    common = Query('dog')
    rows.append(await _time_call('buckets "dog"', lambda: search.buckets(hearth, me, common), _months, repeat))
    rows.append(await _time_call('facets "dog"', lambda: search.facets(hearth, me, common), _facets, repeat))
    narrowed = Query('dog', narrowing=Narrowing(year=2019, place='country:GB'))
    rows.append(await _timed('"dog", narrowed to 2019 and GB', narrowed, 'relevance', hearth, me, repeat))
    for words in ('dog', 'beach 2019', 'lyo'):
        rows.append(
            await _timed(f'space: "{words}", relevance', Query(words, space_id), 'relevance', hearth, me, repeat)
        )
    return rows + await _baselines(hearth, members, repeat)


async def _timed(label: str, query: Query, order: str, hearth: Hearth, me: Actor, repeat: int) -> list[object]:
    def call():
        return search.search(hearth, me, query, order=order, limit=60)

    def answer(results: search.Results) -> str:
        unmatched = f', unmatched {" ".join(results.unmatched)}' if results.unmatched else ''
        return f'{"more than " if results.at_least else ""}{results.total:,} found{unmatched}'

    return await _time_call(label, call, answer, repeat)


def _months(found: list) -> str:
    return f'{len(found)} months'


def _facets(found: search.Facets) -> str:
    return f'{len(found.years)} years, {len(found.places)} countries, {len(found.cameras)} cameras'


async def _time_call(label: str, call, answer, repeat: int) -> list[object]:
    result = answer(await call())
    p50, p95 = p50_p95(await timings_ms(call, repeat))
    return [label, result, f'{p50:.1f}', f'{p95:.1f}']


async def _baselines(hearth: Hearth, members: list[Actor], repeat: int) -> list[list[object]]:
    """An indexed count of the rows the member's scope starts from (own and partners' libraries, by the owner
    index), and the full-text index's own count of "dog" over the whole library, without any scope."""
    owners = [member.id for member in members[: PARTNERS + 1]]
    in_scope = select(func.count()).select_from(AssetDetails).where(AssetDetails.owner_id.in_(owners))
    if hearth.db.is_sqlite:
        matched = text("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'dog'")
    else:
        matched = text("SELECT count(*) FROM search_documents WHERE tsv @@ to_tsquery('simple'::regconfig, 'dog')")
    rows = []
    for label, statement in (
        ('baseline: count(*) of own + partners (owner index)', in_scope),
        ('baseline: full-text count of "dog", no scope', matched),
    ):

        async def count(statement=statement) -> int:
            async with hearth.db.session() as session:
                return await session.scalar(statement)

        rows.append(await _time_call(label, count, lambda found: f'{found:,} rows', repeat))
    return rows


async def bench_one(count: int, database_url: str | None, repeat: int, workdir: Path) -> list[list]:
    parts: dict[str, float] = {}
    made: list[uuid.UUID] = []

    async def load(hearth: Hearth, members: list[Actor]) -> None:
        parts.update(await fill(hearth, [member.id for member in members], count))
        made.extend(await share(hearth, members, count))
        await settle(hearth)

    async with loaded_family(workdir, count, database_url, USERS, load) as (hearth, members):
        backend = hearth.db.engine.dialect.name
        print(f'{backend}: ' + ', '.join(f'{name} {value:.0f} s' for name, value in parts.items()), flush=True)
        print(f'load average before timing: {os.getloadavg()[0]:.2f}', flush=True)
        rows = await measure(hearth, members, made[0], repeat)
        print(f'load average after timing: {os.getloadavg()[0]:.2f}', flush=True)
    return [[backend, f'{count:,}', *row] for row in rows]


async def main(arguments: argparse.Namespace) -> None:
    rows = []
    for count in arguments.assets or [100_000]:
        rows += await bench_one(count, arguments.database_url, arguments.repeat, arguments.workdir)
    print(
        f'{arguments.repeat} runs each after 3 warm-up runs, as the first member (own + {PARTNERS} partners + 2 spaces)'
    )
    print_table(['database', 'assets', 'query', 'answer', 'p50 ms', 'p95 ms'], rows)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--assets', type=int, action='append', help='library size; repeat for several (default 100000)')
    parser.add_argument('--database-url', help='postgresql+asyncpg://... (default: SQLite in the work folder)')
    parser.add_argument('--repeat', type=int, default=30, help='measured runs per query (default 30)')
    parser.add_argument('--workdir', type=Path, default=OUT / 'search', help='where the data folders go')
    asyncio.run(main(parser.parse_args()))


if __name__ == '__main__':
    run()
