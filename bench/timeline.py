"""Timeline latency on a large library, against a bare count of the user's assets as the baseline.

    python -m bench.timeline --assets 100000 [--assets 1000000] [--users 5] [--database-url URL] [--repeat 50]
                             [--partners 3] [--albums 20 [--album-size 250]]

The library is bulk-inserted (no files): assets spread over 20 years across the users, the first of whom is
measured. With --database-url (PostgreSQL), a database of its own is created beside the given one and dropped after.
With --partners and --albums, the first member's timeline is measured again once that many members share their
libraries with them and that many albums of the other members are shared with them; the ratio to the own-only
timeline measured in the same run is the figure.
"""

import argparse
import asyncio
import random
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import Uuid, bindparam, func, insert, make_url, select, text

from bench.common import OUT, p50_p95, print_table, started_hearth, timings_ms
from services import accounts, albums, assets, sharing
from services.accounts import Actor
from services.runtime import Hearth
from storage import assets as queries
from storage import timeline_cache
from storage.models import AlbumAsset, Asset, AssetDetails, AssetUserState
from storage.references import add_references

FIRST_YEAR, YEARS = 2006, 20
BATCH = 20_000
TARGETS_MS = {100_000: 50, 1_000_000: 300}  # timeline_buckets p50 on SQLite
CAMERAS = [
    ('Apple', 'iPhone 13', 'iPhone 13 back camera 5.1mm f/1.6'),
    ('Google', 'Pixel 7', None),
    ('Canon', 'Canon EOS 80D', 'EF-S18-135mm f/3.5-5.6 IS USM'),
    ('SONY', 'ILCE-7M3', 'FE 35mm F1.8'),
]
MONTH_WEIGHTS = [6, 5, 6, 8, 9, 11, 14, 15, 9, 8, 6, 12]  # summers and Decembers are busier


# ---- the library --------------------------------------------------------------------------------------------------


def random_taken_at(rng: random.Random) -> datetime:
    """Busier in recent years (a family takes more photos as phones improve) and in holiday months."""
    year = FIRST_YEAR + rng.choices(range(YEARS), weights=range(1, YEARS + 1))[0]
    month = rng.choices(range(1, 13), weights=MONTH_WEIGHTS)[0]
    return datetime(year, month, 1) + timedelta(seconds=rng.randrange(28 * 86400))


def asset_rows(rng: random.Random, owner_id: uuid.UUID, number: int) -> tuple[dict, dict, dict | None]:
    """One asset's rows in `assets`, `asset_details` and (for a few percent) `asset_user_state`."""
    asset_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    taken_at = random_taken_at(rng)
    video = rng.random() < 0.06
    make, model, lens = rng.choice(CAMERAS)
    latitude, longitude = (rng.uniform(43, 51), rng.uniform(-1, 8)) if rng.random() < 0.35 else (None, None)
    trashed_at = datetime.now(UTC) - timedelta(days=rng.randrange(30)) if rng.random() < 0.005 else None
    asset = {
        'id': asset_id,
        'owner_id': owner_id,
        'checksum': f'{rng.getrandbits(160):040x}',
        'original_path': f'originals/{owner_id.hex}/{asset_id.hex[:2]}/{asset_id.hex}{".mp4" if video else ".jpg"}',
        'original_filename': f'{"VID" if video else "IMG"}_{number:07d}.{"MP4" if video else "JPG"}',
        'file_size': rng.randrange(20_000_000, 200_000_000) if video else rng.randrange(1_500_000, 6_000_000),
        'mime_type': 'video/mp4' if video else 'image/jpeg',
        'media_type': 'video' if video else 'image',
        'width': 1920 if video else 4032,
        'height': 1080 if video else 3024,
        'duration_seconds': rng.uniform(3, 90) if video else None,
        'orientation': None if video else rng.choice((1, 1, 1, 6)),
        'exif_taken_at': taken_at,
        'exif_utc_offset_minutes': 120 if 4 <= taken_at.month <= 10 else 60,
        'exif_latitude': latitude,
        'exif_longitude': longitude,
        'exif_altitude': rng.uniform(0, 900) if latitude is not None else None,
        'camera_make': make,
        'camera_model': model,
        'lens_model': lens,
        'exposure_time': None if video else rng.choice(('1/60', '1/125', '1/500')),
        'f_number': None if video else rng.choice((1.6, 1.8, 2.8, 5.6)),
        'iso': None if video else rng.choice((50, 100, 200, 800)),
        'focal_length_mm': None if video else rng.choice((5.1, 24.0, 35.0)),
        'uploaded_at': (taken_at + timedelta(days=rng.randrange(30))).replace(tzinfo=UTC),
        'trashed_at': trashed_at,
        'trashed_by_id': owner_id if trashed_at else None,
        'trashed_from': 'timeline' if trashed_at else None,
    }
    details = {
        'asset_id': asset_id,
        'owner_id': owner_id,
        'taken_at': taken_at,
        'utc_offset_minutes': asset['exif_utc_offset_minutes'],
        'month_key': taken_at.year * 100 + taken_at.month,
        'latitude': latitude,
        'longitude': longitude,
    }
    return asset, details, user_state(rng, owner_id, asset_id)


