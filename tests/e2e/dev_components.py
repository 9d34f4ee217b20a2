"""Dev harness for the TimelineGrid and ZoomImage components, serving deterministic fake data.

Run: python tests/e2e/dev_components.py --port 8090 --total 100000  (then open /grid and /zoom)
"""

import argparse
import asyncio
import io
import random
import sys
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fastapi import HTTPException, Response  # noqa: E402
from nicegui import app, ui  # noqa: E402
from PIL import Image, ImageDraw, ImageOps  # noqa: E402

from ui.components.timeline_grid import TimelineGrid  # noqa: E402
from ui.components.zoom_image import ZoomImage  # noqa: E402

YEARS = 20
LAST_MONTH = (2025, 12)
TILE_SIZES = [(250, 333), (333, 250), (250, 250), (250, 444), (375, 250)]
TILE_COUNT = 24
PALETTES = [
    ('#1e3c72', '#f6d365', '#2d6a4f'),
    ('#ff9a8b', '#fff1c1', '#6a4c93'),
    ('#0f2027', '#ffd166', '#264653'),
    ('#89f7fe', '#ffffff', '#52796f'),
    ('#f857a6', '#ffe29f', '#3a0ca3'),
    ('#43cea2', '#fefae0', '#185a9d'),
]
settings = {'total': 100_000, 'latency': 0.0, 'years': YEARS}


def month_keys() -> list[str]:
    year, month = LAST_MONTH
    keys = []
    for _ in range(settings['years'] * 12):
        keys.append(f'{year:04d}-{month:02d}')
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys


@lru_cache(maxsize=1)
def buckets() -> list[dict]:
    """Newest-first month counts summing to the requested total, with a few empty months."""
    rng = random.Random(7)
    keys = month_keys()
    weights = [
        0.0 if rng.random() < 0.05 else rng.uniform(0.2, 2.0) * (1.8 if k[5:] in ('07', '08', '12') else 1)
        for k in keys
    ]
    counts = [int(settings['total'] * w / sum(weights)) for w in weights]
    counts[counts.index(max(counts))] += settings['total'] - sum(counts)
    return [{'month': k, 'count': c} for k, c in zip(keys, counts, strict=True) if c > 0]


@lru_cache(maxsize=1)
def first_index() -> dict[str, int]:
    start, result = 0, {}
    for b in buckets():
        result[b['month']] = start
        start += b['count']
    return result


def asset(i: int, taken: datetime) -> dict:
    video = i % 11 == 0
    width, height = TILE_SIZES[(i % TILE_COUNT) % len(TILE_SIZES)]
    return {
        'id': f'{i:032x}',
        'taken_at': taken.isoformat(timespec='seconds'),
        'type': 'video' if video else 'image',
        'duration': 3 + (i * 7) % 170 + 0.5 if video else None,
        'favorite': i % 17 == 0,
        'rating': i % 6,
        'w': width,
        'h': height,
    }


