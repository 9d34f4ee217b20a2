"""Search (SPEC §8): one query over everything I can see, or over one space, scoped in SQL before anything is ranked.

Everything I can see is my own library, every partner's (shown on my timeline or not: SPEC §4, "partner assets
appear in the partner's search results"), the spaces I am a member of and the albums shared with me -- the set that
`storage.access.is_visible` admits, less the trash. A space's search is that space's photos, for its members (404 for
anyone else). A link's guest searches nothing.

A query is understood first (`domain.search.understand`): dates, the names of the people I see, videos and favorites
become filters; the remaining words must each be found in a photo's words (`storage.search`): as written, or, when
no photo I may see has that exact word, as the start of a longer one ("edinb"). A word found nowhere in the scope is
left out and said so ("kids" in "kids at the beach"), rather than emptying the results."""

import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, Select, String, case, cast, false, func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain import search as rules
from domain.assets import month_label, parse_month
from domain.errors import InvalidInput
from domain.search import Understood
from domain.spaces import SpaceAction, require_space
from ml.text_embedding import whole_words
from services import albums, clip_search, identities, meaning, places, spaces
from services.accounts import Actor
from services.places import PlaceFilter
from services.runtime import Hearth
from storage import access
from storage import identities as identity_queries
from storage import search as queries
from storage import spaces as space_queries
from storage.assets import TimelineItem, neighbours_by_date, timeline_columns
from storage.models import Asset, AssetDetails, AssetUserState, SearchDocument
from storage.search import Term

ORDERS = ('relevance', 'date')
MEDIA = {'photo': 'image', 'video': 'video'}  # as people say it: as assets store it
MAX_PAGE = 200
MIN_PREFIX = 2
# How many photos a search with words counts and sorts; beyond, it says "more than 10,000" and may read them
# newest first by the date index (`_words_page`).
COUNTED = 10_000


@dataclass(frozen=True)
class Narrowing:
    """Facets chosen on the results page: a year, a place ('country:GB', 'city:GB/Edinburgh'), photos or videos."""

    year: int | None = None
    place: str | None = None
    media: str | None = None
    camera: str | None = None  # a camera model, as the facet gives it

    def __post_init__(self):
        if self.media is not None and self.media not in MEDIA:
            raise InvalidInput(f'Media is one of {", ".join(MEDIA)}')
        PlaceFilter.parse(self.place)


@dataclass(frozen=True)
class Query:
    """What someone asked, in a scope (None: everything I can see; or one space)."""

    text: str
    space_id: uuid.UUID | None = None
    narrowing: Narrowing = Narrowing()
    more: bool = False  # also what only looks like what was asked ("puppy": the dogs the tagger saw)


@dataclass(frozen=True)
class Row:
    """Where a search reads each photo's id, date and month: its words' row when it has words to match (the scope is
    judged there too, on the copies the database keeps), its details otherwise."""

    asset_id: ColumnElement
    taken_at: ColumnElement
    month_key: ColumnElement


DOCUMENT = Row(SearchDocument.asset_id, SearchDocument.taken_at, SearchDocument.month_key)
DETAILS = Row(AssetDetails.asset_id, AssetDetails.taken_at, AssetDetails.month_key)


@dataclass(frozen=True)
class Plan:
    """A query made ready to run: the filters and the terms of each word found in the scope."""

    understood: Understood
    row: Row
    words: tuple[tuple[Term, ...], ...]
    unmatched: tuple[str, ...]
    conditions: tuple[ColumnElement[bool], ...]
    wider: tuple[tuple[Term, ...], ...] | None = None  # the words with their look-alikes too, if any has some
    first: tuple[tuple[Term, ...], ...] | None = None  # widened: the words themselves, whose photos rank first
    empty: bool = False  # nothing asked: no word, no filter, no facet
    details: bool = False  # a condition reads the photo's details or asset row (a place, a camera, videos)
    looks: tuple[uuid.UUID, ...] | None = None  # what an installed CLIP model sees for the words no photo holds


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facets:
    years: list[Facet]
    places: list[Facet]
    cameras: list[Facet]
    media: list[Facet]


@dataclass(frozen=True)
class Results:
    understood: Understood
    unmatched: tuple[str, ...]
    total: int
    items: list[TimelineItem]
    more: int = 0  # found by look-alikes alone: shown when asked for (`Query.more`)
    at_least: bool = False  # the query finds more than `total`: counting stopped there (`COUNTED`)


# ---- planning ------------------------------------------------------------------------------------------------------


