"""Downloading several photos in Debian's Chromium: Ann selects photos on her timeline, on a computer and on a phone,
taps Download, and her browser saves one zip holding the originals; a link with downloads off offers no download,
one with downloads on offers "Download all"."""

import json
import urllib.request
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, HearthProcess, screenshot, sign_in
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e


@pytest.fixture(scope='module')
def camera(tmp_path_factory) -> dict[str, bytes]:
    """Three photos, newest first by folder: two cameras both called their photo IMG_1.jpg."""
    folder = tmp_path_factory.mktemp('camera')
    made = {}
    for i, name in enumerate(('a/IMG_1.jpg', 'b/IMG_1.jpg', 'c/beach.jpg')):
        path = folder / name
        path.parent.mkdir()
        make_jpeg(
            path, size=(1200, 900), color=(40 + 70 * i, 130, 200 - 60 * i), taken_at=datetime(2024, 7, 12 - i, 10)
        )
        made[name] = path.read_bytes()
    return made


@pytest.fixture(scope='module')
def server(tmp_path_factory, camera):
    hearth = HearthProcess(tmp_path_factory.mktemp('downloads'))
    hearth.cli('user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'family-pw', '--admin')
    folder = hearth.data / 'camera'
    for name, data in camera.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    hearth.cli('import', '--user', 'ann@example.com', str(folder))
    with hearth.serving() as url:
        yield url


def zip_contents(download) -> dict[str, bytes]:
    with zipfile.ZipFile(Path(download.path())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def select(page, count: int) -> None:
    checks = page.locator('[data-testid=timeline-grid] .htg-cell .htg-check')
    expect(checks).to_have_count(3, timeout=15_000)
    for i in range(count):
        checks.nth(i).click()
    expect(page.get_by_text(f'{count} selected')).to_be_visible()


def test_ann_downloads_a_selection_as_one_zip_on_a_computer_and_a_phone(browser, server, camera):
    ann = sign_in(browser, server)
    select(ann, 2)

    with ann.expect_download() as caught:
        ann.get_by_role('button', name='Download', exact=True).click()
    expect(ann.get_by_text('Preparing 2 photos…')).to_be_visible(timeout=10_000)
    ann.wait_for_timeout(400)  # let the notification finish fading in
    screenshot(ann, 'download-desktop-selection')

    download = caught.value
    assert download.suggested_filename.startswith('Hearth photos ') and download.suggested_filename.endswith('.zip')
    assert zip_contents(download) == {'IMG_1.jpg': camera['a/IMG_1.jpg'], 'IMG_1 (2).jpg': camera['b/IMG_1.jpg']}
    expect(ann.get_by_text('2 selected')).to_be_visible()  # the page stayed where it was

    phone = browser.new_context(viewport=PHONE, storage_state=ann.context.storage_state()).new_page()
    phone.goto(server)
    select(phone, 3)
    with phone.expect_download() as caught:
        phone.get_by_role('button', name='Download', exact=True).click()
    expect(phone.get_by_text('Preparing 3 photos…')).to_be_visible(timeout=10_000)
    phone.wait_for_timeout(400)  # let the notification finish fading in
    screenshot(phone, 'download-phone-selection')

    assert list(zip_contents(caught.value)) == ['IMG_1.jpg', 'IMG_1 (2).jpg', 'beach.jpg']


def test_a_link_offers_download_all_only_when_its_creator_allowed_it(browser, server, camera):
    token = api(server, 'POST', '/auth/login', {'email': 'ann@example.com', 'password': 'family-pw'})['access_token']
    ids = [item['id'] for item in api(server, 'GET', '/timeline/buckets/2024-07', token=token)['assets']]
    closed = api(server, 'POST', '/links', {'asset_ids': ids, 'show_metadata': True}, token)
    open_ = api(server, 'POST', '/links', {'asset_ids': ids, 'show_metadata': True, 'allow_download': True}, token)
    guest = browser.new_context(viewport=PHONE).new_page()

    guest.goto(server + closed['url'])
    expect(guest.get_by_test_id('public-thumb')).to_have_count(3, timeout=15_000)
    expect(guest.get_by_test_id('public-download-all')).to_have_count(0)

    guest.goto(server + open_['url'])
    expect(guest.get_by_test_id('public-thumb')).to_have_count(3, timeout=15_000)
    with guest.expect_download() as caught:
        guest.get_by_test_id('public-download-all').click()
    expect(guest.get_by_text('Preparing 3 photos…')).to_be_visible(timeout=10_000)
    guest.wait_for_timeout(400)  # let the notification finish fading in
    screenshot(guest, 'download-phone-link')

    assert zip_contents(caught.value) == {
        'IMG_1.jpg': camera['a/IMG_1.jpg'],
        'IMG_1 (2).jpg': camera['b/IMG_1.jpg'],
        'beach.jpg': camera['c/beach.jpg'],
    }


def api(server: str, method: str, path: str, body: dict | None = None, token: str | None = None):
    request = urllib.request.Request(
        f'{server}/api{path}',
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={'Content-Type': 'application/json', **({'Authorization': f'Bearer {token}'} if token else {})},
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read())