def user_state(rng: random.Random, user_id: uuid.UUID, asset_id: uuid.UUID) -> dict | None:
    """About 4% favorites (some rated), 1% archived; the rest have no row, as in a real library."""
    draw = rng.random()
    if draw >= 0.05:
        return None
    favorite, archived = draw < 0.04, draw >= 0.04
    rating = rng.choice((0, 3, 4, 5)) if favorite else 0
    return {
        'user_id': user_id,
        'asset_id': asset_id,
        'owner_id': user_id,
        'favorite': favorite,
        'rating': rating,
        'archived': archived,
        'updated_at': datetime.now(UTC),
    }


def batches(owner_ids: list[uuid.UUID], count: int) -> Iterator[tuple[list[dict], list[dict], list[dict]]]:
    rng = random.Random(2024)
    for start in range(0, count, BATCH):
        rows = [asset_rows(rng, owner_ids[n % len(owner_ids)], n) for n in range(start, min(count, start + BATCH))]
        yield [row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows if row[2]]


async def fill(hearth: Hearth, owner_ids: list[uuid.UUID], count: int) -> None:
    """Bulk-insert the library in one transaction, bypassing ingest."""
    async with hearth.db.engine.begin() as connection:
        for asset_batch, details_batch, state_batch in batches(owner_ids, count):
            await connection.execute(insert(Asset.__table__), asset_batch)
            await connection.execute(insert(AssetDetails.__table__), details_batch)
            if state_batch:
                await connection.execute(insert(AssetUserState.__table__), state_batch)
    async with hearth.db.session() as session:
        await queries.recount_library_months(session)
        await session.commit()
    await settle(hearth)


async def settle(hearth: Hearth) -> None:
    """What a running instance soon does by itself: SQLite checkpoints its WAL, PostgreSQL's autovacuum runs."""
    async with hearth.db.engine.connect() as connection:
        connection = await connection.execution_options(isolation_level='AUTOCOMMIT')
        await connection.execute(text('PRAGMA wal_checkpoint(TRUNCATE)' if hearth.db.is_sqlite else 'VACUUM ANALYZE'))


# ---- databases ----------------------------------------------------------------------------------------------------


