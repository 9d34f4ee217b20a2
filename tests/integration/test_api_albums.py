"""Albums over the REST API: curation, sharing at a trust level, SPEC §3 through an album grant, who learns what,
comments and likes, and bad input. Every refusal is checked to have changed nothing."""

import uuid
from datetime import datetime

import pytest

from api import albums as albums_api
from domain.access import Permission, TrustLevel
from tests.integration.api_client import uploaded
from tests.integration.test_api_partners import EXPECTED, OPERATIONS, _fill

P = Permission


async def new_album(owner, name='Holiday', **fields) -> dict:
    response = await owner.post('/albums', json={'name': name, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def shared_album(owner, trust_level='known', asset_ids=(), email='bob@example.com') -> str:
    album_id = (await new_album(owner, asset_ids=list(asset_ids)))['id']
    response = await owner.post(f'/albums/{album_id}/members', json={'email': email, 'trust_level': trust_level})
    assert response.status_code == 201, response.text
    return album_id


async def remove_assets(member, album_id, asset_ids):
    return await member.request('DELETE', f'/albums/{album_id}/assets', json={'asset_ids': asset_ids})


async def album_state(owner, album_id) -> list:
    """Everything the owner can read about the album."""
    url = f'/albums/{album_id}'
    return [(await owner.get(path)).json() for path in (url, f'{url}/assets', f'{url}/activity')]


# ---- the journey ----------------------------------------------------------------------------------------------------


async def test_an_album_from_creation_through_sharing_to_deletion(as_alice, as_bob, photo, bob):
    first, second, third = [await uploaded(as_alice, photo(n)) for n in (11, 12, 13)]

    created = await new_album(as_alice, ' Summer  2026 ', asset_ids=[first, second])
    assert (created['name'], created['asset_count'], created['is_mine']) == ('Summer 2026', 2, True)
    url = f'/albums/{created["id"]}'
    assert (await as_alice.patch(url, json={'name': 'Seaside'})).status_code == 200
    assert (await as_alice.patch(url, json={'description': 'By the sea'})).status_code == 200
    covered = (await as_alice.patch(url, json={'cover_asset_id': second})).json()
    assert (covered['name'], covered['description'], covered['cover_asset_id']) == ('Seaside', 'By the sea', second)
    assert (await as_alice.put(f'{url}/assets', json={'asset_ids': [third, first]})).json() == {'added': 1}
    assert (await remove_assets(as_alice, created['id'], [first])).json() == {'removed': 1}
    assert {item['id'] for item in (await as_alice.get(f'{url}/assets')).json()} == {second, third}

    shared = await as_alice.post(f'{url}/members', json={'email': 'bob@example.com'})
    assert (shared.status_code, shared.json()['trust_level']) == (201, 'known')
    for level in TrustLevel:
        changed = await as_alice.patch(f'{url}/members/{bob.id}', json={'trust_level': level.value})
        assert changed.json()['trust_level'] == level.value
        seen = (await as_bob.get(url)).json()['album']
        assert (seen['name'], seen['owner_name'], seen['my_trust_level']) == ('Seaside', 'Alice', level.value)
        download = await as_bob.get(f'/assets/{second}/original')
        assert download.status_code == (403 if level == TrustLevel.GUEST else 200)

    assert [album['id'] for album in (await as_bob.get('/albums')).json()] == [created['id']]
    assert {item['id'] for item in (await as_bob.get(f'{url}/assets')).json()} == {second, third}
    asset = (await as_bob.get(f'/assets/{third}')).json()
    assert (asset['owner_name'], asset['is_mine']) == ('Alice', False)
    assert (await as_bob.get('/timeline/buckets')).json() == []  # until Bob chooses to show it (SPEC §8)
    shown = await as_bob.put(f'{url}/timeline', json={'show_in_timeline': True})
    assert (shown.status_code, shown.json()['show_in_timeline']) == (200, True)
    assert sum(bucket['count'] for bucket in (await as_bob.get('/timeline/buckets')).json()) == 2

    hidden = await as_bob.put(f'{url}/timeline', json={'show_in_timeline': False})
    assert (hidden.status_code, hidden.json()['show_in_timeline']) == (200, False)
    assert (await as_bob.get('/timeline/buckets')).json() == []

    assert (await as_bob.post(f'{url}/leave')).status_code == 204
    assert (await as_bob.get(url)).status_code == 404
    assert (await as_bob.get(f'/assets/{third}')).status_code == 404
    assert (await as_bob.get('/albums')).json() == []

    assert (await as_alice.delete(url)).status_code == 204
    assert (await as_alice.get(url)).status_code == 404
    assert (await as_alice.get('/albums')).json() == []
    assert (await as_alice.get(f'/assets/{third}')).json()['trashed_at'] is None  # the photos stay


async def test_the_owner_removes_a_member_whose_access_ends_at_once(as_alice, as_bob, photo, bob):
    asset_id = await uploaded(as_alice, photo(14))
    album_id = await shared_album(as_alice, asset_ids=[asset_id])

    assert (await as_alice.delete(f'/albums/{album_id}/members/{bob.id}')).status_code == 204

    assert (await as_bob.get(f'/albums/{album_id}')).status_code == 404
    assert (await as_bob.get(f'/assets/{asset_id}')).status_code == 404
    assert (await as_alice.get(f'/albums/{album_id}')).json()['members'] == []


# ---- SPEC §3 through an album grant ---------------------------------------------------------------------------------

ALBUM_OPERATIONS = {
    **OPERATIONS,
    P.ADD_TO_ALBUM: ('PUT', '/albums/{album}/assets', {'asset_ids': ['{id}']}, 'added', 1),
}


async def seen_by_both(as_alice, as_bob, asset_id) -> list:
    """The asset as its owner and the member see it, and the member's albums (with their asset counts)."""
    views = [(await client.get(f'/assets/{asset_id}')).json() for client in (as_alice, as_bob)]
    return [*views, (await as_bob.get('/albums')).json()]


@pytest.mark.parametrize('permission', list(ALBUM_OPERATIONS), ids=[p.value for p in ALBUM_OPERATIONS])
@pytest.mark.parametrize('trust_level', list(TrustLevel), ids=[t.value for t in TrustLevel])
async def test_album_member_role_over_http_matches_spec_section_3(as_alice, as_bob, photo, trust_level, permission):
    """GIVEN an asset Bob reaches only through Alice's album WHEN he acts on it THEN SPEC §3 for his role decides."""
    asset_id = await uploaded(as_alice, photo(21))
    await shared_album(as_alice, trust_level.value, [asset_id])
    bobs_album = (await new_album(as_bob, 'Mine'))['id']
    method, path, body, field, value = ALBUM_OPERATIONS[permission]
    before = await seen_by_both(as_alice, as_bob, asset_id)

    response = await as_bob.request(
        method, _fill(path, asset_id).replace('{album}', bobs_album), json=_fill(body, asset_id)
    )

    if trust_level.role in EXPECTED[permission]:
        assert response.is_success, response.text
        if field:
            assert response.json()[field] == value
        if method != 'GET':
            assert await seen_by_both(as_alice, as_bob, asset_id) != before
    else:
        assert response.status_code == 403, response.text
        assert await seen_by_both(as_alice, as_bob, asset_id) == before


# ---- who may do what to the album -----------------------------------------------------------------------------------


@pytest.mark.parametrize('trust_level', list(TrustLevel), ids=[t.value for t in TrustLevel])
async def test_only_the_owner_manages_the_album(as_alice, as_bob, carl, bob, photo, trust_level):
    asset_id = await uploaded(as_alice, photo(31))
    album_id = await shared_album(as_alice, trust_level.value, [asset_id])
    url = f'/albums/{album_id}'
    before = await album_state(as_alice, album_id)
    attempts = [
        ('PATCH', url, {'name': 'Mine now'}),
        ('DELETE', url, None),
        ('POST', f'{url}/members', {'email': 'carl@example.com'}),
        ('PATCH', f'{url}/members/{bob.id}', {'trust_level': 'very_close'}),
        ('DELETE', f'{url}/members/{bob.id}', None),
        ('DELETE', f'{url}/assets', {'asset_ids': [asset_id]}),  # the owner added it
    ]

    for method, path, body in attempts:
        response = await as_bob.request(method, path, json=body)
        assert response.status_code == 403, (method, path, response.text)

    assert await album_state(as_alice, album_id) == before


ALBUM_CALLS = [
    ('GET', '/albums/{album_id}', None),
    ('PATCH', '/albums/{album_id}', {'name': 'Taken'}),
    ('DELETE', '/albums/{album_id}', None),
    ('GET', '/albums/{album_id}/assets', None),
    ('GET', '/albums/{album_id}/timeline/buckets', None),
    ('GET', '/albums/{album_id}/timeline/buckets/{month}', None),
    ('PUT', '/albums/{album_id}/assets', {'asset_ids': ['{asset_id}']}),
    ('DELETE', '/albums/{album_id}/assets', {'asset_ids': ['{asset_id}']}),
    ('POST', '/albums/{album_id}/members', {'email': 'carl@example.com'}),
    ('PATCH', '/albums/{album_id}/members/{user_id}', {'trust_level': 'guest'}),
    ('DELETE', '/albums/{album_id}/members/{user_id}', None),
    ('POST', '/albums/{album_id}/leave', None),
    ('PUT', '/albums/{album_id}/timeline', {'show_in_timeline': False}),
    ('GET', '/albums/{album_id}/activity', None),
    ('POST', '/albums/{album_id}/comments', {'text': 'Hello'}),
    ('PUT', '/albums/{album_id}/likes', {'asset_id': '{asset_id}'}),
    ('DELETE', '/albums/{album_id}/likes', None),
    ('DELETE', '/albums/{album_id}/activity/{activity_id}', None),
]


def _filled(value, ids: dict):
    if isinstance(value, str):
        return value.format_map(ids)
    if isinstance(value, dict):
        return {key: _filled(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, ids) for item in value]
    return value


def test_every_album_route_is_in_the_outsider_test():
    routes = {(method, route.path) for route in albums_api.router.routes for method in route.methods}
    assert {(m, p) for m, p in routes if '{album_id}' in p} == {(m, p) for m, p, _ in ALBUM_CALLS}


@pytest.fixture
def stranger(request):
    """The client fixture named by the test's parameter."""
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize(
    ('stranger', 'status'), [('as_carl', 404), ('as_root', 404), ('anonymous', 401)], indirect=['stranger']
)
async def test_outsiders_learn_nothing_of_an_album_or_its_assets(as_alice, as_bob, bob, photo, stranger, status):
    """Carl is in no album; the instance admin has no access to anyone's photos (SPEC §1)."""
    asset_id = await uploaded(as_alice, photo(32))
    album_id = await shared_album(as_alice, asset_ids=[asset_id])
    comment = (await as_bob.post(f'/albums/{album_id}/comments', json={'text': 'Nice'})).json()
    ids = {'album_id': album_id, 'asset_id': asset_id, 'user_id': bob.id, 'activity_id': comment['id']}
    ids['month'] = (await as_alice.get(f'/albums/{album_id}/timeline/buckets')).json()[0]['month']
    before = await album_state(as_alice, album_id)

    for method, path, body in ALBUM_CALLS:
        response = await stranger.request(method, _filled(path, ids), json=_filled(body, ids))
        assert response.status_code == status, (method, path, response.text)
    for path in ('', '/thumbnail', '/original'):
        assert (await stranger.get(f'/assets/{asset_id}{path}')).status_code == status

    assert await album_state(as_alice, album_id) == before
    if status == 404:
        assert (await stranger.get('/albums')).json() == []
        assert (await stranger.get('/timeline/buckets')).json() == []


# ---- the album on the timeline grid ---------------------------------------------------------------------------------


async def test_the_album_grid_shows_by_month_what_its_list_shows(as_alice, as_bob, photo):
    taken = [datetime(2024, 7, 3, 9), datetime(2024, 7, 20, 18), datetime(2023, 12, 24, 20)]
    ids = [await uploaded(as_alice, photo(40 + n, taken_at=when)) for n, when in enumerate(taken)]
    album_id = await shared_album(as_alice, asset_ids=ids)
    url = f'/albums/{album_id}/timeline/buckets'

    for member in (as_alice, as_bob):
        assert (await member.get(url)).json() == [{'month': '2024-07', 'count': 2}, {'month': '2023-12', 'count': 1}]
        july = (await member.get(f'{url}/2024-07')).json()['assets']
        assert [uuid.UUID(item['id']) for item in july] == [uuid.UUID(ids[1]), uuid.UUID(ids[0])]
        assert {(item['w'], item['h']) for item in july} == {(96, 72)}

    await remove_assets(as_alice, album_id, [ids[2]])
    assert (await as_bob.get(url)).json() == [{'month': '2024-07', 'count': 2}]
    assert (await as_bob.get(f'{url}/2023-12')).json()['assets'] == []
    assert (await as_bob.get(f'{url}/July')).status_code == 400


# ---- comments and likes ---------------------------------------------------------------------------------------------


async def test_members_comment_and_like_and_only_authors_or_the_owner_delete(as_alice, as_bob, as_carl, photo):
    asset_id = await uploaded(as_alice, photo(41))
    album_id = await shared_album(as_alice, 'guest', [asset_id])
    await as_alice.post(f'/albums/{album_id}/members', json={'email': 'carl@example.com', 'trust_level': 'guest'})
    url = f'/albums/{album_id}'
    on_asset = {'asset_id': asset_id}

    bobs = await as_bob.post(f'{url}/comments', json={'text': '  Lovely trip '})
    carls = (await as_carl.post(f'{url}/comments', json={'text': 'Great light', **on_asset})).json()
    likes = [await as_bob.put(f'{url}/likes', json=on_asset) for _ in range(2)]
    assert (await as_bob.put(f'{url}/likes')).status_code == 200  # no body: the album itself

    assert (bobs.status_code, bobs.json()['text'], bobs.json()['author_name']) == (201, 'Lovely trip', 'Bob')
    assert [like.status_code for like in likes] == [200, 200] and likes[0].json()['id'] == likes[1].json()['id']
    about_album = (await as_alice.get(f'{url}/activity')).json()
    assert [(a['kind'], a['author_name'], a['deletable']) for a in about_album] == [
        ('comment', 'Bob', True),
        ('like', 'Bob', True),
    ]
    about_asset = (await as_bob.get(f'{url}/activity', params=on_asset)).json()
    assert [(a['kind'], a['author_name'], a['deletable']) for a in about_asset] == [
        ('comment', 'Carl', False),
        ('like', 'Bob', True),
    ]

    assert (await as_bob.delete(f'{url}/activity/{carls["id"]}')).status_code == 403
    assert (await as_bob.get(f'{url}/activity', params=on_asset)).json() == about_asset
    assert (await as_alice.delete(f'{url}/activity/{carls["id"]}')).status_code == 204
    assert (await as_bob.delete(f'{url}/activity/{bobs.json()["id"]}')).status_code == 204
    assert [(await as_bob.delete(f'{url}/likes', params=on_asset)).status_code for _ in range(2)] == [204, 204]

    assert (await as_bob.get(f'{url}/activity', params=on_asset)).json() == []
    assert [a['kind'] for a in (await as_carl.get(f'{url}/activity')).json()] == ['like']
    assert (await as_alice.delete(f'{url}/activity/{carls["id"]}')).status_code == 404


async def test_an_empty_comment_or_one_on_a_foreign_asset_is_refused(as_alice, as_bob, photo):
    inside, outside = [await uploaded(as_alice, photo(n)) for n in (42, 43)]
    album_id = await shared_album(as_alice, asset_ids=[inside])

    assert (await as_bob.post(f'/albums/{album_id}/comments', json={'text': '   '})).status_code == 400
    assert (
        await as_bob.post(f'/albums/{album_id}/comments', json={'text': 'Hi', 'asset_id': outside})
    ).status_code == 404
    assert (await as_bob.put(f'/albums/{album_id}/likes', json={'asset_id': outside})).status_code == 404
    assert (await as_bob.post(f'/albums/{album_id}/comments', json={})).status_code == 422

    assert (await as_alice.get(f'/albums/{album_id}/activity')).json() == []
    assert (await as_alice.get(f'/albums/{album_id}/activity', params={'asset_id': outside})).json() == []


# ---- bad input ------------------------------------------------------------------------------------------------------


def _random_ids(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


async def test_creating_an_album_badly_creates_nothing(as_alice, as_bob, photo):
    bobs = await uploaded(as_bob, photo(51))
    attempts = [
        ({'name': ''}, 400),
        ({'name': '   '}, 400),
        ({'name': 'x' * 201}, 400),
        ({'description': 'No name'}, 422),
        ({'name': 'Holiday', 'asset_ids': ['not-a-uuid']}, 422),
        ({'name': 'Holiday', 'asset_ids': _random_ids(10_001)}, 422),
        ({'name': 'Holiday', 'asset_ids': [bobs]}, 404),  # not visible to Alice
        ({'name': 'Holiday', 'owner_id': str(uuid.uuid4())}, 422),
    ]

    for body, status in attempts:
        response = await as_alice.post('/albums', json=body)
        assert response.status_code == status, (body, response.text)

    assert (await as_alice.get('/albums')).json() == []


async def test_changing_an_album_badly_changes_nothing(as_alice, as_bob, bob, photo):
    mine = await uploaded(as_alice, photo(52))
    bobs = await uploaded(as_bob, photo(53))
    album_id = await shared_album(as_alice, asset_ids=[mine])
    url = f'/albums/{album_id}'
    before = await album_state(as_alice, album_id)
    attempts = [
        ('PATCH', url, {'name': ' '}, 400),
        ('PATCH', url, {'cover_asset_id': bobs}, 400),
        ('PATCH', url, {'cover_asset_id': 'not-a-uuid'}, 422),
        ('PUT', f'{url}/assets', {'asset_ids': []}, 422),
        ('PUT', f'{url}/assets', {'asset_ids': [mine, bobs]}, 404),  # Bob's is not visible to Alice
        ('PUT', f'{url}/assets', {'asset_ids': _random_ids(10_000)}, 404),  # as many as allowed, none visible
        ('PUT', f'{url}/assets', {'asset_ids': _random_ids(10_001)}, 422),
        ('DELETE', f'{url}/assets', {'asset_ids': [mine, bobs]}, 404),  # not all of them are in the album
        ('DELETE', f'{url}/assets', {}, 422),
        ('POST', f'{url}/members', {'email': 'bob@example.com'}, 409),
        ('POST', f'{url}/members', {'email': 'alice@example.com'}, 400),
        ('POST', f'{url}/members', {'email': 'nobody@example.com'}, 404),
        ('POST', f'{url}/members', {'email': 'carl@example.com', 'trust_level': 'best friend'}, 422),
        ('PATCH', f'{url}/members/{bob.id}', {'trust_level': 'best friend'}, 422),
        ('PATCH', f'{url}/members/{uuid.uuid4()}', {'trust_level': 'guest'}, 404),
        ('PUT', f'{url}/timeline', {'show_in_timeline': False}, 403),  # the owner is no member
        ('POST', f'{url}/leave', None, 403),
        ('PATCH', f'/albums/{uuid.uuid4()}', {'name': 'Lost'}, 404),
        ('DELETE', f'/albums/{uuid.uuid4()}', None, 404),
        ('GET', '/albums/not-a-uuid', None, 422),
    ]

    for method, path, body, status in attempts:
        response = await as_alice.request(method, path, json=body)
        assert response.status_code == status, (method, path, response.text)

    assert await album_state(as_alice, album_id) == before
    assert [album['id'] for album in (await as_alice.get('/albums')).json()] == [album_id]
