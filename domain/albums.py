"""What each person may do to an album itself (SPEC §5); what they may do to its assets is `domain.access`.

Only the owner manages an album: its name, description, cover, members and its deletion. Members whose role may add
assets (SPEC §3: "upload / add assets") add; everyone in the album comments and likes; members may leave.
"""

from enum import StrEnum

from domain.access import Permission, Role, permissions_of
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.text import clean_long_text, clean_title

MAX_NAME = 200
MAX_DESCRIPTION = 5000
MAX_COMMENT = 2000


class AlbumAction(StrEnum):
    VIEW = 'view'
    MANAGE = 'manage'  # rename, describe, set cover, share, change or remove members, delete, create links
    ADD_ASSETS = 'add_assets'
    REMOVE_ANY_ASSET = 'remove_any_asset'  # members remove only what they added
    COMMENT = 'comment'
    LEAVE = 'leave'


_OWNER_ACTIONS = frozenset(AlbumAction) - {AlbumAction.LEAVE}
_MEMBER_ACTIONS = frozenset({AlbumAction.VIEW, AlbumAction.COMMENT, AlbumAction.LEAVE})


def album_actions(is_owner: bool, member_role: Role | None) -> frozenset[AlbumAction]:
    if is_owner:
        return _OWNER_ACTIONS
    if member_role is None:
        return frozenset()
    if Permission.UPLOAD in permissions_of([member_role]):
        return _MEMBER_ACTIONS | {AlbumAction.ADD_ASSETS}
    return _MEMBER_ACTIONS


def require_album(action: AlbumAction, actions: frozenset[AlbumAction]) -> None:
    """404 for an album the actor is not in, 403 for what their place in it does not allow."""
    if AlbumAction.VIEW not in actions:
        raise NotFound('Album not found')
    if action not in actions:
        raise Forbidden(_REFUSALS[action])


_REFUSALS = {
    AlbumAction.MANAGE: 'Only the album owner can do this',
    AlbumAction.ADD_ASSETS: 'Your role in this album does not allow adding photos',
    AlbumAction.REMOVE_ANY_ASSET: 'You can only remove what you added',
    AlbumAction.COMMENT: 'You cannot comment in this album',
    AlbumAction.LEAVE: 'The owner cannot leave their own album; delete it instead',
}


def may_remove(actions: frozenset[AlbumAction], added_by_actor: bool, owns_asset: bool = False) -> bool:
    """The album owner removes anything; a member what they added, and their own photos whoever added them."""
    in_album = AlbumAction.VIEW in actions
    return AlbumAction.REMOVE_ANY_ASSET in actions or (in_album and (added_by_actor or owns_asset))


def may_delete_activity(is_album_owner: bool, is_author: bool) -> bool:
    return is_album_owner or is_author


def clean_album_name(name: str | None) -> str:
    return clean_title(name, 'album', MAX_NAME)


def clean_album_description(text: str | None) -> str | None:
    return clean_long_text(text, 'Album descriptions', MAX_DESCRIPTION)


def clean_comment(text: str | None) -> str:
    text = (text or '').strip()
    if not text:
        raise InvalidInput('A comment cannot be empty')
    if len(text) > MAX_COMMENT:
        raise InvalidInput(f'Comments are at most {MAX_COMMENT} characters')
    return text
