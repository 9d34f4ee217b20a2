"""Search by what a photo looks like, with the CLIP model an administrator installed (`ml.clip`), if any: each photo
is embedded once per model (the clip step, in a worker process) and a query's text is ranked against the photos in
the searcher's scope.

The scope goes into the vector query, never "the best hundred of everyone's, then filter", so a member who sees few
photos among many still gets all theirs. Whole libraries the member sees (their own and every partner's) are asked
for by owner, the libraries connected to their spaces by library, and the few other photos they see (added to a
space, in an album shared with them) by asset id; a space's search asks for its connected libraries and its added
photos. Each answer is then checked in SQL against the very condition the words search uses (`access.is_visible`,
or the space's photos), which also drops what is in the trash or what a partner archived; if that leaves fewer than
wanted while Chroma had more, it is asked again for more.

Which results count (`relevant`): those within MARGIN of the best one's cosine similarity, at most MAX_RESULTS.
CLIP's similarities are not comparable across queries (a text-to-image cosine of 0.3 is a strong match for one
query, a weak one for another), so a fixed threshold would not do; a margin under the best adapts to each query.
The margin is a starting value, not yet measured on real photos."""

import asyncio
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.jobs import Queue
from domain.spaces import SpaceAction, require_space
from ml import clip
from services.accounts import Actor
from services.runtime import Hearth
from storage import access
from storage import jobs as job_rows
from storage import search as search_queries
from storage import spaces as space_queries
from storage.clip_vectors import ClipVectors, save_embedded
from storage.jobs import ClaimedJob, asset_subject_column
from storage.models import Asset, AssetDetails, SearchDocument

KIND = 'clip'
MARGIN = 0.05
MAX_RESULTS = 1000
CHECK_BATCH = 5000  # ids per SQL statement


def model(hearth: Hearth) -> clip.ClipModel | None:
    return clip.installed(hearth.settings.models_dir)


def read_at_upload(hearth: Hearth) -> tuple[tuple[Queue, str], ...]:
    """The clip step, for each new photo, while a model is installed."""
    return ((Queue.CLIP, KIND),) if model(hearth) else ()


_stores: dict[tuple, ClipVectors] = {}


def vectors(hearth: Hearth, version: str) -> ClipVectors:
    """The collection of this model's vectors; one per process (Chroma's embedded store is not process-safe)."""
    key = (hearth.settings.vector_dir, hearth.settings.chroma_url, version)
    if key not in _stores:
        _stores[key] = ClipVectors(hearth.settings.vector_dir, hearth.settings.chroma_url, version)
    return _stores[key]


# ---- installing ----------------------------------------------------------------------------------------------------


async def install(hearth: Hearth, source: str) -> clip.ClipModel:
    """Check and install the CLIP model at `source` (the admin's command; a URL is downloaded now), then queue every
    photo for the clip step. Raises clip.InstallError, with the installed model unchanged, for a model it cannot use."""
    installed = await asyncio.to_thread(clip.install, source, hearth.settings.models_dir)
    live = select(asset_subject_column(Asset.id)).where(Asset.trashed_at.is_(None), Asset.offline_at.is_(None))
    async with hearth.db.session() as session:
        await job_rows.enqueue_select(session, Queue.CLIP, KIND, live)
        await session.commit()
    hearth.wake(Queue.CLIP)
    return installed


@dataclass(frozen=True)
class Status:
    version: str
    dimensions: int
    embedded: int  # photos outside the trash embedded by this model
    photos: int


async def status(hearth: Hearth) -> Status | None:
    installed = model(hearth)
    if installed is None:
        return None
    live = Asset.trashed_at.is_(None)
    embedded = select(func.count()).select_from(Asset).join(SearchDocument, SearchDocument.asset_id == Asset.id)
    async with hearth.db.session() as session:
        photos = await session.scalar(select(func.count()).select_from(Asset).where(live))
        done = await session.scalar(embedded.where(live, SearchDocument.clip_model == installed.version))
    return Status(installed.version, installed.spec.dimensions, done or 0, photos or 0)


# ---- the clip step -------------------------------------------------------------------------------------------------


async def embed(runner, job: ClaimedJob) -> None:
    """Embed a photo's preview (a video's poster frame) with the installed model, once per model unless forced;
    nothing when no model is installed (any more)."""
    hearth, asset_id = runner.hearth, uuid.UUID(job.subject)
    installed = model(hearth)
    async with hearth.db.session() as session:
        asset = await session.get(Asset, asset_id)
        document = await session.scalar(select(SearchDocument).where(SearchDocument.asset_id == asset_id))
    if installed is None or asset is None:
        return
    if document is not None and document.clip_model == installed.version and not job.force:
        return
    preview = hearth.files.files_of(asset).preview
    version, vector = await runner.pools.run(Queue.CLIP, clip.embed_image_file, preview, hearth.settings.models_dir)
    await asyncio.to_thread(vectors(hearth, version).put, asset_id, asset.owner_id, asset.library_id, vector)
    async with hearth.db.session() as session:
        if document is None:  # a photo stored before search: its own words too
            await search_queries.refresh_words(session, [asset_id])
        await save_embedded(session, asset_id, version)
        await session.commit()


