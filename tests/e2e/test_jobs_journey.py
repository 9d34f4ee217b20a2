"""The admin's Jobs page in Debian's Chromium, on the real pipeline: after an import, every queue counts the same
photos and videos, and its done, skipped, waiting, in progress, failed and not started add up to them; run for
missing, pause, run for all."""

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, screenshot, sign_in
from tests.factories.face_photos import face_photo
from tests.factories.media_files import make_jpeg, make_mp4

pytestmark = pytest.mark.e2e

QUEUES = ('metadata', 'thumbnails', 'faces', 'clustering')
BUCKETS = ('done', 'skipped', 'waiting', 'running', 'failed', 'not_started')


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('jobs'), face_workers=1)
    hearth.cli('user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'family-pw', '--admin')
    camera = hearth.data / 'camera'
    camera.mkdir()
    for day in range(1, 3):
        make_jpeg(
            camera / f'day{day}.jpg', size=(1200, 900), color=(60 * day, 90, 160), taken_at=datetime(2024, 8, day)
        )
    make_mp4(camera / 'clip.mp4', creation_time='2024-08-03T10:00:00.000000Z')
    (camera / 'uncle.jpg').write_bytes(face_photo('obama.jpg').read_bytes())
    hearth.cli('import', '--user', 'ann@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def open_jobs(browser, server, viewport):
    page = sign_in(browser, server, viewport=viewport)
    page.goto(f'{server}/admin/jobs')
    expect(page.get_by_text('Background jobs')).to_be_visible(timeout=15_000)
    return page


def numbers(page, queue: str) -> dict[str, int]:
    """The card's counts as shown, read at one instant (the card refreshes every 2 s): how many photos and videos it
    is for, and each tile's number."""
    ids = [f'applies-{queue}', *(f'{bucket}-{queue}' for bucket in BUCKETS)]
    for testid in ids:  # a card that has just opened may still be drawing its tiles
        expect(page.get_by_test_id(testid)).to_be_attached(timeout=15_000)
    texts = page.evaluate('(ids) => ids.map((id) => document.querySelector(`[data-testid="${id}"]`).innerText)', ids)
    counts = [int(re.search(r'[\d,]+', text)[0].replace(',', '')) for text in texts]
    return dict(zip(('for', *BUCKETS), counts, strict=True))


def expect_numbers(page, queue: str, timeout: float = 30, **expected: int) -> None:
    """Wait until the card shows these numbers, and check that what it shows then adds up."""
    deadline = datetime.now().timestamp() + timeout
    shown = numbers(page, queue)
    while {name: shown[name] for name in expected} != expected:
        assert datetime.now().timestamp() < deadline, f'{queue} shows {shown}, not {expected}'
        page.wait_for_timeout(500)
        shown = numbers(page, queue)
    assert sum(shown[bucket] for bucket in BUCKETS) == shown['for'], shown


def shoot(page, card, name: str) -> None:
    """A screenshot with the card in view, once the notices have gone."""
    expect(page.locator('.q-notification')).to_have_count(0, timeout=15_000)
    card.evaluate("card => card.scrollIntoView({block: 'center'})")  # clear of the phone's bottom bar
    screenshot(page, name)


def test_every_queue_counts_the_import_and_adds_up_through_run_for_missing_pause_and_run_for_all(browser, server):
    page = open_jobs(browser, server, DESKTOP)
    expect_numbers(page, 'metadata', **{'for': 4, 'done': 4})
    expect_numbers(page, 'thumbnails', **{'for': 4, 'done': 4})
    expect_numbers(page, 'faces', timeout=120, **{'for': 4, 'done': 4})  # the face worker loads its model first
    expect_numbers(page, 'clustering', timeout=60, **{'for': 4, 'done': 1, 'skipped': 3})
    clustering = page.locator('.q-card', has_text='Faces grouped into people')
    expect(clustering.get_by_text('Skipped because 3 have no faces')).to_be_visible()

    thumbnails = page.locator('.q-card', has_text='Thumbnails and previews')
    thumbnails.get_by_role('button', name='Run for missing').click()
    expect_numbers(page, 'thumbnails', **{'for': 4, 'done': 4, 'waiting': 0, 'running': 0})

    faces = page.locator('.q-card', has_text='Faces found and recognised')
    faces.get_by_role('button', name='Pause').click()
    expect(faces.get_by_text('Paused')).to_be_visible(timeout=10_000)
    faces.get_by_role('button', name='Run for all').click()
    page.get_by_test_id('confirm-ok').click()
    expect_numbers(page, 'faces', **{'for': 4, 'done': 0, 'waiting': 4})
    expect(faces.locator('.q-linear-progress')).to_be_visible()
    for queue in QUEUES:
        expect_numbers(page, queue, **{'for': 4})
    shoot(page, clustering, 'jobs-desktop')

    phone = open_jobs(browser, server, PHONE)
    expect(phone.locator('.q-card', has_text='Faces found').get_by_text('Paused')).to_be_visible(timeout=15_000)
    for queue in QUEUES:
        expect_numbers(phone, queue, **{'for': 4})
    expect_numbers(phone, 'faces', **{'waiting': 4})
    shoot(phone, phone.locator('.q-card', has_text='Faces found'), 'jobs-phone')
