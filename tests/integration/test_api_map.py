"""The map over HTTP (SPEC §8): my timeline, a space, an album and a public link that shows metadata, each exactly
the scope of its timeline, for every persona; and cluster counts that add up for any viewport and zoom."""

import uuid
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.geo import Cell
from tests.factories.media_files import make_jpeg
from tests.integration.api_client import uploaded
from tests.integration.test_api_albums import shared_album
from tests.integration.test_api_grants_end import archive, share_library
from tests.integration.test_api_links import make_link, token_of
from tests.integration.test_api_spaces import add, invite, new_space

EDINBURGH, PARIS, NEW_YORK, SYDNEY, TOKYO, FIJI, SAMOA = (
    (55.9533, -3.1883),
    (48.8566, 2.3522),
    (40.7128, -74.0060),
    (-33.8688, 151.2093),
    (35.6762, 139.6503),
    (-17.7134, 178.0650),
    (-13.7590, -172.1046),
)
WORLD = {'south': -90, 'west': -180, 'north': 90, 'east': 180, 'zoom': 0}


@pytest.fixture
def placed(shelf):
    """placed(n, position, year): a small JPEG taken in that year at that position (None: no GPS)."""

    def make(index: int, position: tuple[float, float] | None, year: int = 2023):
        color = (index * 53 % 256, 60 + index * 17 % 150, 220 - index * 31 % 200)
        taken_at = datetime(year, 1 + index % 12, 1 + index % 27, 12)
        return shelf.get(make_jpeg, '.jpg', size=(64, 48), color=color, taken_at=taken_at, gps=position)

    return make


def id_set(*asset_ids) -> set[str]:
    return {str(uuid.UUID(str(asset_id))) for asset_id in asset_ids}


async def grid_ids(client, buckets_url: str, **params) -> set[str]:
    """Every photo a timeline-grid endpoint lists, walking its months."""
    months = await client.get(buckets_url, params=params)
    assert months.status_code == 200, months.text
    found = set()
    for month in months.json():
        listed = (await client.get(f'{buckets_url}/{month["month"]}', params=params)).json()['assets']
        assert len(listed) == month['count']
        found |= {item['id'] for item in listed}
    return found


async def map_ids(client, prefix: str, **params) -> set[str]:
    """Every photo the map shows at the world view: each cluster's grid, whose sizes are the clusters' counts."""
    clusters = await client.get(f'{prefix}/clusters', params={**WORLD, **params})
    assert clusters.status_code == 200, clusters.text
    found = set()
    for cluster in clusters.json()['clusters']:
        in_cluster = await grid_ids(client, f'{prefix}/buckets', cell=cluster['cell'], **params)
        assert len(in_cluster) == cluster['count'] and cluster['cover'] in in_cluster
        found |= in_cluster
    assert clusters.json()['total'] == len(found)
    assert (await client.get(f'{prefix}/summary', params=params)).json()['count'] == len(found)
    return found


async def public_ids(guest, token: str) -> set[str]:
    listed = (await guest.get(f'/public/{token}/assets', params={'limit': 500})).json()['items']
    return {item['id'] for item in listed}


# ---- the same scope as each timeline -----------------------------------------------------------------------------


@pytest.fixture
async def family(as_alice, as_bob, as_carl, carl, placed):
    """Alice shares her library with Bob; her space has Carl; Bob's album has Carl (not on his timeline). Some photos
    have no place; one Alice archived, one she trashed, one Bob archived of hers (only his timeline loses it)."""
    alice = [await uploaded(as_alice, placed(n, where)) for n, where in enumerate((EDINBURGH, PARIS, None, SYDNEY))]
    archived, trashed = await uploaded(as_alice, placed(10, TOKYO)), await uploaded(as_alice, placed(11, FIJI))
    bob = [await uploaded(as_bob, placed(20 + n, where)) for n, where in enumerate((NEW_YORK, EDINBURGH, None))]
    await share_library(as_alice, 'bob@example.com')
    await archive(as_alice, archived)
    assert (await as_alice.post('/assets/trash', json={'ids': [trashed]})).status_code == 200
    await archive(as_bob, alice[3])
    space_id = await new_space(as_alice)
    await add(as_alice, space_id, alice[0], alice[2], archived)
    album_id = await shared_album(as_bob, asset_ids=[bob[0], bob[2], alice[1]], email=carl.email)
    return {'alice': alice, 'bob': bob, 'space': space_id, 'album': album_id, 'archived': archived}


