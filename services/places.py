"""Places (SPEC §8): a photo's place names follow its position, looked up by the offline geocoder, unless a person
set them by hand; then they stay until that person (or another allowed to) gives them back to the geocoder.

The geocoder loads its data on first use (about a second), so every lookup runs in a thread, never on the event
loop."""

import asyncio
import logging
import re
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from domain import access
from domain.access import Permission
from domain.errors import InvalidInput
from domain.geo import geo_key
from domain.places import MAX_NAME_LENGTH, Place, clean_place_name
from ml import places as ml_places
from services.accounts import Actor
from services.runtime import Hearth
from storage import access as access_queries
from storage import places as queries
from storage import search as search_queries
from storage.models import AssetDetails

log = logging.getLogger(__name__)

BATCH = 500  # positions looked up at once by the backfill
COUNTRY_LENGTH = 100  # as the column stores it
Position = tuple[float, float]


# ---- looking up ----------------------------------------------------------------------------------------------------


async def look_up(positions: Sequence[Position]) -> list[Place | None] | None:
    """The place of each position (None: nowhere named nearby, e.g. at sea); None when the geocoder failed, so
    that the places job tries again later."""
    if not positions:
        return []
    try:
        return await asyncio.to_thread(lambda: ml_places.geocoder().lookup_many(list(positions)))
    except Exception:  # a broken geocoder must not stop an upload or a correction
        log.exception('the geocoder could not look up %d positions', len(positions))
        return None


def name_columns(place: Place | None) -> dict[str, str | None]:
    place = place or Place()
    return {
        'place_city': place.city,
        'place_county': place.county,
        'place_state': place.state,
        'place_country': place.country,
        'place_country_code': place.country_code,
    }


async def position_columns(latitude: float | None, longitude: float | None) -> dict[str, object]:
    """The columns that follow a position: its map key, and its place names as the geocoder has them (names left
    empty and the source unset when there is no position, or the lookup failed: the places job fills them)."""
    columns: dict[str, object] = {'geo_key': geo_key(latitude, longitude)}
    found = None if latitude is None or longitude is None else await look_up([(latitude, longitude)])
    columns.update(name_columns(found[0] if found else None), place_source=queries.GEOCODER if found else None)
    return columns


def follow_position(details: AssetDetails, position: dict[str, object]) -> None:
    """Into `details`, whose position was read again from its file, the `position_columns` of that position: the
    key always, the place unless set by hand."""
    for name, value in position.items():
        if name == 'geo_key' or details.place_source != queries.HAND:
            setattr(details, name, value)


# ---- hand-set names ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandPlace:
    city: str | None = None
    state: str | None = None
    country: str | None = None

    @classmethod
    def cleaned(cls, city: str | None, state: str | None, country: str | None) -> 'HandPlace':
        return cls(
            clean_place_name(city, 'Town names'),
            clean_place_name(state, 'Region names'),
            clean_place_name(country, 'Country names', COUNTRY_LENGTH),
        )

    @property
    def empty(self) -> bool:
        return not (self.city or self.state or self.country)


async def set_place(hearth: Hearth, actor: Actor, asset_id: uuid.UUID, city, state, country) -> None:
    """Name a photo's place by hand (whoever may correct its position may); the geocoder never overwrites it. All
    names empty gives the place back to the geocoder, which names it again now."""
    hand = HandPlace.cleaned(city, state, country)
    async with hearth.db.session() as session:
        access.require(Permission.EDIT_GPS, [asset_id], await access_queries.roles_on(session, actor.id, [asset_id]))
        if hand.empty:
            values = await _automatic(session, asset_id)
        else:
            code = await queries.country_code_named(session, hand.country) if hand.country else None
            values = {
                **name_columns(Place(hand.city, None, hand.state, hand.country, code)),
                'place_source': queries.HAND,
            }
        await queries.set_place(session, asset_id, values)
        await search_queries.refresh_words(session, [asset_id])
        await session.commit()


async def automatic_place(hearth: Hearth, actor: Actor, asset_id: uuid.UUID) -> None:
    await set_place(hearth, actor, asset_id, None, None, None)


