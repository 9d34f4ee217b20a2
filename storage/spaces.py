"""Which assets a space holds, in SQL: what members added (`space_assets`) and every asset of the external libraries
connected to it (`space_libraries`), both live only (a trashed asset is in its owner's trash, not in the space)."""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, Insert, Select, and_, func, literal, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from domain.spaces import SpaceRole
from storage.access import archived_by_its_owner
from storage.models import Asset, AssetDetails, SearchDocument, SpaceAsset, SpaceLibrary, SpaceMember


def added_ids(space_id: uuid.UUID) -> Select:
    return select(SpaceAsset.asset_id).where(SpaceAsset.space_id == space_id)


def connected_ids(space_id: uuid.UUID) -> Select:
    return select(SpaceLibrary.library_id).where(SpaceLibrary.space_id == space_id)


async def member_role(session: AsyncSession, space_id: uuid.UUID, user_id: uuid.UUID) -> SpaceRole | None:
    # The whole row, so that the session's identity map answers a membership lookup that often follows.
    member = await session.get(SpaceMember, (space_id, user_id))
    return SpaceRole(member.role) if member else None


def held_ids(space_id: uuid.UUID) -> Select:
    """Every asset the space holds, trashed or not (a restored asset is back in the space)."""
    return union(added_ids(space_id), select(Asset.id).where(Asset.library_id.in_(connected_ids(space_id))))


def spaces_holding(asset_id: uuid.UUID, library_id: uuid.UUID | None) -> Select:
    """Ids of the spaces that hold this asset, added or through its connected library."""
    added = select(SpaceAsset.space_id).where(SpaceAsset.asset_id == asset_id)
    return union(added, select(SpaceLibrary.space_id).where(SpaceLibrary.library_id == library_id))


def in_space(space_id: uuid.UUID) -> ColumnElement[bool]:
    """A filter on `asset_details` joined with `assets`: the space's live assets."""
    return _in_space(space_id, AssetDetails.asset_id, AssetDetails.library_id, Asset.trashed_at.is_(None))


def in_space_document(space_id: uuid.UUID) -> ColumnElement[bool]:
    """`in_space` on a photo's `search_documents` row, from the copies of its library and trash kept there."""
    row = SearchDocument
    return _in_space(space_id, row.asset_id, row.library_id, row.trashed.is_(False))


def _in_space(space_id: uuid.UUID, asset_id, library_id, live: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(or_(asset_id.in_(added_ids(space_id)), library_id.in_(connected_ids(space_id))), live)


def live_asset_ids(space_id: uuid.UUID) -> Select:
    """Every live asset of the space, once."""
    added = select(SpaceAsset.asset_id).join(Asset, Asset.id == SpaceAsset.asset_id)
    connected = select(Asset.id).where(Asset.library_id.in_(connected_ids(space_id)))
    return union(
        added.where(SpaceAsset.space_id == space_id, Asset.trashed_at.is_(None)),
        connected.where(Asset.trashed_at.is_(None)),
    )


async def count_live_assets(session: AsyncSession, space_id: uuid.UUID) -> int:
    return await session.scalar(select(func.count()).select_from(live_asset_ids(space_id).subquery()))


def new_since(space_id: uuid.UUID, actor_id: uuid.UUID, since: datetime | None) -> Select:
    """Live assets others brought into the space after `since` (None: ever): what they added, and what arrived since
    in libraries they connected."""
    added = (
        select(SpaceAsset.asset_id)
        .join(Asset, Asset.id == SpaceAsset.asset_id)
        .where(
            SpaceAsset.space_id == space_id,
            SpaceAsset.added_by_id.is_distinct_from(actor_id),
            Asset.trashed_at.is_(None),
        )
    )
    arrived = (
        select(Asset.id)
        .join(SpaceLibrary, SpaceLibrary.library_id == Asset.library_id)
        .where(
            SpaceLibrary.space_id == space_id,
            SpaceLibrary.connected_by_id.is_distinct_from(actor_id),
            Asset.uploaded_at > SpaceLibrary.connected_at,
            Asset.trashed_at.is_(None),
        )
    )
    if since is not None:
        added, arrived = added.where(SpaceAsset.added_at > since), arrived.where(Asset.uploaded_at > since)
    return union(added, arrived)


def add_all_of_owner(space_id: uuid.UUID, owner_id: uuid.UUID, added_at: datetime) -> Insert:
    """One INSERT ... SELECT of every live asset the owner has not archived and the space does not hold yet."""
    rows = (
        select(
            literal(space_id),
            AssetDetails.asset_id,
            AssetDetails.owner_id,
            AssetDetails.month_key,
            literal(owner_id),
            literal(added_at),
        )
        .join(Asset, Asset.id == AssetDetails.asset_id)
        .where(
            AssetDetails.owner_id == owner_id,
            Asset.trashed_at.is_(None),
            ~archived_by_its_owner(),
            AssetDetails.asset_id.not_in(added_ids(space_id)),
        )
        .order_by(AssetDetails.asset_id)  # rows arrive in key order: the indexes grow at their ends, not all over
    )
    columns = ('space_id', 'asset_id', 'owner_id', 'month_key', 'added_by_id', 'added_at')
    return SpaceAsset.__table__.insert().from_select(columns, rows)
