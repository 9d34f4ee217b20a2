"""Duplicates (SPEC §9): the duplicates step hashes each asset once its thumbnail exists and links it to the copies its
hashes find among everyone's assets; a reader's groups are the links between the copies they see (their own,
partners', spaces', albums'), or for a space's Owners and Editors between the copies the space holds. A copy the
reader cannot see is left out before groups are formed, so it neither shows nor joins two copies they do see."""

import asyncio
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select

from domain.duplicates import (
    BURST_SECONDS,
    SAME_PICTURE_DISTANCE,
    Group,
    Link,
    Reason,
    explain,
    groups_of,
    link_reason,
    require_space_review,
)
from domain.errors import InvalidInput, NotFound
from ml import duplicates as ml_duplicates
from services.accounts import Actor
from services.runtime import Hearth
from storage import duplicates as queries
from storage import spaces as space_queries
from storage.duplicates import Candidate, Copy
from storage.jobs import ClaimedJob
from storage.models import Asset, AssetHash

KIND = 'duplicates'
RADIUS = ml_duplicates.band_radius(SAME_PICTURE_DISTANCE)


# ---- the step -------------------------------------------------------------------------------------------------------


async def find_copies(runner, job: ClaimedJob) -> None:
    """Hash an asset (its checksum, the pHash of its upright thumbnail if it is a photo, its camera and second) once
    per hash model, unless forced, and link it to the copies those find. The hashes commit first: two copies hashed
    at the same moment by two workers then find each other at least once."""
    hearth, asset_id = runner.hearth, uuid.UUID(job.subject)
    async with hearth.db.session() as session:
        asset = await session.get(Asset, asset_id)
        hashed = await session.get(AssetHash, asset_id)
    if asset is None:
        return  # deleted since it was queued
    if hashed is not None and hashed.model == ml_duplicates.MODEL_VERSION and not job.force:
        return
    phash = None
    if asset.media_type == 'image':
        thumbnail = hearth.files.files_of(asset).thumbnail
        # A thumbnail's pHash takes under 2 ms, mostly in Pillow's decoder, which lets go of the GIL: no worker process.
        phash = await asyncio.to_thread(ml_duplicates.photo_hash, thumbnail)
    await link_copies(hearth, queries.hash_row(asset, phash, ml_duplicates.MODEL_VERSION))


async def link_copies(hearth: Hearth, row: AssetHash) -> list[Link]:
    """Store an asset's hashes, then link it to the copies they find (its earlier links give way)."""
    async with hearth.db.session() as session:
        await queries.save_hashes(session, row)
        await session.commit()
    async with hearth.db.session() as session:
        found = await queries.candidates(session, row, RADIUS)
        links = [link for candidate in found if (link := _link(row, candidate))]
        await queries.replace_links(session, row.asset_id, links)
        await session.commit()
    return links


def _link(row: AssetHash, candidate: Candidate) -> Link | None:
    both_hashed = row.phash is not None and candidate.phash is not None
    distance = ml_duplicates.distance(row.phash, candidate.phash) if both_hashed else None
    reason = link_reason(row.checksum == candidate.checksum, distance, _same_burst(row, candidate))
    if reason is None:
        return None
    first, second = sorted((row.asset_id, candidate.asset_id))
    return Link(first, second, reason, 0 if reason is Reason.FILE else distance)


def _same_burst(row: AssetHash, candidate: Candidate) -> bool:
    if row.camera is None or row.camera != candidate.camera or None in (row.taken_at, candidate.taken_at):
        return False
    return abs((row.taken_at - candidate.taken_at).total_seconds()) <= BURST_SECONDS


def hashed_ids() -> Select:
    """Ids of the assets hashed by the current model ("run for missing" queues the others)."""
    return queries.hashed_ids(ml_duplicates.MODEL_VERSION)


# ---- "not duplicates" -----------------------------------------------------------------------------------------------


async def dismiss_group(hearth: Hearth, actor: Actor, asset_ids: Collection[uuid.UUID]) -> int:
    """Not duplicates, for the actor only: the links among these copies, all of which they see, never group them again
    for them (a copy that arrives later still links to them). Returns how many links were set aside."""
    wanted = set(asset_ids)
    if len(wanted) < 2:
        raise InvalidInput('A group has at least two copies')
    async with hearth.db.session() as session:
        seen = set(await session.scalars(queries.seen_by(actor.id).where(Asset.id.in_(wanted))))
        if seen != wanted:
            raise NotFound('Asset not found')
        count = await queries.dismiss_links(session, actor.id, wanted)
        await session.commit()
    return count


# ---- reading groups -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateGroup:
    reason: Reason
    why: str  # the reason in words: "same file", "same picture, resized", "taken within 1 s on the same camera"
    similarity: float
    copies: list[Copy]


@dataclass(frozen=True)
class DuplicatePage:
    total: int  # groups in all
    groups: list[DuplicateGroup]


async def list_groups(
    hearth: Hearth, actor: Actor, space_id: uuid.UUID | None = None, limit: int = 30, offset: int = 0
) -> DuplicatePage:
    """One page of the groups of copies among what the actor sees (or, for its Owners and Editors, what the space
    holds), the group with the newest copy first."""
    async with hearth.db.session() as session:
        if space_id is None:
            assets = queries.seen_by(actor.id)
        else:
            require_space_review(await space_queries.member_role(session, space_id, actor.id))
            assets = queries.held_by_space(space_id)
        groups = groups_of(await queries.links_among(session, assets, actor.id))
        dates = await queries.taken_at(session, assets)
        groups.sort(key=lambda group: (max(dates[each] for each in group.asset_ids), group.asset_ids[0]), reverse=True)
        page = groups[offset : offset + limit]
        copies = await queries.copies(session, [asset_id for group in page for asset_id in group.asset_ids])
    return DuplicatePage(len(groups), [_described(group, copies) for group in page])


def _described(group: Group, copies: dict[uuid.UUID, Copy]) -> DuplicateGroup:
    shown = sorted((copies[asset_id] for asset_id in group.asset_ids), key=lambda copy: (copy.taken_at, copy.asset_id))
    resized = len({(copy.width, copy.height) for copy in shown}) > 1
    return DuplicateGroup(group.reason, explain(group.reason, resized), group.similarity, shown)
