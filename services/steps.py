"""The pipeline's steps, one per kind of job. Each is idempotent: it skips what is already done unless forced."""

import asyncio
import uuid
from pathlib import Path

from sqlalchemy import Select, and_, delete, literal, select, union, update

from domain.errors import NotFound
from domain.faces import DETECTED
from domain.jobs import Queue
from domain.search import document_text, split_joined, tokens
from ml import faces as ml_faces
from ml import media, ocr, tagger
from ml.text_embedding import whole_words
from services import clip_search, duplicates, grouping, places
from services.assets import facts_columns, original_of
from services.pipeline import JobRunner, Step
from storage import places as place_queries
from storage import search as search_queries
from storage import spaces as space_queries
from storage.jobs import ClaimedJob, asset_subject_column
from storage.models import Asset, AssetDetails, Face, FaceScan, PartnerShare, SearchDocument, Space


def _live_asset_ids() -> Select:
    return select(asset_subject_column(Asset.id)).where(Asset.trashed_at.is_(None), Asset.offline_at.is_(None))


def _photos_not_searched_for_faces() -> Select:
    scanned = and_(FaceScan.asset_id == Asset.id, FaceScan.model == ml_faces.MODEL_VERSION)
    return (
        select(asset_subject_column(Asset.id))
        .outerjoin(FaceScan, scanned)
        .where(FaceScan.asset_id.is_(None), Asset.trashed_at.is_(None))
    )


def _photos_missing_place() -> Select:
    return _live_asset_ids().where(Asset.id.in_(place_queries.missing_ids()))


def _geotagged_photos() -> Select:
    return _live_asset_ids().where(Asset.id.in_(place_queries.geotagged_ids()))


def _photos_without_labels() -> Select:
    return _live_asset_ids().where(Asset.id.in_(search_queries.without_labels(tagger.MODEL_VERSION)))


def _photos_not_read_for_text() -> Select:
    return _live_asset_ids().where(Asset.id.in_(search_queries.without_read_text(ocr.MODEL_VERSION)))


def _not_hashed_for_duplicates() -> Select:
    return _live_asset_ids().where(Asset.id.not_in(duplicates.hashed_ids()))


def _nothing_missing() -> Select:
    return _live_asset_ids().where(Asset.id.is_(None))


async def _asset_and_original(runner: JobRunner, job: ClaimedJob) -> tuple[Asset, Path]:
    async with runner.hearth.db.session() as session:
        asset = await session.get(Asset, uuid.UUID(job.subject))
        if asset is None:
            raise NotFound('The asset is gone')
        return asset, await original_of(session, runner.hearth, asset)


async def _render(
    runner: JobRunner, queue: Queue, source: Path, rotation: int = 0
) -> tuple[media.MediaFacts, tuple[Path, Path]]:
    """Analyse and render in the queue's worker process, into staging."""
    files = runner.hearth.files
    renditions = (files.new_staging_path(), files.new_staging_path())
    try:
        facts = await runner.pools.run(queue, media.analyse_and_render, source, *renditions, rotation)
    except BaseException:
        files.remove(renditions)
        raise
    return facts, renditions


async def thumbnails(runner: JobRunner, job: ClaimedJob) -> None:
    """Render an asset's thumbnail and preview again when either file is missing (or when forced)."""
    asset, source = await _asset_and_original(runner, job)
    files = runner.hearth.files.files_of(asset)
    if not job.force and files.thumbnail.exists() and files.preview.exists():
        return
    async with runner.hearth.db.session() as session:
        rotation = await session.scalar(select(AssetDetails.rotation).where(AssetDetails.asset_id == asset.id))
    _, (thumbnail, preview) = await _render(runner, Queue.THUMBNAILS, source, rotation or 0)
    await asyncio.to_thread(runner.hearth.files.place, thumbnail, files.thumbnail)
    await asyncio.to_thread(runner.hearth.files.place, preview, files.preview)


async def metadata(runner: JobRunner, job: ClaimedJob) -> None:
    """Read an asset's facts (scope A) from its file again, e.g. once Hearth learns to read more of them."""
    asset, source = await _asset_and_original(runner, job)
    facts, renditions = await _render(runner, Queue.METADATA, source)
    runner.hearth.files.remove(renditions)
    columns = facts_columns(facts)
    if any(getattr(asset, name) != value for name, value in columns.items()):
        async with runner.hearth.db.session() as session:
            await session.execute(update(Asset).where(Asset.id == asset.id).values(**columns))
            await session.commit()


