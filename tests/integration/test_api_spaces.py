"""Shared Spaces over the REST API: every space role against every operation on the space and (SPEC §3) on its
assets, who learns what, the last owner, the main timeline, and bad input. Every refusal is checked to have changed
nothing."""

import uuid

import pytest

from domain.spaces import SpaceRole
from tests.integration.api_client import uploaded
from tests.integration.test_api_albums import ALBUM_OPERATIONS, new_album
from tests.integration.test_api_partners import EXPECTED, _fill


async def new_space(owner, name='Lake trip', **fields) -> str:
    response = await owner.post('/spaces', json={'name': name, **fields})
    assert response.status_code == 201, response.text
    return response.json()['id']


async def invite(owner, space_id, role, email='bob@example.com'):
    response = await owner.post(f'/spaces/{space_id}/members', json={'email': email, 'role': role})
    assert response.status_code == 201, response.text
    return response.json()


async def add(member, space_id, *asset_ids):
    response = await member.post(f'/spaces/{space_id}/assets', json={'asset_ids': list(asset_ids)})
    assert response.status_code == 200, response.text


async def space_state(client, space_id) -> list:
    """Everything a member can read about the space: it, its members, its timeline and its feed."""
    url = f'/spaces/{space_id}'
    paths = (url, f'{url}/timeline/buckets', f'{url}/activity')
    return [(await client.get(path)).json() for path in paths]


async def timeline_of(client) -> list[str]:
    months = (await client.get('/timeline/buckets')).json()
    return [
        str(uuid.UUID(item['id']))
        for month in months
        for item in (await client.get(f'/timeline/buckets/{month["month"]}')).json()['assets']
    ]


# ---- the journey ----------------------------------------------------------------------------------------------------


async def test_a_space_from_creation_to_deletion(as_alice, as_bob, photo, bob):
    alices, bobs = await uploaded(as_alice, photo(31)), await uploaded(as_bob, photo(32))
    space_id = await new_space(as_alice, ' Lake   trip ', description='Summer', color='#1E88E5')
    url = f'/spaces/{space_id}'
    await invite(as_alice, space_id, 'editor')
    await add(as_alice, space_id, alices)
    added_all = await as_bob.post(f'{url}/assets/all')
    assert added_all.json() == {'count': 1}

    listed = (await as_bob.get('/spaces')).json()
    assert [(s['name'], s['asset_count'], s['new_count'], s['my_role']) for s in listed] == [
        ('Lake trip', 2, 1, 'editor')
    ]
    visit = (await as_bob.post(f'{url}/visit')).json()
    assert (visit['previous_visit_at'], visit['new_count']) == (None, 1)
    assert (await as_bob.get('/spaces')).json()[0]['new_count'] == 0
    assert sorted(await timeline_of(as_bob)) == sorted([alices, bobs])
    covered = await as_bob.patch(url, json={'cover_asset_id': alices})
    assert covered.json()['cover_asset_id'] == alices

    hidden = await as_bob.put(f'{url}/timeline', json={'show_in_timeline': False})
    assert hidden.json()['show_in_timeline'] is False
    assert await timeline_of(as_bob) == [bobs]

    feed = (await as_bob.get(f'{url}/activity')).json()
    assert [entry['kind'] for entry in feed] == [
        'cover_changed',
        'assets_added',
        'assets_added',
        'member_added',
        'created',
    ]
    assert feed[1]['actor_name'] == 'Bob' and feed[1]['asset_ids'] == [bobs]

    assert (await as_alice.delete(url)).status_code == 204
    assert (await as_bob.get(url)).status_code == 404
    assert (await as_bob.get(f'/assets/{bobs}')).status_code == 200
    assert (await as_alice.get(f'/assets/{bobs}')).status_code == 404


# ---- who may do what to the space -----------------------------------------------------------------------------------


ADDERS = {'owner', 'editor', 'contributor'}


