"""The map's cluster query on a large family library, against a bare count of the same rows as the baseline.

    python -m bench.map --assets 100000 [--assets 1000000] [--database-url URL] [--repeat 30]

The library is bulk-inserted (no files) across five members who all share their libraries with the first, whose
map (their whole timeline) is measured. 35% of photos have a position, placed as a family's are: most around the
members' homes (a house, a school, grandparents a drive away), some on day trips, the rest on holidays — a few
dozen places round the world, a week of photos each. With --database-url (PostgreSQL), a database of its own is
created beside the given one and dropped after. Payload is the JSON the API sends for that answer.
"""

import argparse
import asyncio
import json
import math
import random
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.common import OUT, p50_p95, print_table, timings_ms
from bench.timeline import BATCH, asset_rows, loaded_family, settle
from domain.geo import Viewport, geo_key
from services import map as maps
from services import sharing, spaces
from services.accounts import Actor
from services.runtime import Hearth
from storage import assets as asset_queries
from storage.map import ALL_YEARS, Years
from storage.models import Asset, AssetDetails, AssetUserState

USERS = 5
GEOTAGGED = 0.35
HOMES = [(55.9533, -3.1883), (55.9533, -3.1883), (51.5072, -0.1276), (45.7640, 4.8357), (43.6532, -79.3832)]
HOLIDAYS = [
    (41.3874, 2.1686), (43.7696, 11.2558), (37.9838, 23.7275), (28.2916, -16.6291), (39.5696, 2.6502),
    (48.8566, 2.3522), (52.3676, 4.9041), (46.5197, 6.6323), (47.2692, 11.4041), (59.3293, 18.0686),
    (64.1466, -21.9426), (40.7128, -74.0060), (36.1699, -115.1398), (21.3069, -157.8583), (35.6762, 139.6503),
    (13.7563, 100.5018), (-8.3405, 115.0920), (-33.8688, 151.2093), (-36.8485, 174.7633), (-33.9249, 18.4241),
    (-22.9068, -43.1729), (19.4326, -99.1332), (25.2048, 55.2708), (30.0444, 31.2357), (31.6295, -7.9811),
    (57.4778, -4.2247), (56.8198, -5.1052), (50.2660, -5.0527), (54.4609, -3.0886), (51.4545, -2.5879),
    (43.2965, 5.3698), (44.8378, -0.5792), (38.7223, -9.1393), (37.3891, -5.9845), (45.4408, 12.3155),
    (60.3913, 5.3221), (68.4385, 17.4273), (-13.1631, -72.5450), (-50.9423, -73.4068), (27.1751, 78.0421),
]  # fmt: skip
WIDTH, HEIGHT = 1440, 900  # the desktop viewport the browser asks about


def position(rng: random.Random, home: tuple[float, float], trips: list[tuple[float, float]]) -> tuple[float, float]:
    """Where a family member's photo was taken: home life, day trips, or one of their holidays."""
    draw = rng.random()
    if draw < 0.62:
        spot = rng.choice([home, home, (home[0] + 0.03, home[1] + 0.02), (home[0] - 0.4, home[1] + 0.3)])
        return _near(rng, spot, 0.3)
    if draw < 0.77:
        return _near(rng, home, 60)
    return _near(rng, rng.choice(trips), 8)


def _near(rng: random.Random, spot: tuple[float, float], kilometres: float) -> tuple[float, float]:
    latitude = spot[0] + rng.gauss(0, kilometres / 111)
    longitude = spot[1] + rng.gauss(0, kilometres / (111 * max(0.2, math.cos(math.radians(spot[0])))))
    return max(-85.0, min(85.0, latitude)), (longitude + 180) % 360 - 180


