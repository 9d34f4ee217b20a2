"""Background work (SPEC §7, §12): queues of jobs, how a failed job is retried, and what the Jobs page reports."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from domain.errors import InvalidInput


class Queue(StrEnum):
    """One queue per kind of work, each with its own concurrency, so a long face run never holds up thumbnails."""

    METADATA = 'metadata'
    THUMBNAILS = 'thumbnails'
    FACES = 'faces'
    CLUSTERING = 'clustering'


class JobState(StrEnum):
    WAITING = 'waiting'
    RUNNING = 'running'
    FAILED = 'failed'  # out of attempts: stays visible with its error until retried


MAX_ATTEMPTS = 4
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
# A running job whose worker has not finished it in this long is taken to have died with its worker.
LEASE = timedelta(minutes=15)


def parse_queue(value: str) -> Queue:
    try:
        return Queue(value)
    except ValueError:
        raise InvalidInput(f'Queues are {", ".join(Queue)}') from None


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: 30 s, 2 min, 8 min, ... at most an hour."""
    return min(FIRST_RETRY * 4 ** max(0, attempts - 1), LONGEST_RETRY)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


@dataclass(frozen=True)
class QueueStatus:
    queue: Queue
    waiting: int
    running: int
    failed: int
    done: int  # since the queue was last empty: the progress bar's run
    done_ever: int
    paused: bool

    @property
    def progress(self) -> float | None:
        """Share of the current run that is done; None when nothing is waiting or running."""
        remaining = self.waiting + self.running
        if not remaining:
            return None
        return self.done / (self.done + remaining)
