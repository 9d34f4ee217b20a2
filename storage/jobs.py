"""The jobs table: enqueue (deduplicated per kind and subject), claim safely from several processes, finish, fail.

Claiming is one UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) ... RETURNING: on PostgreSQL concurrent
workers skip each other's rows; SQLite has one writer at a time, so the statement is atomic there as it stands.
"""

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, String, Uuid, and_, case, cast, delete, func, literal, or_, select, union, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.jobs import LEASE, JobState, PhotoState, Queue, QueueStatus, gives_up, retry_delay
from storage.models import Asset, AssetDetails, AssetHash, FaceScan, Job, JobQueue, SearchDocument

AGAIN = timedelta(seconds=5)  # after a run that news arrived during, gather a little more before the next


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    queue: Queue
    kind: str
    subject: str
    force: bool
    attempts: int


@dataclass(frozen=True)
class FailedJob:
    id: int
    kind: str
    subject: str
    attempts: int
    error: str
    failed_at: datetime


def asset_subject(asset_id: uuid.UUID) -> str:
    """How a job names an asset: 32 hex digits, as `asset_subject_column` gives it on both databases."""
    return asset_id.hex


def asset_subject_column(column):
    # SQLite keeps uuids as 32 hex digits, PostgreSQL prints them with hyphens.
    return func.replace(cast(column, String), '-', '')


def _now() -> datetime:
    return datetime.now(UTC)


def _insert(session: AsyncSession):
    return sqlite_insert if session.bind.dialect.name == 'sqlite' else postgresql_insert


async def enqueue(session: AsyncSession, queue: Queue, kind: str, subjects: Iterable[str], force: bool = False) -> None:
    """Queue a job per subject; a subject already waiting keeps its place, a running one runs once more when done
    (after `AGAIN`, gathering what comes in bursts into one run), a failed one starts over."""
    rows = [_row(queue, kind, subject, force) for subject in subjects]
    if rows:
        await session.execute(_upsert(session, _insert(session)(Job).values(rows)))


async def enqueue_select(session: AsyncSession, queue: Queue, kind: str, subjects: Select, force: bool = False) -> None:
    """Queue a job for every subject the query yields (one column of strings), in one statement."""
    fixed = _row(queue, kind, None, force)
    columns = [column for column in fixed if column != 'subject']
    source = select(*(literal(fixed[column]) for column in columns), subjects.subquery().c[0])
    statement = _insert(session)(Job).from_select([*columns, 'subject'], source.where(literal(True)))
    await session.execute(_upsert(session, statement))


def _row(queue: Queue, kind: str, subject: str | None, force: bool) -> dict:
    return {
        'queue': queue.value,
        'kind': kind,
        'subject': subject,
        'force': force,
        'state': JobState.WAITING.value,
        'attempts': 0,
        'run_after': _now(),
        'created_at': _now(),
    }


def _upsert(session: AsyncSession, statement):
    """A waiting job keeps its place (the earlier due time); a running one is marked to run `again` (what it
    read may predate the news); a failed one starts over. `force` sticks once asked for."""
    running, waiting = Job.state == JobState.RUNNING.value, Job.state == JobState.WAITING.value
    due = statement.excluded.run_after
    return statement.on_conflict_do_update(
        index_elements=[Job.kind, Job.subject],
        set_={
            'state': case((running, Job.state), else_=JobState.WAITING.value),
            'again': running,
            'attempts': case((running, Job.attempts), else_=0),
            'error': case((running, Job.error), else_=None),
            'run_after': case((running, Job.run_after), (and_(waiting, Job.run_after < due), Job.run_after), else_=due),
            'force': or_(Job.force, statement.excluded.force),
        },
    )


async def claim(session: AsyncSession, queue: Queue, worker: str, limit: int = 1) -> list[ClaimedJob]:
    """Take up to `limit` due jobs of an unpaused queue (and jobs whose worker's lease ran out); commits."""
    now = _now()
    paused = select(JobQueue.name).where(JobQueue.name == queue, JobQueue.paused.is_(True)).exists()
    due = or_(
        and_(Job.state == JobState.WAITING, Job.run_after <= now),
        and_(Job.state == JobState.RUNNING, Job.claimed_at < now - LEASE),
    )
    candidates = (
        select(Job.id)
        .where(Job.queue == queue, due, ~paused)
        .order_by(Job.run_after)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(Job)
        .where(Job.id.in_(candidates))
        .values(state=JobState.RUNNING, claimed_by=worker, claimed_at=now, attempts=Job.attempts + 1)
        .returning(Job.id, Job.kind, Job.subject, Job.force, Job.attempts)
    )
    rows = (await session.execute(statement)).all()
    await session.commit()
    return [ClaimedJob(id, queue, kind, subject, force, attempts) for id, kind, subject, force, attempts in rows]


