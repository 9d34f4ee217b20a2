"""Duplicates (SPEC §9): the duplicates step hashes each asset once its thumbnail exists and links it to the copies its
hashes find among everyone's assets; a reader's groups are the links between the copies they see (their own,
partners', spaces', albums'), or for a space's Owners and Editors between the copies the space holds. A copy the
reader cannot see is left out before groups are formed, so it neither shows nor joins two copies they do see."""

import asyncio
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, select

from domain.access import permissions_of
from domain.duplicates import (
    BURST_SECONDS,
    SAME_PICTURE_DISTANCE,
    Group,
    Link,
    Reason,
    explain,
    groups_of,
    link_reason,
    may_trash_copy,
    require_space_review,
    stays_with_its_owner,
    suggest_keeper,
)
from domain.errors import HearthError, InvalidInput, NotFound
from domain.jobs import Queue
from ml import duplicates as ml_duplicates
from services.accounts import Actor, actor_of
from services.duplicate_resolution import NeedsAnswer, Resolution, resolve, undo  # noqa: F401 (the API's)
from services.runtime import Hearth
from storage import duplicate_resolutions as resolution_queries
from storage import duplicates as queries
from storage import jobs as job_rows
from storage import spaces as space_queries
from storage.access import roles_on
from storage.duplicates import Candidate, Copy
from storage.jobs import ClaimedJob
from storage.models import Asset, AssetHash, DuplicateRun, DuplicateRunResult, User

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
class CopyView:
    """One copy of a group as its reader sees it, with the albums and spaces of theirs it is in, and whether they may
    trash it (a note says why not)."""

    copy: Copy
    albums: list[tuple[uuid.UUID, str]]
    spaces: list[tuple[uuid.UUID, str]]
    can_trash: bool
    note: str | None


@dataclass(frozen=True)
class DuplicateGroup:
    reason: Reason
    why: str  # the reason in words: "same file", "same picture, resized", "taken within 1 s on the same camera"
    similarity: float
    copies: list[CopyView]
    keeper_id: uuid.UUID  # the suggested keeper
    keeper_reason: str  # why, in words: "most pixels", "the original format", ...


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
        groups = await _groups(session, actor, space_id)
        page = groups[offset : offset + limit]
        ids = [asset_id for group in page for asset_id in group.asset_ids]
        copies = await queries.copies(session, ids)
        views = await _copy_views(session, actor, copies)
    return DuplicatePage(len(groups), [_described(group, copies, views) for group in page])


async def _groups(session, actor: Actor, space_id: uuid.UUID | None) -> list[Group]:
    if space_id is None:
        assets = queries.seen_by(actor.id)
    else:
        require_space_review(await space_queries.member_role(session, space_id, actor.id))
        assets = queries.held_by_space(space_id)
    groups = groups_of(await queries.links_among(session, assets, actor.id))
    dates = await queries.taken_at(session, assets)
    groups.sort(key=lambda group: (max(dates[each] for each in group.asset_ids), group.asset_ids[0]), reverse=True)
    return groups


async def _copy_views(session, actor: Actor, copies: dict[uuid.UUID, Copy]) -> dict[uuid.UUID, CopyView]:
    roles = await roles_on(session, actor.id, copies)
    albums = await queries.albums_of(session, actor.id, copies)
    spaces: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for holding in await resolution_queries.holdings(session, copies, actor.id):
        if holding.resolver_role is not None:
            spaces.setdefault(holding.asset_id, []).append((holding.space_id, holding.space_name))
    views = {}
    for asset_id, copy in copies.items():
        may_trash = may_trash_copy(permissions_of(roles.get(asset_id, ())))
        note = None if may_trash else stays_with_its_owner(copy.owner_name)
        views[asset_id] = CopyView(copy, albums.get(asset_id, []), spaces.get(asset_id, []), may_trash, note)
    return views


def _described(group: Group, copies: dict[uuid.UUID, Copy], views: dict[uuid.UUID, CopyView]) -> DuplicateGroup:
    shown = sorted((copies[asset_id] for asset_id in group.asset_ids), key=lambda copy: (copy.taken_at, copy.asset_id))
    resized = len({(copy.width, copy.height) for copy in shown}) > 1
    keeper_id, keeper_reason = suggest_keeper([copy.facts for copy in shown])
    return DuplicateGroup(
        group.reason,
        explain(group.reason, resized),
        group.similarity,
        [views[copy.asset_id] for copy in shown],
        keeper_id,
        keeper_reason,
    )


