"""Album rows that copy facts of their assets."""

import uuid
from collections.abc import Collection

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AlbumAsset, AssetDetails


async def add_album_assets(
    session: AsyncSession, album_id: uuid.UUID, asset_ids: Collection[uuid.UUID], added_by_id: uuid.UUID
) -> None:
    """Put assets into an album, copying each one's owner and month as `album_assets` keeps them."""
    rows = await session.execute(
        select(AssetDetails.asset_id, AssetDetails.owner_id, AssetDetails.month_key).where(
            AssetDetails.asset_id.in_(list(asset_ids))
        )
    )
    session.add_all(
        AlbumAsset(album_id=album_id, asset_id=asset_id, owner_id=owner_id, month_key=month, added_by_id=added_by_id)
        for asset_id, owner_id, month in rows
    )


async def move_album_assets_to_month(session: AsyncSession, asset_ids: Collection[uuid.UUID], month: int) -> None:
    """A new date for assets moves them in every album's month index too."""
    await session.execute(update(AlbumAsset).where(AlbumAsset.asset_id.in_(list(asset_ids))).values(month_key=month))