async def test_my_map_shows_exactly_my_timelines_geotagged_photos(as_alice, as_bob, as_carl, family):
    alice, bob = family['alice'], family['bob']
    geotagged = id_set(*alice[:2], alice[3], family['archived'], *bob[:2])
    for client, expected in (
        (as_alice, id_set(*alice[:2], alice[3])),
        (as_bob, id_set(*alice[:2], *bob[:2])),
        (as_carl, set()),
    ):
        assert await map_ids(client, '/map') == expected
        assert expected == await grid_ids(client, '/timeline/buckets') & geotagged


@pytest.mark.parametrize('role', ['viewer', 'contributor', 'editor'])
async def test_a_spaces_map_is_its_timelines_geotagged_photos_for_each_member_and_404_for_others(
    as_alice, as_bob, as_carl, carl, family, role
):
    space = family['space']
    await invite(as_alice, space, role, email=carl.email)
    expected = id_set(family['alice'][0], family['archived'])  # the owner's archive stays in the space
    for member in (as_alice, as_carl):
        assert await map_ids(member, f'/spaces/{space}/map') == expected
        assert await grid_ids(member, f'/spaces/{space}/timeline/buckets') >= expected
    for path in ('summary', 'clusters', 'buckets'):
        params = {**WORLD, 'cell': '0/0/0'}
        assert (await as_bob.get(f'/spaces/{space}/map/{path}', params=params)).status_code == 404


async def test_an_albums_map_is_its_grid_for_members_and_404_for_others(as_alice, as_bob, as_carl, family):
    album = family['album']
    expected = id_set(family['bob'][0], family['alice'][1])
    for member in (as_bob, as_carl):
        assert await map_ids(member, f'/albums/{album}/map') == expected
        assert await grid_ids(member, f'/albums/{album}/timeline/buckets') >= expected
    assert (await as_alice.get(f'/albums/{album}/map/summary')).status_code == 404
    assert await map_ids(as_carl, '/map') == set()  # Carl keeps the album off his timeline


async def test_a_links_map_shows_its_photos_only_when_the_link_shows_metadata(as_alice, anonymous, family):
    space = family['space']
    showing = token_of(await make_link(as_alice, space_id=space, show_metadata=True))
    hiding = token_of(await make_link(as_alice, space_id=space, show_metadata=False))
    expected = id_set(family['alice'][0], family['archived'])

    assert await map_ids(anonymous, f'/public/{showing}/map') == expected
    assert expected <= await public_ids(anonymous, showing)
    for token in (hiding, 'no-such-link'):
        assert (await anonymous.get(f'/public/{token}/map/summary')).status_code == 404
        assert (await anonymous.get(f'/public/{token}/map/clusters', params=WORLD)).status_code == 404


async def test_strangers_and_anonymous_callers_learn_nothing(anonymous, as_carl, family):
    assert (await anonymous.get('/map/summary')).status_code == 401
    assert (await anonymous.get(f'/spaces/{family["space"]}/map/summary')).status_code == 401
    assert (await as_carl.get('/map/summary')).json() == {'count': 0, 'years': None, 'bounds': None}
    assert (await as_carl.get('/map/clusters', params=WORLD)).json()['clusters'] == []
    cell = str(Cell.of_key(0, 0))
    assert (await as_carl.get('/map/buckets', params={'cell': cell})).json() == []


# ---- what the map answers --------------------------------------------------------------------------------------


async def test_clusters_merge_nearby_photos_and_split_as_the_map_zooms_in(as_alice, placed):
    near_edinburgh = [(55.9533 + n * 0.001, -3.1883) for n in range(3)]
    ids = [await uploaded(as_alice, placed(30 + n, where)) for n, where in enumerate(near_edinburgh)]
    await uploaded(as_alice, placed(40, PARIS))

    world = (await as_alice.get('/map/clusters', params={**WORLD, 'zoom': 3})).json()
    assert sorted(cluster['count'] for cluster in world['clusters']) == [1, 3]
    paris = next(cluster for cluster in world['clusters'] if cluster['count'] == 1)
    assert (paris['lat'], paris['lon']) == pytest.approx(PARIS)  # a single photo at its own position

    street = {'south': 55.95, 'west': -3.2, 'north': 55.96, 'east': -3.18, 'zoom': 18}
    close = (await as_alice.get('/map/clusters', params=street)).json()
    assert [cluster['count'] for cluster in close['clusters']] == [1, 1, 1]
    assert {cluster['cover'] for cluster in close['clusters']} == id_set(*ids)


