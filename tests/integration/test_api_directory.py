"""GET /users/directory: the members a signed-in member finds by name to invite, and nothing more about them."""

from services import accounts
from tests.integration.conftest import ROOT


async def names(client, **params) -> list[str]:
    response = await client.get('/users/directory', params=params)
    assert response.status_code == 200, response.text
    return [entry['name'] for entry in response.json()]


async def test_the_directory_is_401_without_signing_in(anonymous, alice):
    assert (await anonymous.get('/users/directory')).status_code == 401


async def test_a_member_finds_the_others_a_to_z_with_id_and_name_only_never_themselves(as_alice, alice, bob, carl):
    response = await as_alice.get('/users/directory')

    assert response.json() == [{'id': str(bob.id), 'name': 'Bob'}, {'id': str(carl.id), 'name': 'Carl'}]


async def test_part_of_a_name_finds_them_in_any_case(as_alice, bob, carl):
    assert await names(as_alice, q='AR') == ['Carl']
    assert await names(as_alice, q='  b ') == ['Bob']
    assert await names(as_alice, q='%') == []  # a wildcard is a character like any other


async def test_only_a_whole_email_address_finds_someone_by_email(as_alice, bob):
    assert await names(as_alice, q='BOB@example.com') == ['Bob']
    assert await names(as_alice, q='bob@exa') == []
    assert await names(as_alice, q='example.com') == []


async def test_disabled_and_deleted_members_are_never_listed(hearth, as_alice, bob, carl, root):
    await accounts.update_member(hearth, root, bob.id, disabled=True)
    await accounts.delete_member(hearth, root, carl.id)

    assert await names(as_alice) == ['Root']
    assert await names(as_alice, q='bob@example.com') == []


async def test_the_administrator_is_listed_like_any_member_and_gets_no_emails_either(client_for, as_alice, root):
    assert await names(as_alice) == ['Root']
    as_root = await client_for(*ROOT)
    assert (await as_root.get('/users/directory')).json()[0].keys() == {'id', 'name'}


async def test_the_limit_caps_the_answer(as_alice, bob, carl):
    assert await names(as_alice, limit=1) == ['Bob']
    assert (await as_alice.get('/users/directory', params={'limit': 0})).status_code == 422