async def _plan(hearth: Hearth, session: AsyncSession, actor: Actor, query: Query) -> Plan:
    if len(query.text) > rules.MAX_QUERY_LENGTH:
        raise InvalidInput(f'A search is at most {rules.MAX_QUERY_LENGTH} characters')
    names = await _people_names(session, actor)
    understood = rules.understand(query.text, names, date.today())
    row = DOCUMENT if understood.words else DETAILS
    scope = await _scope(session, actor, query.space_id, row)
    narrowed = _narrowed(query.narrowing, row)
    conditions = [scope, *queries.taken_when(understood.when, row.month_key, row.taken_at), *narrowed]
    if understood.videos:
        conditions.append(Asset.media_type == MEDIA['video'])
    if understood.favorites:
        favorites = select(AssetUserState.asset_id).where(
            AssetUserState.user_id == actor.id, AssetUserState.favorite.is_(True)
        )
        conditions.append(row.asset_id.in_(favorites))
    if understood.people:
        groups = await identities.expand(session, actor, [ids[0] for ids in understood.people])
        conditions.append(row.asset_id.in_(identity_queries.assets_with_each(groups)))
    words, wider, unmatched = [], [], []
    for index, word in enumerate(understood.words):
        best, alike = await _terms(session, word, scope)
        best += await _other_forms(session, understood.words, index, scope)
        if best:
            words.append(best)
            wider.append(best + alike)
        else:
            unmatched.append(word)
    widened = tuple(wider) if wider != words else None
    first = None
    if query.more and widened:
        words, widened, first = list(widened), None, tuple(words)
    empty = understood.empty and query.narrowing == Narrowing()
    narrowing = query.narrowing
    details = understood.videos or any(
        value is not None for value in (narrowing.place, narrowing.media, narrowing.camera)
    )
    looks = await _looks(hearth, session, actor, query.space_id, understood.words) if unmatched else None
    unmatched = () if looks else tuple(unmatched)
    return Plan(understood, row, tuple(words), unmatched, tuple(conditions), widened, first, empty, details, looks)


async def _looks(
    hearth: Hearth, session: AsyncSession, actor: Actor, space_id: uuid.UUID | None, words: tuple[str, ...]
) -> tuple[uuid.UUID, ...] | None:
    """When some words are in no photo's words ("sunset": no tagger class says it), the photos an installed CLIP
    model finds most like the whole query, in scope, best first; None without a model, or when it finds none."""
    found = await clip_search.ranked(hearth, session, actor, space_id, ' '.join(words))
    return tuple(asset_id for asset_id, _ in found) if found else None


async def _scope(session: AsyncSession, actor: Actor, space_id: uuid.UUID | None, row: Row) -> ColumnElement[bool]:
    """Everything I can see, or one space's photos: a condition on the words' row, or on `assets` joined with
    `asset_details`."""
    on_document = row is DOCUMENT
    if space_id is None:
        return access.is_visible_document(actor.id) if on_document else access.is_visible(actor.id)
    require_space(SpaceAction.VIEW, await space_queries.member_role(session, space_id, actor.id))
    return space_queries.in_space_document(space_id) if on_document else space_queries.in_space(space_id)


async def _people_names(session: AsyncSession, actor: Actor) -> dict[str, tuple[uuid.UUID, ...]]:
    """The names of the people I see, by the name I know each by (Global People), with one person id each."""
    seen = await identities.resolved_for(session, actor)
    return rules.people_names((view.name, view.id) for view in seen if view.name)


async def _terms(
    session: AsyncSession, word: str, scope: ColumnElement[bool]
) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """How a word is looked for, and its look-alikes kept for "more": as written, if a photo in scope has it (and
    then the tagger's words that mean the same, "puppy": dog, are more); else by those look-alikes; else as the
    start of a longer word ("edinb"). Nothing, nothing: the word is found nowhere."""
    exact = (Term((word,)),)
    alike = tuple(Term((other,), tagger_only=True) for other in await meaning.near(word))
    alike = alike if alike and await queries.has_any(session, alike, scope) else ()
    if await queries.has_any(session, exact, scope):
        return exact, alike
    if alike:
        return alike, ()
    prefix = (Term((word,), prefix=True),)
    if _typed_in_part(word) and await queries.has_any(session, prefix, scope):
        return prefix, ()
    return (), ()


async def _other_forms(
    session: AsyncSession, words: tuple[str, ...], index: int, scope: ColumnElement[bool]
) -> tuple[Term, ...]:
    """The word's singular or plural ('books': book) and the word run together with its neighbour ('let us c':
    'usc', as the text reader reads a cover), when a photo in scope has them: alternatives to the word."""
    word = words[index]
    others = tuple(Term((other,)) for other in (*rules.word_forms(word), *rules.run_together(words, index)))
    return others if others and await queries.has_any(session, others, scope) else ()


