"""Who may do what to which assets: SPEC §3 as data, and the one decision every interface calls.

Storage answers "which roles does this actor hold on each of these assets" (owner, or the role of a grant);
this module turns that into allowed subsets. Nothing here knows how grants are stored.
"""

from collections.abc import Collection, Iterable, Mapping
from enum import StrEnum
from typing import TypeVar

from domain.errors import Forbidden, NotFound

AssetId = TypeVar('AssetId')


class Role(StrEnum):
    OWNER = 'owner'
    COLLABORATOR = 'collaborator'
    CURATOR = 'curator'
    CONTRIBUTOR = 'contributor'
    VIEWER = 'viewer'


class TrustLevel(StrEnum):
    """What a user picks when sharing (SPEC §3); each maps to one role."""

    VERY_CLOSE = 'very_close'
    KNOWN = 'known'
    HELPER = 'helper'
    GUEST = 'guest'

    @property
    def role(self) -> Role:
        return TRUST_ROLES[self]

    @property
    def label(self) -> str:
        return TRUST_LABELS[self]


TRUST_ROLES: Mapping[TrustLevel, Role] = {
    TrustLevel.VERY_CLOSE: Role.COLLABORATOR,
    TrustLevel.KNOWN: Role.CURATOR,
    TrustLevel.HELPER: Role.CONTRIBUTOR,
    TrustLevel.GUEST: Role.VIEWER,
}
TRUST_LABELS: Mapping[TrustLevel, str] = {
    TrustLevel.VERY_CLOSE: 'Very close person',
    TrustLevel.KNOWN: 'Known user',
    TrustLevel.HELPER: 'Helper with temporary rights',
    TrustLevel.GUEST: 'Guest',
}


def trust_level_of(role: Role) -> TrustLevel:
    return next(level for level, mapped in TRUST_ROLES.items() if mapped == role)


class Permission(StrEnum):
    VIEW = 'view'
    DOWNLOAD = 'download'
    EDIT_GPS = 'edit_gps'
    EDIT_DATE = 'edit_date'
    EDIT_DESCRIPTION = 'edit_description'
    EDIT_TAGS = 'edit_tags'
    RATE = 'rate'
    FAVORITE = 'favorite'
    ARCHIVE = 'archive'
    ADD_TO_ALBUM = 'add_to_album'
    NAME_PEOPLE = 'name_people'
    TRASH = 'trash'
    RESTORE = 'restore'
    UPLOAD = 'upload'
    REPLACE = 'replace'
    REFRESH_METADATA = 'refresh_metadata'
    REFRESH_FACES = 'refresh_faces'
    RESOLVE_DUPLICATES = 'resolve_duplicates'
    DELETE_PERMANENTLY = 'delete_permanently'


P = Permission

# SPEC §3, metadata table then operations table, cell for cell. Viewer download is decided per grant, not here.
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.COLLABORATOR: frozenset(
        {
            P.VIEW,
            P.EDIT_GPS,
            P.EDIT_DATE,
            P.EDIT_DESCRIPTION,
            P.EDIT_TAGS,
            P.RATE,
            P.ADD_TO_ALBUM,
            P.NAME_PEOPLE,
            P.FAVORITE,
            P.ARCHIVE,
            P.TRASH,
            P.RESTORE,
            P.DOWNLOAD,
            P.UPLOAD,
            P.REPLACE,
            P.REFRESH_METADATA,
            P.REFRESH_FACES,
            P.RESOLVE_DUPLICATES,
        }
    ),
    Role.CURATOR: frozenset(
        {
            P.VIEW,
            P.EDIT_GPS,
            P.EDIT_DATE,
            P.EDIT_TAGS,
            P.RATE,
            P.ADD_TO_ALBUM,
            P.NAME_PEOPLE,
            P.FAVORITE,
            P.TRASH,
            P.DOWNLOAD,
            P.UPLOAD,
            P.REFRESH_METADATA,
            P.REFRESH_FACES,
            P.RESOLVE_DUPLICATES,
        }
    ),
    Role.CONTRIBUTOR: frozenset(
        {
            P.VIEW,
            P.EDIT_DESCRIPTION,
            P.EDIT_TAGS,
            P.RATE,
            P.ADD_TO_ALBUM,
            P.FAVORITE,
            P.DOWNLOAD,
            P.UPLOAD,
        }
    ),
    Role.VIEWER: frozenset(
        {
            P.VIEW,
            P.RATE,
            P.FAVORITE,
            P.REFRESH_METADATA,
            P.REFRESH_FACES,
        }
    ),
}


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    """An asset reached through several grants carries the union of their permissions."""
    return frozenset().union(*(ROLE_PERMISSIONS[role] for role in roles))


def allowed_subset(
    permission: Permission, requested: Collection[AssetId], roles_by_asset: Mapping[AssetId, Collection[Role]]
) -> set[AssetId]:
    """The ids of `requested` on which the held roles grant `permission`; invisible ids are simply absent."""
    return {asset_id for asset_id in requested if permission in permissions_of(roles_by_asset.get(asset_id, ()))}


def require(
    permission: Permission, requested: Collection[AssetId], roles_by_asset: Mapping[AssetId, Collection[Role]]
) -> set[AssetId]:
    """All-or-nothing check: 404 if any asset is not visible to the actor, 403 if visible but not permitted."""
    requested = set(requested)
    if any(not roles_by_asset.get(asset_id) for asset_id in requested):
        raise NotFound('Asset not found')
    allowed = allowed_subset(permission, requested, roles_by_asset)
    if allowed != requested:
        raise Forbidden(f'You may not {permission.value.replace("_", " ")} {_count(len(requested - allowed))}')
    return allowed


def _count(n: int) -> str:
    return 'this asset' if n == 1 else f'{n} of these assets'
