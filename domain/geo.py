"""Positions on the map's grid: Web Mercator cells, as map tiles are cut, so that a cell looks square on screen.

Every geotagged photo stores one number, its key: the x and y of its cell at the finest level, bits interleaved
(a Morton code). A cell at any coarser level is then the key shifted right, and all the photos of one cell are one
contiguous range of keys: one index seek finds them, whatever the level.
"""

import math
from dataclasses import dataclass

from domain.errors import InvalidInput

FINEST_LEVEL = 24  # 2^24 cells a side: about 2.4 m at the equator
MAX_LATITUDE = 85.0511287798  # where Web Mercator ends: the poles are drawn at this edge
CELL_PIXELS = 64  # a cluster covers about this many screen pixels of a 256-pixel map tile
LEVELS_ABOVE_ZOOM = 2  # 256 / CELL_PIXELS = 2^2
MIN_ZOOM, MAX_ZOOM = 0, 18


def tile_xy(latitude: float, longitude: float, level: int = FINEST_LEVEL) -> tuple[int, int]:
    """The cell holding a position at `level`; x grows eastward from the antimeridian, y southward from the top."""
    side = 1 << level
    latitude = max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude))
    x = (longitude + 180.0) / 360.0 * side
    sine = math.sin(math.radians(latitude))
    y = (0.5 - math.log((1 + sine) / (1 - sine)) / (4 * math.pi)) * side
    return min(side - 1, max(0, int(x))), min(side - 1, max(0, int(y)))


def geo_key(latitude: float | None, longitude: float | None) -> int | None:
    if latitude is None or longitude is None:
        return None
    return interleave(*tile_xy(latitude, longitude))


def interleave(x: int, y: int) -> int:
    return _spread(x) | (_spread(y) << 1)


def deinterleave(key: int) -> tuple[int, int]:
    return _squeeze(key), _squeeze(key >> 1)


def _spread(value: int) -> int:
    """Puts a zero bit before each bit of a 32-bit number."""
    value &= 0xFFFFFFFF
    value = (value | (value << 16)) & 0x0000FFFF0000FFFF
    value = (value | (value << 8)) & 0x00FF00FF00FF00FF
    value = (value | (value << 4)) & 0x0F0F0F0F0F0F0F0F
    value = (value | (value << 2)) & 0x3333333333333333
    return (value | (value << 1)) & 0x5555555555555555


def _squeeze(key: int) -> int:
    """Every other bit of `key`, from the lowest: the inverse of `_spread`."""
    value = key & 0x5555555555555555
    value = (value | (value >> 1)) & 0x3333333333333333
    value = (value | (value >> 2)) & 0x0F0F0F0F0F0F0F0F
    value = (value | (value >> 4)) & 0x00FF00FF00FF00FF
    value = (value | (value >> 8)) & 0x0000FFFF0000FFFF
    return (value | (value >> 16)) & 0xFFFFFFFF


def shift(level: int) -> int:
    """How far a key moves right to become its cell at `level`."""
    return 2 * (FINEST_LEVEL - level)


