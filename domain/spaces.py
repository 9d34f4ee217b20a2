"""What each member may do to a Shared Space itself (SPEC §6); what they may do to its assets is `domain.access`.

A space has no single owner: several members may hold the Owner role, and the last one can neither leave nor be
demoted. Owners manage members, settings and the space's deletion; editors and owners set the cover, remove any
asset and connect libraries; contributors add from their own library and remove what they added; viewers look.
"""

import re
from collections.abc import Mapping
from enum import StrEnum

from domain.access import Role
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.text import clean_long_text, clean_title

MAX_NAME = 200
MAX_DESCRIPTION = 5000
DEFAULT_COLOR = '#b45309'
_COLOR = re.compile(r'^#[0-9a-fA-F]{6}$')


class SpaceRole(StrEnum):
    OWNER = 'owner'
    EDITOR = 'editor'
    CONTRIBUTOR = 'contributor'
    VIEWER = 'viewer'

    @property
    def asset_role(self) -> Role:
        """The role a member holds on the space's assets (SPEC §3: Editor = collaborator, ...)."""
        return ASSET_ROLES[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()


# An Owner holds at least what an Editor holds on the assets; managing the space is on top of that.
ASSET_ROLES: Mapping[SpaceRole, Role] = {
    SpaceRole.OWNER: Role.COLLABORATOR,
    SpaceRole.EDITOR: Role.COLLABORATOR,
    SpaceRole.CONTRIBUTOR: Role.CONTRIBUTOR,
    SpaceRole.VIEWER: Role.VIEWER,
}


class SpaceAction(StrEnum):
    VIEW = 'view'
    MANAGE = 'manage'  # rename, describe, colour, invite, change roles, remove members, delete the space
    SET_COVER = 'set_cover'
    ADD_ASSETS = 'add_assets'
    REMOVE_ANY_ASSET = 'remove_any_asset'  # contributors remove only what they added
    CONNECT_LIBRARY = 'connect_library'
    SHARE_LINK = 'share_link'
    NAME_PEOPLE = 'name_people'  # name, merge and correct the space's people; every member sees them
    LEAVE = 'leave'


_A = SpaceAction
SPACE_ACTIONS: Mapping[SpaceRole, frozenset[SpaceAction]] = {
    SpaceRole.OWNER: frozenset(SpaceAction),
    SpaceRole.EDITOR: frozenset(
        {
            _A.VIEW,
            _A.SET_COVER,
            _A.ADD_ASSETS,
            _A.REMOVE_ANY_ASSET,
            _A.CONNECT_LIBRARY,
            _A.SHARE_LINK,
            _A.NAME_PEOPLE,
            _A.LEAVE,
        }
    ),
    SpaceRole.CONTRIBUTOR: frozenset({_A.VIEW, _A.ADD_ASSETS, _A.LEAVE}),
    SpaceRole.VIEWER: frozenset({_A.VIEW, _A.LEAVE}),
}

_REFUSALS = {
    _A.MANAGE: 'Only the space owners can do this',
    _A.SET_COVER: 'Only owners and editors can change the cover',
    _A.ADD_ASSETS: 'Your role in this space does not allow adding photos',
    _A.REMOVE_ANY_ASSET: 'You can only remove what you added',
    _A.CONNECT_LIBRARY: 'Only owners and editors can connect a library',
    _A.SHARE_LINK: 'Only owners and editors can share this space by link',
    _A.NAME_PEOPLE: "Only owners and editors can name and correct the space's people",
    _A.LEAVE: 'You cannot leave this space',
}


def space_actions(role: SpaceRole | None) -> frozenset[SpaceAction]:
    return SPACE_ACTIONS[role] if role is not None else frozenset()


def require_space(action: SpaceAction, role: SpaceRole | None) -> None:
    """404 for a space the actor is not in, 403 for what their role in it does not allow."""
    actions = space_actions(role)
    if SpaceAction.VIEW not in actions:
        raise NotFound('Space not found')
    if action not in actions:
        raise Forbidden(_REFUSALS[action])


def may_remove(role: SpaceRole | None, added_by_actor: bool, owns_asset: bool = False) -> bool:
    """Owners and editors remove anything; contributors what they added; every member their own photos, since
    everyone keeps their own library."""
    actions = space_actions(role)
    if SpaceAction.VIEW not in actions:
        return False
    return (
        SpaceAction.REMOVE_ANY_ASSET in actions or owns_asset or (added_by_actor and SpaceAction.ADD_ASSETS in actions)
    )


def check_owner_kept(owner_count: int, current: SpaceRole, new: SpaceRole | None) -> None:
    """The last owner can neither leave, be removed nor be demoted (`new` is None for leaving or removal)."""
    if current is SpaceRole.OWNER and new is not SpaceRole.OWNER and owner_count <= 1:
        raise Conflict('A space needs an owner: make another member an owner first')


def parse_space_role(value: str | None, default: SpaceRole = SpaceRole.VIEWER) -> SpaceRole:
    if value is None:
        return default
    try:
        return SpaceRole(value)
    except ValueError:
        raise InvalidInput(f'Unknown role {value!r}: choose owner, editor, contributor or viewer') from None


def clean_space_name(name: str | None) -> str:
    return clean_title(name, 'space', MAX_NAME)


def clean_space_description(text: str | None) -> str | None:
    return clean_long_text(text, 'Space descriptions', MAX_DESCRIPTION)


def clean_color(value: str | None) -> str:
    if value is None or value == '':
        return DEFAULT_COLOR
    if not _COLOR.match(value):
        raise InvalidInput('A colour is written like #1e88e5')
    return value.lower()
