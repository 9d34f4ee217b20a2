"""The timeline grid in a real browser: first thumbnails, photos on the first screen, DOM size and scrolling.

    python -m bench.timeline_grid [--baseline REV] [--repeat 3]

Runs the component harness (tests/e2e/dev_components.py) in headless Debian Chromium on two libraries: 100,000
photos over 20 years, and a sparse one (300 photos over 2 years, a few a day), at phone (390x844) and desktop
(1440x900) sizes. Each figure is printed next to the same figure for the grid of revision REV (by default the grid
before the justified layout), measured in the same run.
"""

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, ROOT, child_environment, running_server
from tests.e2e.grid_probes import GRID_NODES, PHOTOS_ON_SCREEN, SCROLL_FRAMES, THUMBS_VISIBLE

BASELINE = '1461c8c'  # the grid before issue 16: one day per row, square cells
LIBRARIES = {'100,000 photos': ['--total', '100000'], 'sparse, 300 photos': ['--total', '300', '--years', '2']}
SCREENS = """() => { const el = document.querySelector('[data-testid=timeline-grid] .htg-scroller');
  return el.scrollHeight / el.clientHeight; }"""


def baseline_script(revision: str, folder: Path) -> Path:
    source = subprocess.run(
        ['git', 'show', f'{revision}:ui/components/timeline_grid.js'], cwd=ROOT, check=True, capture_output=True
    ).stdout
    path = folder / 'baseline_grid.js'
    path.write_bytes(source)
    return path


def measure_page(browser, url: str, viewport: dict) -> dict[str, float]:
    page = browser.new_page(viewport=viewport)
    start = time.monotonic()
    page.goto(f'{url}/grid')
    page.wait_for_function(THUMBS_VISIBLE, timeout=30_000)
    first = (time.monotonic() - start) * 1000
    page.wait_for_timeout(500)
    figures = {'first thumbnails, ms': first, 'photos on the screen (half seen)': page.evaluate(PHOTOS_ON_SCREEN)}
    figures['screen heights to scroll'] = page.evaluate(SCREENS)
    figures['DOM nodes at the top'] = page.evaluate(GRID_NODES)
    figures['median frame while scrolling, ms'] = page.evaluate(SCROLL_FRAMES)['median']
    page.wait_for_function(THUMBS_VISIBLE, timeout=30_000)
    page.wait_for_timeout(500)
    figures['DOM nodes after scrolling'] = page.evaluate(GRID_NODES)
    page.close()
    return figures


def measure(args: list[str], viewport: dict, repeat: int, folder: Path) -> dict[str, float]:
    harness = [str(ROOT / 'tests/e2e/dev_components.py'), *args]
    log = folder / 'harness.log'
    with running_server(harness, '/api/timeline/buckets', child_environment(), log) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        measure_page(browser, url, viewport)  # warm-up: the harness draws its tiles once
        runs = [measure_page(browser, url, viewport) for _ in range(repeat)]
        browser.close()
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--baseline', default=BASELINE, help='git revision whose grid is the baseline')
    parser.add_argument('--repeat', type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old_js = baseline_script(options.baseline, folder)
        for library, args in LIBRARIES.items():
            for size, viewport in (('phone 390x844', PHONE), ('desktop 1440x900', DESKTOP)):
                now = measure(args, viewport, options.repeat, folder)
                before = measure([*args, '--grid-js', str(old_js)], viewport, options.repeat, folder)
                print(f'\n{library}, {size}: this grid | baseline {options.baseline}')
                for key, value in now.items():
                    print(f'  {key:34} {value:9.1f} | {before[key]:9.1f}')


if __name__ == '__main__':
    main()
