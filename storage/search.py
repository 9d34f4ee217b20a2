"""The words index (SPEC §8): each photo's words in `search_documents`, and the database's own full-text index over
them (migration 0021). The two databases are asked the same question in their own syntax: SQLite FTS5's MATCH,
ranked by bm25 with a weight per column, or PostgreSQL's tsquery over the weighted tsvector, ranked by ts_rank.

Words are folded (`domain.search.fold`) before they are stored and before they are asked for, so both databases
see the same plain lowercase tokens."""

import asyncio
import logging
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select, table, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.search import COUNTRY_ALIASES, When, document_text
from ml import places as ml_places
from storage.models import Asset, AssetDetails, AssetTag, SearchDocument
from storage.places import GEOCODER

# bm25 weights of words, place, read_text, labels, broader, file (SQLite); PostgreSQL weighs them A, B, B, C, D, D.
FTS_WEIGHTS = '10.0, 6.0, 5.0, 4.0, 1.5, 1.5'
TAGGER_COLUMNS = '{labels broader}'
_fts = table('search_fts')
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Term:
    """One way a query word may be found: its folded words (several: a phrase), as a prefix of longer words or not,
    and anywhere or only among what the image tagger saw (a label found by meaning: "puppy" is not in a caption
    that says "dog", but a dog the tagger saw is a puppy's answer)."""

    words: tuple[str, ...]
    prefix: bool = False
    tagger_only: bool = False


# ---- keeping the words ---------------------------------------------------------------------------------------------


def _upsert(session: AsyncSession):
    return postgresql_insert if session.bind.dialect.name == 'postgresql' else sqlite_insert


async def refresh_words(session: AsyncSession, asset_ids: Collection[uuid.UUID]) -> None:
    """Write again the words these photos' own details give: description and tags, place names (with the names
    people use around a place the geocoder named: `places_around`), camera and file name. What the models read
    (labels, text) stays."""
    if not asset_ids:
        return
    tags: dict[uuid.UUID, list[str]] = {}
    for asset_id, tag in await session.execute(
        select(AssetTag.asset_id, AssetTag.tag).where(AssetTag.asset_id.in_(asset_ids)).order_by(AssetTag.position)
    ):
        tags.setdefault(asset_id, []).append(tag)
    details = select(
        AssetDetails.asset_id,
        AssetDetails.description,
        AssetDetails.place_city,
        AssetDetails.place_county,
        AssetDetails.place_state,
        AssetDetails.place_country,
        AssetDetails.place_country_code,
        Asset.original_filename,
        Asset.camera_make,
        Asset.camera_model,
        AssetDetails.place_source,
        AssetDetails.latitude,
        AssetDetails.longitude,
    ).join(Asset, Asset.id == AssetDetails.asset_id)
    found = list(await session.execute(details.where(AssetDetails.asset_id.in_(asset_ids))))
    around = await places_around([(row[0], *row[-3:]) for row in found])
    rows = []
    for asset_id, description, city, county, state, country, code, filename, make, model, *_ in found:
        place = (city, county, state, country, *COUNTRY_ALIASES.get(code, ()), *around.get(asset_id, ()))
        rows.append(
            {
                'asset_id': asset_id,
                'words': document_text(description, *tags.get(asset_id, ())),
                'place': document_text(*place),
                'file': document_text(filename.rsplit('.', 1)[0], make, model),
            }
        )
    if rows:
        statement = _upsert(session)(SearchDocument).values(rows)
        changed = {name: statement.excluded[name] for name in ('words', 'place', 'file')}
        await session.execute(statement.on_conflict_do_update(index_elements=['asset_id'], set_=changed))


async def places_around(
    photos: Collection[tuple[uuid.UUID, str | None, float | None, float | None]],
) -> dict[uuid.UUID, tuple[str, ...]]:
    """For (asset id, place source, latitude, longitude) rows, the names around each place the geocoder named
    (`ml.places.Geocoder.around_many`: its county, a larger town it lies by), which search finds it by though the
    place shown does not say them. A place set by hand has none: its names are the person's. Looked up in a thread
    (the geocoder loads in about a second, once per process); when the lookup fails, none, as the place itself
    stays."""
    located = {
        asset_id: (latitude, longitude)
        for asset_id, source, latitude, longitude in photos
        if source == GEOCODER and latitude is not None and longitude is not None
    }
    if not located:
        return {}
    try:
        names = await asyncio.to_thread(lambda: ml_places.geocoder().around_many(list(located.values())))
    except Exception:  # a broken geocoder must not stop an edit
        log.exception('the geocoder could not name the places around %d photos', len(located))
        return {}
    return dict(zip(located, names, strict=True))


async def save_labels(session: AsyncSession, asset_id: uuid.UUID, labels: str, broader: str, model: str) -> None:
    """What the image tagger saw in a photo (folded words), and which model saw it."""
    await _save(session, asset_id, labels=labels, broader=broader, labels_model=model)


