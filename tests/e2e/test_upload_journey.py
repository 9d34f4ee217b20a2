"""Uploading in Debian's Chromium: a mix of new photos, one Ann already has and a text file goes through a floating
panel that counts, says why a file was refused, leaves the timeline usable meanwhile, and refreshes it at the end."""

import re
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, screenshot
from tests.factories.media_files import make_jpeg, make_text_file

pytestmark = pytest.mark.e2e
CELLS = '[data-testid=timeline-grid] .htg-cell img'


@pytest.fixture(scope='module')
def camera(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp('camera')
    for i in range(6):
        make_jpeg(folder / f'IMG_{i}.jpg', color=(30 + 40 * i, 120, 200 - 30 * i), taken_at=datetime(2024, 5, 1 + i))
    make_text_file(folder / 'notes.txt')
    return folder


@pytest.fixture(scope='module')
def server(tmp_path_factory, camera):
    hearth = HearthProcess(tmp_path_factory.mktemp('uploads'))
    hearth.cli('user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'family-pw')
    already = tmp_path_factory.mktemp('already')
    shutil.copy(camera / 'IMG_0.jpg', already / 'IMG_0.jpg')
    hearth.cli('import', '--user', 'ann@example.com', str(already))
    with hearth.serving() as url:
        yield url


class HeldUploads:
    """Routes every request of a context: anything leaving 127.0.0.1 fails the test, and uploads wait until let go,
    so the test sees the panel mid-way."""

    def __init__(self, context):
        self.waiting, self.outside = [], []
        context.route('**/*', self._route)

    def _route(self, route) -> None:
        request = route.request
        if urlparse(request.url).hostname != '127.0.0.1':
            self.outside.append(request.url)
            route.abort()
        elif request.method == 'POST' and urlparse(request.url).path == '/api/assets':
            self.waiting.append(route)
        else:
            route.continue_()

    def release(self, page, count: int = 1, name: str = '') -> None:
        """Let `count` uploads through, oldest first, or the one of the file called `name`."""
        for _ in range(count):
            route = self._next(page, f'filename="{name}"'.encode() if name else b'')
            self.waiting.remove(route)
            route.continue_()

    def _next(self, page, marker: bytes):
        while True:
            for route in self.waiting:
                if marker in route.request.post_data_buffer:
                    return route
            page.wait_for_timeout(50)  # Playwright hands over new routes while it waits


def signed_in(browser, server: str, viewport: dict):
    context = browser.new_context(viewport=viewport)
    held = HeldUploads(context)
    page = context.new_page()
    page.goto(f'{server}/login')
    page.get_by_label('Email').fill('ann@example.com')
    page.get_by_label('Password').fill('family-pw')
    page.get_by_role('button', name='Sign in').click()
    expect(page.get_by_test_id('timeline-grid')).to_be_visible(timeout=15_000)
    return page, held


def choose_files(page, files: list[Path]) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id('upload-button').click()
    chooser.value.set_files([str(path) for path in files])


def file_line(page, name: str):
    return page.get_by_test_id('upload-list').locator('li', has_text=name)


def test_a_mixed_upload_counts_explains_refusals_and_leaves_the_timeline_usable(browser, server, camera):
    page, held = signed_in(browser, server, DESKTOP)
    expect(page.locator(CELLS)).to_have_count(1, timeout=15_000)
    title = page.get_by_test_id('upload-title')
    choosers = []
    page.on('filechooser', lambda chooser: choosers.append(chooser))

    choose_files(page, [camera / 'notes.txt', camera / 'IMG_0.jpg', *(camera / f'IMG_{i}.jpg' for i in (1, 2, 3))])
    expect(title).to_have_text('Uploading 0 of 5')
    expect(page.get_by_test_id('upload-list').locator('li')).to_have_count(5)
    expect(page.locator('.q-dialog__backdrop')).to_have_count(0)

    page.locator('[data-testid=timeline-grid] .htg-cell .htg-check').first.click()
    expect(page.get_by_text('1 selected')).to_be_visible()
    page.keyboard.press('Escape')
    expect(page.get_by_text('1 selected')).to_be_hidden()

    held.release(page, name='notes.txt')
    expect(title).to_have_text('Uploading 1 of 5')
    expect(file_line(page, 'notes.txt')).to_contain_text('not a photo or video')
    counters = page.get_by_test_id('upload-counts').get_by_role('button')
    expect(counters).to_have_text(['0 added', '0 already there', '1 refused'])
    screenshot(page, 'upload-desktop-progress')

    held.release(page, 4)
    expect(title).to_have_text('3 added, 1 already there, 1 refused', timeout=15_000)
    expect(file_line(page, 'IMG_0.jpg')).to_contain_text('already there')
    expect(page.locator(CELLS)).to_have_count(4, timeout=15_000)
    expect(page.get_by_text('4 items')).to_be_visible()
    screenshot(page, 'upload-desktop-summary')

    expect(counters).to_have_text(['3 added', '1 already there', '1 refused'])
    counters.filter(has_text='refused').click()
    expect(page.get_by_test_id('upload-list').locator('li')).to_have_count(1)
    page.get_by_test_id('upload-collapse').click()
    expect(page.get_by_test_id('upload-list')).to_be_hidden()
    expect(title).to_be_visible()
    page.get_by_test_id('upload-close').click()
    expect(page.get_by_test_id('upload-panel')).to_be_hidden()
    assert len(choosers) == 1  # the server's open() for the same click does not ask a second time
    assert held.outside == []


def test_a_dropped_file_the_picker_would_have_hidden_is_refused_in_plain_words(browser, server):
    page, held = signed_in(browser, server, DESKTOP)
    page.evaluate("""() => {
      const files = new DataTransfer();
      files.items.add(new File(['# Holiday plans'], 'plans.md', { type: 'text/markdown' }));
      for (const type of ['dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: files, bubbles: true, cancelable: true }));
      }
    }""")
    held.release(page)
    expect(page.get_by_test_id('upload-title')).to_have_text('0 added, 1 refused', timeout=15_000)
    expect(file_line(page, 'plans.md')).to_contain_text('not a photo or video')
    assert held.outside == []


def test_on_a_phone_the_panel_leaves_most_of_the_timeline_in_view(browser, server, camera):
    page, held = signed_in(browser, server, PHONE)
    count = page.get_by_text(re.compile(r'^\d+ items?$'))  # one photo, or four after the desktop journey
    expect(count).to_be_visible(timeout=15_000)
    before = int(count.inner_text().split()[0])
    expect(page.locator(CELLS)).to_have_count(before, timeout=15_000)
    choose_files(page, [camera / 'IMG_4.jpg', camera / 'IMG_5.jpg', camera / 'notes.txt'])
    held.release(page, name='notes.txt')
    expect(page.get_by_test_id('upload-title')).to_have_text('Uploading 1 of 3')
    panel = page.get_by_test_id('upload-panel').bounding_box()
    assert panel['height'] < PHONE['height'] / 2 and panel['width'] <= PHONE['width'] - 16
    screenshot(page, 'upload-phone-progress')

    held.release(page, 2)
    expect(page.get_by_test_id('upload-title')).to_have_text('2 added, 1 refused', timeout=15_000)
    expect(page.locator(CELLS)).to_have_count(before + 2, timeout=15_000)
    page.get_by_test_id('upload-collapse').click()
    screenshot(page, 'upload-phone-summary')
    page.locator('[data-testid=timeline-grid] .htg-open').first.click()  # the collapsed panel is out of the way
    expect(page.get_by_test_id('viewer')).to_be_visible(timeout=15_000)
    assert held.outside == []
