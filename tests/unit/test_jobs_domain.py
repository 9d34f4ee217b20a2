"""The job rules: backoff between attempts, when a job is given up, and what the progress bar shows."""

from datetime import timedelta

import pytest

from domain.errors import InvalidInput
from domain.jobs import MAX_ATTEMPTS, Queue, QueueStatus, gives_up, parse_queue, retry_delay


def test_retries_wait_longer_each_time_up_to_an_hour():
    delays = [retry_delay(attempt) for attempt in range(1, 8)]
    assert delays[:3] == [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=8)]
    assert delays == sorted(delays) and max(delays) == timedelta(hours=1)


def test_a_job_is_given_up_after_its_last_attempt():
    assert [gives_up(attempt) for attempt in range(1, MAX_ATTEMPTS + 1)] == [False] * (MAX_ATTEMPTS - 1) + [True]


def status(waiting=0, running=0, done=0) -> QueueStatus:
    return QueueStatus(Queue.FACES, waiting, running, failed=0, done=done, done_ever=done, paused=False)


@pytest.mark.parametrize(
    ('waiting', 'running', 'done', 'progress'),
    [(0, 0, 0, None), (0, 0, 12, None), (10, 0, 0, 0.0), (6, 2, 2, 0.2), (0, 1, 3, 0.75)],
)
def test_progress_is_the_done_share_of_the_current_run(waiting, running, done, progress):
    assert status(waiting, running, done).progress == progress


def test_queues_are_named_or_refused():
    assert parse_queue('faces') is Queue.FACES
    with pytest.raises(InvalidInput, match='metadata, thumbnails, faces, clustering'):
        parse_queue('everything')
