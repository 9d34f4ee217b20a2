"""Duplicates in Debian's Chromium: Alice and Bob both put their copy of one photo (Bob's resized by a messenger)
into a shared space; its Owner reviews the group on her phone, keeps the suggested copy and takes it back with Undo;
its Editor reviews it on a desktop by keyboard and keeps the suggested copy; the space shows the photo once."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, connected, screenshot, sign_in
from tests.factories import duplicate_photos as copies
from tests.factories.media_files import make_jpeg
from tests.factories.search_photos import search_photo

pytestmark = pytest.mark.e2e
SPACE = 'Summer 2024'
BUS, FRUITS, BABOON = 'ultralytics-bus.jpg', 'opencv-fruits.jpg', 'opencv-baboon.jpg'
MAKERS = (('original', copies.original), ('half', copies.resized))


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('duplicates'))
    for email, name, extra in (('alice@example.com', 'Alice', ['--admin']), ('bob@example.com', 'Bob', [])):
        hearth.cli('user', 'create', '--email', email, '--name', name, '--password', 'family-pw', *extra)
    alices, bobs = hearth.data / 'alice', hearth.data / 'bob'
    alices.mkdir()
    bobs.mkdir()
    copies.original(search_photo(BUS), alices / 'bus.jpg')
    make_jpeg(alices / 'beach.jpg', size=(1200, 900), color=(40, 140, 200), taken_at=datetime(2024, 7, 15, 11))
    copies.resized(search_photo(BUS), bobs / 'bus-from-whatsapp.jpg')
    hearth.cli('import', '--user', 'alice@example.com', str(alices))
    hearth.cli('import', '--user', 'bob@example.com', str(bobs))
    with hearth.serving() as url:
        yield url


def my_asset_ids(page, server) -> list[str]:
    months = page.request.get(f'{server}/api/timeline/buckets').json()
    return [
        asset['id']
        for month in months
        for asset in page.request.get(f'{server}/api/timeline/buckets/{month["month"]}').json()['assets']
    ]


def api(page, server, path: str, data: dict):
    response = page.request.post(f'{server}/api{path}', data=data)
    assert response.ok, response.text()
    return response.json()


def share_the_summer(browser, server) -> str:
    """Alice's space with Bob as Editor, each adding their photos; its id once the server has grouped the copies."""
    alice, bob = sign_in(browser, server, 'alice@example.com'), sign_in(browser, server, 'bob@example.com')
    alices, bobs = my_asset_ids(alice, server), my_asset_ids(bob, server)  # before the space shows each the other's
    space = api(alice, server, '/spaces', {'name': SPACE})['id']
    api(alice, server, f'/spaces/{space}/members', {'email': 'bob@example.com', 'role': 'editor'})
    api(alice, server, f'/spaces/{space}/assets', {'asset_ids': alices})
    api(bob, server, f'/spaces/{space}/assets', {'asset_ids': bobs})
    for _ in range(60):  # the server hashes the photos in the background
        if alice.request.get(f'{server}/api/duplicates', params={'space_id': space}).json()['total'] == 1:
            break
        alice.wait_for_timeout(1000)
    else:
        raise AssertionError('the two copies were never grouped')
    for page in (alice, bob):
        page.context.close()
    return space


def thumbnails(page):
    return page.locator('[data-testid=timeline-grid] .htg-cell img')


def settle(page):
    page.wait_for_timeout(400)  # let Quasar's dialogs and notifications finish moving


def open_duplicates_from_the_space(page, server, space: str) -> None:
    page.goto(f'{server}/spaces/{space}')
    connected(page)
    expect(thumbnails(page)).to_have_count(3, timeout=15_000)  # the bus twice, and the beach
    page.get_by_test_id('space-more').click()
    page.get_by_test_id('space-duplicates').click()
    expect(page.get_by_test_id('duplicate-group')).to_be_visible(timeout=15_000)
    connected(page)


