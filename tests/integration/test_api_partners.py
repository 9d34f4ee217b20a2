"""Partner sharing over the REST API, and SPEC §3 for each partner role through HTTP."""

import pytest

from domain.access import Permission, TrustLevel, trust_level_of
from tests.integration.api_client import uploaded
from tests.unit.test_domain import SPEC_TABLE

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')
P = Permission


async def share(as_owner, email='bob@example.com', trust_level='known'):
    return await as_owner.post('/partners', json={'email': email, 'trust_level': trust_level})


async def test_sharing_my_library_shows_it_to_the_partner(as_alice, as_bob, photo):
    asset_id = await uploaded(as_alice, photo(1))

    response = await share(as_alice)

    assert response.status_code == 201 and response.json()['trust_level'] == 'known'
    seen = (await as_bob.get(f'/assets/{asset_id}')).json()
    assert (seen['owner_name'], seen['is_mine']) == ('Alice', False)
    assert (await as_bob.get('/timeline/buckets')).json() == (await as_alice.get('/timeline/buckets')).json()
    listed = (await as_bob.get('/partners')).json()
    assert [p['name'] for p in listed['shared_with_me']] == ['Alice'] and listed['shared_by_me'] == []


async def test_sharing_with_yourself_twice_or_badly_is_refused(as_alice, as_bob):
    assert (await share(as_alice, 'alice@example.com')).status_code == 400
    assert (await share(as_alice)).status_code == 201
    assert (await share(as_alice)).status_code == 409
    assert (await share(as_alice, 'nobody@example.com')).status_code == 404
    assert (await share(as_alice, 'carl@example.com', 'best friend')).status_code == 422


async def test_stopping_ends_access_with_the_next_request(as_alice, as_bob, photo, bob):
    asset_id = await uploaded(as_alice, photo(2))
    await share(as_alice)
    assert (await as_bob.get(f'/assets/{asset_id}/thumbnail')).status_code == 200

    assert (await as_alice.delete(f'/partners/{bob.id}')).status_code == 204

    for path in ('', '/thumbnail', '/preview', '/original'):
        assert (await as_bob.get(f'/assets/{asset_id}{path}')).status_code == 404
    assert (await as_bob.get('/timeline/buckets')).json() == []
    assert (await as_alice.delete(f'/partners/{bob.id}')).status_code == 404


async def test_the_recipient_hides_a_partner_from_their_timeline(as_alice, as_bob, photo, alice, bob):
    asset_id = await uploaded(as_alice, photo(3))
    await share(as_alice)

    hidden = await as_bob.put(f'/partners/{alice.id}/timeline', json={'show_in_timeline': False})

    assert hidden.status_code == 200 and hidden.json()['show_in_timeline'] is False
    assert (await as_bob.get('/timeline/buckets')).json() == []
    assert (await as_bob.get(f'/assets/{asset_id}')).status_code == 200
    assert (await as_alice.put(f'/partners/{bob.id}/timeline', json={'show_in_timeline': False})).status_code == 404


async def test_changing_the_trust_level_changes_what_the_partner_may_do(as_alice, as_bob, photo, bob):
    asset_id = await uploaded(as_alice, photo(4))
    await share(as_alice, trust_level='guest')
    assert (await as_bob.get(f'/assets/{asset_id}/original')).status_code == 403

    changed = await as_alice.patch(f'/partners/{bob.id}', json={'trust_level': 'very_close'})

    assert changed.json()['trust_level'] == 'very_close'
    assert (await as_bob.get(f'/assets/{asset_id}/original')).status_code == 200


async def test_without_a_grant_nothing_leaks(as_alice, as_bob, as_root, photo):
    asset_id = await uploaded(as_alice, photo(5))

    for outsider in (as_bob, as_root):
        for path in ('', '/thumbnail', '/preview', '/original', '/neighbours'):
            assert (await outsider.get(f'/assets/{asset_id}{path}')).status_code == 404
        assert (await outsider.get('/timeline/buckets')).json() == []
        assert (await outsider.get('/partners')).json() == {'shared_by_me': [], 'shared_with_me': []}


OPERATIONS = {
    P.FAVORITE: ('PUT', '/assets/{id}/state', {'favorite': True}, 'favorite', True),
    P.RATE: ('PUT', '/assets/{id}/state', {'rating': 4}, 'rating', 4),
    P.ARCHIVE: ('PUT', '/assets/{id}/state', {'archived': True}, 'archived', True),
    P.EDIT_DATE: ('PATCH', '/assets/{id}', {'taken_at': '2001-01-01T00:00:00'}, 'taken_at', '2001-01-01T00:00:00'),
    P.EDIT_GPS: ('PATCH', '/assets/{id}', {'latitude': 1.0, 'longitude': 2.0}, 'latitude', 1.0),
    P.EDIT_DESCRIPTION: ('PATCH', '/assets/{id}', {'description': 'Edited'}, 'description', 'Edited'),
    P.EDIT_TAGS: ('PATCH', '/assets/{id}', {'tags': ['edited']}, 'tags', ['edited']),
    P.TRASH: ('POST', '/assets/trash', {'ids': ['{id}']}, None, None),
    P.DOWNLOAD: ('GET', '/assets/{id}/original', None, None, None),
}
EXPECTED = dict(SPEC_TABLE)
ROLES = [level.role for level in TrustLevel]


def _fill(value, asset_id):
    if isinstance(value, str):
        return value.replace('{id}', asset_id)
    if isinstance(value, dict):
        return {key: _fill(item, asset_id) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, asset_id) for item in value]
    return value


@pytest.mark.parametrize('permission', list(OPERATIONS), ids=[p.value for p in OPERATIONS])
@pytest.mark.parametrize('role', ROLES, ids=[r.value for r in ROLES])
async def test_partner_role_over_http_matches_spec_section_3(as_alice, as_bob, photo, role, permission):
    asset_id = await uploaded(as_alice, photo(6))
    await share(as_alice, trust_level=trust_level_of(role).value)
    method, path, body, field, value = OPERATIONS[permission]
    before = [(await c.get(f'/assets/{asset_id}')).json() for c in (as_alice, as_bob)]

    response = await as_bob.request(method, _fill(path, asset_id), json=_fill(body, asset_id))

    if role in EXPECTED[permission]:
        assert response.status_code == 200, response.text
        if field:
            assert response.json()[field] == value
    else:
        assert response.status_code == 403, response.text
        assert [(await c.get(f'/assets/{asset_id}')).json() for c in (as_alice, as_bob)] == before