def space_operations(carl_id, alices, bobs, bobs_other):
    """(name, method, path under /spaces/{space}, body, roles allowed) — SPEC §6 and domain.spaces."""
    return [
        ('rename', 'PATCH', '', {'name': 'Renamed'}, {'owner'}),
        ('describe', 'PATCH', '', {'description': 'New'}, {'owner'}),
        ('colour', 'PATCH', '', {'color': '#000000'}, {'owner'}),
        ('set cover', 'PATCH', '', {'cover_asset_id': alices}, {'owner', 'editor'}),
        ('invite', 'POST', '/members', {'email': 'root@example.com', 'role': 'viewer'}, {'owner'}),
        ('change a role', 'PATCH', f'/members/{carl_id}', {'role': 'editor'}, {'owner'}),
        ('remove a member', 'DELETE', f'/members/{carl_id}', None, {'owner'}),
        ('add my photo', 'POST', '/assets', {'asset_ids': [bobs]}, ADDERS),
        ('add all my photos', 'POST', '/assets/all', None, ADDERS),
        ('remove what others added', 'POST', '/assets/remove', {'asset_ids': [alices]}, {'owner', 'editor'}),
        (
            'remove my own photo',
            'POST',
            '/assets/remove',
            {'asset_ids': [bobs_other]},
            set(SpaceRole),
        ),
        ('delete the space', 'DELETE', '', None, {'owner'}),
    ]


@pytest.mark.parametrize('role', list(SpaceRole), ids=[r.value for r in SpaceRole])
async def test_each_space_role_may_do_exactly_what_spec_section_6_allows(
    as_alice, as_bob, as_carl, root, bob, carl, photo, role
):
    """GIVEN Bob in a space with a role WHEN he tries each operation THEN it works, or 403 and nothing changed."""
    alices, bobs, bobs_other = [
        await uploaded(client, photo(40 + n)) for n, client in enumerate((as_alice, as_bob, as_bob))
    ]
    for name, method, path, body, allowed in space_operations(carl.id, alices, bobs, bobs_other):
        space_id = await new_space(as_alice)
        await invite(as_alice, space_id, 'contributor' if role == 'viewer' else role)
        await invite(as_alice, space_id, 'viewer', 'carl@example.com')
        await add(as_alice, space_id, alices)
        await add(as_bob, space_id, bobs_other)
        if role == 'viewer':
            await as_alice.patch(f'/spaces/{space_id}/members/{bob.id}', json={'role': 'viewer'})
        before = await space_state(as_alice, space_id)

        response = await as_bob.request(method, f'/spaces/{space_id}{path}', json=body)

        if role in allowed:
            assert response.is_success, f'{role} {name}: {response.text}'
        else:
            assert response.status_code == 403, f'{role} {name}: {response.text}'
            assert await space_state(as_alice, space_id) == before, f'{role} {name} changed something'


async def test_the_last_owner_stays_and_several_owners_are_allowed(as_alice, as_bob, alice, bob):
    space_id = await new_space(as_alice)
    await invite(as_alice, space_id, 'editor')
    url = f'/spaces/{space_id}'
    before = await space_state(as_alice, space_id)
    for response in (
        await as_alice.post(f'{url}/leave'),
        await as_alice.patch(f'{url}/members/{alice.id}', json={'role': 'editor'}),
        await as_alice.delete(f'{url}/members/{alice.id}'),
    ):
        assert response.status_code == 409, response.text
        assert 'owner' in response.json()['detail']
    assert await space_state(as_alice, space_id) == before

    assert (await as_alice.patch(f'{url}/members/{bob.id}', json={'role': 'owner'})).status_code == 200
    assert (await as_alice.post(f'{url}/leave')).json() == {'count': 0}
    assert (await as_alice.get(url)).status_code == 404
    assert (await as_bob.post(f'{url}/leave')).status_code == 409


# ---- SPEC §3 on a space's assets ------------------------------------------------------------------------------------


async def seen_by(as_alice, as_bob, asset_id) -> list:
    views = [(await client.get(f'/assets/{asset_id}')).json() for client in (as_alice, as_bob)]
    return [*views, (await as_bob.get('/albums')).json()]


