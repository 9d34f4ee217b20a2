"""The viewer in Debian's Chromium: every step shows the new photo's own state, whatever stepped (arrow keys right
after rating, the heart, several quick presses, a swipe); on a phone the details are a bottom sheet under the photo;
"?" lists the keyboard shortcuts."""

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, screenshot, sign_in
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e
DAYS = ['Sat, 13 Jul 2024, 12:30', 'Fri, 12 Jul 2024, 11:30', 'Thu, 11 Jul 2024, 10:30', 'Wed, 10 Jul 2024, 09:30']


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp('viewer')
    camera = root / 'camera'
    camera.mkdir()
    for i in range(4):
        colour = (40 + 50 * i, 120, 200 - 40 * i)
        make_jpeg(
            camera / f'IMG_{i}.jpg', size=(1600, 1200), color=colour, taken_at=datetime(2024, 7, 10 + i, 9 + i, 30)
        )
    hearth = HearthProcess(root)
    hearth.cli('user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'family-pw', '--admin')
    hearth.cli('import', '--user', 'ann@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def open_newest(page, server: str):
    """Straight to the newest photo (the grid has journeys of its own)."""
    newest = page.request.get(f'{server}/api/timeline/buckets/2024-07').json()['assets'][0]['id']
    page.goto(f'{server}/photo/{newest}')
    expect(page.get_by_test_id('zoom-image')).to_be_visible(timeout=15_000)
    expect(page.get_by_text(DAYS[0])).to_be_visible()


def shown_stars(page):
    """The stars a person sees lit, whatever the rating control says it holds."""
    return page.locator('[data-testid=viewer-rating] .q-icon').filter(has_text='star').filter(has_not_text='border')


def star(page, n: int):
    return page.get_by_test_id(f'viewer-star-{n}')


def heart(page):
    return page.get_by_test_id('viewer-favorite').locator('.q-icon')


def test_every_step_shows_the_new_photos_own_state(browser, server):
    page = sign_in(browser, server, viewport=DESKTOP)
    open_newest(page, server)
    page.get_by_role('button', name='Details').click()

    star(page, 4).click()  # the pointer stays resting on the fourth star
    expect(shown_stars(page)).to_have_count(4, timeout=5_000)
    page.keyboard.press('ArrowRight')
    expect(page.get_by_text(DAYS[1])).to_be_visible(timeout=5_000)
    page.wait_for_timeout(500)  # long enough for a hover to light stars that are not this photo's
    expect(shown_stars(page)).to_have_count(0)
    page.keyboard.press('ArrowLeft')
    expect(page.get_by_text(DAYS[0])).to_be_visible(timeout=5_000)
    expect(shown_stars(page)).to_have_count(4)

    page.get_by_test_id('viewer-favorite').click()
    expect(heart(page)).to_have_text('favorite', timeout=5_000)
    page.keyboard.press('ArrowRight')  # right after pressing the heart: focus is on a button
    expect(page.get_by_text(DAYS[1])).to_be_visible(timeout=5_000)
    expect(heart(page)).to_have_text('favorite_border')
    expect(shown_stars(page)).to_have_count(0)

    for _ in range(2):
        page.keyboard.press('ArrowRight')  # quicker than the server answers
    expect(page.get_by_text(DAYS[3])).to_be_visible(timeout=5_000)
    page.keyboard.press('ArrowLeft')
    page.keyboard.press('ArrowLeft')
    page.keyboard.press('ArrowLeft')
    expect(page.get_by_text(DAYS[0])).to_be_visible(timeout=5_000)
    expect(heart(page)).to_have_text('favorite')
    expect(shown_stars(page)).to_have_count(4)
    screenshot(page, 'viewer-desktop-details')


def test_question_mark_lists_the_shortcuts_and_escape_closes_only_the_list(browser, server):
    page = sign_in(browser, server, viewport=DESKTOP)
    open_newest(page, server)
    expect(page.get_by_test_id('viewer-shortcuts-hint')).to_be_visible()

    page.keyboard.press('?')
    sheet = page.get_by_test_id('viewer-shortcuts')
    expect(sheet).to_be_visible(timeout=5_000)
    for words in ('Previous photo', 'Next photo', 'Details', 'Favorite', 'Rate', 'Rotate'):
        expect(sheet.get_by_text(words, exact=False).first).to_be_visible()
    page.wait_for_timeout(400)  # the dialog fades in
    screenshot(page, 'viewer-desktop-shortcuts')
    page.keyboard.press('Escape')
    expect(sheet).to_be_hidden(timeout=5_000)
    expect(page.get_by_test_id('viewer')).to_be_visible()
    page.keyboard.press('ArrowRight')  # the keys step again once the list is closed
    expect(page.get_by_text(DAYS[1])).to_be_visible(timeout=5_000)


def touch_swipe(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A finger drawn across the screen, as real touch events (Chromium's DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send('Emulation.setTouchEmulationEnabled', {'enabled': True, 'maxTouchPoints': 5})
    (x0, y0), (x1, y1) = start, end
    cdp.send('Input.dispatchTouchEvent', {'type': 'touchStart', 'touchPoints': [{'x': x0, 'y': y0}]})
    for step in range(1, 9):
        x, y = x0 + (x1 - x0) * step / 8, y0 + (y1 - y0) * step / 8
        cdp.send('Input.dispatchTouchEvent', {'type': 'touchMove', 'touchPoints': [{'x': x, 'y': y}]})
    cdp.send('Input.dispatchTouchEvent', {'type': 'touchEnd', 'touchPoints': []})


def test_on_a_phone_details_are_a_sheet_under_the_photo_and_swipes_step(browser, server):
    page = sign_in(browser, server, viewport=PHONE)
    open_newest(page, server)
    touch_swipe(page, (330, 400), (60, 410))
    expect(page.get_by_text(DAYS[1])).to_be_visible(timeout=5_000)
    touch_swipe(page, (60, 400), (330, 390))
    expect(page.get_by_text(DAYS[0])).to_be_visible(timeout=5_000)

    page.get_by_role('button', name='Details').click()
    panel = page.get_by_test_id('info-panel')
    heading = panel.get_by_text('Details', exact=True)
    expect(heading).to_be_visible()
    bar = page.get_by_test_id('viewer-top-bar').bounding_box()
    photo = page.get_by_test_id('zoom-image').bounding_box()
    sheet = panel.bounding_box()
    assert heading.bounding_box()['y'] >= bar['y'] + bar['height']  # not under the top bar
    assert photo['height'] > 250 and photo['y'] + photo['height'] <= sheet['y'] + 1  # the photo stays in sight above
    assert sheet['y'] + sheet['height'] <= PHONE['height'] + 1
    page.wait_for_timeout(300)
    screenshot(page, 'viewer-phone-details-sheet')

    touch_swipe(page, (195, sheet['y'] + 20), (195, sheet['y'] + 260))
    expect(panel).to_be_hidden(timeout=5_000)
    page.get_by_role('button', name='Details').click()
    expect(panel).to_be_visible()
    panel.get_by_role('button', name='Close').click()
    expect(panel).to_be_hidden(timeout=5_000)
    screenshot(page, 'viewer-phone')


PREVIEW_SIZE = "() => { const img = document.querySelector('[data-testid=zoom-image] img');"
PREVIEW_SIZE += ' return img.complete && img.naturalWidth ? [img.naturalWidth, img.naturalHeight] : null; }'


def shown_preview_size(page) -> tuple[int, int]:
    page.wait_for_function(PREVIEW_SIZE, timeout=15_000)
    return tuple(page.evaluate(PREVIEW_SIZE))


def test_rotating_turns_the_photo_in_the_viewer_and_the_timeline(browser, server):
    page = sign_in(browser, server, viewport=DESKTOP)
    open_newest(page, server)
    assert shown_preview_size(page) == (1440, 1080)

    page.keyboard.press('r')
    expect(page.locator('[data-testid=zoom-image] img')).to_have_attribute('src', re.compile(r'r=90$'), timeout=15_000)
    assert shown_preview_size(page) == (1080, 1440)
    month = page.request.get(f'{server}/api/timeline/buckets/2024-07').json()['assets']
    assert (month[0]['w'], month[0]['h']) == (1200, 1600)
    screenshot(page, 'viewer-desktop-rotated')

    phone = sign_in(browser, server, viewport=PHONE)
    open_newest(phone, server)
    assert shown_preview_size(phone) == (1080, 1440)  # the same turn for every device and member
    phone.get_by_role('button', name='More').click()
    phone.get_by_text('Rotate right').click()  # on phones the bar has no room: it is in the menu
    expect(phone.locator('[data-testid=zoom-image] img')).to_have_attribute(
        'src', re.compile(r'r=180$'), timeout=15_000
    )
    assert shown_preview_size(phone) == (1440, 1080)
    screenshot(phone, 'viewer-phone-rotated')