def _typed_in_part(word: str) -> bool:
    """Whether a word may be the start of a longer one: not a whole word ("cat" is one, and must not find Catalonia;
    "edinb" is not)."""
    return len(word) >= MIN_PREFIX and word not in whole_words()


def _narrowed(narrowing: Narrowing, row: Row) -> list[ColumnElement[bool]]:
    conditions = []
    if narrowing.year is not None:
        year = rules.When(years=frozenset({narrowing.year}))
        conditions.extend(queries.taken_when(year, row.month_key, row.taken_at))
    if place := PlaceFilter.parse(narrowing.place):
        conditions.append(place.condition())
    if narrowing.media is not None:
        conditions.append(Asset.media_type == MEDIA[narrowing.media])
    if narrowing.camera is not None:
        conditions.append(Asset.camera_model == narrowing.camera)
    return conditions


def _found(
    session: AsyncSession, plan: Plan, *columns, details: bool = False, by_date: bool = False
) -> tuple[Select, tuple[ColumnElement, ...]]:
    """The photos the plan finds, with these columns (of the plan's row; of `asset_details` and `assets` too when
    `details`), and what ranks them, best first: the words themselves before their look-alikes, then the full-text
    score. `by_date`: unranked, leaving the database to read the words' rows newest first by their date index."""
    if plan.row is DETAILS:
        statement = select(*columns).select_from(AssetDetails).join(Asset, Asset.id == AssetDetails.asset_id)
        return statement.where(*plan.conditions), ()
    statement = select(*columns).select_from(SearchDocument)
    if details or plan.details:
        statement = statement.join(AssetDetails, AssetDetails.asset_id == SearchDocument.asset_id).join(
            Asset, Asset.id == SearchDocument.asset_id
        )
    statement = statement.where(*plan.conditions)
    looked = ()
    if plan.looks is not None:
        statement = statement.where(plan.row.asset_id.in_(plan.looks))
        looked = (-case({asset_id: rank for rank, asset_id in enumerate(plan.looks)}, value=plan.row.asset_id),)
    if not plan.words:
        return (statement, looked) if plan.looks is not None else (statement.where(false()), ())  # nothing found
    dialect = session.bind.dialect.name
    if by_date:
        return statement.where(queries.holds(dialect, plan.words)), ()
    found = queries.match(dialect, plan.words)
    first = () if plan.first is None else (queries.holds(dialect, plan.first),)
    statement = found.joined(statement, dialect).where(found.condition)
    return statement, (*first, *looked, found.score)


# ---- running ---------------------------------------------------------------------------------------------------------


async def search(
    hearth: Hearth, actor: Actor, query: Query, order: str = 'relevance', limit: int = 60, offset: int = 0
) -> Results:
    """One page of what the query finds, best first (or newest first), with how many it finds in all."""
    if order not in ORDERS:
        raise InvalidInput(f'Order is one of {", ".join(ORDERS)}')
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f'A page holds 1 to {MAX_PAGE} results, from an offset of 0 or more')
    async with hearth.db.session() as session:
        plan = await _plan(hearth, session, actor, query)
        if plan.empty:
            return Results(plan.understood, plan.unmatched, 0, [])
        if plan.row is DOCUMENT:
            page, total, at_least = await _words_page(session, plan, order == 'relevance', limit, offset)
        else:
            (page, total), at_least = await _page(session, plan, order == 'relevance', limit, offset), False
        more = 0 if at_least else await _more(session, plan, total)  # beside so many, look-alikes can wait
        items = await _items(session, actor.id, page)
    return Results(plan.understood, plan.unmatched, total, items, more, at_least)


async def _page(
    session: AsyncSession, plan: Plan, by_relevance: bool, limit: int, offset: int, cap: int | None = None
) -> tuple[list[uuid.UUID], int]:
    """One page of what the plan finds and how many it finds in all (of the first `cap` matches in the index's
    order, when given), from one pass over the matches: they are gathered once (materialised: SQLite's bm25 cannot
    sit beside a window function), then counted and sorted."""
    row = plan.row
    found, ranks = _found(session, plan, row.asset_id.label('id'), row.taken_at.label('taken'))
    ranks = ranks if by_relevance else ()
    found = found.add_columns(*(rank.label(f'rank{number}') for number, rank in enumerate(ranks)))
    found = found if cap is None else found.limit(cap)
    gathered = found.cte('found').prefix_with('MATERIALIZED')
    rows = gathered.c
    total = select(func.count()).select_from(gathered).scalar_subquery()
    order = (*(rows[f'rank{number}'].desc() for number in range(len(ranks))), rows.taken.desc(), rows.id.desc())
    statement = select(rows.id, total).order_by(*order).limit(limit).offset(offset)
    page = (await session.execute(statement)).all()
    if page:
        return [row.id for row in page], page[0][1]
    counted = select(func.count()).select_from(found.subquery())
    return [], await session.scalar(counted) or 0


