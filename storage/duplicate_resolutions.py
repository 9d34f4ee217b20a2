"""Resolving duplicates in SQL: what the keeper suggestion and the merge read of each copy (its facts, shared
fields, the spaces and albums holding it, each member's state on it), the rows a resolution writes, and the keepers
remembered for a checksum."""

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duplicates import SharedFields, UserState
from domain.spaces import SpaceRole
from storage import access
from storage.models import (
    Album,
    AlbumAsset,
    Asset,
    AssetDetails,
    AssetTag,
    AssetUserState,
    DuplicateResolution,
    DuplicateResolutionCopy,
    Space,
    SpaceAsset,
    SpaceLibrary,
    SpaceMember,
)


@dataclass(frozen=True)
class Holding:
    """A space holding a copy: added by a member (`added_by_id`, `added_at`) or through a connected library."""

    space_id: uuid.UUID
    space_name: str
    asset_id: uuid.UUID
    added_by_id: uuid.UUID | None
    added_at: datetime
    resolver_role: SpaceRole | None


@dataclass(frozen=True)
class AlbumEntry:
    album_id: uuid.UUID
    album_owner_id: uuid.UUID
    asset_id: uuid.UUID
    added_by_id: uuid.UUID | None
    added_at: datetime


async def shared_fields(session: AsyncSession, asset_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, SharedFields]:
    tags: dict[uuid.UUID, set[str]] = defaultdict(set)
    for asset_id, tag in await session.execute(
        select(AssetTag.asset_id, AssetTag.tag).where(AssetTag.asset_id.in_(asset_ids))
    ):
        tags[asset_id].add(tag)
    rows = await session.execute(
        select(
            Asset.id,
            AssetDetails.description,
            Asset.exif_taken_at,
            AssetDetails.taken_at,
            AssetDetails.latitude,
            AssetDetails.longitude,
        )
        .join(AssetDetails, AssetDetails.asset_id == Asset.id)
        .where(Asset.id.in_(asset_ids))
    )
    return {
        asset_id: SharedFields(
            description,
            frozenset(tags[asset_id]),
            taken if from_file else None,
            (latitude, longitude) if latitude is not None else None,
        )
        for asset_id, description, from_file, taken, latitude, longitude in rows
    }


async def holdings(session: AsyncSession, asset_ids: Collection[uuid.UUID], resolver_id: uuid.UUID) -> list[Holding]:
    """Every space holding one of these assets, added or through a connected library, with the resolver's role there."""
    added = select(SpaceAsset.space_id, SpaceAsset.asset_id, SpaceAsset.added_by_id, SpaceAsset.added_at).where(
        SpaceAsset.asset_id.in_(asset_ids)
    )
    connected = (
        select(SpaceLibrary.space_id, Asset.id, SpaceLibrary.connected_by_id, Asset.uploaded_at)
        .join(Asset, Asset.library_id == SpaceLibrary.library_id)
        .where(Asset.id.in_(asset_ids))
    )
    held = union_all(added, connected).subquery()
    statement = (
        select(held.c[0], Space.name, held.c[1], held.c[2], held.c[3], SpaceMember.role)
        .join(Space, Space.id == held.c[0])
        .outerjoin(SpaceMember, (SpaceMember.space_id == held.c[0]) & (SpaceMember.user_id == resolver_id))
        .order_by(Space.name, held.c[0])
    )
    return [
        Holding(space_id, name, asset_id, added_by, added_at, SpaceRole(role) if role else None)
        for space_id, name, asset_id, added_by, added_at, role in await session.execute(statement)
    ]


async def held_by(session: AsyncSession, space_id: uuid.UUID, asset_id: uuid.UUID) -> bool:
    """Whether the space holds the asset, added or through its library."""
    added = select(SpaceAsset.asset_id).where(SpaceAsset.space_id == space_id, SpaceAsset.asset_id == asset_id)
    connected = (
        select(Asset.id)
        .join(SpaceLibrary, SpaceLibrary.library_id == Asset.library_id)
        .where(SpaceLibrary.space_id == space_id, Asset.id == asset_id)
    )
    return await session.scalar(union_all(added, connected).limit(1)) is not None


async def album_entries(session: AsyncSession, asset_ids: Collection[uuid.UUID]) -> list[AlbumEntry]:
    statement = (
        select(AlbumAsset.album_id, Album.owner_id, AlbumAsset.asset_id, AlbumAsset.added_by_id, AlbumAsset.added_at)
        .join(Album, Album.id == AlbumAsset.album_id)
        .where(AlbumAsset.asset_id.in_(asset_ids))
    )
    return [AlbumEntry(*row) for row in await session.execute(statement)]


async def user_states(
    session: AsyncSession, asset_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, dict[uuid.UUID, UserState]]:
    """Each member's state on these assets: {user: {asset: state}}."""
    rows = await session.scalars(select(AssetUserState).where(AssetUserState.asset_id.in_(asset_ids)))
    states: dict[uuid.UUID, dict[uuid.UUID, UserState]] = defaultdict(dict)
    for row in rows:
        states[row.user_id][row.asset_id] = UserState(row.favorite, row.rating, row.archived)
    return states


def trashed_by_resolutions(keeper_id: uuid.UUID) -> Select:
    """Copies the live resolutions keeping this asset trashed."""
    return (
        select(DuplicateResolutionCopy.asset_id)
        .join(DuplicateResolution, DuplicateResolution.id == DuplicateResolutionCopy.resolution_id)
        .where(
            DuplicateResolution.keeper_id == keeper_id,
            DuplicateResolution.undone_at.is_(None),
            DuplicateResolutionCopy.trashed.is_(True),
        )
    )


async def latest_resolution(
    session: AsyncSession, resolver_id: uuid.UUID, keeper_id: uuid.UUID
) -> DuplicateResolution | None:
    statement = (
        select(DuplicateResolution)
        .where(
            DuplicateResolution.resolver_id == resolver_id,
            DuplicateResolution.keeper_id == keeper_id,
            DuplicateResolution.undone_at.is_(None),
        )
        .order_by(DuplicateResolution.created_at.desc())
        .limit(1)
    )
    return await session.scalar(statement)


async def resolution_copies(session: AsyncSession, resolution_id: uuid.UUID) -> list[DuplicateResolutionCopy]:
    return list(
        await session.scalars(
            select(DuplicateResolutionCopy).where(DuplicateResolutionCopy.resolution_id == resolution_id)
        )
    )


def remembered_keepers(checksum: str) -> Select:
    """Live keepers of live resolutions that trashed a copy with this checksum, newest first."""
    return (
        select(DuplicateResolution.keeper_id)
        .join(DuplicateResolutionCopy, DuplicateResolutionCopy.resolution_id == DuplicateResolution.id)
        .join(Asset, Asset.id == DuplicateResolution.keeper_id)
        .where(
            DuplicateResolutionCopy.checksum == checksum,
            DuplicateResolutionCopy.trashed.is_(True),
            DuplicateResolution.undone_at.is_(None),
            Asset.trashed_at.is_(None),
        )
        .order_by(DuplicateResolution.created_at.desc())
    )


async def remembered_keeper(session: AsyncSession, actor_id: uuid.UUID, checksum: str) -> uuid.UUID | None:
    """The keeper of a resolution that trashed a file with this checksum, if the actor sees it: the same file uploaded
    again is a duplicate of it."""
    for keeper_id in await session.scalars(remembered_keepers(checksum).limit(5)):
        if await access.roles_on(session, actor_id, [keeper_id]):
            return keeper_id
    return None
