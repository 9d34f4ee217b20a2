"""The timeline of a sparse library (a few photos on many days) in Debian's Chromium, on a phone and a desktop."""

import contextlib
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, screenshot, sign_in
from tests.e2e.grid_probes import GRID, PHOTOS_ON_SCREEN, THUMBS_VISIBLE
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e
SHAPES = [(640, 480), (480, 640), (600, 600), (800, 450), (640, 480)]


def camera_days() -> list[tuple[datetime, int]]:
    """(day, photos that day): most of 2026 and of 2024 a photo or two every few days, and three photos in 2025."""
    days = [(datetime(2026, 11, 28) - timedelta(days=3 * n), 1 + n % 3 // 2) for n in range(100)]
    days += [(datetime(2025, 6, 14), 3)]
    days += [(datetime(2024, 12, 20) - timedelta(days=4 * n), 1 + n % 4 // 3) for n in range(70)]
    return days


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('timeline'))
    hearth.cli('user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'family-pw', '--admin')
    camera = hearth.data / 'camera'
    camera.mkdir()
    n = 0
    for day, count in camera_days():
        for k in range(count):
            size = SHAPES[n % len(SHAPES)]
            color = (40 + n * 37 % 200, 90 + n * 53 % 150, 60 + n * 71 % 180)
            make_jpeg(camera / f'IMG_{n:04d}.jpg', size=size, color=color, taken_at=day + timedelta(hours=9 + k))
            n += 1
    hearth.cli('import', '--user', 'ann@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def open_timeline(browser, server, viewport):
    page = sign_in(browser, server, 'ann@example.com', viewport=viewport)
    page.evaluate('localStorage.clear()')  # density chosen in another test stays in that browser only
    page.reload()
    page.wait_for_function(THUMBS_VISIBLE, timeout=20_000)
    page.wait_for_timeout(500)
    return page


def fits_the_screen(page) -> bool:
    """The grid scrolls inside itself: the page does not, and the photo-size control is whole on the screen."""
    zoom = page.get_by_test_id('grid-zoom-out').bounding_box()
    height = page.viewport_size['height']
    return page.evaluate('document.documentElement.scrollHeight') <= height and zoom['y'] + zoom['height'] <= height


def photos_on_screen(page) -> int:
    page.wait_for_timeout(400)
    return page.evaluate(PHOTOS_ON_SCREEN)


def test_a_desktop_screen_holds_a_sparse_library(browser, server):
    page = open_timeline(browser, server, DESKTOP)
    screenshot(page, 'timeline-desktop-sparse')
    assert photos_on_screen(page) >= 30
    assert fits_the_screen(page)
    widths = page.locator(f'{GRID} .htg-cell').evaluate_all('cells => cells.map((c) => c.offsetWidth)')
    assert len(set(widths)) > 1  # photos keep their shapes: portrait, square and wide side by side
    page.close()


def test_a_phone_shows_days_side_by_side_in_columns(browser, server):
    page = open_timeline(browser, server, PHONE)
    assert photos_on_screen(page) >= 12
    assert 3 <= columns(page) <= 5
    assert fits_the_screen(page)  # above the bottom bar
    screenshot(page, 'timeline-phone-sparse')
    page.close()


def test_zoom_with_the_control_and_ctrl_wheel_and_it_is_remembered(browser, server):
    page = open_timeline(browser, server, DESKTOP)
    normal = photos_on_screen(page)
    page.get_by_test_id('grid-zoom-in').click()
    assert photos_on_screen(page) < normal
    for _ in range(3):
        page.get_by_test_id('grid-zoom-out').click()
    smallest = photos_on_screen(page)
    assert smallest > normal
    expect(page.get_by_test_id('grid-zoom-out')).to_be_disabled()
    screenshot(page, 'timeline-desktop-smallest')
    page.locator(f'{GRID} .htg-scroller').hover()
    page.keyboard.down('Control')
    for _ in range(2):
        page.mouse.wheel(0, -200)
        page.wait_for_timeout(300)  # one step per wheel gesture
    page.keyboard.up('Control')
    assert photos_on_screen(page) == normal
    for _ in range(2):
        page.get_by_test_id('grid-zoom-out').click()
    page.reload()
    page.wait_for_function(THUMBS_VISIBLE, timeout=20_000)
    assert photos_on_screen(page) == smallest
    page.close()


def test_select_a_day_by_its_checkbox_drag_and_shift_click(browser, server):
    page = open_timeline(browser, server, DESKTOP)
    day = page.locator(f'{GRID} .htg-day').nth(2)  # 22 November 2026: two photos
    day.hover()
    day.get_by_role('checkbox').click()
    expect(page.get_by_text('2 selected')).to_be_visible()
    screenshot(page, 'timeline-desktop-day-selected')
    page.keyboard.press('Escape')
    expect(page.get_by_text('2 selected')).to_be_hidden()

    cells = page.locator(f'{GRID} .htg-cell')
    first, fourth = cells.nth(0).bounding_box(), cells.nth(3).bounding_box()
    page.mouse.move(first['x'] + first['width'] / 2, first['y'] + first['height'] / 2)
    page.mouse.down()
    page.mouse.move(fourth['x'] + fourth['width'] / 2, fourth['y'] + fourth['height'] / 2, steps=8)
    page.mouse.up()
    expect(page.get_by_text('4 selected')).to_be_visible()
    page.keyboard.press('Escape')

    cells.nth(1).hover()
    cells.nth(1).locator('.htg-check').click()
    cells.nth(6).locator('.htg-check').click(modifiers=['Shift'])
    expect(page.get_by_text('6 selected')).to_be_visible()
    page.close()


def test_the_scrubber_names_every_year_clear_of_its_marker(browser, server):
    page = open_timeline(browser, server, DESKTOP)
    years = page.locator(f'{GRID} .htg-year')
    expect(years).to_have_text(['2026', '2025', '2024'])
    marker = page.locator(f'{GRID} .htg-thumb').bounding_box()
    for box in years.evaluate_all('labels => labels.map((l) => l.getBoundingClientRect().toJSON())'):
        overlaps = marker['x'] < box['right'] and box['left'] < marker['x'] + marker['width']
        assert not (overlaps and marker['y'] < box['bottom'] and box['top'] < marker['y'] + marker['height'])
    page.close()


COLUMNS = """cells => new Set(cells.map((c) => Math.round(c.getBoundingClientRect().left))).size"""


def columns(page) -> int:
    return page.locator(f'{GRID} .htg-cell').evaluate_all(COLUMNS)


def settles_at_columns(page, expected: int) -> int:
    """The grid's column count once it has redrawn: on a busy machine the rows are laid out over several frames."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            f'n => ({COLUMNS})([...document.querySelectorAll({GRID!r} + " .htg-cell")]) === n',
            arg=expected,
            timeout=15_000,
        )
    return columns(page)


def pinch(page, spread: int) -> None:
    """Two fingers on the grid moving apart (spread > 0) or together, as a phone's touch screen sends them."""
    touch = page.context.new_cdp_session(page)
    box = page.locator(f'{GRID} .htg-scroller').bounding_box()
    x, y = box['x'] + box['width'] / 2, box['y'] + box['height'] / 2
    for kind, apart in (('touchStart', 80), ('touchMove', 80 + spread), ('touchEnd', None)):
        points = [{'x': x - apart / 2, 'y': y}, {'x': x + apart / 2, 'y': y}] if apart else []
        touch.send('Input.dispatchTouchEvent', {'type': kind, 'touchPoints': points})
    page.wait_for_timeout(400)


def test_a_pinch_on_a_phone_changes_the_columns(browser, server):
    page = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    page.goto(f'{server}/login')
    page.get_by_label('Email').fill('ann@example.com')
    page.get_by_label('Password').fill('family-pw')
    page.get_by_role('button', name='Sign in').click()
    page.wait_for_function(THUMBS_VISIBLE, timeout=20_000)
    assert settles_at_columns(page, 4) == 4, 'a phone starts at four columns'
    pinch(page, 60)
    assert settles_at_columns(page, 3) == 3, 'fingers apart: bigger photos'
    pinch(page, -40)
    assert settles_at_columns(page, 4) == 4, 'fingers together: smaller photos again'
    page.context.close()
