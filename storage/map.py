"""The map's queries: a scope's geotagged photos counted per cell of `domain.geo`'s grid, in SQL.

A scope comes in parts. Libraries are read from `map_cells` (a few rows per cell, whatever the library's size);
anything else -- what albums and spaces add, what I archived in a partner's library (taken off), a space's or an
album's photos -- is counted from its own rows, kept to the viewport by grid key or position. Every part is grouped
by the view's cells, and cells outside the view are dropped, so each cluster counts whole cells.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
    values,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.geo import Cell, View, shift
from storage.map_cells import stored_level_for
from storage.models import AssetDetails, MapCell

COARSEST_RANGES = 64  # beyond this many key ranges a view is read in fewer, larger ones

Columns = Callable[..., Select]


@dataclass(frozen=True)
class Years:
    first: int | None = None
    last: int | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions = []
        if self.first is not None:
            conditions.append(AssetDetails.taken_at >= datetime(self.first, 1, 1))
        if self.last is not None:
            conditions.append(AssetDetails.taken_at < datetime(self.last + 1, 1, 1))
        return conditions

    def of_cells(self) -> list[ColumnElement[bool]]:
        conditions = []
        if self.first is not None:
            conditions.append(MapCell.year >= self.first)
        if self.last is not None:
            conditions.append(MapCell.year <= self.last)
        return conditions


ALL_YEARS = Years()


@dataclass(frozen=True)
class Rows:
    """Photos counted from their own rows: `select(*columns)` of them. `by_key` parts are walked by grid key (an
    index that starts with it, or with an owner then it); `sign` -1 takes them off what other parts count."""

    select: Columns
    by_key: bool = False
    sign: int = 1


@dataclass(frozen=True)
class Libraries:
    """Whole libraries, counted from `map_cells`: `owners` selects their owners' ids."""

    owners: Select


Part = Rows | Libraries


@dataclass
class Tally:
    """A cell's photos: how many, the sums of their positions, one of them, and the years they span."""

    count: int = 0
    latitude_sum: float = 0.0
    longitude_sum: float = 0.0
    cover: str = ''
    first_year: int = 9999
    last_year: int = 0

    def add(self, row, sign: int) -> None:
        _, count, latitude_sum, longitude_sum, cover, first_year, last_year = row
        self.count += sign * count
        self.latitude_sum += sign * latitude_sum
        self.longitude_sum += sign * longitude_sum
        if sign > 0:
            self.cover = max(self.cover, cover or '')
            self.first_year, self.last_year = min(self.first_year, int(first_year)), max(self.last_year, int(last_year))


async def tallies(
    session: AsyncSession, parts: Iterable[Part], view: View, years: Years = ALL_YEARS
) -> dict[int, Tally]:
    """The scope's photos in the view's cells (and years), by the cell's Morton index at the view's level."""
    found: dict[int, Tally] = {}
    for part in parts:
        statement = _libraries(part, view, years) if isinstance(part, Libraries) else _rows(part, view, years)
        sign = part.sign if isinstance(part, Rows) else 1
        for row in await session.execute(statement):
            if view.holds(row[0]):
                found.setdefault(row[0], Tally()).add(row, sign)
    return {index: tally for index, tally in found.items() if tally.count > 0}


def _rows(part: Rows, view: View, years: Years) -> Select:
    taken_year = func.extract('year', AssetDetails.taken_at)
    cell = AssetDetails.geo_key.op('>>')(literal_column(str(shift(view.level))))
    columns = (
        cell,
        func.count(),
        func.sum(AssetDetails.latitude),
        func.sum(AssetDetails.longitude),
        func.max(cast(AssetDetails.asset_id, String)),
        func.min(taken_year),
        func.max(taken_year),
    )
    kept = [AssetDetails.geo_key.is_not(None), *years.conditions()]
    if part.by_key:
        ranges = [and_(AssetDetails.geo_key >= low, AssetDetails.geo_key < high) for low, high in key_ranges(view)]
        statements = [part.select(*columns).where(*kept, in_range).group_by(cell) for in_range in ranges]
        return union_all(*statements) if len(statements) > 1 else statements[0]
    return part.select(*columns).where(*kept, *_around(view)).group_by(cell)


def _around(view: View) -> list[ColumnElement[bool]]:
    """A little more than the view's cells, by position: cells outside the view are dropped after counting."""
    south, west, north, east = view.bounds()
    margin = 1e-6
    latitude, longitude = AssetDetails.latitude, AssetDetails.longitude
    within = [latitude.between(south - margin, north + margin)]
    if west <= east:
        return [*within, longitude.between(west - margin, east + margin)]
    return [*within, or_(longitude >= west - margin, longitude <= east + margin)]


def _libraries(part: Libraries, view: View, years: Years) -> Select:
    """One statement per range of cells (an OR of ranges would have SQLite read every cell of the level)."""
    stored = stored_level_for(view.level)
    cell = MapCell.cell.op('>>')(literal_column(str(2 * (stored - view.level))))
    columns = (
        cell,
        func.sum(MapCell.photo_count),
        func.sum(MapCell.latitude_sum),
        func.sum(MapCell.longitude_sum),
        literal(''),
        func.min(MapCell.year),
        func.max(MapCell.year),
    )
    kept = (MapCell.owner_id.in_(part.owners), MapCell.level == stored, MapCell.photo_count > 0, *years.of_cells())
    statements = [
        select(*columns)
        .where(*kept, MapCell.cell >= low >> shift(stored), MapCell.cell < high >> shift(stored))
        .group_by(cell)
        for low, high in key_ranges(view)
    ]
    return union_all(*statements) if len(statements) > 1 else statements[0]


def key_ranges(view: View) -> list[tuple[int, int]]:
    """Ranges of grid keys that together hold the view's cells: cells a few levels up (each one range), merged where
    they follow each other. Each of the view's cells lies wholly in one range."""
    coarse = max(0, view.level - 3)
    while len(cells := view.cells_at(coarse)) > COARSEST_RANGES and coarse > 0:
        coarse -= 1
    ranges = sorted(cell.key_range() for cell in cells)
    merged = [ranges[0]]
    for low, high in ranges[1:]:
        if low == merged[-1][1]:
            merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return merged


async def covers(session: AsyncSession, seek: Columns, cells: list[Cell], years: Years) -> dict[Cell, str]:
    """One photo of each cell, found by `seek` (a by-key select of the scope's shown photos): one index seek each,
    in one statement whose cells are data (a statement of one seek per cell took longer to compile than to run)."""
    ranges = values(column('number', Integer), column('low', BigInteger), column('high', BigInteger), name='cells')
    ranges = ranges.data([(number, *cell.key_range()) for number, cell in enumerate(cells)]).cte('cells')
    first = seek(cast(AssetDetails.asset_id, String)).where(
        AssetDetails.geo_key >= ranges.c.low, AssetDetails.geo_key < ranges.c.high, *years.conditions()
    )
    rows = await session.execute(select(ranges.c.number, first.limit(1).scalar_subquery()))
    return {cells[number]: cover for number, cover in rows if cover}


def in_cell(cell: Cell) -> ColumnElement[bool]:
    low, high = cell.key_range()
    return and_(AssetDetails.geo_key >= low, AssetDetails.geo_key < high)
