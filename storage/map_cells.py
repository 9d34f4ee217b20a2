"""`map_cells`: each library's photos counted per map cell and year, kept exact by every write that moves them.

`storage.assets.keeping_month_counts` wraps every change that can move a photo on the map (new, dated, placed,
trashed or restored, archived by its owner, deleted): it reads the changed photos' cells before and after and moves
the counts by the difference, in the same transaction.
"""

import uuid
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import delete, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.geo import shift
from storage.models import Asset, AssetDetails, MapCell

STORED_LEVELS = tuple(range(4, 21, 2))  # every other level: a map reads at most four cells per cluster it draws

Key = tuple[uuid.UUID, int, int, int]  # owner, level, cell, year
Sums = tuple[int, float, float]  # photos, latitude sum, longitude sum


def stored_level_for(level: int) -> int:
    """The stored level a map at `level` reads: that level or the next finer one (the coarsest for a world map)."""
    return next(stored for stored in STORED_LEVELS if stored >= level)


async def cells_of(session: AsyncSession, asset_ids: Collection[uuid.UUID], is_hidden) -> dict[Key, Sums]:
    """What these photos add to `map_cells` now: those with a position that their library shows everyone."""
    rows = await session.execute(
        select(
            AssetDetails.owner_id,
            AssetDetails.geo_key,
            AssetDetails.month_key,
            AssetDetails.latitude,
            AssetDetails.longitude,
        )
        .join(Asset, Asset.id == AssetDetails.asset_id)
        .where(AssetDetails.asset_id.in_(list(asset_ids)), AssetDetails.geo_key.is_not(None), ~is_hidden)
    )
    sums: dict[Key, list] = defaultdict(lambda: [0, 0.0, 0.0])
    for owner_id, key, month, latitude, longitude in rows:
        for level in STORED_LEVELS:
            tally = sums[(owner_id, level, key >> shift(level), month // 100)]
            tally[0] += 1
            tally[1] += latitude
            tally[2] += longitude
    return {key: tuple(tally) for key, tally in sums.items()}


async def move(session: AsyncSession, before: dict[Key, Sums], after: dict[Key, Sums]) -> None:
    """Moves `map_cells` by what changed between the two readings."""
    changes = []
    for key in before.keys() | after.keys():
        was, now = before.get(key, (0, 0.0, 0.0)), after.get(key, (0, 0.0, 0.0))
        if was != now:
            owner_id, level, cell, year = key
            changes.append(
                {
                    'owner_id': owner_id,
                    'level': level,
                    'cell': cell,
                    'year': year,
                    'photo_count': now[0] - was[0],
                    'latitude_sum': now[1] - was[1],
                    'longitude_sum': now[2] - was[2],
                }
            )
    if changes:
        await session.execute(_upsert(session), changes)


def _upsert(session: AsyncSession):
    insert = sqlite_insert if session.bind.dialect.name == 'sqlite' else postgresql_insert
    statement = insert(MapCell)
    return statement.on_conflict_do_update(
        index_elements=[MapCell.owner_id, MapCell.level, MapCell.cell, MapCell.year],
        set_={
            name: getattr(MapCell, name) + getattr(statement.excluded, name)
            for name in ('photo_count', 'latitude_sum', 'longitude_sum')
        },
    )


async def recount(session: AsyncSession, is_hidden) -> None:
    """Rebuild every cell from the assets: after the migration that adds them, for repair, and after bulk loads."""
    await session.execute(delete(MapCell))
    for level in STORED_LEVELS:
        await session.execute(MapCell.__table__.insert().from_select(_COUNTED, recount_select(level, is_hidden)))


_COUNTED = ['owner_id', 'level', 'cell', 'year', 'photo_count', 'latitude_sum', 'longitude_sum']


def recount_select(level: int, is_hidden):
    cell = AssetDetails.geo_key.op('>>')(literal_column(str(shift(level))))
    year = AssetDetails.month_key // 100
    return (
        select(
            AssetDetails.owner_id,
            literal(level),
            cell,
            year,
            func.count(),
            func.sum(AssetDetails.latitude),
            func.sum(AssetDetails.longitude),
        )
        .join(Asset, Asset.id == AssetDetails.asset_id)
        .where(AssetDetails.geo_key.is_not(None), ~is_hidden)
        .group_by(AssetDetails.owner_id, cell, year)
    )