@asynccontextmanager
async def fresh_database(database_url: str | None) -> AsyncIterator[str | None]:
    """None (SQLite in the data folder) or a new PostgreSQL database next to `database_url`, dropped afterwards."""
    if database_url is None:
        yield None
        return
    name = f'hearth_bench_{uuid.uuid4().hex[:12]}'
    await admin_sql(database_url, f'CREATE DATABASE {name}')
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin_sql(database_url, f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')


@asynccontextmanager
async def loaded_family(
    workdir: Path, count: int, database_url: str | None, users: int, load: Callable[[Hearth, list[Actor]], Awaitable]
) -> AsyncIterator[tuple[Hearth, list[Actor]]]:
    """A started Hearth on a fresh data folder (and database) with `users` members, their library made by `load`
    (and its time printed); stopped, and its PostgreSQL database dropped, afterwards."""
    data_dir = workdir / ('sqlite' if database_url is None else 'postgresql') / f'{count}'
    shutil.rmtree(data_dir, ignore_errors=True)
    async with fresh_database(database_url) as url:
        hearth = await started_hearth(data_dir, url)
        try:
            members = [
                await accounts.create_user(hearth, None, f'member{n}@example.com', f'Member {n}', 'bench password')
                for n in range(users)
            ]
            start = time.perf_counter()
            await load(hearth, members)
            backend = hearth.db.engine.dialect.name
            print(f'{backend}: {count:,} assets loaded in {time.perf_counter() - start:.0f} s', flush=True)
            yield hearth, members
        finally:
            await hearth.stop()


async def admin_sql(database_url: str, sql: str) -> None:
    connection = await asyncpg.connect(make_url(database_url).set(drivername='postgresql').render_as_string(False))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


# ---- measuring ----------------------------------------------------------------------------------------------------

COUNT_MINE = text('SELECT count(*) FROM assets WHERE owner_id = :me').bindparams(bindparam('me', type_=Uuid()))


async def measure(hearth: Hearth, actor: Actor, repeat: int) -> list[list[object]]:
    """Rows of the results table: each query, what it returned, p50 and p95 in milliseconds."""
    buckets = await assets.timeline_buckets(hearth, actor, 'timeline')
    month, month_count = buckets[len(buckets) // 2]

    async def count_mine() -> int:
        async with hearth.db.session() as session:
            return await session.scalar(COUNT_MINE, {'me': actor.id})

    async def buckets_after_a_sharing_change():
        timeline_cache.shared_extras.clear()  # as when the sharing counter has moved since the last read
        return await assets.timeline_buckets(hearth, actor)

    queries = [
        ('timeline_buckets(timeline)', f'{len(buckets)} months', lambda: assets.timeline_buckets(hearth, actor)),
        ('timeline_buckets, cold (sharing changed)', f'{len(buckets)} months', buckets_after_a_sharing_change),
        (f'timeline_bucket({month})', f'{month_count} assets', lambda: assets.timeline_bucket(hearth, actor, month)),
        ('baseline: SELECT count(*) ... owner_id = :me', f'{await count_mine()} assets', count_mine),
    ]
    rows = []
    for label, result, call in queries:
        p50, p95 = p50_p95(await timings_ms(call, repeat))
        rows.append([label, result, f'{p50:.1f}', f'{p95:.1f}'])
    return rows


async def bench_one(count: int, users: int, database_url: str | None, repeat: int, workdir: Path, grants) -> list[list]:
    async def load(hearth: Hearth, members: list[Actor]) -> None:
        await fill(hearth, [member.id for member in members], count)

    async with loaded_family(workdir, count, database_url, users, load) as (hearth, members):
        backend = hearth.db.engine.dialect.name
        rows = await measure(hearth, members[0], repeat)
        if grants.partners or grants.albums:
            own_p50 = (float(rows[0][2]), float(rows[1][2]))
            rows += await measure_with_grants(hearth, members, grants, repeat, own_p50)
    check_target(backend, count, float(rows[0][2]))
    return [[backend, f'{count:,} / {users} users', *row] for row in rows]


async def measure_with_grants(hearth: Hearth, members: list[Actor], grants, repeat: int, own_p50: tuple[float, float]):
    """The first member's timeline once `partners` other members share their libraries with them (SPEC §4) and
    `albums` albums of the others are shared with them (SPEC §5)."""
    me, partners = members[0], members[1 : grants.partners + 1]
    for partner in partners:
        await sharing.share_library(hearth, partner, me.email)
    album_owners = members[grants.partners + 1 :] or members[1:]
    for number in range(grants.albums):
        await shared_album(hearth, album_owners[number % len(album_owners)], me, number, grants.album_size)
    await settle(hearth)
    rows = await measure(hearth, me, repeat)
    label = f'{len(partners)} partners + {grants.albums} albums'
    for row, own in zip(rows[:2], own_p50, strict=True):
        print(f'{row[0]} with {label} / own only: {float(row[2]) / own:.2f}x (target <= 2x)', flush=True)
    if grants.explain:
        await explain_buckets(hearth, me)
    return [[f'{name} + {label}', result, p50, p95] for name, result, p50, p95 in rows[:3]]


async def shared_album(hearth: Hearth, owner: Actor, member: Actor, number: int, size: int) -> None:
    """An album of `size` of the owner's photos, from a few events (runs of consecutive days), shared at 'known'; the
    member shows it on their timeline (SPEC §8: off until they choose)."""
    album = await albums.create_album(hearth, owner, f'Album {number}')
    await albums.share_album(hearth, owner, album.id, member.email)
    await albums.show_in_timeline(hearth, member, album.id, True)
    async with hearth.db.session() as session:
        library = select(AssetDetails.asset_id).where(AssetDetails.owner_id == owner.id)
        owned = await session.scalar(select(func.count()).select_from(library.subquery()))
        start = number * 7919 % max(1, owned - size)
        ids = list(await session.scalars(library.order_by(AssetDetails.taken_at).offset(start).limit(size)))
        await add_references(session, AlbumAsset, album.id, ids, owner.id)
        await session.commit()


async def explain_buckets(hearth: Hearth, actor: Actor) -> None:
    """The database's plan and timing for each statement behind the month buckets."""
    prefix = 'EXPLAIN QUERY PLAN ' if hearth.db.is_sqlite else 'EXPLAIN (ANALYZE, BUFFERS) '
    async with hearth.db.session() as session:
        for statement in [queries.timeline_month_totals(actor.id)]:
            compiled = statement.compile(hearth.db.engine, compile_kwargs={'literal_binds': True})
            print('\n'.join(str(row[-1]) for row in await session.execute(text(prefix + str(compiled)))), flush=True)
            print('-' * 40)


def check_target(backend: str, count: int, buckets_p50: float) -> None:
    if backend == 'sqlite' and count in TARGETS_MS:
        verdict = 'met' if buckets_p50 < TARGETS_MS[count] else 'MISSED'
        print(f'target: timeline_buckets p50 < {TARGETS_MS[count]} ms at {count:,} on SQLite -> {verdict}')


async def main(arguments: argparse.Namespace) -> None:
    rows = []
    for count in arguments.assets or [100_000]:
        rows += await bench_one(
            count, arguments.users, arguments.database_url, arguments.repeat, arguments.workdir, arguments
        )
    print(f'{arguments.repeat} runs each after 3 warm-up runs, for the first member (owns 1/{arguments.users})')
    print_table(['database', 'assets', 'query', 'result', 'p50 ms', 'p95 ms'], rows)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--assets', type=int, action='append', help='library size; repeat for several (default 100000)')
    parser.add_argument('--users', type=int, default=5, help='members sharing the library (default 5)')
    parser.add_argument('--database-url', help='postgresql+asyncpg://... (default: SQLite in the work folder)')
    parser.add_argument('--partners', type=int, default=0, help='members sharing their library with the first')
    parser.add_argument('--albums', type=int, default=0, help="other members' albums shared with the first")
    parser.add_argument('--album-size', type=int, default=250, help='assets per shared album (default 250)')
    parser.add_argument('--repeat', type=int, default=50, help='measured runs per query (default 50)')
    parser.add_argument('--explain', action='store_true', help="print the database's plans of the bucket queries")
    parser.add_argument('--workdir', type=Path, default=OUT / 'timeline', help='where the data folders go')
    asyncio.run(main(parser.parse_args()))


if __name__ == '__main__':
    run()
