"""Ingest throughput on 12-megapixel JPEGs, against bare Pillow decoding as the baseline.

python -m bench.ingest --count 40 [--workdir DIR]
"""

import argparse
import asyncio
import os
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageOps

from bench.common import OUT, print_table, started_hearth
from services import accounts, assets
from tests.factories.media_files import make_jpeg

WARMUP = 2
SIZE = (4000, 3000)


def photo_files(folder: Path, count: int) -> list[Path]:
    """`count` distinct camera-like JPEGs with EXIF, generated once and reused by later runs."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f'photo_{index:03d}.jpg' for index in range(count)]
    missing = [(index, path) for index, path in enumerate(paths) if not path.exists()]
    for index, path in missing:
        print(f'generating {path.name}', flush=True)
        make_jpeg(
            path.with_suffix('.part'),
            size=SIZE,
            noise=True,
            color=(40 + index * 37 % 200, 60 + index * 53 % 180, 30 + index * 71 % 210),
            taken_at=datetime(2010, 1, 1, 9) + timedelta(days=97 * index, minutes=13 * index),
            gps=(45 + index % 10 * 0.5, 5 + index % 7 * 0.5) if index % 3 else None,
        ).rename(path)
    if missing:
        os.sync()  # so the write-back of fresh files does not slow down what is measured next
    return paths


def pillow_thumbnail(path: Path) -> None:
    with Image.open(path) as image:
        image = ImageOps.exif_transpose(image)
        image.load()
        image.thumbnail((250, 250))


def baseline_seconds(paths: list[Path]) -> float:
    for path in paths[:WARMUP]:
        pillow_thumbnail(path)
    start = time.perf_counter()
    for path in paths[WARMUP:]:
        pillow_thumbnail(path)
    return time.perf_counter() - start


async def ingest_seconds(paths: list[Path], data_dir: Path, concurrency: int) -> float:
    """Seconds to ingest the files after the warm-up ones, `concurrency` at a time, into a fresh Hearth."""
    shutil.rmtree(data_dir, ignore_errors=True)
    hearth = await started_hearth(data_dir)
    try:
        actor = await accounts.create_user(hearth, None, 'bench@example.com', 'Bench', 'bench password')
        gate = asyncio.Semaphore(concurrency)

        async def ingest_one(path: Path) -> None:
            async with gate:
                staged = await asyncio.to_thread(hearth.files.stage_copy, path, hearth.settings.max_upload_bytes)
                result = await assets.ingest(hearth, actor, staged)
            if result.status != 'created':
                raise RuntimeError(f'{path.name} was not ingested: {result}')

        for path in paths[:WARMUP]:
            await ingest_one(path)
        start = time.perf_counter()
        await asyncio.gather(*(ingest_one(path) for path in paths[WARMUP:]))
        return time.perf_counter() - start
    finally:
        await hearth.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


async def main(count: int, workdir: Path) -> None:
    paths = photo_files(workdir / 'photos', count + WARMUP)
    megabytes = sum(path.stat().st_size for path in paths[WARMUP:]) / count / 1024**2
    print(f'{count} photos of {SIZE[0]} x {SIZE[1]} px, {megabytes:.1f} MB on average; {WARMUP} more to warm up')
    baseline = count / baseline_seconds(paths)
    sequential = count / await ingest_seconds(paths, workdir / 'data', concurrency=1)
    concurrent = count / await ingest_seconds(paths, workdir / 'data', concurrency=2)
    print_table(
        ['measure', 'photos/s', 'ingest / baseline'],
        [
            ['baseline: Pillow open + exif_transpose + load + thumbnail(250), sequential', f'{baseline:.2f}', ''],
            [
                'Hearth ingest (stage_copy + assets.ingest, SQLite), sequential',
                f'{sequential:.2f}',
                f'{sequential / baseline:.2f}',
            ],
            ['Hearth ingest, 2 concurrent uploads', f'{concurrent:.2f}', f'{concurrent / baseline:.2f}'],
        ],
    )
    print(f'target: sequential ingest / baseline >= 0.6 -> {"met" if sequential / baseline >= 0.6 else "MISSED"}')


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--count', type=int, default=40, help='photos measured (default 40)')
    parser.add_argument('--workdir', type=Path, default=OUT / 'ingest', help='where photos and data go')
    arguments = parser.parse_args()
    asyncio.run(main(arguments.count, arguments.workdir.resolve()))


if __name__ == '__main__':
    run()
