"""The map of a timeline, a space, an album or a public link (SPEC §8): clusters of geotagged photos per viewport,
and the photos of one cluster as a timeline grid. Each scope is exactly the one its timeline uses, so the map never
shows a photo the timeline would not."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy import ColumnElement, Select, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.albums import AlbumAction
from domain.assets import month_label, parse_month
from domain.errors import InvalidInput
from domain.geo import Cell, View, Viewport, level_for_zoom
from domain.spaces import SpaceAction, require_space
from services import albums, links
from services.accounts import Actor
from services.links import Guest
from services.runtime import Hearth
from storage import access, timeline_cache
from storage import assets as asset_queries
from storage import map as map_queries
from storage import spaces as space_queries
from storage.assets import TimelineItem, timeline_columns
from storage.map import ALL_YEARS, Columns, Libraries, Part, Rows, Years
from storage.models import AlbumAsset, Asset, AssetDetails, AssetUserState

MAX_CELLS = 4096  # a viewport wider than this many clusters is a client asking for the world at street level
EARLIEST_YEAR, LATEST_YEAR = 1800, 2200
WORLD = Viewport(-90.0, -180.0, 90.0, 180.0)
SUMMARY_LEVEL = 8


@dataclass(frozen=True)
class Scope:
    """What one map shows: its parts for counting, and the same as one filter (on `asset_details` joined with
    `assets`) for listing; `viewer_id` is whose favorites the grid marks (none for a link's guest)."""

    parts: tuple[Part, ...]
    shown: ColumnElement[bool]
    viewer_id: uuid.UUID | None
    seek: Columns | None = None  # finds one shown photo of a cell, for clusters counted from `map_cells`


@dataclass(frozen=True)
class Cluster:
    cell: str
    latitude: float
    longitude: float
    count: int
    cover: uuid.UUID


@dataclass(frozen=True)
class Clusters:
    zoom: int
    total: int
    clusters: list[Cluster]
    bounds: tuple[float, float, float, float]  # of the cells counted: south, west, north, east (west > east across
    # the antimeridian)


@dataclass(frozen=True)
class Summary:
    count: int
    years: tuple[int, int] | None
    bounds: tuple[float, float, float, float] | None  # south, west, north, east


# ---- scopes ---------------------------------------------------------------------------------------------------------


def timeline_scope(actor: Actor, with_shared_extras: bool = True) -> Scope:
    """My timeline: the libraries on it (from `map_cells`), less what I archived in partners' libraries; and what
    albums and spaces add to it, if anything (the timeline's cache knows)."""
    owners = access.timeline_library_owners(actor.id).cte('timeline_owners')

    def archived_by_me(*columns) -> Select:
        archived = access.my_archive_in_partner_libraries(actor.id).subquery()
        return select(*columns).select_from(archived).join(AssetDetails, AssetDetails.asset_id == archived.c[0])

    def shared_extras(*columns) -> Select:
        extras = access.shared_extras_on_timeline(actor.id).subquery()
        return select(*columns).select_from(extras).join(AssetDetails, AssetDetails.asset_id == extras.c[0])

    def in_libraries(*columns) -> Select:
        """Shown by the libraries on my timeline: checked row by row (a few index lookups for the first found),
        since building the list of everything hidden would cost more than the seek."""
        return select(*columns).where(
            AssetDetails.owner_id.in_(select(owners)), ~access.hidden_on_timeline_row(actor.id)
        )

    parts = (Libraries(select(owners)), Rows(archived_by_me, sign=-1))
    parts += (Rows(shared_extras),) if with_shared_extras else ()
    return Scope(parts, asset_queries.on_timeline(actor.id), actor.id, seek=in_libraries)


def _filtered_scope(shown: ColumnElement[bool], viewer_id: uuid.UUID | None) -> Scope:
    def photos(*columns) -> Select:
        return select(*columns).select_from(AssetDetails).join(Asset, Asset.id == AssetDetails.asset_id).where(shown)

    return Scope((Rows(photos),), shown, viewer_id)


async def space_scope(session: AsyncSession, actor: Actor, space_id: uuid.UUID) -> Scope:
    require_space(SpaceAction.VIEW, await space_queries.member_role(session, space_id, actor.id))
    return _filtered_scope(space_queries.in_space(space_id), actor.id)


async def album_scope(session: AsyncSession, actor: Actor, album_id: uuid.UUID) -> Scope:
    await albums.require_album_action(session, actor, album_id, AlbumAction.VIEW)
    shown = select(AlbumAsset.asset_id).where(access.shown_in_album(album_id))
    return _filtered_scope(AssetDetails.asset_id.in_(shown) & Asset.trashed_at.is_(None), actor.id)


async def link_scope(hearth: Hearth, token: str, guest: Guest) -> Scope:
    shown_ids = await links.shown_on_map(hearth, token, guest)
    return _filtered_scope(AssetDetails.asset_id.in_(shown_ids), None)


ScopeOf = Callable[[AsyncSession], Awaitable[Scope]]


def of_timeline(actor: Actor) -> ScopeOf:
    async def resolve(session: AsyncSession) -> Scope:
        return timeline_scope(actor, any(await timeline_cache.shared_extras.per_month(session, actor.id)))

    return resolve


def of_space(actor: Actor, space_id: uuid.UUID) -> ScopeOf:
    return partial(space_scope, actor=actor, space_id=space_id)


def of_album(actor: Actor, album_id: uuid.UUID) -> ScopeOf:
    return partial(album_scope, actor=actor, album_id=album_id)


def of_link(hearth: Hearth, token: str, guest: Guest) -> ScopeOf:
    async def resolve(_session: AsyncSession) -> Scope:
        return await link_scope(hearth, token, guest)

    return resolve


# ---- what the map shows ---------------------------------------------------------------------------------------------


def years_between(first: int | None, last: int | None) -> Years:
    for year in (first, last):
        if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise InvalidInput(f'Years must be from {EARLIEST_YEAR} to {LATEST_YEAR}')
    if first is not None and last is not None and first > last:
        raise InvalidInput('The first year must not come after the last')
    return Years(first, last)


async def summary(hearth: Hearth, scope_of: ScopeOf, years: Years = ALL_YEARS) -> Summary:
    async with hearth.db.session() as session:
        return await _summary(session, await scope_of(session), years)


async def clusters(hearth: Hearth, scope_of: ScopeOf, viewport: Viewport, zoom: int, years: Years) -> Clusters:
    async with hearth.db.session() as session:
        return await _clusters(session, await scope_of(session), viewport, zoom, years)


async def cell_buckets(hearth: Hearth, scope_of: ScopeOf, cell: Cell, years: Years) -> list[tuple[str, int]]:
    """The months of a cluster's photos, newest first, with their counts (for the timeline grid)."""
    async with hearth.db.session() as session:
        statement = _photos_in(await scope_of(session), cell, years, AssetDetails.month_key, func.count())
        statement = statement.group_by(AssetDetails.month_key).order_by(AssetDetails.month_key.desc())
        return [(month_label(month), count) for month, count in await session.execute(statement)]


async def cell_bucket(hearth: Hearth, scope_of: ScopeOf, cell: Cell, month: str, years: Years) -> list[TimelineItem]:
    async with hearth.db.session() as session:
        statement = _photos_in(await scope_of(session), cell, years, *timeline_columns())
        statement = statement.where(AssetDetails.month_key == parse_month(month))
        statement = statement.order_by(AssetDetails.taken_at.desc(), AssetDetails.asset_id.desc())
        return [TimelineItem(*row) for row in await session.execute(statement)]


async def _summary(session: AsyncSession, scope: Scope, years: Years) -> Summary:
    """How many geotagged photos the scope holds (in those years), the area of the map that holds them (to the cells
    of a world map at zoom 6, about 150 km), and which years they span."""
    view = View.of(WORLD, SUMMARY_LEVEL)
    tallies = await map_queries.tallies(session, scope.parts, view, years)
    if not tallies:
        return Summary(0, await _years_of(session, scope) if years != ALL_YEARS else None, None)
    span = (min(t.first_year for t in tallies.values()), max(t.last_year for t in tallies.values()))
    if years != ALL_YEARS:
        span = await _years_of(session, scope)
    boxes = [Cell.of_index(index, SUMMARY_LEVEL).bounds() for index in tallies]
    bounds = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return Summary(sum(tally.count for tally in tallies.values()), span, bounds)


async def _years_of(session: AsyncSession, scope: Scope) -> tuple[int, int] | None:
    tallies = (await map_queries.tallies(session, scope.parts, View.of(WORLD, 0))).values()
    return (min(t.first_year for t in tallies), max(t.last_year for t in tallies)) if tallies else None


async def _clusters(session: AsyncSession, scope: Scope, viewport: Viewport, zoom: int, years: Years) -> Clusters:
    """The scope's photos in the cells the viewport touches, a cluster per cell of about 64 screen pixels; their
    counts add up to every geotagged photo of the scope in those cells, and each equals its cell's grid."""
    view = View.of(viewport, level_for_zoom(zoom))
    if view.size > MAX_CELLS:
        raise InvalidInput('That is too large an area for this zoom: zoom out, or show a smaller part of the map')
    tallies = await map_queries.tallies(session, scope.parts, view, years)
    cells = {index: Cell.of_index(index, view.level) for index in tallies}
    without_cover = [cells[index] for index, tally in tallies.items() if not tally.cover]
    covers = await map_queries.covers(session, scope.seek, without_cover, years) if without_cover else {}
    found = [
        Cluster(
            cell=str(cells[index]),
            latitude=tally.latitude_sum / tally.count,
            longitude=tally.longitude_sum / tally.count,
            count=tally.count,
            cover=uuid.UUID(tally.cover or covers[cells[index]]),
        )
        for index, tally in sorted(tallies.items())
    ]
    return Clusters(zoom, sum(cluster.count for cluster in found), found, view.bounds())


# ---- a cluster's photos ---------------------------------------------------------------------------------------------


def _photos_in(scope: Scope, cell: Cell, years: Years, *columns) -> Select:
    mine = AssetUserState.user_id == scope.viewer_id if scope.viewer_id else false()
    return (
        select(*columns)
        .select_from(AssetDetails)
        .join(Asset, Asset.id == AssetDetails.asset_id)
        .outerjoin(AssetUserState, (AssetUserState.asset_id == AssetDetails.asset_id) & mine)
        .where(scope.shown, map_queries.in_cell(cell), *years.conditions())
    )