async def _words_page(
    session: AsyncSession, plan: Plan, by_relevance: bool, limit: int, offset: int
) -> tuple[list[uuid.UUID], int, bool]:
    """One page of what a query with words finds, how many, and whether that is only "at least". The first
    `COUNTED` + 1 matches in the full-text index's order are gathered, counted and sorted: most often all of them.
    Past that, when nothing but the words and the scope narrows them, the photos are read newest first by the date
    index until the page is full (the best match too: among so many, each holds the words) -- "dog" in 200,000 of
    1,000,000 photos took 0.6 s to score and sort; otherwise every match is gathered and sorted."""
    page, total = await _page(session, plan, by_relevance, limit, offset, cap=COUNTED + 1)
    if total <= COUNTED:
        return page, total, False
    if len(plan.conditions) > 1 or plan.details or plan.first is not None or plan.looks is not None:
        page, total = await _page(session, plan, by_relevance, limit, offset)
        return page, total, False
    row = plan.row
    by_date, _ = _found(session, plan, row.asset_id, by_date=True)
    newest = by_date.order_by(row.taken_at.desc(), row.asset_id.desc()).limit(limit).offset(offset)
    return list(await session.scalars(newest)), COUNTED, True


async def _more(session: AsyncSession, plan: Plan, total: int) -> int:
    """How many more the look-alikes would find."""
    if plan.wider is None:
        return 0
    wider, _ = _found(session, replace(plan, words=plan.wider, wider=None), plan.row.asset_id)
    return (await session.scalar(select(func.count()).select_from(wider.subquery())) or 0) - total


async def _items(session: AsyncSession, viewer_id: uuid.UUID, ids: list[uuid.UUID]) -> list[TimelineItem]:
    """The grid's view of these photos, in this order."""
    if not ids:
        return []
    statement = (
        select(*timeline_columns())
        .select_from(AssetDetails)
        .join(Asset, Asset.id == AssetDetails.asset_id)
        .outerjoin(
            AssetUserState,
            (AssetUserState.asset_id == AssetDetails.asset_id) & (AssetUserState.user_id == viewer_id),
        )
        .where(AssetDetails.asset_id.in_(ids))
    )
    found = {row[0]: TimelineItem(*row) for row in await session.execute(statement)}
    return [found[asset_id] for asset_id in ids if asset_id in found]


async def buckets(hearth: Hearth, actor: Actor, query: Query) -> list[tuple[str, int]]:
    """What the query finds as a timeline: its months, newest first, with counts."""
    async with hearth.db.session() as session:
        plan = await _plan(hearth, session, actor, query)
        if plan.empty:
            return []
        per_month, _ = _found(session, plan, plan.row.month_key, func.count())
        rows = await session.execute(per_month.group_by(plan.row.month_key))
    return [(month_label(month), count) for month, count in sorted(rows.all(), reverse=True) if count]


async def bucket(hearth: Hearth, actor: Actor, query: Query, month: str) -> list[TimelineItem]:
    """One month of what the query finds, newest first."""
    key = parse_month(month)
    async with hearth.db.session() as session:
        plan = await _plan(hearth, session, actor, query)
        if plan.empty:
            return []
        row = plan.row
        ids, _ = _found(session, plan, row.asset_id)
        ids = ids.where(row.month_key == key).order_by(row.taken_at.desc(), row.asset_id.desc())
        return await _items(session, actor.id, list(await session.scalars(ids)))


