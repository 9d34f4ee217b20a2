"""A public upload link in Debian's Chromium: Ann links an album with a password; Grandma, without an account, opens
it, looks through the photos and adds one of her own, which lands in Ann's album."""

import json
import urllib.request
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, screenshot, sign_in
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e
PASSWORD = 'garden-party'


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('links'))
    hearth.cli('user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'family-pw', '--admin')
    camera = hearth.data / 'camera'
    camera.mkdir()
    for i in range(2):
        make_jpeg(
            camera / f'party_{i}.jpg',
            size=(1200, 900),
            color=(40 + 90 * i, 150, 90),
            taken_at=datetime(2024, 6, 1 + i, 15),
            gps=(48.85, 2.35),
        )
    hearth.cli('import', '--user', 'ann@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def call(server: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict | list:
    request = urllib.request.Request(
        f'{server}/api{path}',
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={'Content-Type': 'application/json', **({'Authorization': f'Bearer {token}'} if token else {})},
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read() or b'null')


@pytest.fixture(scope='module')
def album_id(server):
    """Ann's album of her two photos, made through the REST API."""
    token = call(server, 'POST', '/auth/login', {'email': 'ann@example.com', 'password': 'family-pw'})['access_token']
    ids = [
        item['id']
        for bucket in call(server, 'GET', '/timeline/buckets', token=token)
        for item in call(server, 'GET', f'/timeline/buckets/{bucket["month"]}', token=token)['assets']
    ]
    return call(server, 'POST', '/albums', {'name': 'Garden party', 'asset_ids': ids}, token)['id']


def create_upload_link(ann, server, album_id) -> str:
    ann.goto(f'{server}/albums/{album_id}')
    ann.get_by_role('button', name='Share link').click()
    dialog = ann.get_by_test_id('link-dialog')
    dialog.get_by_label('Label (only you see it)').fill('For the family')
    dialog.get_by_label('Password (optional)').fill(PASSWORD)
    dialog.get_by_text('Allow uploads').click()
    expect(dialog.get_by_text('Guests can add photos; they will be yours')).to_be_visible()
    ann.wait_for_timeout(400)  # let Quasar's dialog finish fading in
    screenshot(ann, 'link-desktop-create-dialog')
    dialog.get_by_role('button', name='Create link').click()
    expect(dialog.get_by_text('Your link is ready')).to_be_visible(timeout=10_000)
    url = dialog.locator('input[readonly]').input_value()
    assert url.startswith(f'{server}/s/')
    dialog.get_by_role('button', name='Done').click()
    return url


def unlock(guest, url, shot: str | None = None) -> None:
    guest.goto(url)
    expect(guest.get_by_text('This link needs a password')).to_be_visible(timeout=15_000)
    guest.get_by_label('Password').fill('not it')
    guest.get_by_role('button', name='Open').click()
    expect(guest.get_by_text('Wrong password')).to_be_visible(timeout=10_000)
    if shot:
        screenshot(guest, shot)
    guest.get_by_label('Password').fill(PASSWORD)
    guest.get_by_role('button', name='Open').click()
    expect(guest.get_by_test_id('public-title')).to_have_text('Garden party', timeout=10_000)


def test_grandma_opens_a_password_link_looks_around_and_adds_a_photo(browser, server, album_id, tmp_path):
    ann = sign_in(browser, server)
    url = create_upload_link(ann, server, album_id)

    grandma = browser.new_context(viewport=PHONE).new_page()  # a fresh browser: no session, no cookies
    unlock(grandma, url, shot='link-phone-password')
    thumbnails = grandma.locator('[data-testid=public-grid] img')
    expect(thumbnails).to_have_count(2, timeout=15_000)
    expect(grandma.get_by_text('Shared by Ann')).to_be_visible()
    screenshot(grandma, 'link-phone-album')

    grandma.get_by_test_id('public-thumb').first.click()
    expect(grandma.get_by_test_id('public-preview')).to_be_visible(timeout=10_000)
    expect(grandma.get_by_text('1 / 2')).to_be_visible()
    grandma.get_by_role('button', name='next').click()
    expect(grandma.get_by_text('2 / 2')).to_be_visible(timeout=10_000)
    expect(grandma.get_by_role('button', name='Download')).to_be_hidden()
    grandma.wait_for_timeout(400)  # let the dialog finish fading in
    screenshot(grandma, 'link-phone-viewer')
    grandma.get_by_role('button', name='Close').click()

    grandma.get_by_label('Your name').fill('Grandma')
    her_photo = make_jpeg(tmp_path / 'from_grandma.jpg', size=(900, 1200), color=(220, 80, 140))
    grandma.locator('[data-testid=public-uploader] input[type=file]').set_input_files(str(her_photo))
    expect(grandma.get_by_text('from_grandma.jpg: added')).to_be_visible(timeout=30_000)
    expect(thumbnails).to_have_count(3, timeout=15_000)
    screenshot(grandma, 'link-phone-uploaded')

    desktop_guest = browser.new_context(viewport=DESKTOP).new_page()
    unlock(desktop_guest, url)
    expect(desktop_guest.locator('[data-testid=public-grid] img')).to_have_count(3, timeout=15_000)
    screenshot(desktop_guest, 'link-desktop-album')

    ann.goto(f'{server}/albums/{album_id}')
    expect(ann.locator('[data-testid=album-photos] .htg-cell img')).to_have_count(3, timeout=15_000)
    ann.goto(f'{server}/sharing')
    expect(ann.get_by_text('Guests can upload')).to_be_visible(timeout=10_000)
    screenshot(ann, 'link-desktop-sharing')


def test_an_unknown_link_says_so_and_nothing_more(browser, server):
    guest = browser.new_context(viewport=PHONE).new_page()

    guest.goto(f'{server}/s/{"x" * 43}')

    expect(guest.get_by_test_id('public-message')).to_have_text('This link has expired or does not exist')
    screenshot(guest, 'link-phone-gone')
