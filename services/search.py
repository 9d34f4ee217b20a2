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

from sqlalchemy import ColumnElement, Select, String, cast, false, func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain import search as rules
from domain.assets import month_label, parse_month
from domain.errors import InvalidInput
from domain.search import Understood
from domain.spaces import SpaceAction, require_space
from ml.text_embedding import whole_words
from services import albums, identities, meaning, places, spaces
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
class Plan:
    """A query made ready to run: the filters and the terms of each word found in the scope."""

    understood: Understood
    words: tuple[tuple[Term, ...], ...]
    unmatched: tuple[str, ...]
    conditions: tuple[ColumnElement[bool], ...]
    wider: tuple[tuple[Term, ...], ...] | None = None  # the words with their look-alikes too, if any has some
    first: tuple[tuple[Term, ...], ...] | None = None  # widened: the words themselves, whose photos rank first
    empty: bool = False  # nothing asked: no word, no filter, no facet


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


# ---- planning ------------------------------------------------------------------------------------------------------


async def _plan(session: AsyncSession, actor: Actor, query: Query) -> Plan:
    if len(query.text) > rules.MAX_QUERY_LENGTH:
        raise InvalidInput(f'A search is at most {rules.MAX_QUERY_LENGTH} characters')
    scope = await _scope(session, actor, query.space_id)
    names = await _people_names(session, actor)
    understood = rules.understand(query.text, names, date.today())
    conditions = [scope, *queries.taken_when(understood.when), *_narrowed(query.narrowing)]
    if understood.videos:
        conditions.append(Asset.media_type == MEDIA['video'])
    if understood.favorites:
        favorites = select(AssetUserState.asset_id).where(
            AssetUserState.user_id == actor.id, AssetUserState.favorite.is_(True)
        )
        conditions.append(AssetDetails.asset_id.in_(favorites))
    if understood.people:
        groups = await identities.expand(session, actor, [ids[0] for ids in understood.people])
        conditions.append(AssetDetails.asset_id.in_(identity_queries.assets_with_each(groups)))
    words, wider, unmatched = [], [], []
    for word in understood.words:
        best, alike = await _terms(session, word, scope)
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
    return Plan(understood, tuple(words), tuple(unmatched), tuple(conditions), widened, first, empty)


async def _scope(session: AsyncSession, actor: Actor, space_id: uuid.UUID | None) -> ColumnElement[bool]:
    """A condition on `assets` joined with `asset_details`: everything I can see, or one space's photos."""
    if space_id is None:
        return access.is_visible(actor.id)
    require_space(SpaceAction.VIEW, await space_queries.member_role(session, space_id, actor.id))
    return space_queries.in_space(space_id)


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


def _typed_in_part(word: str) -> bool:
    """Whether a word may be the start of a longer one: not a whole word ("cat" is one, and must not find Catalonia;
    "edinb" is not)."""
    return len(word) >= MIN_PREFIX and word not in whole_words()


def _narrowed(narrowing: Narrowing) -> list[ColumnElement[bool]]:
    conditions = []
    if narrowing.year is not None:
        conditions.extend(queries.taken_when(rules.When(years=frozenset({narrowing.year}))))
    if place := PlaceFilter.parse(narrowing.place):
        conditions.append(place.condition())
    if narrowing.media is not None:
        conditions.append(Asset.media_type == MEDIA[narrowing.media])
    if narrowing.camera is not None:
        conditions.append(Asset.camera_model == narrowing.camera)
    return conditions


def _found(session: AsyncSession, plan: Plan, *columns) -> tuple[Select, tuple[ColumnElement, ...]]:
    """The photos the plan finds, with these columns, and what ranks them, best first: the words themselves before
    their look-alikes, then the full-text score."""
    statement = select(*columns).select_from(AssetDetails).join(Asset, Asset.id == AssetDetails.asset_id)
    if plan.understood.words and not plan.words:
        return statement.where(false()), ()  # every word was unmatched: nothing is found
    statement = statement.where(*plan.conditions)
    if not plan.words:
        return statement, ()
    dialect = session.bind.dialect.name
    found = queries.match(dialect, plan.words)
    statement = statement.join(SearchDocument, SearchDocument.asset_id == AssetDetails.asset_id)
    first = () if plan.first is None else (queries.holds(dialect, plan.first).desc(),)
    return found.joined(statement, dialect).where(found.condition), (*first, found.score.desc())


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
        plan = await _plan(session, actor, query)
        if plan.empty:
            return Results(plan.understood, plan.unmatched, 0, [])
        ids, _ = _found(session, plan, AssetDetails.asset_id)
        total = await session.scalar(select(func.count()).select_from(ids.subquery()))
        ranked, best = _found(session, plan, AssetDetails.asset_id, AssetDetails.taken_at)
        newest = (AssetDetails.taken_at.desc(), AssetDetails.asset_id.desc())
        ranked = ranked.order_by(*((*best, *newest) if order == 'relevance' else newest))
        page = [row[0] for row in await session.execute(ranked.limit(limit).offset(offset))]
        items = await _items(session, actor.id, page)
        more = await _more(session, plan, total or 0)
    return Results(plan.understood, plan.unmatched, total or 0, items, more)


async def _more(session: AsyncSession, plan: Plan, total: int) -> int:
    """How many more the look-alikes would find."""
    if plan.wider is None:
        return 0
    wider, _ = _found(session, replace(plan, words=plan.wider, wider=None), AssetDetails.asset_id)
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
        plan = await _plan(session, actor, query)
        if plan.empty:
            return []
        per_month, _ = _found(session, plan, AssetDetails.month_key, func.count())
        rows = await session.execute(per_month.group_by(AssetDetails.month_key))
    return [(month_label(month), count) for month, count in sorted(rows.all(), reverse=True) if count]


async def bucket(hearth: Hearth, actor: Actor, query: Query, month: str) -> list[TimelineItem]:
    """One month of what the query finds, newest first."""
    key = parse_month(month)
    async with hearth.db.session() as session:
        plan = await _plan(session, actor, query)
        if plan.empty:
            return []
        ids, _ = _found(session, plan, AssetDetails.asset_id)
        ids = ids.where(AssetDetails.month_key == key).order_by(
            AssetDetails.taken_at.desc(), AssetDetails.asset_id.desc()
        )
        return await _items(session, actor.id, list(await session.scalars(ids)))


async def facets(hearth: Hearth, actor: Actor, query: Query) -> Facets:
    """What the results hold, to narrow them: years, places, cameras, photos or videos, each with a count. One
    statement: the search runs once, into a materialised set that the four tallies read."""
    async with hearth.db.session() as session:
        plan = await _plan(session, actor, query)
        if plan.empty:
            return Facets([], [], [], [])
        columns = (
            (AssetDetails.month_key // 100).label('year'),
            AssetDetails.place_country_code.label('code'),
            AssetDetails.place_country.label('country'),
            Asset.camera_make.label('make'),
            Asset.camera_model.label('model'),
            Asset.media_type.label('media'),
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
        plan = await _plan(session, actor, query)
        if plan.empty:
            return None, None
        found, _ = _found(session, plan, AssetDetails.asset_id)
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
