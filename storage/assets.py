"""Queries over assets. Every listing takes the actor and is scoped in SQL by `storage.access`."""

import uuid
from collections import Counter
from collections.abc import AsyncIterator, Collection, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, delete, false, func, or_, select, tuple_, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage import access, map_cells, timeline_cache
from storage.models import Asset, AssetDetails, AssetTag, AssetUserState, LibraryMonth, User

VIEWS = ('timeline', 'favorites', 'archive', 'trash')


@dataclass(frozen=True)
class TimelineItem:
    id: uuid.UUID
    taken_at: datetime
    media_type: str
    duration_seconds: float | None
    favorite: bool
    rating: int
    width: int
    height: int
    rotation: int


def timeline_columns() -> tuple:
    """What a timeline grid shows of each photo (for `TimelineItem`); needs `Asset` and my `AssetUserState` joined.
    Width and height are as shown: a photo turned a quarter (scope E rotation) swaps them."""
    quarter_turned = AssetDetails.rotation.in_((90, 270))
    return (
        AssetDetails.asset_id,
        AssetDetails.taken_at,
        Asset.media_type,
        Asset.duration_seconds,
        func.coalesce(AssetUserState.favorite, false()),
        func.coalesce(AssetUserState.rating, 0),
        case((quarter_turned, Asset.height), else_=Asset.width),
        case((quarter_turned, Asset.width), else_=Asset.height),
        AssetDetails.rotation,
    )


def _my_state(actor_id: uuid.UUID):
    return and_(AssetUserState.asset_id == AssetDetails.asset_id, AssetUserState.user_id == actor_id)


def _view_ids(actor_id: uuid.UUID, view: str) -> Select:
    """Ids in the favorites, archive or trash view: each starts from a small set."""
    if view == 'trash':
        return select(Asset.id).where(access.is_in_my_trash(actor_id))
    flag = AssetUserState.favorite if view == 'favorites' else AssetUserState.archived
    return (
        select(AssetUserState.asset_id)
        .join(Asset, Asset.id == AssetUserState.asset_id)
        .where(AssetUserState.user_id == actor_id, flag.is_(True), access.is_visible(actor_id))
    )


def _in_view(actor_id: uuid.UUID, view: str, month: int | None = None):
    if view not in VIEWS:
        raise ValueError(view)
    if view == 'timeline':
        hidden = access.hidden_from_timeline(actor_id)
        libraries = and_(access.in_my_libraries(actor_id), AssetDetails.asset_id.not_in(hidden))
        return or_(libraries, AssetDetails.asset_id.in_(access.shared_extras_on_timeline(actor_id, month)))
    return AssetDetails.asset_id.in_(_view_ids(actor_id, view))


async def month_buckets(
    session: AsyncSession, actor_id: uuid.UUID, view: str, only: Select | None = None
) -> list[tuple[int, int]]:
    """(month, count) of the view, newest first; with `only` (a select of asset ids), of those among them."""
    if view == 'timeline' and only is None:
        totals = await _timeline_month_totals(session, actor_id)
    else:
        per_month = select(AssetDetails.month_key, func.count()).group_by(AssetDetails.month_key)
        per_month = per_month.where(_in_view(actor_id, view), *_among(only))
        totals = dict((await session.execute(per_month)).all())
    return sorted(((month, count) for month, count in totals.items() if count), reverse=True)


async def _timeline_month_totals(session: AsyncSession, actor_id: uuid.UUID) -> dict[int, int]:
    """The library part and the sharing counter in one round trip; the shared part from the cache while the counter
    says it is current (usually), else counted (`timeline_cache`)."""
    totals, counter = Counter(), None
    for month, count in await session.execute(timeline_month_totals(actor_id, with_shared_extras=False)):
        if month == timeline_cache.COUNTER_ROW:
            counter = count
        else:
            totals[month] += int(count)
    totals.update(await timeline_cache.shared_extras.per_month(session, actor_id, counter))
    return totals


def timeline_month_totals(actor_id: uuid.UUID, with_shared_extras: bool = True) -> Select:
    """(month, count) on the actor's timeline, in one round trip: what each library shows everyone (its month counts
    less what is trashed or owner-archived), less what the actor archived in partners' libraries, plus what albums
    and spaces shared with the actor add -- or, for `timeline_cache` to add that, the sharing counter's row. The
    library parts read a few rows or a small set, never a whole library."""
    shown = func.sum(LibraryMonth.asset_count - LibraryMonth.hidden_count)
    libraries = select(LibraryMonth.month_key, shown).where(access.in_my_libraries(actor_id, LibraryMonth.owner_id))
    my_archive = _months_of(access.my_archive_in_partner_libraries(actor_id)).subquery()
    shared_extras = access.shared_extras_per_month(actor_id) if with_shared_extras else timeline_cache.counter_row()
    parts = union_all(
        libraries.group_by(LibraryMonth.month_key),
        select(my_archive.c[0], -my_archive.c[1]),
        shared_extras,
    ).subquery()
    month, count = parts.c
    return select(month, func.sum(count)).group_by(month)


