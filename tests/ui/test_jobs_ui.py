"""The admin's Jobs page: per queue, the photos its step is for and where they stand (adding up), pause and resume,
run for missing, failed jobs with their error, retry."""

from datetime import UTC, datetime

from nicegui.testing import User
from sqlalchemy import select

from domain.jobs import JobState
from services import runtime
from storage.models import Job
from tests.ui.conftest import add_photo, eventually, member, sign_in, sign_up_admin

BUCKETS = ('done', 'skipped', 'waiting', 'running', 'failed', 'not_started')


def numbers(user: User, queue: str) -> dict[str, int]:
    """The card's counts as shown: how many photos it is for, then each tile's number."""
    shown = {bucket: _text(user, f'{bucket}-{queue}') for bucket in BUCKETS}
    return {'for': int(_text(user, f'applies-{queue}').split()[1].replace(',', ''))} | {
        bucket: int(text.replace(',', '')) for bucket, text in shown.items()
    }


def _text(user: User, marker: str) -> str:
    [element] = user.find(marker).elements
    return element.text


async def shows(user: User, queue: str, **expected: int) -> None:
    """Wait until the card shows these numbers (the page refreshes itself), and check they add up."""

    async def showing() -> bool:
        return all(numbers(user, queue).get(name) == count for name, count in expected.items())

    try:
        await eventually(showing, seconds=10)
    except TimeoutError:
        raise AssertionError(f'{queue} shows {numbers(user, queue)}, not {expected}') from None
    shown = numbers(user, queue)
    assert sum(shown[bucket] for bucket in BUCKETS) == shown['for'], shown


async def failed_job(error: str) -> None:
    async with runtime.current().db.session() as session:
        session.add(
            Job(
                queue='thumbnails',
                kind='thumbnails',
                subject='4f1c-broken',
                state=JobState.FAILED,
                attempts=4,
                error=error,
                claimed_at=datetime.now(UTC),
            )
        )
        await session.commit()


async def jobs_left() -> list[Job]:
    async with runtime.current().db.session() as session:
        return list(await session.scalars(select(Job)))


async def test_the_admin_sees_every_queue_and_retries_a_failed_job(user: User):
    await sign_up_admin(user)
    await failed_job('UnidentifiedImageError: cannot identify image file')
    await user.open('/admin/jobs')

    await user.should_see('Background jobs', retries=50)
    for queue in ('Metadata', 'Thumbnails', 'Faces', 'Clustering'):
        await user.should_see(queue)
    await user.should_see('Show 1 failed job', retries=50)  # of no photo: it counts in no queue's photos
    await shows(user, 'thumbnails', **{'for': 0, 'failed': 0})

    user.find('show-failed-thumbnails').click()
    await user.should_see('UnidentifiedImageError: cannot identify image file', retries=50)
    user.find('retry-one').click()
    await user.should_see('1 job queued again', retries=50)

    async def retried_and_done() -> bool:  # the step finds no such asset and fails again, now as a new attempt
        return all(job.attempts <= 1 for job in await jobs_left())

    await eventually(retried_and_done)


async def test_uploads_count_as_done_and_run_for_missing_moves_them_through_waiting(user: User, tmp_path):
    """GIVEN a member's two uploads, whose details and thumbnails are made as they arrive and whose faces wait (no
    face workers here) WHEN the admin pauses thumbnails and runs them for missing, then resumes THEN each card counts
    both photos, adding up, and the thumbnails go from done to waiting and back to done."""
    await sign_up_admin(user)
    bea = await member()
    for name, color in (('one.jpg', (200, 90, 40)), ('two.jpg', (40, 90, 200))):
        await add_photo(bea, tmp_path, name, color=color)
    await user.open('/admin/jobs')
    await user.should_see('Thumbnails and previews', retries=50)

    await shows(user, 'metadata', **{'for': 2, 'done': 2})
    await shows(user, 'thumbnails', **{'for': 2, 'done': 2})
    await shows(user, 'faces', **{'for': 2, 'waiting': 2})
    await shows(user, 'clustering', **{'for': 2, 'waiting': 2})  # for their faces first
    await user.should_see('For 2 photos and videos')

    user.find('pause-thumbnails').click()
    await user.should_see('Paused', retries=50)
    user.find('run-missing-thumbnails').click()
    await shows(user, 'thumbnails', **{'for': 2, 'done': 0, 'waiting': 2})

    user.find('resume-thumbnails').click()
    await shows(user, 'thumbnails', **{'for': 2, 'done': 2, 'waiting': 0})


async def test_members_do_not_reach_the_jobs_page(user: User):
    await sign_up_admin(user)
    await member()
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')

    await user.open('/admin/jobs')

    await user.should_not_see('Background jobs')
    await user.should_see('Photos', retries=50)
