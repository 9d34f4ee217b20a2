"""Places (SPEC §8) over the REST API: a photo's place follows its position, a hand-set name stays, the places job
names what was never named, and places filter the timeline and a space with counts, from what the caller sees."""

import uuid

import pytest
from sqlalchemy import select, update

from domain.geo import geo_key
from domain.jobs import Queue
from services.pipeline import JobRunner
from services.steps import STEPS
from storage.models import AssetDetails
from tests.factories.media_files import make_jpeg
from tests.integration.api_client import uploaded
from tests.integration.test_api_spaces import add, invite, new_space

EDINBURGH, PARIS, GLASGOW = (55.9533, -3.1883), (48.8566, 2.3522), (55.8642, -4.2518)
EDINBURGH_LABEL = 'Edinburgh, Scotland, United Kingdom'


@pytest.fixture
def photo_at(shelf):
    """photo_at(position, n): a small JPEG taken there (None: nowhere), different for each n."""

    def make(position: tuple[float, float] | None, index: int = 0):
        color = (index * 53 % 256, 40 + index * 17 % 150, 220 - index * 31 % 200)
        return shelf.get(make_jpeg, '.jpg', size=(64, 48), color=color, gps=position)

    return make


async def details_of(hearth, asset_id: str) -> AssetDetails:
    async with hearth.db.session() as session:
        return await session.scalar(select(AssetDetails).where(AssetDetails.asset_id == uuid.UUID(asset_id)))


async def view(client, asset_id: str) -> dict:
    response = await client.get(f'/assets/{asset_id}')
    assert response.status_code == 200, response.text
    return response.json()


async def move(client, asset_id: str, position) -> None:
    latitude, longitude = position or (None, None)
    response = await client.patch(f'/assets/{asset_id}', json={'latitude': latitude, 'longitude': longitude})
    assert response.status_code == 200, response.text


async def run_places_job(hearth) -> None:
    runner = JobRunner(hearth, STEPS)
    try:
        while await runner.run_once(Queue.PLACES):
            pass
    finally:
        await runner.stop()


async def forget_places(hearth) -> None:
    """As photos stored before places existed: a key, but no names and never looked up."""
    async with hearth.db.session() as session:
        names = dict.fromkeys(('place_city', 'place_county', 'place_state', 'place_country', 'place_country_code'))
        await session.execute(update(AssetDetails).values(place_source=None, **names))
        await session.commit()


# ---- deriving -------------------------------------------------------------------------------------------------------


async def test_an_uploaded_photo_is_named_from_its_position_and_follows_a_correction(hearth, as_alice, photo_at):
    asset_id = await uploaded(as_alice, photo_at(EDINBURGH, 1))

    shown = await view(as_alice, asset_id)
    assert (shown['place'], shown['place_city'], shown['place_by_hand']) == (EDINBURGH_LABEL, 'Edinburgh', False)
    details = await details_of(hearth, asset_id)
    assert details.geo_key == geo_key(details.latitude, details.longitude) is not None
    assert details.place_source == 'geocoder'

    await move(as_alice, asset_id, PARIS)
    moved = await view(as_alice, asset_id)
    assert (moved['place_city'], moved['place_country']) == ('Paris', 'France')
    assert (await details_of(hearth, asset_id)).geo_key == geo_key(*PARIS)

    await move(as_alice, asset_id, None)
    cleared = await view(as_alice, asset_id)
    assert (cleared['place'], cleared['latitude']) == (None, None)
    assert (await details_of(hearth, asset_id)).geo_key is None


async def test_a_photo_without_a_position_has_no_place(as_alice, photo_at):
    asset_id = await uploaded(as_alice, photo_at(None, 2))
    assert (await view(as_alice, asset_id))['place'] is None


# ---- hand-set names -------------------------------------------------------------------------------------------------


async def test_a_hand_set_place_survives_corrections_and_the_places_job_until_made_automatic(
    hearth, as_alice, photo_at
):
    asset_id = await uploaded(as_alice, photo_at(EDINBURGH, 3))
    named = await as_alice.put(f'/assets/{asset_id}/place', json={'city': ' Granny’s  house ', 'country': 'Scotland'})
    assert named.status_code == 200, named.text
    assert (named.json()['place'], named.json()['place_by_hand']) == ('Granny’s house, Scotland', True)

    await move(as_alice, asset_id, PARIS)
    assert (await view(as_alice, asset_id))['place'] == 'Granny’s house, Scotland'
    assert (await details_of(hearth, asset_id)).geo_key == geo_key(*PARIS)  # the key follows the position anyway
    await run_places_job(hearth)
    assert (await view(as_alice, asset_id))['place'] == 'Granny’s house, Scotland'

    automatic = await as_alice.put(f'/assets/{asset_id}/place', json={'automatic': True})
    assert (automatic.json()['place_city'], automatic.json()['place_by_hand']) == ('Paris', False)


