"""The Jobs page's counts add up (issue 16): per queue, how many photos the step is for, and of those how many are
done, skipped (and why), waiting, running, failed or not started; each photo in exactly one of them. Read through
the service and through GET /api/admin/jobs, which agree."""

import pytest
from sqlalchemy import delete, update

from domain.jobs import JobState, Queue
from services import assets, jobs
from services.pipeline import JobRunner
from services.steps import STEPS
from storage import jobs as job_rows
from storage.models import FaceScan, Job
from tests.factories.face_photos import ONE_PERSON, face_photo
from tests.factories.media_files import make_mp4

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')

BUCKETS = ('done', 'waiting', 'running', 'failed', 'not_started')


async def upload(hearth, owner, path):
    staged = hearth.files.stage_copy(path, 10**9)
    return (await assets.ingest(hearth, owner, staged)).asset_id


async def run(hearth, *queues: Queue) -> None:
    runner = JobRunner(hearth, STEPS)
    try:
        for queue in queues:
            while await runner.run_once(queue):
                pass
    finally:
        await runner.stop()


async def counts(hearth, root, as_root) -> dict[str, dict]:
    """Each queue's counts as the API gives them, after checking the service says the same and that they add up."""
    response = await as_root.get('/admin/jobs')
    assert response.status_code == 200, response.text
    by_api = {queue['queue']: queue for queue in response.json()}
    for status in await jobs.queue_statuses(hearth, root):
        shown = by_api[status.queue.value]
        assert {name: getattr(status, name) for name in ('applies_to', *BUCKETS, 'skipped')} == {
            name: shown[name] for name in ('applies_to', *BUCKETS, 'skipped')
        }
        assert sum(shown[name] for name in BUCKETS) + sum(shown['skipped'].values()) == shown['applies_to'], shown
    return by_api


def faces_job_of(asset_id):
    return (Job.kind == 'faces') & (Job.subject == job_rows.asset_subject(asset_id))


def tally(queue: dict) -> tuple:
    return queue['applies_to'], queue['done'], queue['skipped'], queue['waiting'], queue['failed'], queue['not_started']


async def test_after_uploads_every_queue_counts_each_photo_once_and_adds_up(
    hearth, root, alice, as_root, photo, tmp_path
):
    """GIVEN a new member who uploads two photos, and later three photos of one man and a video, while the faces
    queue works through them between the two bursts
    WHEN every queue has run
    THEN every queue counts all six: their details and thumbnails, made at upload, are done; all six were searched
    for faces; the three with a face were grouped into people and the other three skipped for having none."""
    for index in range(2):
        await upload(hearth, alice, photo(index))
    await run(hearth, Queue.FACES)
    first = await counts(hearth, root, as_root)
    assert tally(first['metadata']) == tally(first['thumbnails']) == (2, 2, {}, 0, 0, 0)
    assert tally(first['faces']) == (2, 2, {}, 0, 0, 0)

    for name in ONE_PERSON:
        await upload(hearth, alice, face_photo(name))
    await upload(hearth, alice, make_mp4(tmp_path / 'clip.mp4'))
    during = await counts(hearth, root, as_root)
    assert tally(during['faces']) == (6, 2, {}, 4, 0, 0) and during['faces']['progress'] == pytest.approx(2 / 6)
    assert tally(during['clustering']) == (6, 0, {'no_faces': 2}, 4, 0, 0)

    await run(hearth, *Queue)
    after = await counts(hearth, root, as_root)
    for queue in ('metadata', 'thumbnails', 'faces', 'labels', 'text'):  # read for search too
        assert tally(after[queue]) == (6, 6, {}, 0, 0, 0), queue
    assert tally(after['clustering']) == (6, 3, {'no_faces': 3}, 0, 0, 0)
    assert all(queue['progress'] is None for queue in after.values())


async def test_redone_failed_trashed_and_never_searched_photos_each_count_once(hearth, root, alice, as_root, photo):
    """GIVEN a member's five photos, uploaded and not yet searched for faces
    WHEN thumbnails are made again for all of them, one photo's face search failed for good, one was never queued
    (as for photos added before Hearth looked for faces), and one went to the trash
    THEN the trashed photo leaves every count, the others are waiting, failed or not started, and it still adds up;
    "run for missing" queues the one never started."""
    photos = [await upload(hearth, alice, photo(index)) for index in range(5)]
    await jobs.run_for(hearth, root, 'thumbnails', 'all')
    redoing = (await counts(hearth, root, as_root))['thumbnails']
    assert tally(redoing) == (5, 0, {}, 5, 0, 0) and redoing['progress'] == 0

    async with hearth.db.session() as session:
        given_up = {'state': JobState.FAILED, 'error': 'OSError: disk full'}
        await session.execute(update(Job).where(faces_job_of(photos[0])).values(**given_up))
        await session.execute(delete(Job).where(faces_job_of(photos[1])))
        await session.commit()
    await assets.trash(hearth, alice, [photos[4]])

    now = await counts(hearth, root, as_root)
    assert tally(now['thumbnails']) == (4, 0, {}, 4, 0, 0)
    assert tally(now['metadata']) == (4, 4, {}, 0, 0, 0)
    assert tally(now['faces']) == (4, 0, {}, 2, 1, 1) and now['faces']['failed_jobs'] == 1
    assert tally(now['clustering']) == (4, 0, {'faces_failed': 1}, 2, 0, 1)

    await jobs.run_for(hearth, root, 'faces', 'missing')  # the failed one too: it has no faces search either
    assert tally((await counts(hearth, root, as_root))['faces']) == (4, 0, {}, 4, 0, 0)


async def test_a_photo_searched_with_an_older_face_model_is_not_counted_done(hearth, root, alice, as_root, photo):
    """GIVEN a photo whose faces were searched with a model Hearth no longer uses, and no job queued for it
    THEN faces counts it as not started (the nightly catch-up or "run for missing" will search it again)."""
    asset_id = await upload(hearth, alice, photo(0))
    async with hearth.db.session() as session:
        await session.execute(delete(Job))
        session.add(FaceScan(asset_id=asset_id, model='an-older-model', face_count=0))
        await session.commit()

    faces = (await counts(hearth, root, as_root))['faces']

    assert tally(faces) == (1, 0, {}, 0, 0, 1)