async def faces(runner: JobRunner, job: ClaimedJob) -> None:
    """Find the faces in an asset's preview (photos, and videos' poster frames) once per model: boxes and scores in
    the database, embeddings in the vector store. Computed in the faces queue's worker process."""
    hearth, asset_id = runner.hearth, uuid.UUID(job.subject)
    async with hearth.db.session() as session:
        asset = await session.get(Asset, asset_id)
        scan = await session.get(FaceScan, asset_id)
        detected = Face.asset_id == asset_id, Face.source == DETECTED  # faces added by hand stay
        previous = list(await session.scalars(select(Face.embedding_id).where(*detected)))
    if asset is None:
        return  # deleted since it was queued
    if scan is not None and scan.model == ml_faces.MODEL_VERSION and not job.force:
        return
    preview = hearth.files.files_of(asset).preview
    found = await runner.pools.run(Queue.FACES, ml_faces.find_faces, preview, hearth.settings.models_dir)
    rows = [_face_row(asset_id, face) for face in found]
    # Vectors first and old ones last: a crash in between leaves unused vectors, never a face without its vector.
    vectors = ([row.embedding_id for row in rows], [face.embedding for face in found], [str(asset_id)] * len(rows))
    await asyncio.to_thread(hearth.vectors.put, *vectors)
    async with hearth.db.session() as session:
        await session.execute(delete(Face).where(*detected))
        session.add_all(rows)
        await session.merge(FaceScan(asset_id=asset_id, model=ml_faces.MODEL_VERSION, face_count=len(rows)))
        if rows or previous:  # the people of the libraries and spaces showing the asset may change
            spaces = await session.scalars(space_queries.spaces_holding(asset_id, asset.library_id))
            partners = await session.scalars(_partners_showing(asset.owner_id))
            libraries = map(grouping.library_subject, [asset.owner_id, *partners])
            subjects = [*libraries, *map(grouping.space_subject, spaces)]
            await grouping.regroup_later(session, subjects)
        await session.commit()
    await asyncio.to_thread(hearth.vectors.delete, previous)
    runner.wake(Queue.CLUSTERING)


def _partners_showing(owner_id: uuid.UUID) -> Select:
    """The partners who show this owner's library on their timeline (whose people are grouped from it too)."""
    return select(PartnerShare.partner_id).where(
        PartnerShare.owner_id == owner_id, PartnerShare.show_in_timeline.is_(True)
    )


def _face_row(asset_id: uuid.UUID, face: ml_faces.FoundFace) -> Face:
    face_id = uuid.uuid4()
    box = {'x': face.x, 'y': face.y, 'width': face.width, 'height': face.height}
    return Face(
        id=face_id, asset_id=asset_id, **box, score=face.score, embedding_id=str(face_id), model=ml_faces.MODEL_VERSION
    )


async def place_names(runner: JobRunner, job: ClaimedJob) -> None:
    """Name a photo's place from its position, and those of other photos still missing theirs in the same lookup
    (the geocoder answers hundreds at once about as fast as one); forced, name it again. Hand-set names stay."""
    await places.fill_missing(runner.hearth, uuid.UUID(job.subject), force=job.force)


async def labels(runner: JobRunner, job: ClaimedJob) -> None:
    """What the image tagger sees in a photo's preview (a video's poster frame), with broader terms, as words for
    search; once per model version unless forced."""
    await _read_for_search(runner, job, Queue.LABELS)


async def text(runner: JobRunner, job: ClaimedJob) -> None:
    """The text in a photo's preview (signs, cards, shop fronts), as words for search; once per model version."""
    await _read_for_search(runner, job, Queue.TEXT)


