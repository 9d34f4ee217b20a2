"""Duplicates (SPEC §9): when two assets are copies of one another, why, and how copies form groups.

Three signals, each explained: the same file (the same checksum); the same picture (perceptual hashes of the
upright thumbnails within `SAME_PICTURE_DISTANCE` bits of 64: re-saved, resized, recompressed, turned by its
orientation tag, cropped by a hair); and a burst (taken within `BURST_SECONDS` on the same camera, and alike within
`BURST_DISTANCE`): a looser likeness only counts with the camera and the second agreeing, never alone. The distances
were measured on real photos (docs/duplicates.md, bench/duplicates.py).
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

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


def require_space_review(role: SpaceRole | None) -> None:
    """A space's duplicates are reviewed by its Owners and Editors: 404 for non-members, 403 for the others."""
    require_space(SpaceAction.VIEW, role)
    if role not in (SpaceRole.OWNER, SpaceRole.EDITOR):
        raise Forbidden("Only the space's owners and editors review its duplicates")
