"""Queries over photos' places (SPEC §8): writing derived names without touching hand-set ones, what still needs
looking up, and places as filters and as choices with counts."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.assets import on_timeline
from storage.models import Asset, AssetDetails

HAND, GEOCODER = 'hand', 'geocoder'
NAME_COLUMNS = ('place_city', 'place_county', 'place_state', 'place_country', 'place_country_code')


@dataclass(frozen=True)
class PlaceCount:
    country_code: str
    country: str
    city: str | None  # None: the country's photos with no city
    count: int


def keeping_hand_places(values: dict[str, object]) -> dict[str, object]:
    """UPDATE values in which the place's names and source change only where no person set them."""
    by_hand = AssetDetails.place_source == HAND
    return {
        name: case((by_hand, getattr(AssetDetails, name)), else_=value) if name.startswith('place_') else value
        for name, value in values.items()
    }


async def missing(session: AsyncSession, limit: int, first: uuid.UUID | None = None) -> list[tuple]:
    """(asset id, latitude, longitude) of live photos with a position and no place looked up yet; `first` leads."""
    statement = (
        select(AssetDetails.asset_id, AssetDetails.latitude, AssetDetails.longitude)
        .join(Asset, Asset.id == AssetDetails.asset_id)
        .where(_missing_place(), Asset.trashed_at.is_(None))
    )
    rows = []
    if first is not None:
        rows = list(await session.execute(statement.where(AssetDetails.asset_id == first)))
        statement = statement.where(AssetDetails.asset_id != first)
    rows += await session.execute(statement.limit(limit - len(rows)))
    return [tuple(row) for row in rows]


async def position_of(session: AsyncSession, asset_id: uuid.UUID) -> tuple[float | None, float | None] | None:
    row = (
        await session.execute(
            select(AssetDetails.latitude, AssetDetails.longitude).where(AssetDetails.asset_id == asset_id)
        )
    ).first()
    return None if row is None else tuple(row)


def _missing_place() -> ColumnElement[bool]:
    # Matches the partial index ix_asset_details_missing_place.
    return and_(AssetDetails.latitude.is_not(None), AssetDetails.place_source.is_(None))


def missing_ids() -> Select:
    return select(AssetDetails.asset_id).where(_missing_place())


def geotagged_ids() -> Select:
    return select(AssetDetails.asset_id).where(AssetDetails.latitude.is_not(None))


async def save_derived(session: AsyncSession, names: Sequence[dict[str, object]]) -> None:
    """Write looked-up names (each a dict of `NAME_COLUMNS` and `asset_id`), leaving hand-set places alone."""
    if not names:
        return
    table = AssetDetails.__table__
    statement = (
        update(table)
        .where(table.c.asset_id == bindparam('target'), table.c.place_source.is_distinct_from(HAND))
        .values(place_source=GEOCODER, **{name: bindparam(f'new_{name}') for name in NAME_COLUMNS})
    )
    rows = [{'target': row['asset_id'], **{f'new_{name}': row[name] for name in NAME_COLUMNS}} for row in names]
    await session.execute(statement, rows)


async def country_code_named(session: AsyncSession, country: str) -> str | None:
    """The code the geocoder gave a country of this name (in any case), so a hand-set place files under it too."""
    return await session.scalar(
        select(AssetDetails.place_country_code)
        .where(func.lower(AssetDetails.place_country) == country.lower(), AssetDetails.place_source == GEOCODER)
        .where(AssetDetails.place_country_code.is_not(None))
        .limit(1)
    )


def in_country(country_code: str) -> ColumnElement[bool]:
    return AssetDetails.place_country_code == country_code


def in_city(country_code: str, city: str) -> ColumnElement[bool]:
    return and_(AssetDetails.place_country_code == country_code, AssetDetails.place_city == city)


def ids_where(condition: ColumnElement[bool]) -> Select:
    return select(AssetDetails.asset_id).where(condition)


async def counts_among(session: AsyncSession, asset_ids: Select) -> list[PlaceCount]:
    """How many of these photos are in each city of each country (those with a country code only)."""
    among = asset_ids.subquery()
    statement = (
        select(
            AssetDetails.place_country_code,
            func.max(AssetDetails.place_country),
            AssetDetails.place_city,
            func.count(),
        )
        .select_from(among)
        .join(AssetDetails, AssetDetails.asset_id == among.c[0])
        .where(AssetDetails.place_country_code.is_not(None))
        .group_by(AssetDetails.place_country_code, AssetDetails.place_city)
    )
    return [
        PlaceCount(code, country or code, city, count)
        for code, country, city, count in await session.execute(statement)
    ]


def on_my_timeline(actor_id: uuid.UUID) -> Select:
    """The ids of the photos on the actor's main timeline."""
    return select(AssetDetails.asset_id).where(on_timeline(actor_id))


async def set_place(session: AsyncSession, asset_id: uuid.UUID, values: dict[str, object]) -> None:
    await session.execute(update(AssetDetails).where(AssetDetails.asset_id == asset_id).values(**values))
