"""Playwright checks for TimelineGrid and ZoomImage, run against the dev harness (tests/e2e/dev_components.py)."""

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, SHOTS, child_environment, running_server
from tests.e2e.grid_probes import GRID, GRID_NODES, SCROLL_FRAMES, THUMBS_VISIBLE

sync_api = pytest.importorskip('playwright.sync_api')
expect, sync_playwright = sync_api.expect, sync_api.sync_playwright

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.e2e
metrics: dict[str, dict] = {}


@pytest.fixture(scope='module')
def server(tmp_path_factory) -> Iterator[str]:
    harness = [str(HERE / 'dev_components.py'), '--total', '100000']
    log = tmp_path_factory.mktemp('harness') / 'harness.log'
    with running_server(harness, '/api/timeline/buckets', child_environment(), log) as url:
        yield url
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / 'metrics.json').write_text(json.dumps(metrics, indent=2))


def open_grid(browser, server: str, viewport: dict):
    page = browser.new_page(viewport=viewport)
    start = time.monotonic()
    page.goto(f'{server}/grid')
    page.wait_for_function(THUMBS_VISIBLE, timeout=20_000)
    return page, round((time.monotonic() - start) * 1000)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f'{name}.png'))


def scroll_grid(page, fraction: float) -> None:
    page.evaluate(f"""() => {{
      const el = document.querySelector('{GRID} .htg-scroller');
      el.scrollTop = (el.scrollHeight - el.clientHeight) * {fraction};
    }}""")
    page.wait_for_timeout(300)
    page.wait_for_function(THUMBS_VISIBLE, timeout=10_000)


def grid_nodes(page) -> int:
    return page.evaluate(GRID_NODES)


@pytest.mark.parametrize('name,viewport', [('phone', PHONE), ('desktop', DESKTOP)])
def test_grid_virtualised(browser, server: str, name: str, viewport: dict) -> None:
    page, first_thumbs_ms = open_grid(browser, server, viewport)
    expect(page.get_by_test_id('total')).to_have_text('100000 items')
    shoot(page, f'grid-{name}-top')
    scroll_grid(page, 0.5)
    nodes_middle = grid_nodes(page)
    shoot(page, f'grid-{name}-middle')
    frames = page.evaluate(SCROLL_FRAMES)
    scroll_grid(page, 0.97)
    metrics[f'grid-{name}'] = {
        'first_thumbs_ms': first_thumbs_ms,
        'nodes_middle': nodes_middle,
        'nodes_deep': grid_nodes(page),
        'scroll_frame_ms': frames,
    }
    assert nodes_middle < 1500
    assert grid_nodes(page) < 1500
    page.close()


def test_grid_open_select_escape(browser, server: str) -> None:
    page, _ = open_grid(browser, server, DESKTOP)
    cells = page.locator(f'{GRID} .htg-cell')
    first_id = cells.nth(0).locator('img').get_attribute('src').split('/')[3]
    cells.nth(0).locator('.htg-open').click()
    expect(page.get_by_test_id('opened')).to_have_text(first_id)
    cells.nth(0).hover()
    cells.nth(0).locator('.htg-check').click()
    cells.nth(5).locator('.htg-check').click(modifiers=['Shift'])
    expect(page.get_by_test_id('selected')).to_have_text('6 selected')
    cells.nth(8).locator('.htg-open').click()
    expect(page.get_by_test_id('selected')).to_have_text('7 selected')
    expect(page.get_by_test_id('opened')).to_have_text(first_id)
    shoot(page, 'grid-desktop-selection')
    page.keyboard.press('Escape')
    expect(page.get_by_test_id('selected')).to_have_text('0 selected')
    page.close()


def open_zoom(browser, server: str, viewport: dict):
    page = browser.new_page(viewport=viewport)
    page.goto(f'{server}/zoom')
    page.wait_for_function(
        "(() => { const i = document.querySelector('[data-testid=zoom-image] img');"
        ' return i && i.complete && i.naturalWidth > 0; })()'
    )
    return page


def test_zoom_double_click_and_swipe(browser, server: str) -> None:
    page = open_zoom(browser, server, DESKTOP)
    box = page.get_by_test_id('zoom-image').bounding_box()
    cx, cy = box['x'] + box['width'] / 2, box['y'] + box['height'] / 2
    page.mouse.dblclick(cx, cy)
    expect(page.get_by_test_id('zoom-scale')).to_have_text('scale 2.5')
    shoot(page, 'zoom-desktop-zoomed')
    page.mouse.dblclick(cx, cy)
    expect(page.get_by_test_id('zoom-scale')).to_have_text('scale 1')
    page.mouse.move(cx + 200, cy)
    page.mouse.down()
    page.mouse.move(cx + 50, cy + 5, steps=5)
    page.mouse.move(cx - 100, cy + 10, steps=5)
    page.mouse.up()
    expect(page.get_by_test_id('swipe-dir')).to_have_text('left')
    page.close()
    phone = open_zoom(browser, server, PHONE)
    shoot(phone, 'zoom-phone')
    phone.close()