async def save_read_text(session: AsyncSession, asset_id: uuid.UUID, words: str, model: str) -> None:
    """The text read in a photo (folded words), and which model read it."""
    await _save(session, asset_id, read_text=words, text_model=model)


async def _save(session: AsyncSession, asset_id: uuid.UUID, **values) -> None:
    statement = _upsert(session)(SearchDocument).values(asset_id=asset_id, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=['asset_id'], set_=values))


def without_labels(model: str) -> Select:
    """Ids of photos the image tagger of this version has not read (no document, or another model's)."""
    read = select(SearchDocument.asset_id).where(SearchDocument.labels_model == model)
    return select(Asset.id).where(Asset.id.not_in(read))


def without_read_text(model: str) -> Select:
    read = select(SearchDocument.asset_id).where(SearchDocument.text_model == model)
    return select(Asset.id).where(Asset.id.not_in(read))


# ---- asking --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A full-text condition and its score (higher is better), over `search_documents` joined as the statement
    needs (`joined`)."""

    condition: ColumnElement[bool]
    score: ColumnElement[float]

    def joined(self, statement: Select, dialect: str) -> Select:
        if dialect == 'sqlite':
            return statement.join(_fts, literal_column('search_fts.rowid') == SearchDocument.doc_id)
        return statement


def match(dialect: str, words: Iterable[Iterable[Term]]) -> Match:
    """Photos with every word, each found by any of its terms."""
    groups = [list(terms) for terms in words]
    if dialect == 'sqlite':
        expression = ' AND '.join(f'({" OR ".join(map(_fts5, terms))})' for terms in groups)
        condition = literal_column('search_fts').op('MATCH')(expression)
        return Match(condition, -literal_column(f'bm25(search_fts, {FTS_WEIGHTS})'))
    expression = ' & '.join(f'({" | ".join(map(_tsquery, terms))})' for terms in groups)
    query = func.to_tsquery(text("'simple'::regconfig"), expression)
    tsv = literal_column('search_documents.tsv')
    return Match(tsv.op('@@')(query), func.ts_rank(tsv, query))


def holds(dialect: str, words: Iterable[Iterable[Term]]) -> ColumnElement[bool]:
    """Whether a photo's document (`search_documents`) has every word, as a condition that leaves the database free
    to read the documents by another index (the date's, newest first): on SQLite the full-text index's rowids as a
    list, which `doc_id + 0` keeps from leading."""
    found = match(dialect, words)
    if dialect == 'sqlite':
        rowids = select(literal_column('rowid')).select_from(_fts).where(found.condition)
        return (SearchDocument.doc_id + 0).in_(rowids)
    return found.condition


def _fts5(term: Term) -> str:
    phrase = '"' + ' '.join(term.words) + '"' + ('*' if term.prefix else '')
    return f'{TAGGER_COLUMNS} : {phrase}' if term.tagger_only else phrase


def _tsquery(term: Term) -> str:
    weights = ':CD' if term.tagger_only else ''
    parts = [f"'{word}'{weights}" for word in term.words]
    if term.prefix:
        parts[-1] = f"'{term.words[-1]}':*{weights[1:] if weights else ''}"
    return '(' + ' <-> '.join(parts) + ')' if len(parts) > 1 else parts[0]


async def has_any(session: AsyncSession, terms: Iterable[Term], among: ColumnElement[bool]) -> bool:
    """Whether any photo `among` (a condition on `search_documents`) has any of these terms."""
    dialect = session.bind.dialect.name
    found = match(dialect, [terms])
    statement = found.joined(select(SearchDocument.asset_id), dialect).where(found.condition, among).limit(1)
    if dialect == 'sqlite':
        return await session.scalar(statement) is not None
    # PostgreSQL guesses a word it has no statistics for is in a thousand photos, and so that reading the table
    # finds one soonest: for a word in none it read all (0.35 s at 1,000,000), where the full-text index answers
    # at once. This statement alone is kept from reading the table.
    await session.execute(text('SET LOCAL enable_seqscan = off'))
    try:
        return await session.scalar(statement) is not None
    finally:
        await session.execute(text('RESET enable_seqscan'))


# ---- filters ---------------------------------------------------------------------------------------------------------


def taken_when(
    when: When, month_key: ColumnElement = AssetDetails.month_key, taken_at: ColumnElement = AssetDetails.taken_at
) -> list[ColumnElement[bool]]:
    """`When` on `asset_details` (or the copies on `search_documents`): years and months from the month key (its
    index), days from the date taken."""
    conditions = []
    if when.years:
        conditions.append(or_(*(month_key.between(year * 100 + 1, year * 100 + 12) for year in when.years)))
    if when.months:
        conditions.append((month_key % 100).in_(sorted(when.months)))
    if when.days:
        day = func.extract('day', taken_at)
        conditions.append(or_(*(and_(month_key % 100 == month, day == number) for month, number in sorted(when.days))))
    return conditions
