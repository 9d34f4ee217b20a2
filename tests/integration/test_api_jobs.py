"""Background jobs over the REST API: the admin sees counts and errors, pauses, runs and retries; members and
strangers are refused and nothing changes."""

import pytest
from sqlalchemy import delete, select, update

from domain.jobs import MAX_ATTEMPTS, JobState, Queue
from storage import jobs as job_rows
from storage.models import Job, JobQueue

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


async def queues(client) -> dict[str, dict]:
    response = await client.get('/admin/jobs')
    assert response.status_code == 200, response.text
    return {queue['queue']: queue for queue in response.json()}


async def all_jobs(hearth) -> list[Job]:
    async with hearth.db.session() as session:
        return list(await session.scalars(select(Job).order_by(Job.subject)))


async def test_the_admin_runs_pauses_and_retries_and_sees_counts_and_errors_only(hearth, as_root, as_alice, photo):
    for index in range(3):
        await as_alice.post('/assets', files={'file': (f'{index}.jpg', photo(index).read_bytes(), 'image/jpeg')})
    assert (await queues(as_root))['thumbnails']['waiting'] == 0

    assert (await as_root.post('/admin/jobs/thumbnails/run', json={'which': 'missing'})).status_code == 202
    thumbnails = (await queues(as_root))['thumbnails']
    assert (thumbnails['waiting'], thumbnails['progress'], thumbnails['paused']) == (3, 0.0, False)
    assert (await as_root.post('/admin/jobs/thumbnails/run', json={'which': 'all'})).status_code == 202
    assert (await queues(as_root))['thumbnails']['waiting'] == 3  # queued once, now to be redone

    assert (await as_root.post('/admin/jobs/thumbnails/pause')).status_code == 204
    assert (await queues(as_root))['thumbnails']['paused'] is True
    assert (await as_root.post('/admin/jobs/thumbnails/resume')).status_code == 204

    async with hearth.db.session() as session:  # a worker's last attempt fails
        await session.execute(update(Job).values(attempts=MAX_ATTEMPTS - 1))
        [job] = await job_rows.claim(session, Queue.THUMBNAILS, 'worker')
        await session.execute(delete(Job).where(Job.queue == Queue.THUMBNAILS, Job.id != job.id))
        await job_rows.fail(session, job, 'worker', 'OSError: disk full')
    thumbnails = (await queues(as_root))['thumbnails']
    counted = ('applies_to', 'done', 'waiting', 'running', 'failed', 'not_started', 'failed_jobs', 'skipped')
    assert [thumbnails[name] for name in counted] == [3, 2, 0, 0, 1, 0, 1, {}]
    failed = (await as_root.get('/admin/jobs/thumbnails/failed')).json()
    assert [(f['kind'], f['error'], f['attempts']) for f in failed] == [('thumbnails', 'OSError: disk full', 4)]
    assert set(failed[0]) == {'id', 'kind', 'subject', 'attempts', 'error', 'failed_at'}  # no file, no thumbnail

    retried = await as_root.post(f'/admin/jobs/thumbnails/failed/{failed[0]["id"]}/retry')
    assert retried.json() == {'count': 1}
    thumbnails = [(job.state, job.attempts) for job in await all_jobs(hearth) if job.queue == 'thumbnails']
    assert thumbnails == [(JobState.WAITING, 0)]


ADMIN_JOB_CALLS = [
    ('GET', '/admin/jobs', None),
    ('GET', '/admin/jobs/{queue}/failed', None),
    ('POST', '/admin/jobs/{queue}/pause', None),
    ('POST', '/admin/jobs/{queue}/resume', None),
    ('POST', '/admin/jobs/{queue}/run', {'which': 'all'}),
    ('POST', '/admin/jobs/{queue}/retry', None),
    ('POST', '/admin/jobs/{queue}/failed/{job_id}/retry', None),
]


@pytest.mark.parametrize(('method', 'path', 'body'), ADMIN_JOB_CALLS, ids=[f'{m} {p}' for m, p, _ in ADMIN_JOB_CALLS])
async def test_members_get_403_strangers_401_and_nothing_changes(hearth, as_alice, anonymous, method, path, body):
    url = path.format(queue='thumbnails', job_id=12345)
    for client, expected in ((as_alice, 403), (anonymous, 401)):
        response = await client.request(method, url, json=body)
        assert response.status_code == expected, response.text
    assert await all_jobs(hearth) == []
    async with hearth.db.session() as session:
        assert not any(await session.scalars(select(JobQueue.paused)))


async def test_bad_queue_names_and_choices_are_refused(as_root):
    assert (await as_root.post('/admin/jobs/everything/pause')).status_code == 400
    assert (await as_root.post('/admin/jobs/faces/run', json={'which': 'some'})).status_code == 422
    assert (await as_root.post('/admin/jobs/faces/failed/not-an-id/retry')).status_code == 422
    for out_of_range in (2**63, -(2**63) - 1):  # past a 64-bit job id: 500 before (OverflowError into SQLite)
        assert (await as_root.post(f'/admin/jobs/faces/failed/{out_of_range}/retry')).status_code == 422