async def facets(hearth: Hearth, actor: Actor, query: Query) -> Facets:
    """What the results hold, to narrow them: years, places, cameras, photos or videos, each with a count. One
    statement: the search runs once, into a materialised set that the four tallies read."""
    async with hearth.db.session() as session:
        plan = await _plan(hearth, session, actor, query)
        if plan.empty:
            return Facets([], [], [], [])
        # With words, the words' row carries copies of the place, camera and media type; else the photo's rows.
        on_document = plan.row is DOCUMENT
        places, assets = (SearchDocument, SearchDocument) if on_document else (AssetDetails, Asset)
        columns = (
            (plan.row.month_key // 100).label('year'),
            places.place_country_code.label('code'),
            places.place_country.label('country'),
            assets.camera_make.label('make'),
            assets.camera_model.label('model'),
            assets.media_type.label('media'),
        )
        found, _ = _found(session, plan, *columns)
        rows = found.cte('found').prefix_with('MATERIALIZED').c
        count = func.count()
        tallies = union_all(
            select(literal('year'), cast(rows.year, String), null(), count).group_by(rows.year),
            select(literal('place'), rows.code, func.max(rows.country), count)
            .where(rows.code.is_not(None))
            .group_by(rows.code),
            select(literal('camera'), rows.model, func.max(rows.make), count)
            .where(rows.model.is_not(None))
            .group_by(rows.model),
            select(literal('media'), rows.media, null(), count).group_by(rows.media),
        )
        tallied: dict[str, list[tuple]] = {}
        for kind, value, name, counted in await session.execute(tallies):
            tallied.setdefault(kind, []).append((value, name, counted))
    return Facets(
        _years(tallied.get('year', [])),
        _places(tallied.get('place', [])),
        _cameras(tallied.get('camera', [])),
        _media(tallied.get('media', [])),
    )


def _years(rows: list[tuple]) -> list[Facet]:
    years = sorted(((int(value), counted) for value, _, counted in rows), reverse=True)
    return [Facet(str(year), str(year), counted) for year, counted in years]


def _places(rows: list[tuple]) -> list[Facet]:
    found = [Facet(str(PlaceFilter(code)), country or code, counted) for code, country, counted in rows]
    return sorted(found, key=lambda facet: (-facet.count, facet.label))


def _cameras(rows: list[tuple]) -> list[Facet]:
    found = [Facet(model, _camera_label(make, model), counted) for model, make, counted in rows]
    return sorted(found, key=lambda facet: (-facet.count, facet.label))


def _camera_label(make: str | None, model: str) -> str:
    make = (make or '').strip()
    return model if not make or model.lower().startswith(make.lower().split()[0]) else f'{make} {model}'


def _media(rows: list[tuple]) -> list[Facet]:
    stored = {value: counted for value, _, counted in rows}
    labels = {'photo': 'Photos', 'video': 'Videos'}
    return [Facet(said, labels[said], stored[kind]) for said, kind in MEDIA.items() if stored.get(kind)]


async def neighbours(
    hearth: Hearth, actor: Actor, query: Query, asset_id: uuid.UUID
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The results before (newer) and after (older) this one, as the results' timeline orders them."""
    async with hearth.db.session() as session:
        plan = await _plan(hearth, session, actor, query)
        if plan.empty:
            return None, None
        found, _ = _found(session, plan, AssetDetails.asset_id, details=True)
        return await neighbours_by_date(session, found, asset_id)


# ---- suggestions ---------------------------------------------------------------------------------------------------

MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Suggestion:
    """Something to search for or open while typing: a person (by the name I know them by), a place of my photos,
    an album or a space I can see. `value` is a person's or an album's or a space's id, or a place filter."""

    kind: str
    value: str
    label: str


async def suggestions(hearth: Hearth, actor: Actor, typed: str) -> list[Suggestion]:
    """What starts with (or has a word starting with) what someone has typed so far, at most a few of each kind."""
    wanted = ' '.join(rules.tokens(typed[: rules.MAX_QUERY_LENGTH]))
    if not wanted:
        return []
    async with hearth.db.session() as session:
        people = await identities.resolved_for(session, actor)
    found = [Suggestion('person', str(view.id), view.name) for view in people if view.name and view.photo_count]
    for choice in await places.timeline_choices(hearth, actor):
        found.append(Suggestion('place', choice.value, choice.name))
        found += [Suggestion('place', city.value, f'{city.name}, {choice.name}') for city in choice.cities]
    found += [Suggestion('album', str(album.id), album.name) for album in await albums.list_albums(hearth, actor)]
    found += [Suggestion('space', str(space.id), space.name) for space in await spaces.list_spaces(hearth, actor)]
    return _best(found, wanted)


def _best(candidates: list[Suggestion], wanted: str) -> list[Suggestion]:
    """Those whose name starts with the words typed, then those with a later word that does; a few of each kind."""
    ranked: dict[str, list[tuple[int, str, Suggestion]]] = {}
    for candidate in candidates:
        name = ' '.join(rules.tokens(candidate.label))
        if name.startswith(wanted):
            rank = 0
        elif f' {wanted}' in f' {name}':
            rank = 1
        else:
            continue
        ranked.setdefault(candidate.kind, []).append((rank, name, candidate))
    return [item for kind in ranked.values() for _, _, item in sorted(kind, key=lambda x: x[:2])[:MAX_SUGGESTIONS]]
