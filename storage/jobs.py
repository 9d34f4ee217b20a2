"""The jobs table: enqueue (deduplicated per kind and subject), claim safely from several processes, finish, fail.

Claiming is one UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) ... RETURNING: on PostgreSQL concurrent
workers skip each other's rows; SQLite has one writer at a time, so the statement is atomic there as it stands.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, String, and_, case, cast, delete, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.jobs import LEASE, JobState, Queue, QueueStatus, gives_up, retry_delay
from storage.models import Job, JobQueue

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
        await _start_run_if_idle(session, queue)
        await session.execute(_upsert(session, _insert(session)(Job).values(rows)))


async def enqueue_select(session: AsyncSession, queue: Queue, kind: str, subjects: Select, force: bool = False) -> None:
    """Queue a job for every subject the query yields (one column of strings), in one statement."""
    await _start_run_if_idle(session, queue)
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


async def _start_run_if_idle(session: AsyncSession, queue: Queue) -> None:
    """A queue with nothing left to do starts a new run, so its progress bar starts from zero."""
    busy = select(Job.id).where(Job.queue == queue, Job.state.in_([JobState.WAITING, JobState.RUNNING])).exists()
    await session.execute(update(JobQueue).where(JobQueue.name == queue, ~busy).values(done_in_run=0))


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
    """Delete a done job and count it (one queued again while it ran waits `AGAIN` for another run); a job whose
    lease another worker took over is left to that worker."""
    mine = and_(Job.id == job.id, Job.claimed_by == worker, Job.state == JobState.RUNNING)
    once_more = {
        'state': JobState.WAITING,
        'again': False,
        'attempts': 0,
        'claimed_by': None,
        'run_after': _now() + AGAIN,
    }
    done = await session.execute(update(Job).where(mine, Job.again.is_(True)).values(**once_more))
    if not done.rowcount:
        done = await session.execute(delete(Job).where(mine))
    if done.rowcount:
        counted = {'done_in_run': JobQueue.done_in_run + 1, 'done_ever': JobQueue.done_ever + 1}
        await session.execute(update(JobQueue).where(JobQueue.name == job.queue).values(**counted))
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
    await _start_run_if_idle(session, queue)
    result = await session.execute(
        update(Job).where(failed).values(state=JobState.WAITING, attempts=0, run_after=_now(), error=None)
    )
    await session.commit()
    return result.rowcount


async def set_paused(session: AsyncSession, queue: Queue, paused: bool) -> None:
    await session.execute(update(JobQueue).where(JobQueue.name == queue).values(paused=paused))
    await session.commit()


async def statuses(session: AsyncSession) -> list[QueueStatus]:
    counts = {
        (queue, state): count
        for queue, state, count in await session.execute(
            select(Job.queue, Job.state, func.count()).group_by(Job.queue, Job.state)
        )
    }
    queues = {row.name: row for row in await session.scalars(select(JobQueue))}
    never_used = JobQueue(paused=False, done_in_run=0, done_ever=0)  # a queue newer than the migrations' rows
    return [
        QueueStatus(
            queue=queue,
            waiting=counts.get((queue, JobState.WAITING), 0),
            running=counts.get((queue, JobState.RUNNING), 0),
            failed=counts.get((queue, JobState.FAILED), 0),
            done=row.done_in_run,
            done_ever=row.done_ever,
            paused=row.paused,
        )
        for queue in Queue
        for row in [queues.get(queue, never_used)]
    ]


async def failed_jobs(session: AsyncSession, queue: Queue, limit: int = 50) -> list[FailedJob]:
    rows = await session.scalars(
        select(Job).where(Job.queue == queue, Job.state == JobState.FAILED).order_by(Job.run_after.desc()).limit(limit)
    )
    return [FailedJob(job.id, job.kind, job.subject, job.attempts, job.error or '', job.claimed_at) for job in rows]