def _months_of(ids: Select) -> Select:
    """Per-month counts of a small set of asset ids, joined from the set (as an IN filter, SQLite would walk a whole
    library's index instead)."""
    subquery = ids.subquery()
    return (
        select(AssetDetails.month_key, func.count())
        .select_from(subquery)
        .join(AssetDetails, AssetDetails.asset_id == subquery.c[0])
        .group_by(AssetDetails.month_key)
    )


def _among(only: Select | None) -> tuple:
    return () if only is None else (AssetDetails.asset_id.in_(only),)


def _timeline_select(actor_id: uuid.UUID, view: str, month: int, *columns) -> Select:
    return (
        select(*columns)
        .select_from(AssetDetails)
        .join(Asset, Asset.id == AssetDetails.asset_id)
        .outerjoin(AssetUserState, _my_state(actor_id))
        .where(_in_view(actor_id, view, month), AssetDetails.month_key == month)
    )


async def bucket_items(
    session: AsyncSession, actor_id: uuid.UUID, view: str, month: int, only: Select | None = None
) -> list[TimelineItem]:
    statement = _timeline_select(actor_id, view, month, *timeline_columns())
    statement = statement.where(*_among(only)).order_by(AssetDetails.taken_at.desc(), AssetDetails.asset_id.desc())
    return [TimelineItem(*row) for row in await session.execute(statement)]