async def test_deleting_the_place_or_emptying_every_name_gives_it_back_to_the_geocoder(as_alice, photo_at):
    asset_id = await uploaded(as_alice, photo_at(EDINBURGH, 4))
    await as_alice.put(f'/assets/{asset_id}/place', json={'city': 'Home'})
    assert (await as_alice.delete(f'/assets/{asset_id}/place')).json()['place'] == EDINBURGH_LABEL
    await as_alice.put(f'/assets/{asset_id}/place', json={'city': 'Home'})
    emptied = await as_alice.put(f'/assets/{asset_id}/place', json={'city': ' ', 'state': '', 'country': None})
    assert (emptied.json()['place'], emptied.json()['place_by_hand']) == (EDINBURGH_LABEL, False)


async def test_a_place_name_too_long_is_refused(as_alice, photo_at):
    asset_id = await uploaded(as_alice, photo_at(EDINBURGH, 5))
    response = await as_alice.put(f'/assets/{asset_id}/place', json={'city': 'x' * 201})
    assert response.status_code == 422
    assert (await view(as_alice, asset_id))['place'] == EDINBURGH_LABEL


@pytest.mark.parametrize(('role', 'expected'), [('editor', 200), ('contributor', 403), ('viewer', 403)])
async def test_only_those_who_may_correct_the_position_may_name_the_place(
    as_alice, as_bob, bob, photo_at, role, expected
):
    """GIVEN Bob in Alice's space with a role WHEN he names the place of her photo THEN editors may (GPS R/W, SPEC
    §3), contributors and viewers see it but are refused, and a refusal changes nothing."""
    asset_id = await uploaded(as_alice, photo_at(EDINBURGH, 6))
    space_id = await new_space(as_alice)
    await invite(as_alice, space_id, role)
    await add(as_alice, space_id, asset_id)

    for response in (
        await as_bob.put(f'/assets/{asset_id}/place', json={'city': 'Leith'}),
        await as_bob.delete(f'/assets/{asset_id}/place'),
    ):
        assert response.status_code == expected, response.text
    if expected == 403:
        assert (await view(as_alice, asset_id))['place'] == EDINBURGH_LABEL
        assert 'edit_gps' not in (await view(as_bob, asset_id))['permissions']


async def test_a_stranger_cannot_tell_the_photo_exists_and_anonymous_must_sign_in(
    as_alice, as_carl, anonymous, photo_at
):
    asset_id = await uploaded(as_alice, photo_at(EDINBURGH, 7))
    assert (await as_carl.put(f'/assets/{asset_id}/place', json={'city': 'Leith'})).status_code == 404
    assert (await as_carl.delete(f'/assets/{asset_id}/place')).status_code == 404
    assert (await anonymous.put(f'/assets/{asset_id}/place', json={'city': 'Leith'})).status_code == 401
    assert (await view(as_alice, asset_id))['place'] == EDINBURGH_LABEL


# ---- the places job -------------------------------------------------------------------------------------------------


async def places_counts(as_root) -> dict:
    response = await as_root.get('/admin/jobs')
    assert response.status_code == 200, response.text
    queue = next(queue for queue in response.json() if queue['queue'] == 'places')
    return {name: queue[name] for name in ('applies_to', 'done', 'waiting', 'not_started', 'skipped')}


async def test_run_for_missing_names_the_places_of_photos_from_before_places_existed(
    hearth, as_alice, as_root, photo_at
):
    edinburgh = await uploaded(as_alice, photo_at(EDINBURGH, 8))
    paris = await uploaded(as_alice, photo_at(PARIS, 9))
    await uploaded(as_alice, photo_at(None, 10))
    await forget_places(hearth)
    assert (await view(as_alice, edinburgh))['place'] is None
    assert await places_counts(as_root) == {
        'applies_to': 3,
        'done': 0,
        'waiting': 0,
        'not_started': 2,
        'skipped': {'no_position': 1},
    }

    assert (await as_root.post('/admin/jobs/places/run', json={'which': 'missing'})).status_code == 202
    assert (await places_counts(as_root))['waiting'] == 2
    await run_places_job(hearth)

    assert (await view(as_alice, edinburgh))['place'] == EDINBURGH_LABEL
    assert (await view(as_alice, paris))['place_city'] == 'Paris'
    assert (await places_counts(as_root))['done'] == 2
    assert (await places_counts(as_root))['not_started'] == 0


