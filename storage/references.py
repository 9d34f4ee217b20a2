"""Rows by which albums and spaces hold assets, never copies. Each copies its asset's owner and month, so timelines
count albums and spaces from their own (album or space, month, owner, asset) indexes."""

import uuid
from collections.abc import Collection

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AlbumAsset, AssetDetails, SpaceAsset

# Each kind of reference, and the column naming what holds the asset.
HOLDERS = {AlbumAsset: 'album_id', SpaceAsset: 'space_id'}


async def add_references(
    session: AsyncSession,
    table: type[AlbumAsset] | type[SpaceAsset],
    holder_id: uuid.UUID,
    asset_ids: Collection[uuid.UUID],
    added_by_id: uuid.UUID,
) -> set[uuid.UUID]:
    """Put assets into an album or a space unless it holds them already; returns the ids it did not hold."""
    column = HOLDERS[table]
    holder = getattr(table, column)
    present = set(
        await session.scalars(select(table.asset_id).where(holder == holder_id, table.asset_id.in_(list(asset_ids))))
    )
    rows = await session.execute(
        select(AssetDetails.asset_id, AssetDetails.owner_id, AssetDetails.month_key).where(
            AssetDetails.asset_id.in_(list(set(asset_ids) - present))
        )
    )
    new = [
        table(**{column: holder_id}, asset_id=asset_id, owner_id=owner_id, month_key=month, added_by_id=added_by_id)
        for asset_id, owner_id, month in rows
    ]
    session.add_all(new)
    return {row.asset_id for row in new}


async def move_references_to_month(session: AsyncSession, asset_ids: Collection[uuid.UUID], month: int) -> None:
    """A new date for assets moves them in every album's and space's month index too."""
    for table in HOLDERS:
        await session.execute(update(table).where(table.asset_id.in_(list(asset_ids))).values(month_key=month))
