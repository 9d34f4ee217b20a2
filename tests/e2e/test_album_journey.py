"""Albums in Debian's Chromium: Alice gathers photos into an album and shares it with Bob, who puts it on his timeline
and favorites one."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, HearthProcess, screenshot, sign_in
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e
ALBUM = 'Summer at the lake'


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('albums'))
    for email, name, extra in (('alice@example.com', 'Alice', ['--admin']), ('bob@example.com', 'Bob', [])):
        hearth.cli('user', 'create', '--email', email, '--name', name, '--password', 'family-pw', *extra)
    with hearth.serving() as url:
        yield url


@pytest.fixture(scope='module')
def photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp('camera')
    return [
        make_jpeg(
            folder / f'lake_{i}.jpg',
            size=(1200, 900),
            color=(30 + 70 * i, 140, 200 - 60 * i),
            taken_at=datetime(2024, 8, 2 + i, 17),
        )
        for i in range(3)
    ]


def album_thumbnails(page):
    return page.locator('[data-testid=album-photos] .htg-cell img')


def test_alice_shares_an_album_and_bob_favorites_a_photo_for_himself(browser, server, photos):
    alice = sign_in(browser, server, 'alice@example.com')
    with alice.expect_file_chooser() as chooser:
        alice.get_by_test_id('upload-button').click()
    chooser.value.set_files([str(p) for p in photos])
    expect(alice.get_by_test_id('upload-title')).to_have_text('3 added', timeout=60_000)

    checks = alice.locator('[data-testid=timeline-grid] .htg-cell .htg-check')
    expect(checks).to_have_count(3, timeout=15_000)
    checks.nth(0).click()
    checks.nth(1).click()
    expect(alice.get_by_text('2 selected')).to_be_visible()
    alice.get_by_role('button', name='Add to album').click()
    alice.get_by_label('New album name').fill(ALBUM)
    alice.get_by_role('button', name='Create').click()
    expect(alice.get_by_text(f'2 items added to {ALBUM}')).to_be_visible(timeout=10_000)

    alice.get_by_role('link', name='Albums').click()
    expect(alice.get_by_test_id('album-card')).to_have_count(1, timeout=15_000)
    screenshot(alice, 'albums-desktop-list')
    alice.get_by_test_id('album-card').click()
    expect(album_thumbnails(alice)).to_have_count(2, timeout=15_000)

    alice.get_by_role('button', name='Share', exact=True).click()
    alice.get_by_test_id('member-candidate').filter(has_text='Bob').click()
    expect(alice.get_by_test_id('member-picked')).to_contain_text('Bob', timeout=10_000)
    alice.get_by_text('Known user').click()
    alice.get_by_text('What they will be able to do').click()
    expect(alice.get_by_text('Add photos to this album')).to_be_visible()
    alice.wait_for_timeout(400)  # let Quasar's expansion finish opening
    screenshot(alice, 'albums-desktop-share-dialog')
    alice.get_by_test_id('album-share-dialog').get_by_role('button', name='Share', exact=True).click()
    expect(alice.get_by_text('Shared with Bob as known user')).to_be_visible(timeout=10_000)
    alice.wait_for_timeout(400)  # let the dialog finish fading out
    screenshot(alice, 'albums-desktop-album')
    album_url = alice.url

    alice_phone = browser.new_context(viewport=PHONE, storage_state=alice.context.storage_state()).new_page()
    alice_phone.goto(f'{server}/albums')
    expect(alice_phone.get_by_test_id('album-card')).to_have_count(1, timeout=15_000)
    screenshot(alice_phone, 'albums-phone-list')
    alice_phone.goto(album_url)
    expect(album_thumbnails(alice_phone)).to_have_count(2, timeout=15_000)
    screenshot(alice_phone, 'albums-phone-album')

    bob = sign_in(browser, server, 'bob@example.com', PHONE)
    bob.goto(f'{server}/albums')
    expect(bob.get_by_text('Shared by Alice')).to_be_visible(timeout=15_000)
    bob.get_by_test_id('album-card').click()
    expect(album_thumbnails(bob)).to_have_count(2, timeout=15_000)
    expect(bob.get_by_text('Alice added 2')).to_be_visible()
    screenshot(bob, 'albums-phone-shared-album')
    bob.goto(server)
    expect(bob.get_by_text('Your library is empty')).to_be_visible(timeout=15_000)  # albums stay off the timeline
    bob.goto(album_url)
    bob.get_by_text('Show in my timeline').click()
    expect(bob.get_by_text('This album is on your timeline')).to_be_visible(timeout=10_000)
    bob.goto(server)
    expect(bob.locator('[data-testid=timeline-grid] .htg-cell img')).to_have_count(2, timeout=15_000)
    bob.goto(album_url)
    expect(album_thumbnails(bob)).to_have_count(2, timeout=15_000)
    album_thumbnails(bob).first.click()
    expect(bob.get_by_test_id('viewer')).to_be_visible(timeout=15_000)
    bob.get_by_role('button', name='Favorite').click()
    expect(bob.get_by_role('button', name='Favorite').locator('i')).to_have_text('favorite', timeout=5_000)
    bob.goto(f'{server}/favorites')
    expect(bob.locator('[data-testid=timeline-grid] .htg-cell img')).to_have_count(1, timeout=15_000)

    alice.goto(f'{server}/favorites')
    expect(alice.get_by_text('No favorites yet')).to_be_visible(timeout=15_000)
