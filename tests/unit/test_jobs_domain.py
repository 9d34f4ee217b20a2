"""The job rules: backoff between attempts, when a job is given up, where each photo stands with each queue's step
(each counted once), and what the progress bar shows."""

from datetime import timedelta

import pytest

from domain.errors import InvalidInput
from domain.jobs import (
    MAX_ATTEMPTS,
    JobState,
    PhotoState,
    Queue,
    QueueStatus,
    Skip,
    gives_up,
    parse_queue,
    retry_delay,
)


def test_retries_wait_longer_each_time_up_to_an_hour():
    delays = [retry_delay(attempt) for attempt in range(1, 8)]
    assert delays[:3] == [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=8)]
    assert delays == sorted(delays) and max(delays) == timedelta(hours=1)


def test_a_job_is_given_up_after_its_last_attempt():
    assert [gives_up(attempt) for attempt in range(1, MAX_ATTEMPTS + 1)] == [False] * (MAX_ATTEMPTS - 1) + [True]


WAITING, RUNNING, FAILED = JobState.WAITING, JobState.RUNNING, JobState.FAILED
# Photos in every state the Jobs page can meet, and how many of each.
PHOTOS = {
    PhotoState(faces_found=True): 30,
    PhotoState(faces_found=False): 60,
    PhotoState(faces_found=None): 5,  # from before faces were searched, or searched with an older model
    PhotoState(faces_found=None, faces=WAITING, metadata=RUNNING): 4,  # just uploaded, details read again
    PhotoState(faces_found=None, faces=FAILED, thumbnails=FAILED): 2,
    PhotoState(faces_found=True, clustering=WAITING, thumbnails=WAITING): 3,  # its library waits to be grouped
    PhotoState(faces_found=False, faces=RUNNING): 1,  # searched again
}


def status(queue: Queue) -> QueueStatus:
    return QueueStatus.of(queue, PHOTOS, failed_jobs=0, paused=False)


def counts(status: QueueStatus) -> tuple:
    return status.done, status.skipped, status.waiting, status.running, status.failed, status.not_started


@pytest.mark.parametrize('queue', list(Queue))
def test_every_photo_is_counted_once_in_every_queue(queue):
    queue_status = status(queue)
    done, skipped, waiting, running, failed, not_started = counts(queue_status)
    added = done + sum(skipped.values()) + waiting + running + failed + not_started
    assert queue_status.applies_to == added == sum(PHOTOS.values()) == 105


def test_details_and_thumbnails_made_at_upload_are_done_unless_a_job_holds_them():
    assert counts(status(Queue.METADATA)) == (101, {}, 0, 4, 0, 0)
    assert counts(status(Queue.THUMBNAILS)) == (100, {}, 3, 0, 2, 0)


def test_faces_are_done_once_searched_with_the_current_model():
    assert counts(status(Queue.FACES)) == (93, {}, 4, 1, 2, 5)


def test_grouping_skips_photos_without_faces_and_waits_for_those_whose_faces_are_not_found_yet():
    assert counts(status(Queue.CLUSTERING)) == (30, {Skip.NO_FACES: 61, Skip.FACES_FAILED: 2}, 4 + 3, 0, 0, 5)


@pytest.mark.parametrize(
    ('photos', 'progress'),
    [
        ({PhotoState(True): 12}, None),
        ({PhotoState(True, faces=WAITING): 10}, 0.0),
        ({PhotoState(True): 2, PhotoState(True, faces=WAITING): 6, PhotoState(True, faces=RUNNING): 2}, 0.2),
        ({PhotoState(True): 3, PhotoState(True, faces=RUNNING): 1, PhotoState(True, faces=FAILED): 4}, 0.375),
    ],
)
def test_progress_is_the_done_share_of_the_photos_while_any_wait_or_run(photos, progress):
    assert QueueStatus.of(Queue.FACES, photos, failed_jobs=0, paused=False).progress == progress


def test_skipped_photos_are_not_part_of_the_progress():
    photos = {PhotoState(False): 90, PhotoState(True): 5, PhotoState(None, faces=WAITING): 5}
    assert QueueStatus.of(Queue.CLUSTERING, photos, failed_jobs=0, paused=False).progress == 0.5


def test_queues_are_named_or_refused():
    assert parse_queue('faces') is Queue.FACES
    with pytest.raises(InvalidInput, match='metadata, thumbnails, faces, clustering'):
        parse_queue('everything')