def placed_batches(owner_ids: list, count: int):
    rng = random.Random(2026)
    trips = {owner: rng.sample(HOLIDAYS, 12) for owner in owner_ids}
    for start in range(0, count, BATCH):
        rows = []
        for number in range(start, min(count, start + BATCH)):
            owner = owner_ids[number % len(owner_ids)]
            asset, details, state = asset_rows(rng, owner, number)
            where = position(rng, HOMES[owner_ids.index(owner)], trips[owner]) if rng.random() < GEOTAGGED else None
            latitude, longitude = where or (None, None)
            asset.update(exif_latitude=latitude, exif_longitude=longitude)
            details.update(latitude=latitude, longitude=longitude, geo_key=geo_key(latitude, longitude))
            rows.append((asset, details, state))
        yield [row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows if row[2]]


async def fill(hearth: Hearth, owner_ids: list, count: int) -> None:
    async with hearth.db.engine.begin() as connection:
        for asset_batch, details_batch, state_batch in placed_batches(owner_ids, count):
            await connection.execute(insert(Asset.__table__), asset_batch)
            await connection.execute(insert(AssetDetails.__table__), details_batch)
            if state_batch:
                await connection.execute(insert(AssetUserState.__table__), state_batch)
    async with hearth.db.session() as session:
        await asset_queries.recount_library_months(session)
        await session.commit()
    await settle(hearth)


def around(latitude: float, longitude: float, zoom: int) -> Viewport:
    """The viewport of a WIDTH x HEIGHT map centred here at this zoom (Web Mercator, as Leaflet draws it)."""
    world = 256 * 2**zoom
    x = (longitude + 180) / 360 * world
    sine = math.sin(math.radians(latitude))
    y = (0.5 - math.log((1 + sine) / (1 - sine)) / (4 * math.pi)) * world

    def latitude_at(pixel_y: float) -> float:
        pixel_y = max(0.0, min(world, pixel_y))
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * pixel_y / world))))

    west, east = (x - WIDTH / 2) / world * 360 - 180, (x + WIDTH / 2) / world * 360 - 180
    return Viewport.checked(latitude_at(y + HEIGHT / 2), west, latitude_at(y - HEIGHT / 2), east)


def payload_bytes(found: maps.Clusters) -> int:
    """The size of the API's JSON for these clusters (as api/maps.py writes them)."""
    clusters = [
        {'cell': c.cell, 'lat': c.latitude, 'lon': c.longitude, 'count': c.count, 'cover': c.cover.hex}
        for c in found.clusters
    ]
    return len(json.dumps({'zoom': found.zoom, 'total': found.total, 'clusters': clusters}, separators=(',', ':')))


async def measure(hearth: Hearth, actor: Actor, members: list[Actor], repeat: int) -> list[list[object]]:
    scope = maps.of_timeline(actor)
    home = HOMES[0]
    views = [
        ('world, zoom 1', around(20, 0, 1), 1),
        ('Europe, zoom 4', around(50, 5, 4), 4),
        ('home region, zoom 8', around(*home, 8), 8),
        ('home town, zoom 12', around(*home, 12), 12),
        ('home street, zoom 16', around(*home, 16), 16),
        ('home, deepest zoom 18', around(*home, 18), 18),
    ]
    rows = []
    for label, viewport, zoom in views:
        rows.append(await _timed(hearth, scope, label, viewport, zoom, ALL_YEARS, repeat))
    rows.append(
        await _timed(hearth, scope, 'Europe, zoom 4, 2016-2020', around(50, 5, 4), 4, Years(2016, 2020), repeat)
    )
    rows.append(await _panning(hearth, scope, repeat))
    summary = await _time(lambda: maps.summary(hearth, scope), repeat)
    rows.append(
        ['summary (count, years, bounds)', f'{(await maps.summary(hearth, scope)).count:,} photos', '', *summary]
    )
    rows.append(['baseline: SELECT count(*) of the same rows', *(await _baseline(hearth, members, repeat))])
    return rows + await _space_rows(hearth, actor, repeat)