async def test_the_years_filter_the_map_and_its_grid_together(as_alice, placed):
    old = await uploaded(as_alice, placed(50, EDINBURGH, year=2012))
    new = await uploaded(as_alice, placed(51, EDINBURGH, year=2024))

    summary = (await as_alice.get('/map/summary')).json()
    assert (summary['count'], summary['years']) == (2, [2012, 2024])
    assert await map_ids(as_alice, '/map', from_year=2020) == id_set(new)
    assert await map_ids(as_alice, '/map', to_year=2019) == id_set(old)
    assert await map_ids(as_alice, '/map', from_year=2013, to_year=2023) == set()


async def test_a_viewport_across_the_antimeridian_finds_both_sides(as_alice, placed):
    fiji, samoa = await uploaded(as_alice, placed(60, FIJI)), await uploaded(as_alice, placed(61, SAMOA))
    await uploaded(as_alice, placed(62, PARIS))
    pacific = {'south': -30, 'west': 170, 'north': 0, 'east': 200, 'zoom': 4}  # Leaflet after panning east
    found = (await as_alice.get('/map/clusters', params=pacific)).json()
    assert {cluster['cover'] for cluster in found['clusters']} == id_set(fiji, samoa)


@pytest.mark.parametrize(
    'params',
    [
        {**WORLD, 'zoom': 19},
        {**WORLD, 'south': 10, 'north': -10},
        {**WORLD, 'zoom': 'near'},
        {**WORLD, 'from_year': 2024, 'to_year': 2020},
        {**WORLD, 'zoom': 14},  # the whole world at street level: thousands of clusters
    ],
    ids=['zoom too deep', 'south above north', 'zoom not a number', 'years backwards', 'too large an area'],
)
async def test_bad_map_requests_are_refused_clearly(as_alice, params):
    response = await as_alice.get('/map/clusters', params=params)
    assert response.status_code in (400, 422) and response.json()['detail']


@pytest.mark.parametrize('cell', ['1/2/0', '25/0/0', 'near/the/sea', ''])
async def test_a_cell_that_is_not_on_the_map_is_refused(as_alice, cell):
    response = await as_alice.get('/map/buckets', params={'cell': cell})
    assert response.status_code in (400, 422) and response.json()['detail']


# ---- counts add up for any viewport and zoom -----------------------------------------------------------------------

SCATTER = [EDINBURGH, PARIS, NEW_YORK, SYDNEY, TOKYO, FIJI, SAMOA, (0.1, 0.2), (-54.8, -68.3), (78.2, 15.6)]


def inside(position, south, west, north, east) -> bool:
    latitude, longitude = position
    if not south <= latitude <= north:
        return False
    if east - west >= 360:
        return True
    west, east = (side if -180 <= side <= 180 else (side + 180) % 360 - 180 for side in (west, east))
    return west <= longitude <= east if west <= east else longitude >= west or longitude <= east


@pytest.fixture
async def scattered(as_alice, placed):
    for n, where in enumerate(SCATTER):
        await uploaded(as_alice, placed(70 + n, where, year=2010 + n))


def degrees(low: float, high: float):
    return st.floats(low, high).map(lambda value: round(value, 4))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    south=degrees(-90, 89),
    height=degrees(0.5, 180),
    west=degrees(-200, 200),
    width=degrees(0.5, 400),
    zoom=st.integers(0, 5),
)
async def test_cluster_counts_add_up_to_the_photos_inside_any_viewport(
    as_alice, scattered, south, height, west, width, zoom
):
    """Whole cells are counted: the answer's bounds hold the viewport, and the counts add up to the photos inside
    those bounds."""
    box = {'south': south, 'west': west, 'north': min(90, south + height), 'east': west + width}
    response = await as_alice.get('/map/clusters', params={**box, 'zoom': zoom})
    if response.status_code == 400:  # too large an area for the zoom
        assert zoom >= 4
        return
    assert response.status_code == 200, response.text
    answer = response.json()
    counted = dict(zip(('south', 'west', 'north', 'east'), answer['bounds'], strict=True))
    assert all(inside(position, **counted) for position in SCATTER if inside(position, **box))
    expected = sum(inside(position, **counted) for position in SCATTER)
    assert sum(cluster['count'] for cluster in answer['clusters']) == answer['total'] == expected
