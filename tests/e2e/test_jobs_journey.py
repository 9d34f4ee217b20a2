"""The admin's Jobs page in Debian's Chromium: queues with their counts and progress, run for missing, pause."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, screenshot, sign_in
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('jobs'))  # no face workers: the faces queue keeps its jobs
    hearth.cli('user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'family-pw', '--admin')
    camera = hearth.data / 'camera'
    camera.mkdir()
    for day in range(1, 4):
        make_jpeg(
            camera / f'day{day}.jpg', size=(1200, 900), color=(30 * day, 90, 160), taken_at=datetime(2024, 8, day)
        )
    hearth.cli('import', '--user', 'ann@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def open_jobs(browser, server, viewport):
    page = sign_in(browser, server, viewport=viewport)
    page.goto(f'{server}/admin/jobs')
    expect(page.get_by_text('Background jobs')).to_be_visible(timeout=15_000)
    return page


def test_the_admin_follows_the_queues_and_runs_thumbnails_for_missing(browser, server):
    page = open_jobs(browser, server, DESKTOP)
    faces = page.locator('.q-card', has_text='Faces found and recognised')
    expect(faces.get_by_text('3 waiting · 0 running · 0 failed · 0 done')).to_be_visible(timeout=15_000)
    expect(faces.locator('.q-linear-progress')).to_be_visible()

    thumbnails = page.locator('.q-card', has_text='Thumbnails and previews')
    thumbnails.get_by_role('button', name='Run for missing').click()
    expect(thumbnails.get_by_text('0 waiting · 0 running · 0 failed · 3 done')).to_be_visible(timeout=30_000)
    faces.get_by_role('button', name='Pause').click()
    expect(faces.get_by_text('Paused')).to_be_visible(timeout=10_000)
    screenshot(page, 'jobs-desktop')

    phone = open_jobs(browser, server, PHONE)
    expect(phone.locator('.q-card', has_text='Faces found').get_by_text('Paused')).to_be_visible(timeout=15_000)
    screenshot(phone, 'jobs-phone')