@dataclass(frozen=True)
class Cell:
    level: int
    x: int
    y: int

    @classmethod
    def parse(cls, text: str) -> 'Cell':
        """'level/x/y', as the map's clusters name their cells."""
        try:
            level, x, y = (int(part) for part in text.split('/'))
        except (AttributeError, ValueError):
            raise InvalidInput(f'A place on the map looks like 12/2035/1290, not {text!r}') from None
        if not 0 <= level <= FINEST_LEVEL or not (0 <= x < 1 << level and 0 <= y < 1 << level):
            raise InvalidInput(f'No such place on the map: {text!r}')
        return cls(level, x, y)

    @classmethod
    def of_key(cls, key: int, level: int) -> 'Cell':
        return cls.of_index(key >> shift(level), level)

    @classmethod
    def of_index(cls, index: int, level: int) -> 'Cell':
        """The cell whose Morton index at `level` this is (a key shifted right by `shift(level)`)."""
        return cls(level, *deinterleave(index))

    def __str__(self) -> str:
        return f'{self.level}/{self.x}/{self.y}'

    def key_range(self) -> tuple[int, int]:
        """The keys of every photo in this cell: lowest included, highest excluded."""
        low = interleave(self.x, self.y) << shift(self.level)
        return low, low + (1 << shift(self.level))

    def bounds(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) in degrees."""
        north, west = _corner(self.x, self.y, self.level)
        south, east = _corner(self.x + 1, self.y + 1, self.level)
        return south, west, north, east


def _corner(x: int, y: int, level: int) -> tuple[float, float]:
    side = 1 << level
    longitude = x / side * 360.0 - 180.0
    latitude = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / side))))
    return latitude, longitude


def level_for_zoom(zoom: int) -> int:
    """The grid level whose cells are about CELL_PIXELS wide on a map at this zoom."""
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise InvalidInput(f'Zoom must be from {MIN_ZOOM} to {MAX_ZOOM}')
    return zoom + LEVELS_ABOVE_ZOOM


@dataclass(frozen=True)
class Viewport:
    """What the map shows, in degrees; east may be less than west when it spans the antimeridian."""

    south: float
    west: float
    north: float
    east: float

    @classmethod
    def checked(cls, south: float, west: float, north: float, east: float) -> 'Viewport':
        if not (-90 <= south <= north <= 90):
            raise InvalidInput('South must be below north, both within ±90')
        if east - west >= 360:
            return cls(south, -180.0, north, 180.0)
        return cls(south, _wrap(west), north, _wrap(east))

    def longitude_spans(self) -> list[tuple[float, float]]:
        """One or two (west, east) ranges within ±180."""
        if self.west <= self.east:
            return [(self.west, self.east)]
        return [(self.west, 180.0), (-180.0, self.east)]


def _wrap(longitude: float) -> float:
    if -180 <= longitude <= 180:
        return longitude
    return (longitude + 180) % 360 - 180


@dataclass(frozen=True)
class View:
    """The cells a viewport touches at one level: the map counts whole cells, so a cluster's count never changes as
    the map pans a little, and always equals the photos its grid lists."""

    level: int
    columns: tuple[tuple[int, int], ...]  # x from..to, inclusive: two spans across the antimeridian
    top: int
    bottom: int

    @classmethod
    def of(cls, viewport: Viewport, level: int) -> 'View':
        _, top = tile_xy(viewport.north, 0.0, level)
        _, bottom = tile_xy(viewport.south, 0.0, level)
        columns = tuple(
            (tile_xy(0.0, west, level)[0], tile_xy(0.0, east, level)[0]) for west, east in viewport.longitude_spans()
        )
        if len(columns) == 2 and columns[1][1] >= columns[0][0] - 1:  # the two spans meet: every column
            columns = ((0, (1 << level) - 1),)
        return cls(level, columns, top, bottom)

    @property
    def size(self) -> int:
        return sum(right - left + 1 for left, right in self.columns) * (self.bottom - self.top + 1)

    def holds(self, index: int) -> bool:
        """Whether the cell with this Morton index (at this level) is one of the view's."""
        x, y = deinterleave(index)
        return self.top <= y <= self.bottom and any(left <= x <= right for left, right in self.columns)

    def cells_at(self, level: int) -> set[Cell]:
        """The cells at a coarser `level` that hold the view's cells."""
        down = self.level - level
        return {
            Cell(level, x, y)
            for left, right in self.columns
            for x in range(left >> down, (right >> down) + 1)
            for y in range(self.top >> down, (self.bottom >> down) + 1)
        }

    def bounds(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) of the cells; west > east when they span the antimeridian."""
        west = Cell(self.level, self.columns[0][0], self.top).bounds()[1]
        east = Cell(self.level, self.columns[-1][1], self.top).bounds()[3]
        north = Cell(self.level, 0, self.top).bounds()[2]
        south = Cell(self.level, 0, self.bottom).bounds()[0]
        return south, west, north, east
