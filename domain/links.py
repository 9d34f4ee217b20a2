"""Public links (SPEC §5): what a valid link looks like, when it stops working, and how a guest proves they know its
password. A link reveals nothing about why it does not open: unknown, revoked and expired look the same."""

import hashlib
import hmac
from datetime import datetime

from domain.errors import InvalidInput
from domain.spaces import SPACE_ACTIONS, SpaceAction

MAX_LABEL = 200
MAX_GUEST_NAME = 100
GONE = 'This link has expired or does not exist'
NEEDS_PASSWORD = 'This link needs a password'
WRONG_PASSWORD = 'Wrong password'
NO_DOWNLOADS = 'Downloads are turned off for this link'
NO_UPLOADS = 'This link does not accept uploads'


def check_target(album_id: object | None, asset_ids: tuple, space_id: object | None = None) -> None:
    """A link opens one album, one space or one selection of assets."""
    if [album_id is not None, space_id is not None, bool(asset_ids)].count(True) != 1:
        raise InvalidInput('A link is to one album, one space or a selection of photos')


def check_uploads(has_a_place: bool, allow_upload: bool) -> None:
    """Guests add photos to an album or a space; a selection has nowhere to put them."""
    if allow_upload and not has_a_place:
        raise InvalidInput('Only links to an album or a space can accept uploads')


def space_roles_allowed(*actions: SpaceAction) -> tuple[str, ...]:
    """The space roles holding all these actions. A link to a space works only while its creator holds one of the
    roles that may share it, so leaving, removal or a lesser role ends it at once."""
    return tuple(sorted(role.value for role, allowed in SPACE_ACTIONS.items() if set(actions) <= allowed))


def clean_label(label: str | None) -> str | None:
    label = ' '.join((label or '').split())
    if len(label) > MAX_LABEL:
        raise InvalidInput(f'Labels are at most {MAX_LABEL} characters')
    return label or None


def clean_guest_name(name: str | None) -> str:
    name = ' '.join((name or '').split())
    if not name or len(name) > MAX_GUEST_NAME:
        raise InvalidInput(f'Enter your name ({MAX_GUEST_NAME} characters at most) so they know who added the photos')
    return name


def check_expiry(expires_at: datetime | None, now: datetime) -> datetime | None:
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:
        raise InvalidInput('The expiry needs a time zone')
    if expires_at <= now:
        raise InvalidInput('The expiry must be in the future')
    return expires_at


def is_expired(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at <= now


def unlock_key(secret: str, link_id: object, password_hash: str) -> str:
    """What a guest who gave the right password sends instead of it (an <img> cannot send headers). It depends on the
    password's hash, so a new password makes every old key worthless."""
    return hmac.new(secret.encode(), f'{link_id}:{password_hash}'.encode(), hashlib.sha256).hexdigest()


def key_matches(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def public_filename(media_type: str, position: int, extension: str) -> str:
    """The download name when metadata is hidden: the original file name may say where or who."""
    return f'{"video" if media_type == "video" else "photo"}-{position}{extension}'
