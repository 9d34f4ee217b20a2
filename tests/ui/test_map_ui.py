"""Where photos were taken, as a family member finds it: the Map page in the navigation, the Map tab of a space, an
album and a public link that shows metadata, and the grid of a chosen place's photos. The map itself draws in the
browser (tests/e2e/test_map_journey.py); here its events are sent as the browser would send them."""

from nicegui.testing import User

from services import accounts, albums, links, runtime, spaces
from tests.ui.conftest import sign_up_admin
from ui.components.place_map import PlaceMap
from ui.components.timeline_grid import TimelineGrid


async def ann(user: User):
    await sign_up_admin(user)
    return await accounts.authenticate(runtime.current(), 'ann@example.com', 'hearth-admin')


def the_map(user: User) -> PlaceMap:
    (place_map,) = user.find(kind=PlaceMap).elements
    return place_map


async def test_the_map_is_in_the_navigation_and_maps_my_timeline(user: User):
    await sign_up_admin(user)

    user.find('more-map').click()

    await user.should_see('place-map', retries=50)
    assert the_map(user).props['api'] == '/api/map'


async def test_a_library_without_places_says_how_photos_get_one(user: User):
    await sign_up_admin(user)
    await user.open('/map')

    user.find('place-map').trigger('summary', {'count': 0, 'years': None, 'bounds': None})

    await user.should_see('No photos with a place yet')
    await user.should_see('GPS position', retries=5)


async def test_a_chosen_place_opens_its_photos_filtered_by_the_chosen_years(user: User):
    await sign_up_admin(user)
    await user.open('/map')
    await user.should_see('place-map')
    user.find('place-map').trigger('summary', {'count': 4, 'years': [2019, 2024], 'bounds': [48, 2, 49, 3]})
    await user.should_not_see('No photos with a place yet')

    user.find('place-map').trigger('cluster', {'cell': '9/258/176', 'count': 4, 'lat': 48.85, 'lon': 2.35})
    await user.should_see('4 photos')
    user.find('place-map').trigger('years', {'from_year': 2021, 'to_year': 2023})

    (grid,) = user.find(kind=TimelineGrid).elements
    assert grid.props['api_base'] == '/api/map'
    await user.should_see('map-grid', retries=5)
    assert grid.props['query'] == {'cell': '9/258/176', 'from_year': 2021, 'to_year': 2023}


async def test_a_photo_in_the_places_grid_opens_in_the_viewer(user: User):
    await sign_up_admin(user)
    await user.open('/map')
    await user.should_see('place-map')
    user.find('place-map').trigger('cluster', {'cell': '9/258/176', 'count': 1, 'lat': 48.85, 'lon': 2.35})
    await user.should_see('map-grid')

    user.find('map-grid').trigger('open', {'id': 'not-a-photo', 'month': '2024-07'})

    await user.should_see('Photos', retries=50)  # an unknown photo sends the viewer back to the timeline


async def test_a_space_shows_its_own_map_in_a_tab(user: User):
    me = await ann(user)
    space = await spaces.create_space(runtime.current(), me, 'Brittany')
    await user.open(f'/spaces/{space.id}')
    await user.should_not_see('place-map')

    user.find('tab-map').click()

    await user.should_see('place-map', retries=20)
    assert the_map(user).props['api'] == f'/api/spaces/{space.id}/map'


async def test_an_album_shows_its_own_map_in_a_tab(user: User):
    me = await ann(user)
    album = await albums.create_album(runtime.current(), me, 'Lake')
    await user.open(f'/albums/{album.id}')
    await user.should_see('album-name', retries=50)

    user.find('tab-map').click()

    await user.should_see('place-map', retries=20)
    assert the_map(user).props['api'] == f'/api/albums/{album.id}/map'


async def test_a_public_link_that_shows_metadata_has_a_map_for_its_guests(user: User):
    me = await ann(user)
    hearth = runtime.current()
    album = await albums.create_album(hearth, me, 'Lake')
    link = await links.create_link(hearth, me, album_id=album.id, show_metadata=True)
    await user.open(f'/s/{link.token}')
    await user.should_see('Shared by Ann', retries=50)

    user.find('tab-map').click()

    await user.should_see('place-map', retries=20)
    place_map = the_map(user)
    assert place_map.props['api'] == f'/api/public/{link.token}/map'
    assert place_map.props['thumb'] == f'/api/public/{link.token}/assets/{{id}}/thumbnail'


async def test_a_public_link_that_hides_metadata_has_no_map(user: User):
    me = await ann(user)
    hearth = runtime.current()
    album = await albums.create_album(hearth, me, 'Lake')
    link = await links.create_link(hearth, me, album_id=album.id)
    await user.open(f'/s/{link.token}')
    await user.should_see('Shared by Ann', retries=50)

    await user.should_not_see('tab-map')
    await user.should_not_see('place-map')