# ---- resolving ------------------------------------------------------------------------------------------------------

RESOLVE_KIND = 'duplicates-resolve'


@dataclass(frozen=True)
class RunResult:
    keeper_id: uuid.UUID
    status: str  # 'resolved', 'asks' (a space would have to be asked: left to the member) or 'failed'
    message: str


@dataclass(frozen=True)
class RunProgress:
    finished: bool
    done: int
    total: int | None
    results: list[RunResult]


async def start_resolve_suggested(hearth: Hearth, actor: Actor, space_id: uuid.UUID | None = None) -> uuid.UUID:
    """ "Resolve all suggested" for the actor's list (or a space's, for its Owners and Editors), as a background job;
    returns the run's id, whose progress `run_progress` reads."""
    async with hearth.db.session() as session:
        if space_id is not None:
            require_space_review(await space_queries.member_role(session, space_id, actor.id))
        run = DuplicateRun(user_id=actor.id, space_id=space_id, done=0)
        session.add(run)
        await session.flush()
        await job_rows.enqueue(session, Queue.DUPLICATES, RESOLVE_KIND, [run.id.hex])
        await session.commit()
    hearth.wake(Queue.DUPLICATES)
    return run.id


async def run_progress(hearth: Hearth, actor: Actor, run_id: uuid.UUID) -> RunProgress:
    async with hearth.db.session() as session:
        run = await session.get(DuplicateRun, run_id)
        if run is None or run.user_id != actor.id:
            raise NotFound('Run not found')
        results = await session.scalars(
            select(DuplicateRunResult).where(DuplicateRunResult.run_id == run_id).order_by(DuplicateRunResult.position)
        )
        shown = [RunResult(result.keeper_id, result.status, result.message) for result in results]
        return RunProgress(run.finished_at is not None, run.done, run.total, shown)


async def resolve_suggested(runner, job: ClaimedJob) -> None:
    """The run's job: each group of the list resolved with its suggested keeper, one at a time, its result recorded as
    it goes; a group that asks about a space is left to its member. A run cut short goes on from where it was."""
    hearth = runner.hearth
    async with hearth.db.session() as session:
        run = await session.get(DuplicateRun, uuid.UUID(job.subject))
        if run is None or run.finished_at is not None:
            return
        actor = actor_of(await session.get(User, run.user_id))
        groups = await _groups(session, actor, run.space_id)
        answered = set(await session.scalars(select(DuplicateRunResult.keeper_id).where(_of_run(run.id))))
        run.total = run.done + len(groups)
        await session.commit()
    for group in groups:
        await _resolve_one(hearth, actor, run.id, group, answered)
    async with hearth.db.session() as session:
        finished = await session.get(DuplicateRun, run.id)
        finished.total, finished.finished_at = finished.done, datetime.now(UTC)
        await session.commit()


def _of_run(run_id: uuid.UUID):
    return DuplicateRunResult.run_id == run_id


async def _resolve_one(hearth: Hearth, actor: Actor, run_id: uuid.UUID, group: Group, answered: set) -> None:
    async with hearth.db.session() as session:
        copies = await queries.copies(session, group.asset_ids)
    keeper_id, _ = suggest_keeper([copy.facts for copy in copies.values()])
    if keeper_id in answered:  # asked or failed before the run was cut short
        return
    try:
        resolution = await resolve(hearth, actor, group.asset_ids, keeper_id)
        status, message = 'resolved', _summary(resolution)
    except NeedsAnswer as asking:
        status, message = 'asks', str(asking)
    except HearthError as error:
        status, message = 'failed', str(error)
    async with hearth.db.session() as session:
        run = await session.get(DuplicateRun, run_id)
        session.add(
            DuplicateRunResult(
                run_id=run_id, position=run.done, keeper_id=keeper_id, status=status, message=message[:300]
            )
        )
        run.done += 1
        await session.commit()


def _summary(resolution: Resolution) -> str:
    kept = f'Kept one, {len(resolution.trashed)} moved to the trash'
    return kept + (f', {len(resolution.stayed)} stayed' if resolution.stayed else '')
