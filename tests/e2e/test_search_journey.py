"""Search in Debian's Chromium, on a desktop and a phone: Ann searches from the header, picks a suggested place,
reads what her search understood, narrows it by a year, steps through the results in the viewer, finds a photo by
the words written on it (read by the text queue), and searches inside a space."""

import time
from datetime import datetime

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, HearthProcess, connected, screenshot, sign_in
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e
PARIS, EDINBURGH = (48.8566, 2.3522), (55.9533, -3.1883)


def banner_photo(path) -> None:
    """A photo with a birthday banner on it: only the text reader knows what it says."""
    image = Image.new('RGB', (1200, 900), (120, 160, 210))
    ImageDraw.Draw(image).rectangle((0, 500, 1200, 900), fill=(90, 120, 60))
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=110)
    left, top, right, bottom = draw.textbbox((120, 150), 'BIRTHDAY', font=font)
    draw.rectangle((left - 15, top - 15, right + 15, bottom + 15), fill='lightyellow')
    draw.text((120, 150), 'BIRTHDAY', font=font, fill='crimson')
    image.save(path, 'JPEG', quality=90)


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('search'), search_workers=1)
    hearth.cli('user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'family-pw', '--admin')
    camera = hearth.data / 'camera'
    camera.mkdir()
    when = (datetime(2019, 7, 14, 11), datetime(2021, 8, 2, 16), datetime(2022, 5, 1, 10))
    make_jpeg(camera / 'beach-day.jpg', color=(220, 190, 120), taken_at=when[0], gps=PARIS, make='Canon', model='EOS')
    make_jpeg(camera / 'beach-walk.jpg', color=(90, 140, 200), taken_at=when[1], gps=EDINBURGH)
    make_jpeg(camera / 'garden.jpg', color=(60, 150, 70), taken_at=when[2])
    banner_photo(camera / 'party.jpg')
    hearth.cli('import', '--user', 'ann@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def api(page, server: str, method: str, path: str, **data):
    response = page.request.fetch(f'{server}/api{path}', method=method, data=data or None)
    assert response.ok, response.text()
    return response.json()


def found(page, server: str, q: str) -> list[str]:
    return [asset['id'] for asset in api(page, server, 'GET', f'/search?q={q}&order=date')['assets']]


def the_text_is_read(page, server: str) -> None:
    deadline = time.monotonic() + 60
    while not found(page, server, 'birthday'):
        assert time.monotonic() < deadline, 'the text queue never read the banner'
        time.sleep(0.5)


def family_space(page, server: str) -> str:
    """A space holding the Edinburgh walk (made once, found again by the second journey)."""
    spaces = [space for space in api(page, server, 'GET', '/spaces') if space['name'] == 'Family']
    if spaces:
        return spaces[0]['id']
    space = api(page, server, 'POST', '/spaces', name='Family')
    walk = found(page, server, 'edinburgh')
    api(page, server, 'POST', f'/spaces/{space["id"]}/assets', asset_ids=walk)
    return space['id']


def results_say(page, text: str) -> None:
    expect(page.get_by_text(text, exact=True)).to_be_visible(timeout=15_000)


def search_in_box(page, text: str) -> None:
    box = page.get_by_test_id('search-input')
    box.fill(text)
    box.press('Enter')
    page.wait_for_url(f'**/search?q={text.replace(" ", "+")}*', timeout=15_000)
    connected(page)


def step_through_results(page, shot: str) -> None:
    """Open the first result, step to the next one (the address follows the photo shown), and close."""
    page.get_by_test_id('search-result').first.click()
    expect(page.get_by_test_id('viewer')).to_be_visible(timeout=15_000)
    connected(page)
    first = page.url
    assert '?q=beach' in first
    at_the_end = 'hidden' in (page.get_by_test_id('viewer-next').get_attribute('class') or '').split()
    page.keyboard.press('ArrowLeft' if at_the_end else 'ArrowRight')
    page.wait_for_function('(first) => location.href !== first', arg=first, timeout=15_000)
    assert '?q=beach' in page.url
    screenshot(page, shot)
    page.get_by_test_id('viewer-top-bar').get_by_role('button', name='Back', exact=True).click()
    page.wait_for_url('**/search?q=beach*', timeout=15_000)


def test_searching_on_a_desktop(browser, server):
    page = sign_in(browser, server)
    the_text_is_read(page, server)
    space_id = family_space(page, server)

    page.get_by_test_id('header-search').fill('par')
    expect(page.get_by_test_id('suggestion-place').first).to_be_visible(timeout=15_000)
    page.wait_for_timeout(400)  # the menu fades in
    screenshot(page, 'search-desktop-suggestions')
    page.get_by_test_id('suggestion-place').first.click()
    page.wait_for_url('**/search?place=*', timeout=15_000)  # a place alone is a search
    results_say(page, '1 photo')

    search_in_box(page, 'kids at the beach')
    results_say(page, '2 photos')
    expect(page.get_by_text('No photo has “kids”, so it was left out.')).to_be_visible()
    page.get_by_role('button', name='Years').click()
    page.wait_for_timeout(400)
    screenshot(page, 'search-desktop-facets')
    page.get_by_test_id('facet-value').filter(has_text='2019').click()
    results_say(page, '1 photo')
    screenshot(page, 'search-desktop-narrowed')

    search_in_box(page, 'beach')
    step_through_results(page, 'search-desktop-viewer')
    results_say(page, '2 photos')

    page.goto(f'{server}/spaces/{space_id}')
    connected(page)
    page.get_by_test_id('space-search').click()
    expect(page.get_by_text('Searching Family')).to_be_visible(timeout=15_000)
    connected(page)
    page.get_by_test_id('search-input').fill('beach')
    page.get_by_test_id('search-input').press('Enter')
    results_say(page, '1 photo')
    screenshot(page, 'search-desktop-space')


def test_searching_on_a_phone(browser, server):
    page = sign_in(browser, server, viewport=PHONE)
    the_text_is_read(page, server)
    space_id = family_space(page, server)
    expect(page.get_by_test_id('header-search')).to_be_hidden()
    screenshot(page, 'search-phone-timeline')

    page.get_by_test_id('bottom-nav-search').click()
    expect(page.get_by_text('What are you looking for?')).to_be_visible(timeout=15_000)
    connected(page)
    screenshot(page, 'search-phone-empty')

    search_in_box(page, 'birthday')
    results_say(page, '1 photo')
    expect(page.get_by_test_id('search-result')).to_have_count(1)
    search_in_box(page, 'beach')
    results_say(page, '2 photos')
    screenshot(page, 'search-phone-results')
    page.get_by_role('button', name='Newest first').click()
    expect(page.get_by_test_id('timeline-grid')).to_be_visible(timeout=15_000)
    screenshot(page, 'search-phone-newest')
    page.goto(f'{server}/search?q=beach')
    connected(page)
    step_through_results(page, 'search-phone-viewer')

    page.goto(f'{server}/search?space={space_id}&q=beach')
    results_say(page, '1 photo')
    screenshot(page, 'search-phone-space')
