"""Queries over assets. Every listing takes the actor and is scoped in SQL by `storage.access`."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, delete, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import access
from storage.models import Asset, AssetDetails, AssetTag, AssetUserState, User

VIEWS = ('timeline', 'favorites', 'archive', 'trash')


@dataclass(frozen=True)
class TimelineItem:
    id: uuid.UUID
    taken_at: datetime
    media_type: str
    duration_seconds: float | None
    favorite: bool
    rating: int


def _my_state(actor_id: uuid.UUID):
    return and_(AssetUserState.asset_id == Asset.id, AssetUserState.user_id == actor_id)


def view_filter(actor_id: uuid.UUID, view: str):
    """What each view of 'my photos' holds; `archived` and `favorite` are the actor's own (scope U)."""
    if view == 'timeline':
        return and_(access.is_visible(actor_id), AssetUserState.archived.is_not(True))
    if view == 'favorites':
        return and_(access.is_visible(actor_id), AssetUserState.favorite.is_(True))
    if view == 'archive':
        return and_(access.is_visible(actor_id), AssetUserState.archived.is_(True))
    if view == 'trash':
        return access.is_in_my_trash(actor_id)
    raise ValueError(view)


def _scoped(statement: Select, actor_id: uuid.UUID, view: str) -> Select:
    return (
        statement.select_from(Asset)
        .join(AssetDetails, AssetDetails.asset_id == Asset.id)
        .outerjoin(AssetUserState, _my_state(actor_id))
        .where(view_filter(actor_id, view))
    )


async def month_buckets(session: AsyncSession, actor_id: uuid.UUID, view: str) -> list[tuple[int, int]]:
    statement = _scoped(select(AssetDetails.month_key, func.count()), actor_id, view)
    rows = await session.execute(statement.group_by(AssetDetails.month_key).order_by(AssetDetails.month_key.desc()))
    return [(month, count) for month, count in rows]


async def bucket_items(session: AsyncSession, actor_id: uuid.UUID, view: str, month: int) -> list[TimelineItem]:
    statement = _scoped(
        select(
            Asset.id,
            AssetDetails.taken_at,
            Asset.media_type,
            Asset.duration_seconds,
            func.coalesce(AssetUserState.favorite, false()),
            func.coalesce(AssetUserState.rating, 0),
        ),
        actor_id,
        view,
    ).where(AssetDetails.month_key == month)
    rows = await session.execute(statement.order_by(AssetDetails.taken_at.desc(), Asset.id.desc()))
    return [TimelineItem(*row) for row in rows]


async def neighbours(
    session: AsyncSession, actor_id: uuid.UUID, view: str, asset_id: uuid.UUID
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The assets before (newer) and after (older) this one in the view's order."""
    taken_at = await session.scalar(select(AssetDetails.taken_at).where(AssetDetails.asset_id == asset_id))
    if taken_at is None:
        return None, None
    newer = or_(AssetDetails.taken_at > taken_at, and_(AssetDetails.taken_at == taken_at, Asset.id > asset_id))
    older = or_(AssetDetails.taken_at < taken_at, and_(AssetDetails.taken_at == taken_at, Asset.id < asset_id))
    previous = await session.scalar(
        _scoped(select(Asset.id), actor_id, view)
        .where(newer)
        .order_by(AssetDetails.taken_at.asc(), Asset.id.asc())
        .limit(1)
    )
    following = await session.scalar(
        _scoped(select(Asset.id), actor_id, view)
        .where(older)
        .order_by(AssetDetails.taken_at.desc(), Asset.id.desc())
        .limit(1)
    )
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
    return await session.scalar(select(Asset.id).where(Asset.owner_id == owner_id, Asset.checksum == checksum))


async def used_bytes(session: AsyncSession, owner_id: uuid.UUID) -> int:
    return await session.scalar(select(func.coalesce(func.sum(Asset.file_size), 0)).where(Asset.owner_id == owner_id))


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


async def expired_trash(session: AsyncSession, cutoff: datetime, limit: int = 500) -> list[Asset]:
    rows = await session.scalars(select(Asset).where(Asset.trashed_at < cutoff).limit(limit))
    return list(rows)


async def existing_ids(session: AsyncSession, asset_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(await session.scalars(select(Asset.id).where(Asset.id.in_(asset_ids))))