@lru_cache(maxsize=64)
def month_assets(month: str) -> list[dict]:
    count = next(b['count'] for b in buckets() if b['month'] == month)
    rng = random.Random(month)
    year, mon = map(int, month.split('-'))
    days_in_month = ((datetime(year + mon // 12, mon % 12 + 1, 1)) - timedelta(days=1)).day
    days = sorted(rng.sample(range(1, days_in_month + 1), min(count, rng.randint(3, 18))), reverse=True)
    seconds = sorted((rng.choice(days) * 86400 + rng.randint(8 * 3600, 21 * 3600) for _ in range(count)), reverse=True)
    base = datetime(year, mon, 1) - timedelta(days=1)
    start = first_index()[month]
    return [asset(start + n, base + timedelta(seconds=s)) for n, s in enumerate(seconds)]


def jpeg(image: Image.Image, quality: int = 82) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', quality=quality)
    return buffer.getvalue()


def landscape(size: tuple[int, int], palette: tuple[str, str, str], seed: int) -> Image.Image:
    w, h = size
    rng = random.Random(seed)
    image = ImageOps.colorize(Image.linear_gradient('L').resize(size), palette[0], palette[1]).convert('RGB')
    draw = ImageDraw.Draw(image)
    r = min(w, h) * rng.uniform(0.08, 0.16)
    cx, cy = w * rng.uniform(0.2, 0.8), h * rng.uniform(0.2, 0.45)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill='#fff6d5')
    points = [(x, h * rng.uniform(0.55, 0.75)) for x in range(0, w + 60, max(30, w // 8))]
    draw.polygon([(0, h), *points, (w, h)], fill=palette[2])
    return image


@lru_cache(maxsize=1)
def tiles() -> list[bytes]:
    return [jpeg(landscape(TILE_SIZES[n % len(TILE_SIZES)], PALETTES[n % len(PALETTES)], n)) for n in range(TILE_COUNT)]


@lru_cache(maxsize=4)
def large_photo(n: int) -> bytes:
    image = landscape((3000, 2000), PALETTES[n % len(PALETTES)], 100 + n)
    draw = ImageDraw.Draw(image)
    for x in range(0, 3000, 100):
        draw.line((x, 0, x, 2000), fill='#ffffff40' if x % 500 else '#ffffff', width=1 if x % 500 else 3)
    for y in range(0, 2000, 100):
        draw.line((0, y, 3000, y), fill='#ffffff', width=1 if y % 500 else 3)
    draw.text((60, 60), f'Photo {n}', fill='#ffffff', font_size=160)
    return jpeg(image, 88)


@app.get('/api/timeline/buckets')
async def api_buckets() -> list[dict]:
    return buckets()


@app.get('/api/timeline/buckets/{month}')
async def api_month(month: str) -> dict:
    if month not in first_index():
        raise HTTPException(404)
    await asyncio.sleep(settings['latency'])
    return {'month': month, 'assets': month_assets(month)}


@app.get('/api/assets/{asset_id}/thumbnail')
def api_thumbnail(asset_id: str) -> Response:
    all_tiles = tiles()
    tile = all_tiles[int(asset_id, 16) % len(all_tiles)]
    return Response(tile, media_type='image/jpeg', headers={'Cache-Control': 'private, max-age=3600'})


@app.get('/api/fake/photo/{n}.jpg')
def api_photo(n: int) -> Response:
    return Response(large_photo(n % 4), media_type='image/jpeg')


def status_label(testid: str, text: str = '') -> ui.label:
    return ui.label(text).props(f'data-testid={testid}').classes('text-sm text-gray-600')


@lru_cache(maxsize=1)
def grid_class() -> type[TimelineGrid]:
    """The grid under test, or another version of its script (the benchmark's baseline) when --grid-js says so."""
    if not settings.get('grid_js'):
        return TimelineGrid

    class OtherGrid(TimelineGrid, component=settings['grid_js']):
        pass

    return OtherGrid


@ui.page('/grid')
def grid_page() -> None:
    ui.query('.nicegui-content').classes('p-0 gap-0')
    with ui.row().classes('w-full h-12 items-center gap-4 px-4 no-wrap border-b border-gray-200'):
        ui.label('Photos').classes('text-lg font-medium grow')
        total = status_label('total')
        selected = status_label('selected', '0 selected')
        opened = status_label('opened')
    grid = grid_class()().style('height: calc(100vh - 49px)')
    grid.on('buckets', lambda e: total.set_text(f'{e.args["total"]} items'))
    grid.on('selection', lambda e: selected.set_text(f'{len(e.args["ids"])} selected'))
    grid.on('open', lambda e: opened.set_text(e.args['id']))


@ui.page('/zoom')
def zoom_page() -> None:
    ui.query('body').style('background: #000')
    ui.query('.nicegui-content').classes('p-0 gap-0')
    photo = {'n': 0}
    with ui.row().classes('w-full h-12 items-center gap-4 px-4 no-wrap text-white'):
        ui.label('Viewer').classes('text-lg grow')
        scale = status_label('zoom-scale', 'scale 1').classes('text-white')
        swipe = status_label('swipe-dir').classes('text-white')
    image = ZoomImage('/api/fake/photo/0.jpg', alt='Photo 0').style('height: calc(100vh - 48px)')

    def on_swipe(e) -> None:
        photo['n'] += 1 if e.args['direction'] == 'left' else -1
        swipe.set_text(e.args['direction'])
        scale.set_text('scale 1')
        image.set_source(f'/api/fake/photo/{photo["n"] % 4}.jpg', alt=f'Photo {photo["n"]}')

    image.on('swipe', on_swipe)
    image.on('zoom', lambda e: scale.set_text(f'scale {e.args["scale"]:g}'))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, default=8090)
    parser.add_argument('--total', type=int, default=100_000)
    parser.add_argument('--years', type=int, default=YEARS, help='how many years (newest first) the photos spread over')
    parser.add_argument('--grid-js', help='serve this version of timeline_grid.js instead (named differently)')
    parser.add_argument('--latency', type=float, default=0.0, help='seconds added to every month request')
    args = parser.parse_args()
    settings.update(total=args.total, latency=args.latency, years=args.years, grid_js=args.grid_js)
    ui.run(port=args.port, reload=False, show=False, storage_secret='dev', title='Hearth components')


if __name__ in {'__main__', '__mp_main__'}:
    main()