async def _space_rows(hearth: Hearth, actor: Actor, repeat: int) -> list[list[object]]:
    """A space holding the first member's whole library: counted from its photos' rows, not from `map_cells`."""
    space = await spaces.create_space(hearth, actor, 'Everything of mine')
    added = await spaces.add_all_my_assets(hearth, actor, space.id)
    scope = maps.of_space(actor, space.id)
    rows = []
    for label, viewport, zoom in (
        ('world, zoom 1', around(20, 0, 1), 1),
        ('home town, zoom 12', around(*HOMES[0], 12), 12),
    ):
        row = await _timed(hearth, scope, label, viewport, zoom, ALL_YEARS, repeat)
        rows.append([f'space of {added:,} photos: {row[0]}', *row[1:]])
    return rows


async def _timed(hearth, scope, label, viewport, zoom, years, repeat) -> list[object]:
    found = await maps.clusters(hearth, scope, viewport, zoom, years)
    timing = await _time(lambda: maps.clusters(hearth, scope, viewport, zoom, years), repeat)
    return [label, f'{len(found.clusters)} clusters of {found.total:,}', f'{payload_bytes(found) / 1024:.1f}', *timing]


async def _panning(hearth, scope, repeat) -> list[object]:
    """A viewport moved about at random zooms round the family's places: each request a new one, as when panning."""
    rng = random.Random(7)
    spots = [*HOMES, *HOLIDAYS]
    views = []
    for _ in range(repeat + 3):
        zoom = rng.randrange(2, 19)
        latitude, longitude = _near(rng, rng.choice(spots), 400 / 2**zoom * 50)
        views.append((around(latitude, longitude, zoom), zoom))
    sizes = []

    async def one_pan():
        viewport, zoom = views.pop()
        found = await maps.clusters(hearth, scope, viewport, zoom, ALL_YEARS)
        sizes.append(payload_bytes(found))

    timing = await _time(one_pan, repeat)
    return ['panning, random zoom 2-18', f'{repeat} viewports', f'max {max(sizes) / 1024:.1f}', *timing]


async def _baseline(hearth: Hearth, members: list[Actor], repeat: int) -> list[object]:
    statement = select(func.count()).where(
        AssetDetails.owner_id.in_([member.id for member in members]), AssetDetails.geo_key.is_not(None)
    )

    async def count() -> int:
        async with hearth.db.session() as session:
            return await session.scalar(statement)

    return [f'{await count():,} rows', '', *(await _time(count, repeat))]


async def _time(call, repeat: int) -> list[str]:
    p50, p95 = p50_p95(await timings_ms(call, repeat))
    return [f'{p50:.1f}', f'{p95:.1f}']


async def bench_one(count: int, database_url: str | None, repeat: int, workdir: Path) -> list[list]:
    async def load(hearth: Hearth, members: list[Actor]) -> None:
        await fill(hearth, [member.id for member in members], count)
        for partner in members[1:]:
            await sharing.share_library(hearth, partner, members[0].email)
        await settle(hearth)

    async with loaded_family(workdir, count, database_url, USERS, load) as (hearth, members):
        backend = hearth.db.engine.dialect.name
        rows = await measure(hearth, members[0], members, repeat)
    return [[backend, f'{count:,}', *row] for row in rows]


async def main(arguments: argparse.Namespace) -> None:
    rows = []
    for count in arguments.assets or [100_000]:
        rows += await bench_one(count, arguments.database_url, arguments.repeat, arguments.workdir)
    print(f'{arguments.repeat} runs each after 3 warm-up runs; the first member sees all {USERS} libraries')
    print_table(['database', 'assets', 'map request', 'answer', 'payload KB', 'p50 ms', 'p95 ms'], rows)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--assets', type=int, action='append', help='library size; repeat for several (default 100000)')
    parser.add_argument('--database-url', help='postgresql+asyncpg://... (default: SQLite in the work folder)')
    parser.add_argument('--repeat', type=int, default=30, help='measured runs per request (default 30)')
    parser.add_argument('--workdir', type=Path, default=OUT / 'map', help='where the data folders go')
    asyncio.run(main(parser.parse_args()))


if __name__ == '__main__':
    run()
