"""Shared helpers of the benchmarks: a started Hearth on a given folder and database, timing and tables."""

import os
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from services.runtime import Hearth
from settings import load_settings

OUT = Path(__file__).parent / 'out'


async def started_hearth(data_dir: Path, database_url: str | None = None) -> Hearth:
    """A migrated Hearth whose data folder (and secret) lives in `data_dir`, on SQLite there unless told."""
    os.environ['HEARTH_DATA'] = str(data_dir)  # load_settings() keeps the instance secret there, not in ./data
    settings = load_settings()
    settings = replace(settings, database_url=database_url or f'sqlite+aiosqlite:///{data_dir / "hearth.db"}')
    hearth = Hearth.create(settings)
    await hearth.start()
    return hearth


async def timings_ms(call: Callable[[], Awaitable[object]], repeat: int, warmup: int = 3) -> list[float]:
    """Wall-clock milliseconds of `repeat` awaited calls, after `warmup` calls that are not counted."""
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p50_p95(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=20, method='inclusive')
    return statistics.median(samples), cuts[18]


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    cells = [headers, *[[str(cell) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    cells.insert(1, ['-' * width for width in widths])
    for row in cells:
        print('| ' + ' | '.join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + ' |')
