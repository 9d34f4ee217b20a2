"""The durable job queue (SPEC §7 pipeline): deduplicated enqueueing, safe claiming by several workers, retries with
backoff, failed jobs kept with their error, pause, progress, and jobs that outlive a restart."""

import asyncio
import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from domain.errors import Forbidden, InvalidInput
from domain.jobs import LEASE, MAX_ATTEMPTS, JobState, Queue
from services import jobs
from services.pipeline import JobRunner, Step
from services.runtime import Hearth
from storage import jobs as job_rows
from storage.models import Job

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


def subjects(count: int, prefix: str = 'subject') -> list[str]:
    return [f'{prefix}-{n:03}' for n in range(count)]


async def enqueue(hearth: Hearth, names: list[str], kind: str = 'test', queue: Queue = Queue.METADATA) -> None:
    async with hearth.db.session() as session:
        await job_rows.enqueue(session, queue, kind, names)
        await session.commit()


async def rows(hearth: Hearth) -> list[Job]:
    async with hearth.db.session() as session:
        return list(await session.scalars(select(Job).order_by(Job.subject)))


async def make_due(hearth: Hearth) -> None:
    """Skip the backoff wait, as if it had passed."""
    async with hearth.db.session() as session:
        await session.execute(update(Job).values(run_after=datetime.now(UTC) - timedelta(seconds=1)))
        await session.commit()


class Recorder:
    """A step that records what it did and fails for the subjects it is told to."""

    def __init__(self, failing: set[str] = frozenset()):
        self.done: list[str] = []
        self.failing = failing

    async def __call__(self, runner: JobRunner, job) -> None:
        if job.subject in self.failing:
            raise ValueError(f'cannot read {job.subject}')
        self.done.append(job.subject)


def runner_with(hearth: Hearth, recorder: Recorder, queue: Queue = Queue.METADATA) -> JobRunner:
    return JobRunner(hearth, {'test': Step('test', queue, recorder, missing=None, every=None)})


async def drain(runner: JobRunner, queue: Queue = Queue.METADATA) -> None:
    while await runner.run_once(queue):
        pass


async def test_a_subject_is_queued_once_per_kind(hearth):
    await enqueue(hearth, ['a', 'b'])
    await enqueue(hearth, ['b', 'c'])
    await enqueue(hearth, ['a'], kind='other')

    assert sorted((job.kind, job.subject) for job in await rows(hearth)) == [
        ('other', 'a'),
        ('test', 'a'),
        ('test', 'b'),
        ('test', 'c'),
    ]
    assert {job.state for job in await rows(hearth)} == {JobState.WAITING}


async def test_jobs_run_in_turn_and_are_deleted_when_done(hearth):
    """What a step did shows in the photos themselves; the Jobs page counts from there (test_jobs_counts.py)."""
    recorder = Recorder()
    runner = runner_with(hearth, recorder)
    await enqueue(hearth, subjects(4))

    await runner.run_once(Queue.METADATA)
    assert [job.subject for job in await rows(hearth)] == subjects(4)[1:]
    await drain(runner)

    assert recorder.done == subjects(4)
    assert await rows(hearth) == []


async def test_news_for_a_running_job_runs_it_once_more_after_a_pause_to_gather_more(hearth):
    class QueuesAgainWhileRunning(Recorder):
        async def __call__(self, runner: JobRunner, job) -> None:
            if not self.done:  # new faces arrive while the library's people are grouped
                await enqueue(hearth, [job.subject])
                assert [(row.state, row.again) for row in await rows(hearth)] == [(JobState.RUNNING, True)]
            await super().__call__(runner, job)

    recorder = QueuesAgainWhileRunning()
    runner = runner_with(hearth, recorder)
    await enqueue(hearth, ['library'])

    await drain(runner)
    [waiting] = await rows(hearth)
    assert (recorder.done, waiting.state, waiting.again) == (['library'], JobState.WAITING, False)
    assert waiting.run_after > datetime.now(UTC) + timedelta(seconds=3)  # gathering what else comes
    await make_due(hearth)
    await drain(runner)
    assert (recorder.done, await rows(hearth)) == (['library', 'library'], [])


async def test_a_failing_job_is_retried_with_backoff_then_kept_with_its_error(hearth, root):
    recorder = Recorder(failing={'broken'})
    runner = runner_with(hearth, recorder)
    await enqueue(hearth, ['broken'])

    await runner.run_once(Queue.METADATA)
    [job] = await rows(hearth)
    assert (job.state, job.attempts, job.error) == (JobState.WAITING, 1, 'ValueError: cannot read broken')
    assert job.run_after.replace(tzinfo=UTC) > datetime.now(UTC) + timedelta(seconds=20)
    assert not await runner.run_once(Queue.METADATA)  # not due yet

    for _ in range(MAX_ATTEMPTS - 1):
        await make_due(hearth)
        await runner.run_once(Queue.METADATA)
    [job] = await rows(hearth)
    assert (job.state, job.attempts) == (JobState.FAILED, MAX_ATTEMPTS)
    await make_due(hearth)
    assert not await runner.run_once(Queue.METADATA)  # failed jobs wait for a person

    [failed] = await jobs.failed_jobs(hearth, root, 'metadata')
    assert (failed.subject, failed.error, failed.attempts) == ('broken', 'ValueError: cannot read broken', 4)
    recorder.failing = set()
    assert await jobs.retry(hearth, root, 'metadata', failed.id) == 1
    await drain(runner)
    assert recorder.done == ['broken'] and await rows(hearth) == []


