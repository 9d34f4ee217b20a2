"""Duplicates (SPEC §9): hashing speed, grouping at scale, one photo's check in the database, and how well the
measured distances tell copies from other photos.

    python -m bench.duplicates [--hashes 100000 1000000] [--library 100000 1000000] [--database URL] [--workers 2]
        [--parts hashing quality grouping check]

1. Hashing: photos per second of the duplicates step's pHash of Hearth's thumbnails of the packaged photos, next to
   Pillow decoding the same thumbnails and nothing else.
2. Quality: a generated set of real photos (`tests.factories.duplicate_photos`): each packaged photo, the copies a
   family makes of it, a 3% crop and a burst's next frame, each photo's shot a different hour. Precision and recall
   of the rules over every pair, and of the pHash distance alone at other thresholds.
3. Grouping: random 64-bit hashes with half their bits set, as pHash's are, with 1% of them planted near another
   (2, 4 or 6 bits apart), all linked at once with the same band index the step uses (numpy, the bands split over
   `--workers` processes), then grouped; next to the all-pairs comparison, timed on a slice and extrapolated.
4. One photo's check: in a library of `--library` assets already hashed, on SQLite (and PostgreSQL with
   `--database`), storing one photo's hashes, finding its candidates through the indexes (the pHashes its bands point
   at, from the band indexes alone, then the rows of the near ones) and linking it; with the machine's load.
"""

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

import numpy as np
from PIL import Image
from sqlalchemy import insert, select

from bench.common import p50_p95, print_table
from bench.timeline import fill, loaded_family, settle
from domain.duplicates import BURST_DISTANCE, SAME_PICTURE_DISTANCE, Link, Reason, groups_of, link_reason
from ml import duplicates as ml_duplicates
from ml import media
from services import duplicates
from services.runtime import Hearth
from storage.models import Asset, AssetHash
from tests.factories import duplicate_photos as copies

CHECK_GOAL_MS, GROUPING_GOAL_S = 10, 60
PARTS = ['hashing', 'quality', 'grouping', 'check']
PLANTED_SHARE = 0.01
PROBES = 200


# ---- 1. hashing -----------------------------------------------------------------------------------------------------


def thumbnails(folder: Path, sources: list[Path]) -> list[Path]:
    """Hearth's thumbnail of each photo, rendered as at upload."""
    made = []
    for number, source in enumerate(sources):
        thumbnail = folder / f'thumbnail-{number}.jpg'
        media.analyse_and_render(source, thumbnail, folder / 'preview.jpg')
        made.append(thumbnail)
    return made


def per_second(work, paths: list[Path], rounds: int = 5) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for path in paths:
            work(path)
    return rounds * len(paths) / (time.perf_counter() - start)


def decode(path: Path) -> None:
    with Image.open(path) as image:
        image.load()


def bench_hashing(folder: Path) -> list[list[object]]:
    paths = thumbnails(folder, copies.packaged_photos())
    decoded, hashed = per_second(decode, paths), per_second(ml_duplicates.photo_hash, paths)
    return [
        ['Pillow: decode the thumbnail, nothing else', len(paths), f'{decoded:.0f}', f'{1000 / decoded:.2f}'],
        ['photo_hash: upright thumbnail, pHash', len(paths), f'{hashed:.0f}', f'{1000 / hashed:.2f}'],
    ]


# ---- 2. quality -----------------------------------------------------------------------------------------------------

MAKERS = {
    'original': copies.original,
    **copies.COPIES,
    'cropped by 3%': lambda source, path: copies.cropped(source, path, 0.03),
    'burst: next frame': copies.burst_neighbour,
}
SAME_PICTURE_MAKERS = {'original', *copies.COPIES}


def generated_photo(task: tuple[int, Path, str, Path]) -> tuple[int, str, int, str | None, float]:
    """(shot, how it was made, pHash of its thumbnail, camera, second taken): one photo of the set. The factory
    dates every copy of a shot as the shot; each shot is taken as an hour after the one before."""
    shot, source, how, folder = task
    path, thumbnail = folder / f'{shot}-{how}.jpg', folder / f'{shot}-{how}-thumbnail.jpg'
    MAKERS[how](source, path)
    facts = media.analyse_and_render(path, thumbnail, folder / f'{shot}-{how}-preview.jpg')
    camera = ' '.join(part for part in (facts.camera_make, facts.camera_model) if part) or None
    taken = facts.taken_at and (facts.taken_at - copies.TAKEN_AT).total_seconds() + shot * 3600
    return shot, how, ml_duplicates.photo_hash(thumbnail), camera, taken