async def _read_for_search(runner: JobRunner, job: ClaimedJob, queue: Queue) -> None:
    hearth, asset_id = runner.hearth, uuid.UUID(job.subject)
    model = tagger.MODEL_VERSION if queue is Queue.LABELS else ocr.MODEL_VERSION
    async with hearth.db.session() as session:
        asset = await session.get(Asset, asset_id)
        document = await session.scalar(select(SearchDocument).where(SearchDocument.asset_id == asset_id))
    if asset is None:
        return  # deleted since it was queued
    done = getattr(document, 'labels_model' if queue is Queue.LABELS else 'text_model', None)
    if done == model and not job.force:
        return
    preview = hearth.files.files_of(asset).preview
    async with hearth.db.session() as session:
        if queue is Queue.LABELS:
            names, broader = await runner.pools.run(queue, tagger.read_labels, preview, hearth.settings.models_dir)
            await search_queries.save_labels(session, asset_id, document_text(*names), document_text(*broader), model)
        else:
            lines = await runner.pools.run(queue, ocr.read_file, preview)
            await search_queries.save_read_text(session, asset_id, _read_words(lines), model)
        if document is None:  # a photo stored before search: its own words too
            await search_queries.refresh_words(session, [asset_id])
        await session.commit()


def _read_words(lines: list[str]) -> str:
    """The words of the lines read, and the words of those the reader ran together ('HAPPYBIRTHDAY')."""
    joined = (split_joined(token, whole_words()) for token in tokens(' '.join(lines)))
    return document_text(*lines, *(word for words in joined for word in words))


async def people_of_scope(runner: JobRunner, job: ClaimedJob) -> None:
    """Give a library's or a space's new faces their people (and let faces that left it go); forced (the schedule,
    "run for all"), group all its faces afresh."""
    scope = grouping.scope_of(job.subject)
    if job.force:
        await grouping.regroup(runner.hearth, scope)
    else:
        await grouping.group_new_faces(runner.hearth, scope)


def _scopes_with_faces() -> Select:
    """Libraries with faces and those of the partners they are shared with, and every space (a space with no faces
    left may still have people to let go)."""
    with_faces = select(Asset.owner_id).join(Face, Face.asset_id == Asset.id).where(Asset.trashed_at.is_(None))
    partners = select(PartnerShare.partner_id).where(PartnerShare.owner_id.in_(with_faces))
    libraries = union(with_faces, partners).subquery()
    library = literal(grouping.LIBRARY_SCOPE) + asset_subject_column(libraries.c[0])
    return union(select(library), select(literal(grouping.SPACE_SCOPE) + asset_subject_column(Space.id)))


STEPS = {
    step.kind: step
    for step in (
        # Whether renditions are missing is seen on disk: "missing" queues every asset, and each job checks its files.
        Step('thumbnails', Queue.THUMBNAILS, thumbnails, missing=_live_asset_ids, every=_live_asset_ids),
        # Facts are read at upload and at scan, so none is ever missing; "run for all" reads them again.
        Step('metadata', Queue.METADATA, metadata, missing=_nothing_missing, every=_live_asset_ids),
        Step('faces', Queue.FACES, faces, missing=_photos_not_searched_for_faces, every=_live_asset_ids),
        # "Missing" groups the faces without a person; "all" (forced) groups every face afresh, keeping names.
        Step('people', Queue.CLUSTERING, people_of_scope, missing=_scopes_with_faces, every=_scopes_with_faces),
        # Places are named at upload; "missing" names those of photos from before, or whose lookup failed.
        Step('places', Queue.PLACES, place_names, missing=_photos_missing_place, every=_geotagged_photos),
        # Read at upload; "missing" reads photos from before search, or read by an older model.
        Step('labels', Queue.LABELS, labels, missing=_photos_without_labels, every=_live_asset_ids),
        Step('text', Queue.TEXT, text, missing=_photos_not_read_for_text, every=_live_asset_ids),
        # Only while an admin's CLIP model is installed. Which model embedded a photo is known with the models folder
        # at hand: "missing" queues every photo, as for thumbnails, and each job skips what the model embedded.
        Step(clip_search.KIND, Queue.CLIP, clip_search.embed, missing=_live_asset_ids, every=_live_asset_ids),
        # Hashed at upload; "missing" hashes assets from before, "all" hashes and links everything afresh.
        Step(
            duplicates.KIND,
            Queue.DUPLICATES,
            duplicates.find_copies,
            missing=_not_hashed_for_duplicates,
            every=_live_asset_ids,
        ),
        # "Resolve all suggested": one job per run a member starts; nothing to run for "missing" or "all".
        Step(
            duplicates.RESOLVE_KIND,
            Queue.DUPLICATES,
            duplicates.resolve_suggested,
            missing=_nothing_missing,
            every=_nothing_missing,
        ),
    )
}