async def neighbours_by_date(
    session: AsyncSession, scoped: Select, asset_id: uuid.UUID
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The ids before (newer) and after (older) this asset among `scoped`, a select of `AssetDetails.asset_id` with
    its joins and filters, in (taken, id) order; (None, None) if the asset is not among them."""
    taken_at = await session.scalar(
        scoped.with_only_columns(AssetDetails.taken_at).where(AssetDetails.asset_id == asset_id)
    )
    if taken_at is None:
        return None, None
    key, here = tuple_(AssetDetails.taken_at, AssetDetails.asset_id), tuple_(taken_at, asset_id)
    base = scoped.limit(1)
    previous = await session.scalar(base.where(key > here).order_by(AssetDetails.taken_at, AssetDetails.asset_id))
    following = await session.scalar(
        base.where(key < here).order_by(AssetDetails.taken_at.desc(), AssetDetails.asset_id.desc())
    )
    return previous, following


async def neighbours(
    session: AsyncSession, actor_id: uuid.UUID, view: str, asset_id: uuid.UUID, only: Select | None = None
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The assets before (newer) and after (older) this one in the view's order. Months order like their dates,
    so (month, taken, id) walks the (owner, month, taken) index."""
    lookup = select(AssetDetails.month_key, AssetDetails.taken_at).where(AssetDetails.asset_id == asset_id)
    current = (await session.execute(lookup)).first()
    if current is None:
        return None, None
    key = tuple_(AssetDetails.month_key, AssetDetails.taken_at, AssetDetails.asset_id)
    here = tuple_(current.month_key, current.taken_at, asset_id)
    order = (AssetDetails.month_key, AssetDetails.taken_at, AssetDetails.asset_id)
    base = select(AssetDetails.asset_id).where(_in_view(actor_id, view), *_among(only)).limit(1)
    previous = await session.scalar(base.where(key > here).order_by(*order))
    following = await session.scalar(base.where(key < here).order_by(*(column.desc() for column in order)))
    return previous, following


@dataclass(frozen=True)
class AssetRecord:
    asset: Asset
    details: AssetDetails
    tags: list[str]
    state: AssetUserState | None
    owner_name: str
    trashed_by_name: str | None


async def load_record(session: AsyncSession, actor_id: uuid.UUID, asset_id: uuid.UUID) -> AssetRecord | None:
    """One asset with its shared details, tags, the actor's own state and its owner's name (no access check)."""
    row = (
        await session.execute(
            select(Asset, AssetDetails, User.name)
            .join(AssetDetails, AssetDetails.asset_id == Asset.id)
            .join(User, User.id == Asset.owner_id)
            .where(Asset.id == asset_id)
        )
    ).first()
    if row is None:
        return None
    asset, details, owner_name = row
    tags = await session.scalars(select(AssetTag.tag).where(AssetTag.asset_id == asset_id).order_by(AssetTag.position))
    state = await session.get(AssetUserState, (actor_id, asset_id))
    trashed_by = await session.scalar(select(User.name).where(User.id == asset.trashed_by_id))
    return AssetRecord(asset, details, list(tags), state, owner_name, trashed_by)


async def find_by_checksum(session: AsyncSession, owner_id: uuid.UUID, checksum: str) -> uuid.UUID | None:
    """The owner's upload with this content; files of external libraries are theirs, not uploads."""
    uploads = (Asset.owner_id == owner_id) & Asset.library_id.is_(None)
    return await session.scalar(select(Asset.id).where(uploads, Asset.checksum == checksum))


async def used_bytes(session: AsyncSession, owner_id: uuid.UUID) -> int:
    """Storage the owner's uploads take; external libraries stay in their folders and take none."""
    uploads = (Asset.owner_id == owner_id) & Asset.library_id.is_(None)
    return await session.scalar(select(func.coalesce(func.sum(Asset.file_size), 0)).where(uploads))


async def replace_tags(session: AsyncSession, asset_ids: list[uuid.UUID], tags: list[str]) -> None:
    await session.execute(delete(AssetTag).where(AssetTag.asset_id.in_(asset_ids)))
    session.add_all(
        AssetTag(asset_id=asset_id, tag=tag, position=index) for asset_id in asset_ids for index, tag in enumerate(tags)
    )


async def user_states(
    session: AsyncSession, actor_id: uuid.UUID, asset_ids: list[uuid.UUID]
) -> dict[uuid.UUID, AssetUserState]:
    rows = await session.scalars(
        select(AssetUserState).where(AssetUserState.user_id == actor_id, AssetUserState.asset_id.in_(asset_ids))
    )
    return {state.asset_id: state for state in rows}


async def owners_of(session: AsyncSession, asset_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    if not asset_ids:
        return {}
    rows = await session.execute(select(Asset.id, Asset.owner_id).where(Asset.id.in_(list(asset_ids))))
    return dict(rows.all())


async def expired_trash(session: AsyncSession, cutoff: datetime, limit: int = 500) -> list[Asset]:
    rows = await session.scalars(select(Asset).where(Asset.trashed_at < cutoff).limit(limit))
    return list(rows)


async def existing_ids(session: AsyncSession, asset_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(await session.scalars(select(Asset.id).where(Asset.id.in_(asset_ids))))


def hidden_by_its_library():
    """Hidden from everyone but the owner's trash and archive views."""
    return or_(Asset.trashed_at.is_not(None), access.archived_by_its_owner())


async def month_counts_of(
    session: AsyncSession, asset_ids: Collection[uuid.UUID]
) -> dict[tuple[uuid.UUID, int], tuple[int, int]]:
    """(owner, month) -> (how many, how many hidden) of the given assets."""
    rows = await session.execute(library_month_recount().where(AssetDetails.asset_id.in_(list(asset_ids))))
    return {(owner, month): (count, hidden) for owner, month, count, hidden in rows}


@asynccontextmanager
async def keeping_month_counts(session: AsyncSession, asset_ids: Collection[uuid.UUID]) -> AsyncIterator[None]:
    """Around any change to these assets (new, dated, placed, trashed, archived by their owner, deleted), moves
    `library_months` and `map_cells` along in the same transaction."""
    asset_ids = list(asset_ids)
    if not asset_ids:  # e.g. a favorite, which moves no count
        yield
        return
    before, cells_before = (
        await month_counts_of(session, asset_ids),
        await map_cells.cells_of(session, asset_ids, hidden_by_its_library()),
    )
    yield
    after, cells_after = (
        await month_counts_of(session, asset_ids),
        await map_cells.cells_of(session, asset_ids, hidden_by_its_library()),
    )
    await map_cells.move(session, cells_before, cells_after)
    changes = []
    for key in before.keys() | after.keys():
        (count_before, hidden_before), (count_after, hidden_after) = before.get(key, (0, 0)), after.get(key, (0, 0))
        if (count_before, hidden_before) != (count_after, hidden_after):
            changes.append((*key, count_after - count_before, hidden_after - hidden_before))
    await _adjust_month_counts(session, changes)


async def _adjust_month_counts(session: AsyncSession, changes: Iterable[tuple[uuid.UUID, int, int, int]]) -> None:
    insert = sqlite_insert if session.bind.dialect.name == 'sqlite' else postgresql_insert
    for owner_id, month, delta, hidden_delta in changes:
        statement = insert(LibraryMonth).values(
            owner_id=owner_id, month_key=month, asset_count=delta, hidden_count=hidden_delta
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[LibraryMonth.owner_id, LibraryMonth.month_key],
                set_={
                    'asset_count': LibraryMonth.asset_count + statement.excluded.asset_count,
                    'hidden_count': LibraryMonth.hidden_count + statement.excluded.hidden_count,
                },
            )
        )


async def recount_library_months(session: AsyncSession) -> None:
    """Rebuild every month and map cell count from the assets: for repair, and after bulk loads that bypass the
    services."""
    await session.execute(delete(LibraryMonth))
    await session.execute(LibraryMonth.__table__.insert().from_select(_COUNTED, library_month_recount()))
    await map_cells.recount(session, hidden_by_its_library())


_COUNTED = ['owner_id', 'month_key', 'asset_count', 'hidden_count']


def library_month_recount() -> Select:
    """What `library_months` should hold, computed from the assets."""
    return (
        select(
            AssetDetails.owner_id,
            AssetDetails.month_key,
            func.count(),
            func.coalesce(func.sum(case((hidden_by_its_library(), 1), else_=0)), 0),
        )
        .join(Asset, Asset.id == AssetDetails.asset_id)
        .group_by(AssetDetails.owner_id, AssetDetails.month_key)
    )


def on_timeline(actor_id: uuid.UUID) -> ColumnElement[bool]:
    """The actor's timeline as one filter on `asset_details`, for listings that narrow it further (the map's)."""
    return _in_view(actor_id, 'timeline')