async def test_a_paused_queue_keeps_its_jobs_and_other_queues_go_on(hearth, root):
    recorder = Recorder()
    runner = JobRunner(
        hearth,
        {
            'test': Step('test', Queue.METADATA, recorder, missing=None, every=None),
            'thumbs': Step('thumbs', Queue.THUMBNAILS, recorder, missing=None, every=None),
        },
    )
    await enqueue(hearth, ['a'])
    await enqueue(hearth, ['t'], kind='thumbs', queue=Queue.THUMBNAILS)

    await jobs.set_paused(hearth, root, 'metadata', True)
    assert not await runner.run_once(Queue.METADATA)
    assert await runner.run_once(Queue.THUMBNAILS)
    assert [status.queue for status in await jobs.queue_statuses(hearth, root) if status.paused] == [Queue.METADATA]

    await jobs.set_paused(hearth, root, 'metadata', False)
    await drain(runner)
    assert recorder.done == ['t', 'a']


@pytest.mark.postgres
async def test_two_workers_never_claim_the_same_job(hearth):
    await enqueue(hearth, subjects(60))
    claimed: list[str] = []

    async def worker(name: str) -> None:
        while True:
            async with hearth.db.session() as session:
                batch = await job_rows.claim(session, Queue.METADATA, name, limit=3)
            if not batch:
                return
            claimed.extend(job.subject for job in batch)
            await asyncio.sleep(0)

    await asyncio.gather(worker('one'), worker('two'), worker('three'))

    assert sorted(claimed) == subjects(60)


async def test_jobs_survive_a_restart_and_a_dead_workers_job_is_taken_over(hearth, tmp_path):
    await enqueue(hearth, ['a', 'b'])
    async with hearth.db.session() as session:
        [first] = await job_rows.claim(session, Queue.METADATA, 'a worker that dies', limit=1)
    [waiting] = {'a', 'b'} - {first.subject}
    await hearth.stop()

    restarted = Hearth.create(hearth.settings)
    await restarted.start()
    try:
        recorder = Recorder()
        runner = runner_with(restarted, recorder)
        await drain(runner)
        assert recorder.done == [waiting]  # the other is still leased to the dead worker
        async with restarted.db.session() as session:
            stale = datetime.now(UTC) - LEASE - timedelta(seconds=1)
            await session.execute(update(Job).where(Job.id == first.id).values(claimed_at=stale))
            await session.commit()
        await drain(runner)
        assert recorder.done == [waiting, first.subject]
    finally:
        await restarted.stop()
        await hearth.start()  # for the fixture's own checks and teardown


async def test_heavy_work_runs_in_a_worker_process(hearth):
    pids: list[int] = []

    async def in_worker(runner: JobRunner, job) -> None:
        pids.append(await runner.pools.run(Queue.METADATA, os.getpid))

    runner = JobRunner(hearth, {'test': Step('test', Queue.METADATA, in_worker, missing=None, every=None)})
    try:
        await enqueue(hearth, ['a'])
        await drain(runner)
    finally:
        await runner.stop()
    assert pids and pids[0] != os.getpid()


async def test_labels_and_text_share_their_worker_process_and_both_keep_moving(hearth):
    """The search worker process holds the tagger and the text reader: with jobs of both queues waiting and one
    process, each queue's jobs run in it in turn, neither waiting for the other's backlog."""
    finished: list[tuple[Queue, int]] = []

    def step_of(queue: Queue) -> Step:
        async def in_worker(runner: JobRunner, job) -> None:
            await runner.pools.run(queue, time.sleep, 0.05)
            finished.append((queue, await runner.pools.run(queue, os.getpid)))

        return Step(queue.value, queue, in_worker, missing=None, every=None)

    steps = {step.kind: step for step in (step_of(Queue.LABELS), step_of(Queue.TEXT))}
    runner = JobRunner(hearth, steps, {Queue.LABELS: 1, Queue.TEXT: 1})
    await enqueue(hearth, subjects(4), kind='labels', queue=Queue.LABELS)
    await enqueue(hearth, subjects(4), kind='text', queue=Queue.TEXT)
    runner.start()
    try:
        async with asyncio.timeout(60):
            while len(finished) < 8:
                await asyncio.sleep(0.05)
    finally:
        await runner.stop()
    assert len({pid for _, pid in finished}) == 1 and finished[0][1] != os.getpid()
    order = [queue for queue, _ in finished]
    assert order.index(Queue.TEXT) < 4 and order.index(Queue.LABELS) < 4  # interleaved, not one queue then the other


async def test_the_runner_picks_up_new_work_on_its_own(hearth):
    recorder = Recorder()
    runner = runner_with(hearth, recorder)
    runner.start()
    try:
        await enqueue(hearth, subjects(3))
        runner.wake(Queue.METADATA)
        async with asyncio.timeout(10):
            while len(recorder.done) < 3:
                await asyncio.sleep(0.05)
    finally:
        await runner.stop()
    assert sorted(recorder.done) == subjects(3)


async def test_only_the_admin_manages_jobs_and_bad_input_is_refused(hearth, alice, root):
    for call in (
        jobs.queue_statuses(hearth, alice),
        jobs.failed_jobs(hearth, alice, 'faces'),
        jobs.set_paused(hearth, alice, 'faces', True),
        jobs.run_for(hearth, alice, 'thumbnails', 'all'),
        jobs.retry(hearth, alice, 'faces'),
    ):
        with pytest.raises(Forbidden):
            await call
    with pytest.raises(InvalidInput):
        await jobs.set_paused(hearth, root, 'everything', True)
    with pytest.raises(InvalidInput):
        await jobs.run_for(hearth, root, 'thumbnails', 'some')
    without_clip = [queue for queue in Queue if queue is not Queue.CLIP]  # shown once a CLIP model is installed
    assert [status.queue for status in await jobs.queue_statuses(hearth, root)] == without_clip