async def finish(session: AsyncSession, job: ClaimedJob, worker: str) -> None:
    """Delete a done job (what it did shows in the photos' own state); one queued again while it ran waits `AGAIN`
    for another run; a job whose lease another worker took over is left to that worker."""
    mine = and_(Job.id == job.id, Job.claimed_by == worker, Job.state == JobState.RUNNING)
    once_more = {
        'state': JobState.WAITING,
        'again': False,
        'attempts': 0,
        'claimed_by': None,
        'run_after': _now() + AGAIN,
    }
    again = await session.execute(update(Job).where(mine, Job.again.is_(True)).values(**once_more))
    if not again.rowcount:
        await session.execute(delete(Job).where(mine))
    await session.commit()


async def fail(session: AsyncSession, job: ClaimedJob, worker: str, error: str) -> JobState:
    """Retry later with backoff, or, out of attempts, keep it as failed with its error."""
    state = JobState.FAILED if gives_up(job.attempts) else JobState.WAITING
    await session.execute(
        update(Job)
        .where(Job.id == job.id, Job.claimed_by == worker)
        .values(
            state=state, error=error[:2000], run_after=_now() + retry_delay(job.attempts), claimed_by=None, again=False
        )
    )
    await session.commit()
    return state


async def retry_failed(session: AsyncSession, queue: Queue, job_id: int | None = None) -> int:
    """Put failed jobs (one, or all of a queue) back to waiting with fresh attempts."""
    failed = and_(Job.queue == queue, Job.state == JobState.FAILED)
    if job_id is not None:
        failed = and_(failed, Job.id == job_id)
    result = await session.execute(
        update(Job).where(failed).values(state=JobState.WAITING, attempts=0, run_after=_now(), error=None)
    )
    await session.commit()
    return result.rowcount


async def set_paused(session: AsyncSession, queue: Queue, paused: bool) -> None:
    await session.execute(update(JobQueue).where(JobQueue.name == queue).values(paused=paused))
    await session.commit()


@dataclass(frozen=True)
class Models:
    """The versions of the models whose results count as done: faces, the image tagger, the text reader, the
    CLIP model if one is installed, and the duplicates' hashes."""

    faces: str
    labels: str
    text: str
    clip: str | None = None
    duplicates: str = ''


async def statuses(
    session: AsyncSession, kinds: dict[Queue, str], models: Models, library_prefix: str
) -> list[QueueStatus]:
    """Each queue's counts of photos by where they stand with its step. `kinds` names each queue's step,
    `models` the model versions whose results count, and `library_prefix` + an owner's id the subject of the
    grouping of their library's people."""
    photos = await photo_states(session, kinds, models, library_prefix)
    failed_jobs = select(Job.queue, func.count()).where(Job.state == JobState.FAILED).group_by(Job.queue)
    failed = {queue: count for queue, count in await session.execute(failed_jobs)}
    paused = set(await session.scalars(select(JobQueue.name).where(JobQueue.paused.is_(True))))
    shown = [queue for queue in Queue if queue is not Queue.CLIP or models.clip]  # CLIP: when a model is installed
    return [QueueStatus.of(queue, photos, failed.get(queue, 0), queue in paused) for queue in shown]


async def photo_states(
    session: AsyncSession, kinds: dict[Queue, str], models: Models, library_prefix: str
) -> Counter[PhotoState]:
    """How many photos outside the trash are in each state. Most have no job queued, so they are counted in one
    aggregate as if none had; then the few with a job (theirs, or their library's grouping) are read one by one
    and moved to where their jobs hold them."""
    states = await _as_if_no_job_were_queued(session, models)
    for photo, count in await _photos_with_jobs(session, kinds, models, library_prefix):
        states[photo.at_rest()] -= count
        states[photo] += count
    return states


async def _as_if_no_job_were_queued(session: AsyncSession, models: Models) -> Counter[PhotoState]:
    columns = _results(models)
    statement = (
        select(*columns, func.count())
        .select_from(Asset)
        .outerjoin(FaceScan, and_(FaceScan.asset_id == Asset.id, FaceScan.model == models.faces))
        .outerjoin(AssetDetails, AssetDetails.asset_id == Asset.id)
        .outerjoin(SearchDocument, SearchDocument.asset_id == Asset.id)
        .outerjoin(AssetHash, AssetHash.asset_id == Asset.id)
        .where(Asset.trashed_at.is_(None))
        .group_by(*columns)
    )
    rows = await session.execute(statement)
    return Counter({_photo_state(*results, [None] * len(Queue)): count for *results, count in rows})


