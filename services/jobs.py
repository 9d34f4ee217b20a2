"""The Jobs page's operations (admin only): queue counts and progress, pause and resume, run a queue's steps for
the assets missing their result or for all, and failed jobs with their errors, to retry. Counts and errors only:
the admin sees no photo here."""

from domain.errors import InvalidInput
from domain.jobs import Queue, QueueStatus, parse_queue
from ml import duplicates as ml_duplicates
from ml import faces as ml_faces
from ml import ocr, tagger
from services import clip_search, grouping
from services.accounts import Actor, require_admin
from services.runtime import Hearth
from services.steps import STEPS
from storage import jobs as job_rows

REFUSAL = 'Only the administrator manages background jobs'
WHICH = ('missing', 'all')


async def queue_statuses(hearth: Hearth, admin: Actor) -> list[QueueStatus]:
    """Per queue, the photos outside the trash by what its step did for them, counted from the photos themselves
    (their face search, the jobs queued for them) so that work done at upload counts and a redo counts once."""
    await require_admin(hearth, admin, REFUSAL)
    kinds = {step.queue: step.kind for step in STEPS.values()}
    async with hearth.db.session() as session:
        clip = clip_search.model(hearth)
        versions = (ml_faces.MODEL_VERSION, tagger.MODEL_VERSION, ocr.MODEL_VERSION, clip and clip.version)
        models = job_rows.Models(*versions, duplicates=ml_duplicates.MODEL_VERSION)
        return await job_rows.statuses(session, kinds, models, grouping.LIBRARY_SCOPE)


async def failed_jobs(hearth: Hearth, admin: Actor, queue: str) -> list[job_rows.FailedJob]:
    await require_admin(hearth, admin, REFUSAL)
    async with hearth.db.session() as session:
        return await job_rows.failed_jobs(session, parse_queue(queue))


async def set_paused(hearth: Hearth, admin: Actor, queue: str, paused: bool) -> None:
    await require_admin(hearth, admin, REFUSAL)
    async with hearth.db.session() as session:
        await job_rows.set_paused(session, parse_queue(queue), paused)
    hearth.wake(parse_queue(queue))


async def run_for(hearth: Hearth, admin: Actor, queue: str, which: str) -> None:
    """Queue every step of the queue for the assets missing its result ('missing') or for all of them ('all',
    redoing what is done)."""
    await require_admin(hearth, admin, REFUSAL)
    if which not in WHICH:
        raise InvalidInput('Run for "missing" or "all"')
    await _enqueue_steps(hearth, {parse_queue(queue)}, which)


async def catch_up(hearth: Hearth) -> None:
    """The nightly run: the steps whose missing results the database knows (faces, clustering, places, labels,
    text, duplicates) for what lacks them. Thumbnails are checked file by file, so only the admin's "run for missing"
    does that."""
    known = {Queue.FACES, Queue.CLUSTERING, Queue.PLACES, Queue.LABELS, Queue.TEXT, Queue.DUPLICATES}
    await _enqueue_steps(hearth, known, 'missing')


async def regroup_people(hearth: Hearth) -> None:
    """The weekly full re-cluster of every scope's people, which repairs the drift of assigning faces one by one."""
    await _enqueue_steps(hearth, {Queue.CLUSTERING}, 'all')


async def _enqueue_steps(hearth: Hearth, queues: set[Queue], which: str) -> None:
    if clip_search.model(hearth) is None:
        queues = queues - {Queue.CLIP}
    async with hearth.db.session() as session:
        for step in (step for step in STEPS.values() if step.queue in queues):
            subjects = step.every() if which == 'all' else step.missing()
            await job_rows.enqueue_select(session, step.queue, step.kind, subjects, force=which == 'all')
        await session.commit()
    for queue in queues:
        hearth.wake(queue)


async def retry(hearth: Hearth, admin: Actor, queue: str, job_id: int | None = None) -> int:
    """Retry one failed job, or every failed job of the queue; returns how many."""
    await require_admin(hearth, admin, REFUSAL)
    async with hearth.db.session() as session:
        retried = await job_rows.retry_failed(session, parse_queue(queue), job_id)
    hearth.wake(parse_queue(queue))
    return retried