async def _automatic(session, asset_id: uuid.UUID) -> dict[str, object]:
    latitude, longitude = await queries.position_of(session, asset_id)
    columns = await position_columns(latitude, longitude)
    columns.pop('geo_key')
    return columns


# ---- the places job ------------------------------------------------------------------------------------------------


async def fill_missing(hearth: Hearth, asset_id: uuid.UUID, force: bool = False) -> int:
    """Name the place of this photo and, in the same lookup, of up to `BATCH` others still missing theirs (their
    own jobs then find nothing to do). Forced, this photo's place is looked up again (a hand-set one stays)."""
    async with hearth.db.session() as session:
        rows = await queries.missing(session, BATCH, first=asset_id)
        if force and not any(row[0] == asset_id for row in rows):
            position = await queries.position_of(session, asset_id)
            if position and position[0] is not None:
                rows.insert(0, (asset_id, *position))
    found = await look_up([(latitude, longitude) for _, latitude, longitude in rows])
    if found is None:
        raise RuntimeError('The geocoder could not look up places')
    async with hearth.db.session() as session:
        names = [{'asset_id': row[0], **name_columns(place)} for row, place in zip(rows, found, strict=True)]
        await queries.save_derived(session, names)
        await search_queries.refresh_words(session, [row[0] for row in rows])
        await session.commit()
    return len(rows)


# ---- places as a filter --------------------------------------------------------------------------------------------

_FILTER = re.compile(r'(?P<kind>country|city):(?P<code>[A-Za-z]{2})(?:/(?P<city>.+))?')


@dataclass(frozen=True)
class PlaceFilter:
    """'country:GB' (a country, by its ISO code) or 'city:GB/Edinburgh' (a city within one)."""

    country_code: str
    city: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> 'PlaceFilter | None':
        if not text:
            return None
        match = _FILTER.fullmatch(text.strip())
        city = match and match['city']
        if match is None or (match['kind'] == 'city') != bool(city) or len(city or '') > MAX_NAME_LENGTH:
            raise InvalidInput(f"A place is 'country:GB' or 'city:GB/Edinburgh', not {text!r}")
        return cls(match['code'].upper(), match['city'])

    def __str__(self) -> str:
        return f'city:{self.country_code}/{self.city}' if self.city else f'country:{self.country_code}'

    def condition(self):
        return queries.in_city(self.country_code, self.city) if self.city else queries.in_country(self.country_code)


@dataclass(frozen=True)
class PlaceChoice:
    """A place to filter by, with how many photos it has: a country with its cities under it."""

    value: str  # the filter, as PlaceFilter writes it
    name: str
    count: int
    cities: list['PlaceChoice']


def only_in(place: str | PlaceFilter | None):
    """A select of the ids of the photos in this place, or None for anywhere."""
    if isinstance(place, str) or place is None:
        place = PlaceFilter.parse(place)
    return None if place is None else queries.ids_where(place.condition())


def choices_of(counts: Collection[queries.PlaceCount]) -> list[PlaceChoice]:
    """Countries by name, each with its named cities by name; counts as they were counted."""
    countries: dict[str, list[queries.PlaceCount]] = {}
    for count in counts:
        countries.setdefault(count.country_code, []).append(count)
    choices = []
    for code, rows in countries.items():
        cities = [
            PlaceChoice(str(PlaceFilter(code, row.city)), row.city, row.count, [])
            for row in sorted(rows, key=lambda row: row.city or '')
            if row.city
        ]
        name = max(row.country for row in rows)
        choices.append(PlaceChoice(str(PlaceFilter(code)), name, sum(row.count for row in rows), cities))
    return sorted(choices, key=lambda choice: choice.name)


async def timeline_choices(hearth: Hearth, actor: Actor) -> list[PlaceChoice]:
    """The places of the photos on my main timeline, with counts."""
    async with hearth.db.session() as session:
        return choices_of(await queries.counts_among(session, queries.on_my_timeline(actor.id)))


def label_of(details: AssetDetails) -> str | None:
    """'Edinburgh, Scotland, United Kingdom', or None when the photo has no place named."""
    place = Place(
        details.place_city, details.place_county, details.place_state, details.place_country, details.place_country_code
    )
    return None if place.empty else place.label()