@pytest.mark.parametrize('role', list(SpaceRole), ids=[r.value for r in SpaceRole])
async def test_space_role_on_its_assets_over_http_matches_spec_section_3(as_alice, as_bob, photo, role):
    """GIVEN assets Bob reaches only through a space WHEN he acts on each THEN SPEC §3 for his role decides."""
    space_id = await new_space(as_alice)
    await invite(as_alice, space_id, role.value)
    bobs_album = (await new_album(as_bob, 'Mine'))['id']
    for number, (permission, (method, path, body, field, value)) in enumerate(ALBUM_OPERATIONS.items()):
        asset_id = await uploaded(as_alice, photo(60 + number))
        await add(as_alice, space_id, asset_id)
        before = await seen_by(as_alice, as_bob, asset_id)

        url = _fill(path, asset_id).replace('{album}', bobs_album).replace('/albums/', '/albums/')
        response = await as_bob.request(method, url, json=_fill(body, asset_id))

        if role.asset_role in EXPECTED[permission]:
            assert response.is_success, f'{role} {permission}: {response.text}'
            if field:
                assert response.json()[field] == value
            if method != 'GET':
                assert await seen_by(as_alice, as_bob, asset_id) != before
        else:
            assert response.status_code == 403, f'{role} {permission}: {response.text}'
            assert await seen_by(as_alice, as_bob, asset_id) == before


# ---- who learns what ------------------------------------------------------------------------------------------------


async def test_non_members_and_the_admin_get_404_for_the_space_and_everything_in_it(
    as_alice, as_bob, as_root, photo, bob
):
    alices = await uploaded(as_alice, photo(71))
    space_id = await new_space(as_alice)
    await add(as_alice, space_id, alices)
    await invite(as_alice, space_id, 'editor')
    await as_alice.delete(f'/spaces/{space_id}/members/{bob.id}')  # a former member is an outsider too
    url = f'/spaces/{space_id}'

    for outsider in (as_bob, as_root):
        for path in ('', '/timeline/buckets', '/filters', '/activity', f'/neighbours/{alices}'):
            assert (await outsider.get(f'{url}{path}')).status_code == 404, path
        for method, path, body in (
            ('PATCH', '', {'name': 'x'}),
            ('DELETE', '', None),
            ('POST', '/visit', None),
            ('POST', '/members', {'email': 'root@example.com'}),
            ('POST', '/assets/all', None),
            ('POST', '/leave', None),
            ('PUT', '/timeline', {'show_in_timeline': False}),
        ):
            assert (await outsider.request(method, f'{url}{path}', json=body)).status_code == 404, path
        for path in ('', '/thumbnail', '/preview', '/original'):
            assert (await outsider.get(f'/assets/{alices}{path}')).status_code == 404
        assert (await outsider.get('/spaces')).json() == []
        assert await timeline_of(outsider) == []
        assert (await outsider.get(f'{url}/timeline/buckets/2026-01')).status_code == 404


async def test_anonymous_callers_get_401(anonymous, as_alice):
    space_id = await new_space(as_alice)
    for method, path in (('GET', '/spaces'), ('POST', '/spaces'), ('GET', f'/spaces/{space_id}')):
        assert (await anonymous.request(method, path)).status_code == 401


# ---- bad input ------------------------------------------------------------------------------------------------------


async def test_bad_input_is_refused_clearly(as_alice, as_bob, photo):
    space_id = await new_space(as_alice)
    url = f'/spaces/{space_id}'
    bobs = await uploaded(as_bob, photo(81))
    for method, path, body, code in (
        ('POST', '/spaces', {'name': '   '}, 400),
        ('POST', '/spaces', {'name': 'x', 'color': 'red'}, 400),
        ('POST', '/spaces', {'name': 'x', 'owner': 'me'}, 422),
        ('PATCH', url, {'name': 'x' * 201}, 400),
        ('POST', f'{url}/members', {'email': 'bob@example.com', 'role': 'admin'}, 422),
        ('POST', f'{url}/members', {'email': 'nobody@example.com'}, 404),
        ('POST', f'{url}/assets', {'asset_ids': []}, 422),
        ('POST', f'{url}/assets', {'asset_ids': [bobs]}, 404),
        ('POST', f'{url}/assets/remove', {'asset_ids': [bobs]}, 404),
        ('GET', f'{url}/timeline/buckets?media_type=gif', None, 422),
        ('GET', f'{url}/timeline/buckets/2026-13', None, 400),
        ('GET', f'{url}/activity?limit=0', None, 422),
        ('GET', '/spaces/not-a-uuid', None, 422),
    ):
        response = await as_alice.request(method, path, json=body)
        assert response.status_code == code, f'{method} {path}: {response.text}'
    assert [s['name'] for s in (await as_alice.get('/spaces')).json()] == ['Lake trip']
