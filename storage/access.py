"""The one place that knows, in SQL, which assets an actor can reach and through which roles.

Today a user reaches their own assets; grants (partners, albums, spaces) widen `in_my_libraries`, `is_visible` and
`roles_on` here, and every listing and every check follows.
"""

import uuid
from collections.abc import Collection

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Role
from storage.models import Asset, AssetDetails


def in_my_libraries(actor_id: uuid.UUID) -> ColumnElement[bool]:
    """Timeline rows (`asset_details`) of the libraries the actor sees whole; trash and archive are excluded
    separately (see `storage.assets.hidden_from_timeline`)."""
    return AssetDetails.owner_id == actor_id


def is_visible(actor_id: uuid.UUID) -> ColumnElement[bool]:
    """Live (not trashed) assets the actor can see, as a filter on the `assets` table."""
    return (Asset.owner_id == actor_id) & Asset.trashed_at.is_(None)


def is_in_my_trash(actor_id: uuid.UUID) -> ColumnElement[bool]:
    """Trash always belongs to the owner, whoever trashed the asset."""
    return (Asset.owner_id == actor_id) & Asset.trashed_at.is_not(None)


async def roles_on(
    session: AsyncSession, actor_id: uuid.UUID, asset_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, set[Role]]:
    """Roles the actor holds on each of the given assets; assets the actor cannot reach are absent."""
    if not asset_ids:
        return {}
    rows = await session.execute(select(Asset.id).where(Asset.id.in_(list(asset_ids)), Asset.owner_id == actor_id))
    return {asset_id: {Role.OWNER} for (asset_id,) in rows}