# ---- places as filters ----------------------------------------------------------------------------------------------


def counts_by_value(choices: list[dict]) -> dict[str, int]:
    flat = {choice['value']: choice['count'] for choice in choices}
    return flat | {city['value']: city['count'] for choice in choices for city in choice['cities']}


async def month_total(client, path: str, **params) -> int:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return sum(month['count'] for month in response.json())


async def test_the_timeline_filters_by_place_with_counts_from_my_photos_only(as_alice, as_bob, photo_at):
    await uploaded(as_alice, photo_at(EDINBURGH, 11))
    await uploaded(as_alice, photo_at(EDINBURGH, 12))
    paris = await uploaded(as_alice, photo_at(PARIS, 13))
    await uploaded(as_alice, photo_at(None, 14))
    await uploaded(as_bob, photo_at(GLASGOW, 15))  # Bob's: never among Alice's places

    choices = (await as_alice.get('/timeline/places')).json()
    assert counts_by_value(choices) == {'country:GB': 2, 'city:GB/Edinburgh': 2, 'country:FR': 1, 'city:FR/Paris': 1}
    assert [choice['name'] for choice in choices] == ['France', 'United Kingdom']
    for value, count in counts_by_value(choices).items():
        assert await month_total(as_alice, '/timeline/buckets', place=value) == count
    month = (await as_alice.get('/timeline/buckets', params={'place': 'city:FR/Paris'})).json()[0]['month']
    items = (await as_alice.get(f'/timeline/buckets/{month}', params={'place': 'city:FR/Paris'})).json()['assets']
    assert [uuid.UUID(item['id']) for item in items] == [uuid.UUID(paris)]
    assert counts_by_value((await as_bob.get('/timeline/places')).json()) == {
        'country:GB': 1,
        'city:GB/Glasgow': 1,
    }


@pytest.mark.parametrize('bad', ['town:GB', 'city:GB', 'country:GBR', 'country:', 'city:/Paris', 'GB'])
async def test_a_place_filter_that_is_not_a_country_or_a_city_is_refused(as_alice, bad):
    response = await as_alice.get('/timeline/buckets', params={'place': bad})
    assert response.status_code == 400
    assert 'city:GB/Edinburgh' in response.json()['detail']


async def test_a_space_filters_by_place_with_counts_of_its_photos_only(as_alice, as_bob, bob, photo_at):
    in_space = [await uploaded(as_alice, photo_at(position, 20 + n)) for n, position in enumerate((EDINBURGH, PARIS))]
    await uploaded(as_alice, photo_at(GLASGOW, 23))  # Alice's, not in the space
    await uploaded(as_bob, photo_at(GLASGOW, 24))  # Bob's own
    space_id = await new_space(as_alice)
    await invite(as_alice, space_id, 'viewer')
    await add(as_alice, space_id, *in_space)

    filters = (await as_bob.get(f'/spaces/{space_id}/filters')).json()
    assert counts_by_value(filters['places']) == {
        'country:GB': 1,
        'city:GB/Edinburgh': 1,
        'country:FR': 1,
        'city:FR/Paris': 1,
    }
    url = f'/spaces/{space_id}/timeline/buckets'
    assert await month_total(as_bob, url, place='city:GB/Edinburgh') == 1
    assert await month_total(as_bob, url, place='country:FR') == 1
    assert await month_total(as_bob, url, place='city:GB/Glasgow') == 0
    assert (await as_bob.get(url, params={'place': 'near:home'})).status_code == 400


# ---- public links ---------------------------------------------------------------------------------------------------


async def test_a_public_link_shows_the_place_only_when_it_shows_metadata(as_alice, anonymous, photo_at):
    asset_id = await uploaded(as_alice, photo_at(EDINBURGH, 30))
    for show_metadata, expected in ((True, EDINBURGH_LABEL), (False, None)):
        response = await as_alice.post('/links', json={'asset_ids': [asset_id], 'show_metadata': show_metadata})
        assert response.status_code == 201, response.text
        token = response.json()['url'].removeprefix('/s/')
        shown = (await anonymous.get(f'/public/{token}/assets/{asset_id}')).json()
        assert shown.get('place') == expected