# ---- ranking -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where to look, as Chroma metadata filters (field, values), and the SQL condition (on `assets` joined with
    `asset_details`) every result must meet."""

    sources: tuple[tuple[str, tuple[str, ...]], ...]
    condition: ColumnElement[bool]


async def ranked(
    hearth: Hearth, session: AsyncSession, actor: Actor, space_id: uuid.UUID | None, text: str
) -> list[tuple[uuid.UUID, float]] | None:
    """The photos in scope (everything the actor can see, or one space's photos: 404 for a non-member) that look
    like `text`, with their similarity, best first, cut where they stop being relevant; None when no CLIP model is
    installed."""
    installed = model(hearth)
    if installed is None:
        return None
    scope = await (space_scope(session, actor, space_id) if space_id else visible_scope(session, actor))
    if not text.strip():
        return []
    query = (await asyncio.to_thread(installed.embed_text, [text.strip()]))[0]
    store = vectors(hearth, installed.version)
    found: dict[uuid.UUID, float] = {}
    for field, values in scope.sources:
        if values:
            found.update(await _nearest_in_scope(session, store, query, field, values, scope.condition))
    return relevant(sorted(found.items(), key=lambda pair: -pair[1]))


def relevant(scored: list[tuple[uuid.UUID, float]]) -> list[tuple[uuid.UUID, float]]:
    """Those within MARGIN of the best (`scored` is best first), at most MAX_RESULTS."""
    if not scored:
        return []
    floor = scored[0][1] - MARGIN
    return [pair for pair in scored[:MAX_RESULTS] if pair[1] >= floor]


async def visible_scope(session: AsyncSession, actor: Actor) -> Scope:
    """Everything the actor can see: whole libraries by owner and by connected library, the rest by id."""
    owners = [actor.id, *await session.scalars(access.partner_owner_ids(actor.id))]
    libraries = list(await session.scalars(access.connected_library_ids(actor.id)))
    visible = access.is_visible(actor.id)
    others = select(Asset.id).where(visible, Asset.owner_id.not_in(owners), Asset.library_id.not_in(libraries))
    by_id = await session.scalars(others)
    sources = (('owner_id', _strings(owners)), ('library_id', _strings(libraries)), ('asset_id', _strings(by_id)))
    return Scope(sources, visible)


async def space_scope(session: AsyncSession, actor: Actor, space_id: uuid.UUID) -> Scope:
    """One space's photos, for its members: its connected libraries, and what members added by id."""
    require_space(SpaceAction.VIEW, await space_queries.member_role(session, space_id, actor.id))
    libraries = list(await session.scalars(space_queries.connected_ids(space_id)))
    added = select(Asset.id).where(
        Asset.id.in_(space_queries.added_ids(space_id)), Asset.library_id.not_in(libraries), Asset.trashed_at.is_(None)
    )
    sources = (('library_id', _strings(libraries)), ('asset_id', _strings(await session.scalars(added))))
    return Scope(sources, space_queries.in_space(space_id))


def _strings(ids) -> tuple[str, ...]:
    return tuple(str(id) for id in ids)


async def _nearest_in_scope(
    session: AsyncSession, store: ClipVectors, query, field: str, values: tuple[str, ...], condition
) -> dict[uuid.UUID, float]:
    """The nearest MAX_RESULTS vectors of the source that meet `condition`: asked for again, four times as many,
    while what SQL leaves out (trash, a partner's archive, deleted photos) leaves fewer and Chroma has more."""
    limit = MAX_RESULTS
    while True:
        found = await asyncio.to_thread(store.nearest, query, field, values, limit)
        allowed = await _meeting(session, [asset_id for asset_id, _ in found], condition)
        kept = {asset_id: similarity for asset_id, similarity in found if asset_id in allowed}
        if len(kept) >= MAX_RESULTS or len(found) < limit:
            return kept
        limit *= 4


async def _meeting(session: AsyncSession, ids: list[uuid.UUID], condition) -> set[uuid.UUID]:
    allowed = set()
    for start in range(0, len(ids), CHECK_BATCH):
        batch = ids[start : start + CHECK_BATCH]
        statement = (
            select(Asset.id).join(AssetDetails, AssetDetails.asset_id == Asset.id).where(Asset.id.in_(batch), condition)
        )
        allowed.update(await session.scalars(statement))
    return allowed
