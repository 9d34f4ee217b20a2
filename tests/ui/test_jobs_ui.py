"""The admin's Jobs page: counts per queue, pause and resume, run for missing, failed jobs with their error, retry."""

from datetime import UTC, datetime

from nicegui.testing import User
from sqlalchemy import select

from domain.jobs import JobState
from services import runtime
from storage.models import Job
from tests.ui.conftest import add_photo, eventually, member, sign_in, sign_up_admin


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
    await user.should_see('0 waiting · 0 running · 1 failed · 0 done', retries=50)

    user.find('show-failed-thumbnails').click()
    await user.should_see('UnidentifiedImageError: cannot identify image file', retries=50)
    user.find('retry-one').click()
    await user.should_see('1 job queued again', retries=50)

    async def retried_and_done() -> bool:  # the step finds no such asset and fails again, now as a new attempt
        return all(job.attempts <= 1 for job in await jobs_left())

    await eventually(retried_and_done)


async def test_pause_resume_and_run_for_missing_move_the_counts(user: User, tmp_path):
    await sign_up_admin(user)
    await user.open('/admin/jobs')
    await user.should_see('Thumbnails and previews', retries=50)

    user.find('pause-thumbnails').click()
    await user.should_see('Paused', retries=50)
    bea = await member()
    await add_photo(bea, tmp_path)
    user.find('run-missing-thumbnails').click()
    await user.should_see('1 waiting · 0 running · 0 failed · 0 done', retries=50)

    user.find('resume-thumbnails').click()
    await user.should_see('0 waiting · 0 running · 0 failed · 1 done', retries=100)


async def test_members_do_not_reach_the_jobs_page(user: User):
    await sign_up_admin(user)
    await member()
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')

    await user.open('/admin/jobs')

    await user.should_not_see('Background jobs')
    await user.should_see('Photos', retries=50)
