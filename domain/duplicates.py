"""Duplicates (SPEC §9): when two assets are copies of one another, why, and how copies form groups.

Three signals, each explained: the same file (the same checksum); the same picture (perceptual hashes of the
upright thumbnails within `SAME_PICTURE_DISTANCE` bits of 64: re-saved, resized, recompressed, turned by its
orientation tag, cropped by a hair); and a burst (taken within `BURST_SECONDS` on the same camera, and alike within
`BURST_DISTANCE`): a looser likeness only counts with the camera and the second agreeing, never alone. The distances
were measured on real photos (docs/duplicates.md, bench/duplicates.py).
"""

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.access import Permission
from domain.errors import Forbidden
from domain.spaces import SpaceAction, SpaceRole, require_space

SAME_PICTURE_DISTANCE = 6  # re-saves measured at most 4 apart, different photos at least 18
BURST_DISTANCE = 20  # a burst's neighbouring frames measured up to 18 apart
BURST_SECONDS = 1
HASH_BITS = 64
MAX_PAGE = 100


class Reason(StrEnum):
    """Why two assets are copies, strongest first."""

    FILE = 'file'
    PICTURE = 'picture'
    BURST = 'burst'


_WEAKEST_FIRST = (Reason.BURST, Reason.PICTURE, Reason.FILE)


def link_reason(same_checksum: bool, distance: int | None, same_burst: bool) -> Reason | None:
    """Why two assets are copies, from their checksums, the distance of their pHashes (None: one has none) and
    whether they were taken within a second on the same camera; None when they are not."""
    if same_checksum:
        return Reason.FILE
    if distance is None:
        return None
    if distance <= SAME_PICTURE_DISTANCE:
        return Reason.PICTURE
    if same_burst and distance <= BURST_DISTANCE:
        return Reason.BURST
    return None


def similarity(distance: int) -> float:
    """The share of the 64 pHash bits two copies agree on (1.0: the same file or the same hash)."""
    return round(1 - distance / HASH_BITS, 2)


def explain(reason: Reason, resized: bool = False) -> str:
    if reason is Reason.FILE:
        return 'same file'
    if reason is Reason.PICTURE:
        return 'same picture, resized' if resized else 'same picture'
    return f'taken within {BURST_SECONDS} s on the same camera'


@dataclass(frozen=True)
class Link:
    asset_id: uuid.UUID
    other_id: uuid.UUID
    reason: Reason
    distance: int


@dataclass(frozen=True)
class Group:
    """Copies linked to each other directly or through other copies; its reason is that of its weakest link."""

    asset_ids: tuple[uuid.UUID, ...]
    reason: Reason
    distance: int  # of its least alike link

    @property
    def similarity(self) -> float:
        return similarity(self.distance)


def groups_of(links: Iterable[Link]) -> list[Group]:
    """The connected components of the links, each with its assets in a stable order."""
    parent: dict[uuid.UUID, uuid.UUID] = {}

    def root(asset_id: uuid.UUID) -> uuid.UUID:
        while parent.setdefault(asset_id, asset_id) != asset_id:
            parent[asset_id] = parent[parent[asset_id]]
            asset_id = parent[asset_id]
        return asset_id

    links = list(links)
    for link in links:
        parent[root(link.asset_id)] = root(link.other_id)
    members: dict[uuid.UUID, list[Link]] = {}
    for link in links:
        members.setdefault(root(link.asset_id), []).append(link)
    return [_group(component) for component in members.values()]


def _group(links: list[Link]) -> Group:
    ids = sorted({asset_id for link in links for asset_id in (link.asset_id, link.other_id)})
    reason = next(reason for reason in _WEAKEST_FIRST if any(link.reason is reason for link in links))
    return Group(tuple(ids), reason, max(link.distance for link in links))


TRASH_A_COPY = frozenset({Permission.TRASH, Permission.RESOLVE_DUPLICATES})


def may_trash_copy(permissions: Iterable[Permission]) -> bool:
    """Whether resolving may send a copy to its owner's trash: SPEC §3's trash and resolve-duplicates rights."""
    return set(permissions) >= TRASH_A_COPY


def stays_with_its_owner(owner_name: str) -> str:
    """Why a copy the resolver may not trash stays."""
    return f'Their copy stays: ask {owner_name}'


def may_review_space(role: SpaceRole | None) -> bool:
    """A space's duplicates are reviewed by its Owners and Editors."""
    return role in (SpaceRole.OWNER, SpaceRole.EDITOR)


