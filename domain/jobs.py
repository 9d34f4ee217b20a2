"""Background work (SPEC §7, §12): queues of jobs, how a failed job is retried, and what the Jobs page reports."""

from collections import Counter
from collections.abc import Mapping
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
    PLACES = 'places'
    LABELS = 'labels'  # what is in each photo, for search
    TEXT = 'text'  # the text in each photo, for search: slow, so a queue of its own
    CLIP = 'clip'  # each photo embedded by the CLIP model an admin installed, if any (ml.clip)
    DUPLICATES = 'duplicates'  # each asset's hashes, and the copies of it they find (SPEC §9)


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


class Outcome(StrEnum):
    """Where a photo stands with a step, besides skipped."""

    DONE = 'done'
    WAITING = 'waiting'
    RUNNING = 'running'
    FAILED = 'failed'
    NOT_STARTED = 'not_started'  # its result is missing and no job is queued for it: "run for missing" queues it


class Skip(StrEnum):
    """Why a step leaves a photo alone."""

    NO_FACES = 'no_faces'  # searched, and no face found: nothing to group into people
    FACES_FAILED = 'faces_failed'  # its face search failed: nothing to group until that is retried
    NO_POSITION = 'no_position'  # no GPS position: no place to name


@dataclass(frozen=True)
class PhotoState:
    """What the Jobs page knows of a photo: whether the current face model found faces in it (None: not searched
    with it), whether its place was looked up (None: it has no position), and the state of each queue's job for it
    (None: none queued; clustering: its library's grouping)."""

    faces_found: bool | None
    metadata: JobState | None = None
    thumbnails: JobState | None = None
    faces: JobState | None = None
    clustering: JobState | None = None
    places: JobState | None = None
    labels: JobState | None = None
    text: JobState | None = None
    clip: JobState | None = None
    duplicates: JobState | None = None
    located: bool | None = None
    labelled: bool = False  # read by the current image tagger
    read: bool = False  # read for text by the current model
    embedded: bool = False  # embedded by the installed CLIP model
    hashed: bool = False  # hashed for duplicates by the current hash model

    def job(self, queue: Queue) -> JobState | None:
        return getattr(self, queue.value)

    def at_rest(self) -> 'PhotoState':
        """The same photo with no job queued."""
        results = {'labelled': self.labelled, 'read': self.read, 'embedded': self.embedded, 'hashed': self.hashed}
        return PhotoState(self.faces_found, located=self.located, **results)


def outcome(queue: Queue, photo: PhotoState) -> Outcome | Skip:
    """A photo is waiting, running or failed while its job is. Its details and renditions are made before it is
    stored, so without a job those steps are done; faces are done once searched with the current model, people
    once its faces are found and its library is not waiting to be grouped, and places once looked up."""
    if queue is Queue.CLUSTERING:
        return _grouping_outcome(photo)
    if job := photo.job(queue):
        return Outcome(job)
    if queue is Queue.FACES and photo.faces_found is None:
        return Outcome.NOT_STARTED
    if queue is Queue.PLACES and not photo.located:
        return Skip.NO_POSITION if photo.located is None else Outcome.NOT_STARTED
    if (queue is Queue.LABELS and not photo.labelled) or (queue is Queue.TEXT and not photo.read):
        return Outcome.NOT_STARTED
    if queue is Queue.CLIP and not photo.embedded:
        return Outcome.NOT_STARTED
    if queue is Queue.DUPLICATES and not photo.hashed:
        return Outcome.NOT_STARTED
    return Outcome.DONE


def _grouping_outcome(photo: PhotoState) -> Outcome | Skip:
    if photo.faces_found is False:
        return Skip.NO_FACES
    if photo.faces_found:
        return Outcome(photo.clustering or Outcome.DONE)
    if photo.faces == JobState.FAILED:
        return Skip.FACES_FAILED
    return Outcome.WAITING if photo.faces else Outcome.NOT_STARTED  # waiting for its faces first


@dataclass(frozen=True)
class QueueStatus:
    """A queue's step for the photos outside the trash: each photo is in exactly one of done, skipped (by reason),
    waiting, running, failed and not started, so these add up to `applies_to`."""

    queue: Queue
    applies_to: int
    done: int
    skipped: dict[Skip, int]
    waiting: int
    running: int
    failed: int
    not_started: int
    failed_jobs: int  # the queue's failed jobs to retry, also of photos gone since and of libraries and spaces
    paused: bool

    @classmethod
    def of(cls, queue: Queue, photos: Mapping[PhotoState, int], failed_jobs: int, paused: bool) -> 'QueueStatus':
        """Count how many photos in each state (`photos`) stand where with the queue's step."""
        tally = Counter()
        for photo, count in photos.items():
            tally[outcome(queue, photo)] += count
        return cls(
            queue=queue,
            applies_to=tally.total(),
            done=tally[Outcome.DONE],
            skipped={reason: tally[reason] for reason in Skip if tally[reason]},
            waiting=tally[Outcome.WAITING],
            running=tally[Outcome.RUNNING],
            failed=tally[Outcome.FAILED],
            not_started=tally[Outcome.NOT_STARTED],
            failed_jobs=failed_jobs,
            paused=paused,
        )

    @property
    def to_do(self) -> int:
        """The photos the step does something for: all but the skipped."""
        return self.applies_to - sum(self.skipped.values())

    @property
    def progress(self) -> float | None:
        """Share of the photos to do that are done; None when nothing is waiting or running."""
        if not (self.waiting or self.running):
            return None
        return self.done / self.to_do
