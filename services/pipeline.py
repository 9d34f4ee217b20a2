"""The background pipeline: a runner per process that claims jobs from the database queue by queue and runs their
steps, with heavy computing in worker processes so the web app's event loop stays free.

Each queue has its own concurrency (that many jobs in flight, and that many worker processes for its heavy part),
except that queues of one pool group share their worker processes: labels and text are read in the same processes,
so the tagger and the text reader share one Python and one onnxruntime.
Steps are idempotent: a step first checks whether its result is already there (unless the job says `force`).
"""

import asyncio
import contextlib
import logging
import multiprocessing
import os
import socket
import traceback
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

from domain.jobs import JobState, Queue
from ml.workers import start_worker
from services.runtime import Hearth
from storage import jobs as job_rows

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = {
    Queue.METADATA: 2,
    Queue.THUMBNAILS: 2,
    Queue.FACES: 1,
    Queue.CLUSTERING: 1,
    Queue.PLACES: 1,
    Queue.LABELS: 1,
    Queue.TEXT: 1,
    Queue.CLIP: 1,
    Queue.DUPLICATES: 1,
}


# Queues whose heavy parts run in the same worker processes (their pool is as large as the largest of their
# concurrencies); any other queue has a pool of its own.
POOL_GROUPS = {Queue.LABELS: 'search', Queue.TEXT: 'search', Queue.CLIP: 'search'}


RENDERING = 'rendering'  # the web app's pool rendering uploads (not a job queue)


def render_pools(settings) -> 'WorkerPools | None':
    """The processes that render uploads in the web app, as many as may render at once, or None to render in its
    own threads."""
    workers = min(settings.render_workers, settings.upload_slots)
    return WorkerPools({RENDERING: workers}) if workers > 0 else None


def ml_concurrency(settings) -> dict[Queue, int]:
    """The queues that load models, as the settings give them: faces in their worker processes, labels, text and
    CLIP in the search worker processes they share (each queue keeps that many jobs in flight, so all make
    progress)."""
    search = settings.search_workers
    return {Queue.FACES: settings.face_workers, **dict.fromkeys((Queue.LABELS, Queue.TEXT, Queue.CLIP), search)}


IDLE_POLL_SECONDS = 2.0
STOP_GRACE_SECONDS = 5.0
WORKER_NICENESS = 10


@dataclass(frozen=True)
class Step:
    """A kind of job: its queue, what it does for one subject, and which subjects lack its result (or all)."""

    kind: str
    queue: Queue
    run: Callable[['JobRunner', job_rows.ClaimedJob], Awaitable[None]]
    missing: Callable[[], Select]
    every: Callable[[], Select]


class WorkerPools:
    """A process pool per queue, or per group of queues (POOL_GROUPS), started on first use; processes are spawned
    (not forked from the web app). A group's pool is as large as the largest concurrency among its queues; their
    calls wait their turn in it, first come first served, so each queue's jobs keep moving."""

    def __init__(self, concurrency: dict[Queue, int], groups: dict[Queue, str] = POOL_GROUPS):
        self._concurrency = concurrency
        self._groups = groups
        self._pools: dict[Queue, ProcessPoolExecutor] = {}  # a group's pool under each of its queues

    def _sharing(self, queue: Queue) -> list[Queue]:
        """The queues whose calls run in the same pool as this one's (itself included)."""
        group = self._groups.get(queue)
        return [queue] if group is None else [other for other, name in self._groups.items() if name == group]

    async def run(self, queue: Queue, function: Callable[..., Any], *args: Any) -> Any:
        pool = self._pools.get(queue)
        if pool is None:
            context = multiprocessing.get_context('spawn')
            sharing = self._sharing(queue)
            slots = max(1, *(self._concurrency.get(other, 1) for other in sharing))
            # Workers run at a lower priority, so that with every core busy searching faces the web app still
            # answers at once (measured: bench/responsiveness.py), and end when this process does, however it ends.
            pool = ProcessPoolExecutor(
                slots, mp_context=context, initializer=start_worker, initargs=(os.getpid(), WORKER_NICENESS)
            )
            self._pools.update(dict.fromkeys(sharing, pool))
        return await asyncio.get_running_loop().run_in_executor(pool, function, *args)

    def shutdown(self) -> None:
        for pool in {id(pool): pool for pool in self._pools.values()}.values():
            pool.shutdown(wait=False, cancel_futures=True)
        self._pools.clear()


class JobRunner:
    """Claims and runs jobs of every queue until stopped. Several runners (processes) may share one database."""

    def __init__(self, hearth: Hearth, steps: dict[str, Step], concurrency: dict[Queue, int] | None = None):
        self.hearth = hearth
        self.steps = steps
        self.concurrency = {**DEFAULT_CONCURRENCY, **(concurrency or {})}
        self.pools = WorkerPools(self.concurrency)
        self.name = f'{socket.gethostname()}:{os.getpid()}:{id(self):x}'
        self._wakeups = {queue: asyncio.Event() for queue in Queue}
        self._tasks: list[asyncio.Task] = []
        self._stopping = False

    def start(self) -> None:
        for queue, slots in self.concurrency.items():
            self._tasks += [asyncio.create_task(self._work(queue), name=f'jobs-{queue}') for _ in range(slots)]

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Let each worker finish the job in hand, then cancel those still busy after `grace` seconds (their jobs
        run again later). A job cancelled mid-statement left its SQLite connection waiting out the 30 s busy timeout
        behind another's lock: a stop took 30 s."""
        self._stopping = True
        for wakeup in self._wakeups.values():
            wakeup.set()
        if self._tasks:
            _, busy = await asyncio.wait(self._tasks, timeout=grace)
            for task in busy:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        self.pools.shutdown()

    def wake(self, queue: Queue) -> None:
        """New work: don't wait for the next poll."""
        self._wakeups[queue].set()

    async def run_once(self, queue: Queue) -> bool:
        """Claim and run one job of the queue; False when none was due."""
        async with self.hearth.db.session() as session:
            claimed = await job_rows.claim(session, queue, self.name)
        for job in claimed:
            await self._run(job)
        return bool(claimed)

    async def _work(self, queue: Queue) -> None:
        while not self._stopping:
            try:
                if await self.run_once(queue):
                    continue
            except Exception:  # the database may be briefly unavailable; the loop must outlive that
                log.exception('the %s queue could not claim a job', queue)
            wakeup = self._wakeups[queue]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), IDLE_POLL_SECONDS)
            wakeup.clear()

    async def _run(self, job: job_rows.ClaimedJob) -> None:
        step = self.steps.get(job.kind)
        try:
            if step is None:
                raise LookupError(f'no step for jobs of kind {job.kind!r}')
            await step.run(self, job)
        except Exception as error:
            await self._failed(job, error)
        else:
            async with self.hearth.db.session() as session:
                await job_rows.finish(session, job, self.name)

    async def _failed(self, job: job_rows.ClaimedJob, error: Exception) -> None:
        message = ''.join(traceback.format_exception_only(error)).strip()
        async with self.hearth.db.session() as session:
            state = await job_rows.fail(session, job, self.name, message)
        level = logging.WARNING if state is JobState.FAILED else logging.INFO
        log.log(level, 'job %s (%s %s) attempt %d: %s', job.id, job.kind, job.subject, job.attempts, message)