def test_a_space_keeps_one_copy_of_a_photo_two_members_added(browser, server):
    space = share_the_summer(browser, server)

    alice = sign_in(browser, server, 'alice@example.com', viewport=PHONE)
    open_duplicates_from_the_space(alice, server, space)
    group = alice.get_by_test_id('duplicate-group')
    expect(group.get_by_text('Same picture, resized')).to_be_visible()
    expect(group.get_by_test_id('suggested-keeper')).to_have_text('Suggested: most pixels')
    tiles = group.get_by_test_id('duplicate-copy')
    expect(tiles).to_have_count(2)
    first, second = tiles.nth(0).bounding_box(), tiles.nth(1).bounding_box()
    assert second['y'] == first['y'] and second['x'] > first['x']  # side by side, the second a swipe away
    screenshot(alice, 'duplicates-phone-review')
    tiles.nth(1).scroll_into_view_if_needed()
    settle(alice)
    screenshot(alice, 'duplicates-phone-review-second-copy')

    alice.get_by_test_id('keep-suggested').click()
    dialog = alice.get_by_test_id('confirm-dialog')
    expect(dialog).to_contain_text("1 copy moves to the trash: Bob's copy goes to Bob's trash.")
    settle(alice)
    screenshot(alice, 'duplicates-phone-confirm')
    dialog.get_by_test_id('confirm-ok').click()
    expect(alice.get_by_text('Kept 1, 1 moved to the trash')).to_be_visible(timeout=15_000)
    expect(alice.get_by_text('No duplicates found')).to_be_visible()
    settle(alice)
    screenshot(alice, 'duplicates-phone-resolved')
    alice.get_by_role('button', name='Undo').click()
    expect(alice.get_by_test_id('duplicate-group')).to_be_visible(timeout=15_000)  # Bob's copy is back
    alice.get_by_test_id('bottom-nav-more').click()
    alice.get_by_test_id('more-duplicates').click()  # all her duplicates, not only the space's
    expect(alice).to_have_url(f'{server}/duplicates')
    expect(alice.get_by_test_id('duplicate-group')).to_contain_text('Same picture, resized', timeout=15_000)
    expect(alice.get_by_test_id('bottom-nav-more')).to_have_attribute('aria-current', 'page')
    screenshot(alice, 'duplicates-phone-all')

    bob = sign_in(browser, server, 'bob@example.com', viewport=DESKTOP)
    open_duplicates_from_the_space(bob, server, space)
    expect(bob.get_by_text('Duplicates in Summer 2024')).to_be_visible()
    expect(bob.get_by_text('Keys:')).to_be_visible()
    tiles = bob.get_by_test_id('duplicate-copy')
    suggested = 0 if tiles.nth(0).get_by_test_id('suggested-keeper').count() else 1
    expect(tiles.nth(suggested)).to_have_attribute('aria-selected', 'true')  # picked from the start
    bob.keyboard.press('ArrowLeft' if suggested else 'ArrowRight')
    expect(tiles.nth(1 - suggested)).to_have_attribute('aria-selected', 'true')
    bob.keyboard.press(str(suggested + 1))
    expect(tiles.nth(suggested)).to_have_attribute('aria-selected', 'true')
    screenshot(bob, 'duplicates-desktop-review')

    bob.keyboard.press('Enter')
    dialog = bob.get_by_test_id('confirm-dialog')
    expect(dialog).to_contain_text('1 copy moves to the trash: your copy goes to your trash.')
    settle(bob)
    screenshot(bob, 'duplicates-desktop-confirm')
    dialog.get_by_test_id('confirm-ok').click()
    expect(bob.get_by_text('Kept 1, 1 moved to the trash')).to_be_visible(timeout=15_000)
    expect(bob.get_by_text('No duplicates found')).to_be_visible()
    settle(bob)
    screenshot(bob, 'duplicates-desktop-resolved')

    bob.goto(f'{server}/spaces/{space}')
    expect(thumbnails(bob)).to_have_count(2, timeout=15_000)  # the bus once, and the beach
    screenshot(bob, 'duplicates-desktop-space-after')


def upload(page, server, path) -> str:
    part = {'name': path.name, 'mimeType': 'image/jpeg', 'buffer': path.read_bytes()}
    response = page.request.post(f'{server}/api/assets', multipart={'file': part})
    assert response.status == 201, response.text()
    return response.json()['id']


def pairs_grouped(page, server, *pairs: set[str]) -> None:
    for _ in range(60):
        groups = page.request.get(f'{server}/api/duplicates').json()['groups']
        found = [{copy['id'] for copy in group['copies']} for group in groups]
        if all(pair in found for pair in pairs):
            return
        page.wait_for_timeout(1000)
    raise AssertionError(f'never grouped: {pairs}')


def test_resolve_all_leaves_alice_the_group_that_asks_and_she_answers_it(browser, server, tmp_path):
    alice, bob = sign_in(browser, server, 'alice@example.com'), sign_in(browser, server, 'bob@example.com')
    fruits = {upload(alice, server, make(search_photo(FRUITS), tmp_path / f'fruits-{n}.jpg')) for n, make in MAKERS}
    baboon = upload(alice, server, copies.original(search_photo(BABOON), tmp_path / 'baboon.jpg'))
    half_baboon = upload(alice, server, copies.resized(search_photo(BABOON), tmp_path / 'baboon-half.jpg'))
    cousins = api(bob, server, '/spaces', {'name': 'Cousins'})['id']
    api(bob, server, f'/spaces/{cousins}/members', {'email': 'alice@example.com', 'role': 'contributor'})
    api(alice, server, f'/spaces/{cousins}/assets', {'asset_ids': [half_baboon]})  # she may not take it out again
    baboon_pair = {baboon, half_baboon}
    pairs_grouped(alice, server, fruits, baboon_pair)

    alice.goto(f'{server}/duplicates')
    connected(alice)
    alice.get_by_test_id('resolve-all').click()
    expect(alice.get_by_test_id('confirm-dialog')).to_contain_text('with the suggested copy?')
    alice.get_by_test_id('confirm-ok').click()
    run = alice.get_by_test_id('resolve-all-dialog')
    expect(run).to_contain_text('Done:', timeout=30_000)
    expect(run).to_contain_text('Resolved: Kept one, 1 moved to the trash')
    expect(run).to_contain_text('Left for you to decide')
    settle(alice)
    screenshot(alice, 'duplicates-desktop-resolve-all')
    alice.get_by_test_id('resolve-all-close').click()
    expect(alice.get_by_test_id('duplicate-group')).to_contain_text('Cousins', timeout=15_000)

    phone = sign_in(browser, server, 'alice@example.com', viewport=PHONE)
    phone.goto(f'{server}/duplicates')
    connected(phone)
    phone.get_by_test_id('keep-suggested').click()
    phone.get_by_test_id('confirm-ok').click()
    question = phone.get_by_test_id('duplicate-question')
    expect(question).to_contain_text('“Cousins” would lose this photo', timeout=15_000)
    settle(phone)
    screenshot(phone, 'duplicates-phone-question')
    question.get_by_test_id('keep-instead').click()
    expect(phone.get_by_text('Kept 1, 1 moved to the trash')).to_be_visible(timeout=15_000)
    expect(phone.get_by_text('No duplicates found')).to_be_visible()
    trashed = {asset: alice.request.get(f'{server}/api/assets/{asset}').json()['trashed_at'] for asset in baboon_pair}
    assert trashed[baboon] and not trashed[half_baboon]  # the copy outside Cousins went instead