def require_space_review(role: SpaceRole | None) -> None:
    """`may_review_space`, else 404 for non-members and 403 for the others."""
    require_space(SpaceAction.VIEW, role)
    if not may_review_space(role):
        raise Forbidden("Only the space's owners and editors review its duplicates")


_FORMAT_NAMES = {'quicktime': 'MOV', 'jpeg': 'JPEG'}


def format_name(mime_type: str) -> str:
    """How a copy's format is named to people: JPEG, PNG, WEBP, HEIC, HEIF, MP4 or MOV."""
    subtype = mime_type.split('/')[-1]
    return _FORMAT_NAMES.get(subtype, subtype.upper())


# ---- which copy to keep ---------------------------------------------------------------------------------------------

DERIVED_FORMATS = frozenset({'image/jpeg'})  # what phones and chat apps make of an original; HEIC, PNG, RAW are not


@dataclass(frozen=True)
class CopyFacts:
    """What the suggestion weighs of one copy."""

    asset_id: uuid.UUID
    width: int
    height: int
    mime_type: str
    file_size: int
    has_date: bool  # its file says when it was taken
    has_place: bool
    uploaded_at: datetime

    @property
    def pixels(self) -> int:
        return self.width * self.height


# The score, criterion by criterion: the first on which copies differ decides (docs/duplicates.md).
_CRITERIA: tuple[tuple[str, Callable[[CopyFacts], object]], ...] = (
    ('most pixels', lambda copy: copy.pixels),
    ('the original format', lambda copy: copy.mime_type not in DERIVED_FORMATS),
    ('has the date it was taken', lambda copy: copy.has_date),
    ('has its place', lambda copy: copy.has_place),
    ('uploaded first', lambda copy: -copy.uploaded_at.timestamp()),
    ('largest file', lambda copy: copy.file_size),
)


def suggest_keeper(copies: Sequence[CopyFacts]) -> tuple[uuid.UUID, str]:
    """The copy to keep and why: the most pixels; of the same pixels, an original format (HEIC, PNG) over a JPEG made
    from it; then one whose file has its date, then its place; the earliest upload; the largest file."""
    ranked = sorted(copies, key=_score, reverse=True)
    best, runner_up = ranked[0], ranked[1] if len(ranked) > 1 else None
    for reason, measure in _CRITERIA:
        if runner_up is not None and measure(best) != measure(runner_up):
            return best.asset_id, reason
    return best.asset_id, 'alike in every way: the first one'


def _score(copy: CopyFacts) -> tuple:
    return (*(measure(copy) for _, measure in _CRITERIA), -copy.asset_id.int)


# ---- what the keeper takes from the others --------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedFields:
    """A copy's shared details (scope E) that a resolution merges into the keeper."""

    description: str | None
    tags: frozenset[str]
    taken_at: datetime | None  # None: its file had no date (the one shown was guessed)
    position: tuple[float, float] | None


def merged_fields(keeper: SharedFields, others: Sequence[SharedFields]) -> dict[str, object]:
    """The keeper's shared fields after a merge, only those that change: the keeper's own value wins; an empty
    description or position takes the first of the others' (in the order given, best copy first); tags are the union;
    a keeper without a date from its file takes the earliest date the others' files have."""
    changes: dict[str, object] = {}
    if not keeper.description and (description := next((o.description for o in others if o.description), None)):
        changes['description'] = description
    if (tags := keeper.tags.union(*(other.tags for other in others))) != keeper.tags:
        changes['tags'] = sorted(tags)
    if keeper.taken_at is None and (dates := [other.taken_at for other in others if other.taken_at]):
        changes['taken_at'] = min(dates)
    if keeper.position is None and (position := next((o.position for o in others if o.position), None)):
        changes['position'] = position
    return changes


@dataclass(frozen=True)
class UserState:
    favorite: bool = False
    rating: int = 0
    archived: bool = False


def merged_state(keeper: UserState | None, others: Iterable[UserState]) -> UserState:
    """One member's favorite, rating and archive on the keeper after a merge: a favorite or an archive on any copy
    holds for the keeper; the keeper's own rating stands, else the highest the member gave a copy."""
    states = [keeper or UserState(), *others]
    rating = (keeper.rating if keeper else 0) or max(state.rating for state in states)
    return UserState(any(s.favorite for s in states), rating, any(s.archived for s in states))