def generated_set(folder: Path, workers: int) -> list[tuple[int, str, int, str | None, float]]:
    sources = copies.packaged_photos()
    tasks = [(shot, source, how, folder) for shot, source in enumerate(sources) for how in MAKERS]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(generated_photo, tasks, chunksize=8))


def same_burst(first, second) -> bool:
    return first[3] is not None and first[3] == second[3] and abs(first[4] - second[4]) <= 1


def bench_quality(folder: Path, workers: int) -> tuple[list[list[object]], list[list[object]], int]:
    photos = generated_set(folder, workers)
    pairs = [(first, second, ml_duplicates.distance(first[2], second[2])) for first, second in combinations(photos, 2)]
    every_kind = set(MAKERS)
    rows = [
        [f'same picture: pHash <= {SAME_PICTURE_DISTANCE}', *scores(pairs, _same_picture, SAME_PICTURE_MAKERS)],
        ['all rules, pair by pair', *scores(pairs, _any_rule, every_kind)],
        ['all rules, as groups (copies joined through others)', *group_scores(photos, pairs)],
        [f'pHash <= {BURST_DISTANCE} alone, no second signal', *scores(pairs, _burst_distance, every_kind)],
        *([f'pHash <= {t} alone', *scores(pairs, lambda a, b, d, t=t: d <= t, every_kind)] for t in range(2, 20, 2)),
    ]
    return rows, per_copy_recall(photos) + [closest_other_photos(pairs)], len(photos)


def closest_other_photos(pairs) -> list[object]:
    """The same columns for pairs of photos of different shots."""
    distances = [distance for first, second, distance in pairs if first[0] != second[0]]
    low, middle, high = min(distances), statistics.median(distances), max(distances)
    linked = sum(_any_rule(first, second, d) for first, second, d in pairs if first[0] != second[0])
    return ['another shot (should never link)', len(distances), f'{low}-{middle:.0f}-{high}', '-', f'{linked} linked']


def _same_picture(first, second, distance: int) -> bool:
    return distance <= SAME_PICTURE_DISTANCE


def _any_rule(first, second, distance: int) -> bool:
    return link_reason(False, distance, same_burst(first, second)) is not None


def _burst_distance(first, second, distance: int) -> bool:
    return distance <= BURST_DISTANCE


def scores(pairs, rule, kinds: set[str]) -> list[object]:
    """Over every pair of the set: the pairs to find (both of one shot, made the ways in `kinds`), the pairs the rule
    links, the share of those that are of one shot (precision) and the share of those to find it links (recall)."""
    found = right = should = right_and_should = 0
    for first, second, distance in pairs:
        linked, same_shot = rule(first, second, distance), first[0] == second[0]
        wanted = same_shot and first[1] in kinds and second[1] in kinds
        found, right, should = found + linked, right + (linked and same_shot), should + wanted
        right_and_should += linked and wanted
    return [should, found, f'{right / found if found else 1:.3f}', f'{right_and_should / should:.3f}']


def group_scores(photos, pairs) -> list[object]:
    """The same over pairs of photos that end up in one group (`domain.duplicates.groups_of`) by all the rules."""
    numbers = {id(photo): number for number, photo in enumerate(photos)}
    links = [
        Link(numbers[id(first)], numbers[id(second)], Reason.PICTURE, distance)
        for first, second, distance in pairs
        if _any_rule(first, second, distance)
    ]
    together = [pair for group in groups_of(links) for pair in combinations(group.asset_ids, 2)]
    right = sum(photos[first][0] == photos[second][0] for first, second in together)
    should = sum(first[0] == second[0] for first, second, _ in pairs)
    return [should, len(together), f'{right / len(together):.3f}', f'{right / should:.3f}']