def _results(models: Models) -> tuple:
    """What the steps made of a photo: faces found, place looked up, labels and text read, the photo embedded and
    hashed for duplicates by the current models."""
    labelled = case((SearchDocument.labels_model == models.labels, True), else_=False)
    read = case((SearchDocument.text_model == models.text, True), else_=False)
    embedded = case((SearchDocument.clip_model == (models.clip or ''), True), else_=False)
    hashed = case((AssetHash.model == models.duplicates, True), else_=False)
    return _faces_found(models.faces), _located(), labelled, read, embedded, hashed


def _faces_found(face_model: str):
    """Whether the model found faces in the photo; NULL when it has not searched it."""
    return case((FaceScan.model == face_model, FaceScan.face_count > 0))


def _located():
    """Whether the photo's place was looked up; NULL when it has no position."""
    return case((AssetDetails.latitude.is_not(None), AssetDetails.place_source.is_not(None)))


def _maybe(value) -> bool | None:
    # SQLite answers a comparison with 0 or 1.
    return None if value is None else bool(value)


async def _photos_with_jobs(
    session: AsyncSession, kinds: dict[Queue, str], models: Models, library_prefix: str
) -> list[tuple[PhotoState, int]]:
    """The photos outside the trash with a job of theirs queued, or their library's grouping, counted by state."""
    job = {queue: aliased(Job, name=f'{queue.value}_job') for queue in Queue}
    photo, library = asset_subject_column(Asset.id), literal(library_prefix) + asset_subject_column(Asset.owner_id)
    subject = {queue: photo for queue in Queue} | {Queue.CLUSTERING: library}
    results = _results(models)
    columns = [*results, *(job[queue].state for queue in Queue)]
    statement = (
        select(*columns, func.count())
        .select_from(Asset)
        .outerjoin(FaceScan, FaceScan.asset_id == Asset.id)
        .outerjoin(AssetDetails, AssetDetails.asset_id == Asset.id)
        .outerjoin(SearchDocument, SearchDocument.asset_id == Asset.id)
        .outerjoin(AssetHash, AssetHash.asset_id == Asset.id)
    )
    for queue in Queue:
        on = and_(job[queue].kind == kinds[queue], job[queue].subject == subject[queue])
        statement = statement.outerjoin(job[queue], on)
    held = Asset.id.in_(_ids_of_photos_with_jobs(kinds, models.faces, library_prefix))
    rows = await session.execute(statement.where(held, Asset.trashed_at.is_(None)).group_by(*columns))
    width = len(results)
    return [(_photo_state(*row[:width], row[width:-1]), row[-1]) for row in rows]


def _photo_state(faces_found, located, labelled, read, embedded, hashed, job_states) -> PhotoState:
    jobs = {queue.value: JobState(state) if state else None for queue, state in zip(Queue, job_states, strict=True)}
    results = {'labelled': bool(labelled), 'read': bool(read), 'embedded': bool(embedded), 'hashed': bool(hashed)}
    return PhotoState(_maybe(faces_found), **jobs, located=_maybe(located), **results)


def _ids_of_photos_with_jobs(kinds: dict[Queue, str], face_model: str, library_prefix: str) -> Select:
    """Read from the jobs, so that only those photos are looked at (subjects are ids in hex, which both databases
    cast to a uuid)."""
    photo_kinds = [kinds[queue] for queue in Queue if queue is not Queue.CLUSTERING]
    photos = select(cast(Job.subject, Uuid)).where(Job.kind.in_(photo_kinds))
    owner = cast(func.substr(Job.subject, len(library_prefix) + 1), Uuid)
    grouped = select(owner).where(Job.kind == kinds[Queue.CLUSTERING], Job.subject.startswith(library_prefix))
    # A library's grouping holds back only its photos with faces found (the others have nothing to group).
    with_faces = FaceScan.asset_id == Asset.id, FaceScan.model == face_model, FaceScan.face_count > 0
    return union(photos, select(Asset.id).join(FaceScan, and_(*with_faces)).where(Asset.owner_id.in_(grouped)))


async def failed_jobs(session: AsyncSession, queue: Queue, limit: int = 50) -> list[FailedJob]:
    rows = await session.scalars(
        select(Job).where(Job.queue == queue, Job.state == JobState.FAILED).order_by(Job.run_after.desc()).limit(limit)
    )
    return [FailedJob(job.id, job.kind, job.subject, job.attempts, job.error or '', job.claimed_at) for job in rows]
