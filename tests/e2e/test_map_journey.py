"""The map in Debian's Chromium, on a phone and a desktop: Alice finds her photos where she took them (Paris, a
weekend in Rennes, a day in Rome), zooms into Paris until its photos open, narrows the years, and opens a photo; then
the same in the space of the Brittany weekend. Nothing leaves the server: the world map is this server's own."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, connected, screenshot, sign_in
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e
PARIS, RENNES, ROME = (48.8566, 2.3522), (48.1173, -1.6778), (41.9028, 12.4964)
PARIS_PHOTOS = 22  # more than a click opens at once: the first click on Paris zooms in
CLUSTERS = '[data-testid=map-cluster]'
PANEL = '[data-testid=map-photos]'
THUMBS_LOADED = f"""() => {{
  const images = [...document.querySelectorAll('{CLUSTERS} img, {PANEL} .htg-cell img')];
  return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
}}"""


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('map'))
    hearth.cli(
        'user', 'create', '--email', 'alice@example.com', '--name', 'Alice', '--password', 'family-pw', '--admin'
    )
    hearth.cli('user', 'create', '--email', 'carl@example.com', '--name', 'Carl', '--password', 'family-pw')
    camera = hearth.data / 'camera'
    camera.mkdir()
    for i in range(PARIS_PHOTOS):  # all over Paris, one a year or so from 2019 to 2024
        gps = (PARIS[0] + (i % 5) * 0.01, PARIS[1] + (i // 5) * 0.015)
        when = datetime(2019 + i % 6, 1 + i % 12, 1 + i, 12)
        make_jpeg(
            camera / f'paris-{i}.jpg', size=(480, 360), color=(60 + 8 * i, 100, 200 - 6 * i), taken_at=when, gps=gps
        )
    for i in range(2):
        when = datetime(2022, 8, 10 + i, 15)
        make_jpeg(camera / f'rennes-{i}.jpg', size=(480, 360), color=(40, 150 + 40 * i, 90), taken_at=when, gps=RENNES)
    make_jpeg(camera / 'rome.jpg', size=(360, 480), color=(210, 140, 60), taken_at=datetime(2023, 4, 2, 10), gps=ROME)
    make_jpeg(camera / 'nowhere.jpg', taken_at=datetime(2024, 1, 5, 9))  # no position: not on the map
    hearth.cli('import', '--user', 'alice@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def clusters(page):
    return page.locator(CLUSTERS)


def counts(page) -> list[int]:
    expect(clusters(page).first).to_be_visible(timeout=15_000)
    page.wait_for_timeout(400)  # the map settles: moveend, then a debounced fetch
    return sorted(int(n) for n in clusters(page).evaluate_all('els => els.map((el) => el.dataset.count)'))


def open_map(page) -> None:
    expect(page.get_by_test_id('place-map')).to_be_visible(timeout=15_000)
    connected(page)
    expect(clusters(page).first).to_be_visible(timeout=15_000)
    page.wait_for_function(THUMBS_LOADED, timeout=15_000)


def zoom_into_biggest_until_photos_open(page) -> int:
    """Click the biggest cluster until one opens its photos; answers how many clicks only zoomed."""
    for zooms in range(10):
        biggest = max(counts(page))
        clusters(page).and_(page.locator(f'[data-count="{biggest}"]')).first.click()
        page.wait_for_timeout(800)  # the zoom animation, or the photos coming up
        if page.locator(PANEL).is_visible():
            return zooms
    raise AssertionError('no cluster opened its photos')


def panel_photos(page):
    return page.locator(f'{PANEL} .htg-cell img')


def test_on_a_desktop_alice_zooms_into_paris_narrows_the_years_and_opens_a_photo(browser, server):
    page = sign_in(browser, server, 'alice@example.com', viewport=DESKTOP)
    page.get_by_role('link', name='Map').click()
    open_map(page)
    assert counts(page) == [1, 2, PARIS_PHOTOS]  # Rome, Rennes, Paris; the photo with no place is not here
    expect(page.get_by_role('button', name=f'{PARIS_PHOTOS} photos')).to_be_visible()
    expect(page.locator('.hpm-label', has_text='France')).to_be_visible()
    expect(page.locator('.leaflet-control-attribution')).to_contain_text('Natural Earth')
    screenshot(page, 'map-desktop-europe')

    assert zoom_into_biggest_until_photos_open(page) >= 1
    expect(panel_photos(page).first).to_be_visible(timeout=15_000)
    page.wait_for_function(THUMBS_LOADED, timeout=15_000)
    shown = panel_photos(page).count()
    screenshot(page, 'map-desktop-photos')

    years = page.get_by_test_id('map-years')
    expect(years).to_contain_text('2019')
    years.locator('.q-slider__thumb').first.focus()
    for _ in range(2):  # from 2019 to 2021
        page.keyboard.press('ArrowRight')
    expect(years).to_contain_text('2021')
    expect(panel_photos(page)).not_to_have_count(shown, timeout=10_000)
    for year in ('2019', '2020'):
        expect(page.locator(PANEL)).not_to_contain_text(year)
    assert sum(counts(page)) < PARIS_PHOTOS + 3
    screenshot(page, 'map-desktop-years')

    panel_photos(page).first.click()
    page.wait_for_url('**/photo/**', timeout=15_000)
    expect(page.get_by_test_id('zoom-image')).to_be_visible(timeout=15_000)
    page.close()


def test_on_a_phone_the_map_fills_the_screen_and_photos_rise_in_a_sheet(browser, server):
    page = sign_in(browser, server, 'alice@example.com', viewport=PHONE)
    page.get_by_test_id('bottom-nav-more').click()
    page.get_by_test_id('more-map').click()
    open_map(page)
    box = page.get_by_test_id('place-map').bounding_box()
    assert box['width'] == PHONE['width'] and box['height'] > PHONE['height'] * 0.75
    screenshot(page, 'map-phone-europe')

    page.get_by_role('button', name='2 photos', exact=True).click()  # Rennes: small enough to open at once
    sheet = page.locator(PANEL)
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text('2 photos')
    expect(panel_photos(page)).to_have_count(2, timeout=15_000)
    sheet_box = sheet.bounding_box()
    assert sheet_box['width'] == PHONE['width'] and sheet_box['y'] > PHONE['height'] * 0.3
    page.wait_for_function(THUMBS_LOADED, timeout=15_000)
    page.wait_for_timeout(500)
    screenshot(page, 'map-phone-sheet')

    panel_photos(page).first.click()
    page.wait_for_url('**/photo/**', timeout=15_000)
    expect(page.get_by_test_id('zoom-image')).to_be_visible(timeout=15_000)
    page.close()


def test_a_cluster_opens_from_the_keyboard(browser, server):
    page = sign_in(browser, server, 'alice@example.com', viewport=DESKTOP)
    page.goto(f'{server}/map')
    open_map(page)
    page.get_by_role('button', name='1 photo', exact=True).focus()
    page.keyboard.press('Enter')
    expect(page.locator(PANEL)).to_contain_text('1 photo')
    expect(panel_photos(page)).to_have_count(1, timeout=15_000)
    page.close()


def test_the_space_of_the_brittany_weekend_maps_only_its_photos(browser, server):
    page = sign_in(browser, server, 'alice@example.com', viewport=DESKTOP)
    month = page.request.get(f'{server}/api/timeline/buckets/2022-08').json()
    space = page.request.post(f'{server}/api/spaces', data={'name': 'Brittany weekend'}).json()
    added = page.request.post(
        f'{server}/api/spaces/{space["id"]}/assets', data={'asset_ids': [a['id'] for a in month['assets']]}
    )
    assert added.ok, added.text()

    page.goto(f'{server}/spaces/{space["id"]}')
    connected(page)
    page.get_by_test_id('tab-map').click()
    open_map(page)
    assert counts(page) == [2]
    clusters(page).first.click()
    expect(panel_photos(page)).to_have_count(2, timeout=15_000)
    page.wait_for_function(THUMBS_LOADED, timeout=15_000)
    screenshot(page, 'map-desktop-space')

    panel_photos(page).last.click()
    page.wait_for_url(f'**/photo/**space={space["id"]}', timeout=15_000)
    expect(page.get_by_test_id('zoom-image')).to_be_visible(timeout=15_000)
    page.close()


def test_someone_without_places_learns_how_photos_get_one(browser, server):
    page = sign_in(browser, server, 'carl@example.com', viewport=PHONE)
    page.goto(f'{server}/map')
    expect(page.get_by_text('No photos with a place yet')).to_be_visible(timeout=15_000)
    expect(page.locator('.hpm-label').first).to_be_visible()  # the world is drawn all the same
    screenshot(page, 'map-phone-empty')
    page.close()


def test_the_map_follows_the_dark_appearance(browser, server):
    page = sign_in(browser, server, 'alice@example.com', viewport=PHONE)
    page.evaluate("localStorage.setItem('hearth-theme', 'dark')")
    page.goto(f'{server}/map')
    open_map(page)
    sea = page.locator('.hpm-map').evaluate('el => getComputedStyle(el).backgroundColor')
    assert sea == 'rgb(16, 27, 35)'
    screenshot(page, 'map-phone-dark')
    page.close()


def test_a_guest_of_a_link_that_shows_metadata_finds_its_photos_on_the_map(browser, server):
    alice = sign_in(browser, server, 'alice@example.com', viewport=DESKTOP)
    month = alice.request.get(f'{server}/api/timeline/buckets/2022-08').json()
    ids = [asset['id'] for asset in month['assets']]
    link = alice.request.post(f'{server}/api/links', data={'asset_ids': ids, 'show_metadata': True}).json()
    alice.close()

    guest = browser.new_context(viewport=PHONE).new_page()
    guest.goto(f'{server}/s/{link["token"]}')
    connected(guest)
    guest.get_by_test_id('tab-map').click()
    open_map(guest)  # the clusters' thumbnails come from the link's own addresses
    assert counts(guest) == [2]
    clusters(guest).first.click()
    expect(guest.locator(PANEL)).to_contain_text('2 photos')
    expect(guest.locator(f'{PANEL} .htg-cell')).to_have_count(2, timeout=15_000)
    screenshot(guest, 'map-phone-link')
    guest.close()