def per_copy_recall(photos) -> list[list[object]]:
    """How far each kind of copy hashes from its original, and how often it links to it: by the same-picture
    distance, and by all rules."""
    originals = {photo[0]: photo for photo in photos if photo[1] == 'original'}
    rows = []
    for how in MAKERS:
        if how == 'original':
            continue
        made = [photo for photo in photos if photo[1] == how]
        distances = [ml_duplicates.distance(photo[2], originals[photo[0]][2]) for photo in made]
        by_rule = sum(
            bool(link_reason(False, d, same_burst(photo, originals[photo[0]])))
            for photo, d in zip(made, distances, strict=True)
        )
        picture = sum(d <= SAME_PICTURE_DISTANCE for d in distances)
        recall = f'{picture / len(made):.3f}', f'{by_rule / len(made):.3f}'
        rows.append([how, len(made), f'{min(distances)}-{statistics.median(distances):.0f}-{max(distances)}', *recall])
    return rows


# ---- 3. grouping ----------------------------------------------------------------------------------------------------


def random_hashes(count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` random 64-bit hashes with 32 bits set, as pHash's (set where a coefficient is above the median)."""
    chunks = []
    for start in range(0, count, 100_000):
        size = min(100_000, count - start)
        bits = np.argsort(rng.random((size, 64), dtype=np.float32), axis=1)[:, :32].astype(np.uint64)
        chunks.append(np.bitwise_or.reduce(np.left_shift(np.uint64(1), bits), axis=1))
    return np.concatenate(chunks)


def plant_near_copies(hashes: np.ndarray, rng: np.random.Generator) -> set[tuple[int, int]]:
    """Make 1% of the hashes a near copy of another: 1 to 3 set bits moved, so 2, 4 or 6 bits apart."""
    count = int(len(hashes) * PLANTED_SHARE)
    picked = rng.choice(len(hashes), size=2 * count, replace=False)
    planted = set()
    for source, target in zip(picked[:count], picked[count:], strict=True):
        value = int(hashes[source])
        ones = [bit for bit in range(64) if value >> bit & 1]
        zeros = [bit for bit in range(64) if not value >> bit & 1]
        moved = int(rng.integers(1, 4))
        for one, zero in zip(
            rng.choice(ones, moved, replace=False), rng.choice(zeros, moved, replace=False), strict=True
        ):
            value ^= (1 << int(one)) | (1 << int(zero))
        hashes[target] = np.uint64(value)
        planted.add((min(source, target), max(source, target)))
    return planted


def near_pairs_in_band(hashes: np.ndarray, band: int, threshold: int) -> np.ndarray:
    """Pairs (i < j, as i * n + j) within `threshold` whose `band` is within the step's radius: each band value meets
    its own bucket and, for each neighbour mask, the bucket that mask leads to (once per pair of buckets)."""
    count = len(hashes)
    values = ((hashes >> np.uint64(ml_duplicates.BAND_BITS * band)) & np.uint64(0xFFFF)).astype(np.int64)
    order = np.argsort(values, kind='stable')
    values, sorted_hashes, positions = values[order], hashes[order], np.arange(count)
    ends = np.cumsum(np.bincount(values, minlength=1 << ml_duplicates.BAND_BITS))
    starts = ends - np.bincount(values, minlength=1 << ml_duplicates.BAND_BITS)
    found = []
    for mask in ml_duplicates.band_neighbours(0, ml_duplicates.band_radius(threshold)):
        partner = values ^ mask
        if mask == 0:
            low, high = positions + 1, ends[values]
        else:
            ahead = values < partner
            low, high = np.where(ahead, starts[partner], 0), np.where(ahead, ends[partner], 0)
        left, right = _expanded(positions, low, high)
        close = np.bitwise_count(sorted_hashes[left] ^ sorted_hashes[right]) <= threshold
        first, second = order[left[close]], order[right[close]]
        found.append(np.minimum(first, second) * count + np.maximum(first, second))
    return np.unique(np.concatenate(found))


def _expanded(positions: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (position, partner) with partner in [low, high) of that position."""
    lengths = np.maximum(high - low, 0)
    left = np.repeat(positions, lengths)
    offsets = np.repeat(low - (np.cumsum(lengths) - lengths), lengths)
    return left, offsets + np.arange(lengths.sum())


def near_pairs(hashes: np.ndarray, threshold: int, workers: int) -> np.ndarray:
    with ProcessPoolExecutor(workers) as pool:
        bands = pool.map(
            near_pairs_in_band, [hashes] * ml_duplicates.BANDS, range(ml_duplicates.BANDS), [threshold] * 4
        )
        return np.unique(np.concatenate(list(bands)))


def all_pairs_seconds(hashes: np.ndarray, rows: int = 200) -> float:
    """The all-pairs comparison, one hash against all at a time, timed on `rows` hashes and extrapolated."""
    start = time.perf_counter()
    for value in hashes[:rows]:
        np.flatnonzero(np.bitwise_count(hashes ^ value) <= SAME_PICTURE_DISTANCE)
    per_row = (time.perf_counter() - start) / rows
    return per_row * len(hashes) / 2


def bench_grouping(count: int, workers: int) -> list[object]:
    rng = np.random.default_rng(count)
    hashes = random_hashes(count, rng)
    planted = plant_near_copies(hashes, rng)
    start = time.perf_counter()
    pairs = near_pairs(hashes, SAME_PICTURE_DISTANCE, workers)
    linked = time.perf_counter() - start
    firsts, seconds = np.divmod(pairs, count)
    links = [Link(int(a), int(b), Reason.PICTURE, 0) for a, b in zip(firsts, seconds, strict=True)]
    groups = groups_of(links)
    total = time.perf_counter() - start
    found = set(zip(firsts.tolist(), seconds.tolist(), strict=True))
    recall = len(planted & found) / len(planted)
    naive = all_pairs_seconds(hashes)
    verdict = 'ok' if total < GROUPING_GOAL_S else f'OVER {GROUPING_GOAL_S} s'
    return [
        f'{count:,}',
        len(planted),
        len(found - planted),
        f'{recall:.3f}',
        len(groups),
        f'{linked:.1f}',
        f'{total:.1f}',
        f'{naive:,.0f}',
        verdict,
    ]


# ---- 4. one photo's check -------------------------------------------------------------------------------------------


async def fill_hashes(hearth: Hearth, rng: np.random.Generator) -> dict[uuid.UUID, int]:
    """A hashes row for every asset of the library: a random pHash (1% planted near another's), its checksum, its
    camera and second."""
    async with hearth.db.session() as session:
        assets = (
            await session.execute(
                select(Asset.id, Asset.checksum, Asset.camera_make, Asset.camera_model, Asset.exif_taken_at)
            )
        ).all()
    hashes = random_hashes(len(assets), rng)
    plant_near_copies(hashes, rng)
    rows = (_hash_row(asset, int(value)) for asset, value in zip(assets, hashes, strict=True))
    async with hearth.db.engine.begin() as connection:
        for batch in _batches(rows, 20_000):
            await connection.execute(insert(AssetHash.__table__), batch)
    await settle(hearth)  # as a running instance soon does: SQLite's WAL checkpointed, PostgreSQL's table analysed
    return {asset.id: ml_duplicates.to_signed(int(value)) for asset, value in zip(assets, hashes, strict=True)}


def _hash_row(asset, value: int) -> dict:
    signed = ml_duplicates.to_signed(value)
    bands = dict(zip(('band0', 'band1', 'band2', 'band3'), ml_duplicates.bands(signed), strict=True))
    camera = f'{asset.camera_make} {asset.camera_model}'
    taken = asset.exif_taken_at and asset.exif_taken_at.replace(microsecond=0)
    return {
        'asset_id': asset.id,
        'model': ml_duplicates.MODEL_VERSION,
        'checksum': asset.checksum,
        'phash': signed,
        'camera': camera,
        'taken_at': taken,
        'hashed_at': datetime.now(UTC),
        **bands,
    }


def moved(row: AssetHash, phash: int) -> AssetHash:
    """The row as if its photo now hashed to `phash`."""
    bands = dict(zip(('band0', 'band1', 'band2', 'band3'), ml_duplicates.bands(phash), strict=True))
    kept = {name: getattr(row, name) for name in ('asset_id', 'model', 'checksum', 'camera', 'taken_at')}
    return AssetHash(**kept, phash=phash, **bands)


def _batches(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def bench_check(count: int, database_url: str | None, workdir: Path) -> list[list[object]]:
    async def load(hearth: Hearth, members) -> None:
        await fill(hearth, [member.id for member in members], count)

    async with loaded_family(workdir, count, database_url, 2, load) as (hearth, _):
        stored = await fill_hashes(hearth, np.random.default_rng(7))
        rng = random.Random(7)
        probes = rng.sample(sorted(stored), 2 * PROBES)
        async with hearth.db.session() as session:
            found = await session.scalars(select(AssetHash).where(AssetHash.asset_id.in_(probes[:PROBES])))
            rows = {row.asset_id: row for row in found}
        samples, linked = [], []
        for asset_id, other_id in zip(probes[:PROBES], probes[PROBES:], strict=True):
            # Hashed again, now a hair away from another photo's hash: it links to that photo.
            row = moved(rows[asset_id], stored[other_id] ^ 0b11)
            start = time.perf_counter()
            linked.append(len(await duplicates.link_copies(hearth, row)))
            samples.append((time.perf_counter() - start) * 1000)
    p50, p95 = p50_p95(samples)
    backend = 'sqlite' if database_url is None else 'postgresql'
    verdict = 'ok' if p95 < CHECK_GOAL_MS else f'OVER {CHECK_GOAL_MS} ms'
    load = f'{os.getloadavg()[0]:.1f}'  # the machine's 1-minute load as the timing ends: others' work slows it
    return [
        [backend, f'{count:,}', PROBES, f'{statistics.mean(linked):.2f}', f'{p50:.2f}', f'{p95:.2f}', verdict, load]
    ]


# ---- the run --------------------------------------------------------------------------------------------------------


async def bench_checks(arguments: argparse.Namespace, workdir: Path) -> list[list[object]]:
    rows = []
    for count in arguments.library:
        for url in (None, arguments.database) if arguments.database else (None,):
            rows += await bench_check(count, url, workdir)
    return rows


def main(arguments: argparse.Namespace) -> None:
    os.environ.setdefault('HEARTH_SECRET', 'bench-secret')
    print(f'{os.cpu_count()} cores; thresholds: same picture <= {SAME_PICTURE_DISTANCE}, burst <= {BURST_DISTANCE}')
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        if 'hashing' in arguments.parts:
            print('\n1. Hashing (one core)\n')
            print_table(['work per photo', 'thumbnails', 'photos/s', 'ms each'], bench_hashing(workdir))
        if 'quality' in arguments.parts:
            print('\n2. Quality on the generated set\n')
            rules, per_copy, count = bench_quality(workdir, arguments.workers)
            print(f'{count} photos, {count * (count - 1) // 2:,} pairs\n')
            print_table(['rule', 'pairs to find', 'pairs found', 'precision', 'recall'], rules)
            print()
            headers = [
                'copy, against its original',
                'copies',
                'distance min-median-max',
                'recall, picture',
                'all rules',
            ]
            print_table(headers, per_copy)
        if 'grouping' in arguments.parts:
            print(f'\n3. Grouping random pHash-like hashes ({arguments.workers} worker processes)\n')
            headers = [
                'hashes',
                'planted',
                'other pairs',
                'recall',
                'groups',
                'link s',
                'link + group s',
                'all pairs s (est.)',
                f'< {GROUPING_GOAL_S} s',
            ]
            print_table(headers, [bench_grouping(count, arguments.workers) for count in arguments.hashes])
        if 'check' in arguments.parts:
            print('\n4. One photo hashed again: store, find candidates through the band indexes, link\n')
            rows = asyncio.run(bench_checks(arguments, workdir))
            headers = [
                'database',
                'library',
                'photos',
                'links each',
                'p50 ms',
                'p95 ms',
                f'< {CHECK_GOAL_MS} ms',
                'load',
            ]
            print_table(headers, rows)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--hashes', type=int, nargs='+', default=[100_000, 1_000_000])
    parser.add_argument('--library', type=int, nargs='+', default=[100_000, 1_000_000])
    parser.add_argument('--database', help='also PostgreSQL: a postgresql+asyncpg:// URL of a server to test on')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--parts', nargs='+', choices=PARTS, default=PARTS, help='which parts to run (all by default)')
    main(parser.parse_args())
