"""Public links to a Shared Space (SPEC §5, §6): owners and editors share a space by link, guests see its photos (added
and from connected libraries) and may upload into it; a link never outlives its creator's right to share the space."""

import pytest

from domain.errors import Forbidden, InvalidInput, NotFound, RateLimited, Unauthenticated
from domain.links import GONE, NEEDS_PASSWORD, NO_UPLOADS, WRONG_PASSWORD
from domain.spaces import SpaceRole
from services import assets, links, spaces
from services.accounts import create_user
from services.links import Guest
from tests.factories.media_files import make_jpeg
from tests.fixtures import media_files
from tests.integration.test_links import expire, staged
from tests.integration.test_spaces import external_library, photos, space_ids, space_with

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')
ANYONE = Guest()


@pytest.fixture
async def dora(hearth):
    return await create_user(hearth, None, 'dora@example.com', 'Dora', 'a long password')


async def shared_space(hearth, alice, bob, tmp_path):
    """Alice's space with Bob as an editor: two photos Alice added, one from a library Bob connected."""
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR)
    added = await photos(hearth, alice, tmp_path, 2)
    await spaces.add_assets(hearth, alice, space.id, added)
    in_library = await photos(hearth, bob, tmp_path, 1, start=120)
    await spaces.connect_library(hearth, bob, space.id, (await external_library(hearth, bob, in_library)).id)
    return space, {*added, *in_library}


async def shown_ids(hearth, token, guest=ANYONE):
    return {item.id for item in (await links.list_public_assets(hearth, token, guest)).items}


async def assert_gone(hearth, token, asset_id):
    for attempt in (
        links.open_link(hearth, token, ANYONE),
        links.list_public_assets(hearth, token, ANYONE),
        links.get_public_asset(hearth, token, ANYONE, asset_id),
        links.public_file(hearth, token, ANYONE, asset_id, 'thumbnail'),
    ):
        with pytest.raises(NotFound) as refused:
            await attempt
        assert str(refused.value) == GONE


# ---- making links to a space ----------------------------------------------------------------------------------------


async def test_owners_and_editors_link_a_space_and_guests_see_added_and_connected_photos(hearth, alice, bob, tmp_path):
    space, everything = await shared_space(hearth, alice, bob, tmp_path)
    assert len(everything) == 3

    by_owner = await links.create_link(hearth, alice, space_id=space.id, label='For grandma')
    by_editor = await links.create_link(hearth, bob, space_id=space.id)

    assert (by_owner.space_id, by_owner.space_name, by_owner.album_id, by_owner.asset_count) == (
        space.id,
        'Lake trip',
        None,
        3,
    )
    info = await links.open_link(hearth, by_editor.token, ANYONE)
    assert (info.space_name, info.album_name, info.owner_name, info.asset_count) == ('Lake trip', None, 'Bob', 3)
    assert await shown_ids(hearth, by_owner.token) == await shown_ids(hearth, by_editor.token) == everything
    assert [link.id for link in await links.list_links(hearth, bob)] == [by_editor.id]


async def test_contributors_and_viewers_may_not_link_a_space_and_strangers_do_not_find_it(
    hearth, alice, bob, carl, dora
):
    space = await space_with(hearth, alice, bob=SpaceRole.CONTRIBUTOR, carl=SpaceRole.VIEWER)

    for member in (bob, carl):
        with pytest.raises(Forbidden):
            await links.create_link(hearth, member, space_id=space.id)
    with pytest.raises(NotFound):
        await links.create_link(hearth, dora, space_id=space.id)

    for someone in (bob, carl, dora):
        assert await links.list_links(hearth, someone) == []
    assert 'link_created' not in {entry.kind for entry in await spaces.list_activity(hearth, alice, space.id)}


async def test_a_link_is_to_one_space_album_or_selection(hearth, alice, tmp_path):
    space = await space_with(hearth, alice)
    mine = await photos(hearth, alice, tmp_path, 1)

    with pytest.raises(InvalidInput):
        await links.create_link(hearth, alice, space_id=space.id, asset_ids=mine)
    assert await links.list_links(hearth, alice) == []


async def test_creating_a_link_shows_in_the_space_activity(hearth, alice, bob, carl):
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR, carl=SpaceRole.VIEWER)

    await links.create_link(hearth, bob, space_id=space.id, label=' For  grandma ')

    newest = (await spaces.list_activity(hearth, carl, space.id))[0]
    assert (newest.kind, newest.actor_name, newest.details) == ('link_created', 'Bob', {'label': 'For grandma'})


# ---- guests adding photos to a space --------------------------------------------------------------------------------


async def test_a_guest_upload_is_the_creators_and_joins_the_space_for_every_member(hearth, alice, bob, carl, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR, carl=SpaceRole.VIEWER)
    link = await links.create_link(hearth, bob, space_id=space.id)
    link = await links.update_link(hearth, bob, link.id, allow_upload=True)
    upload = make_jpeg(tmp_path / 'grandma.jpg', color=(250, 10, 10))

    result = await links.upload_as_guest(hearth, link.token, ANYONE, staged(hearth, upload), '  Grandma ')

    assert result.status == 'created'
    bobs = await assets.get_asset(hearth, bob, result.asset_id)
    assert (bobs.is_mine, bobs.filename, bobs.guest_name) == (True, 'grandma.jpg', 'Grandma')
    assert await space_ids(hearth, carl, space.id) == {result.asset_id}
    assert await shown_ids(hearth, link.token) == {result.asset_id}
    added = (await spaces.list_activity(hearth, alice, space.id))[0]
    assert (added.kind, added.actor_name, added.details['count']) == ('assets_added', 'Bob', 1)

    again = await links.upload_as_guest(hearth, link.token, ANYONE, staged(hearth, upload), 'Grandpa')
    assert (again.status, again.asset_id) == ('duplicate', result.asset_id)
    assert await space_ids(hearth, carl, space.id) == {result.asset_id}


async def test_a_view_only_space_link_refuses_uploads_and_keeps_nothing(hearth, alice, tmp_path):
    space = await space_with(hearth, alice)
    link = await links.create_link(hearth, alice, space_id=space.id)
    before = media_files(hearth)

    with pytest.raises(Forbidden) as refused:
        await links.upload_as_guest(hearth, link.token, ANYONE, staged(hearth, make_jpeg(tmp_path / 'n.jpg')), 'G')

    assert str(refused.value) == NO_UPLOADS
    assert media_files(hearth) == before and not list(hearth.settings.tmp_dir.iterdir())
    assert (await spaces.get_space_summary(hearth, alice, space.id)).asset_count == 0


async def test_a_creator_no_longer_in_the_space_cannot_turn_uploads_on(hearth, alice, bob):
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR)
    link = await links.create_link(hearth, bob, space_id=space.id)
    await spaces.remove_member(hearth, alice, space.id, bob.id)

    with pytest.raises(NotFound):
        await links.update_link(hearth, bob, link.id, allow_upload=True, label='Open to all')

    assert [(each.allow_upload, each.label) for each in await links.list_links(hearth, bob)] == [(False, None)]


# ---- when a space link stops working --------------------------------------------------------------------------------


async def remove_bob(hearth, alice, bob, space_id):
    await spaces.remove_member(hearth, alice, space_id, bob.id)


async def bob_leaves(hearth, alice, bob, space_id):
    await spaces.leave_space(hearth, bob, space_id)


async def demote_bob(hearth, alice, bob, space_id):
    await spaces.change_role(hearth, alice, space_id, bob.id, SpaceRole.CONTRIBUTOR.value)


@pytest.mark.parametrize('end_sharing', [remove_bob, bob_leaves, demote_bob], ids=['removed', 'left', 'demoted'])
async def test_a_space_link_shows_nothing_once_its_creator_may_no_longer_share_the_space(
    hearth, alice, bob, tmp_path, end_sharing
):
    space, everything = await shared_space(hearth, alice, bob, tmp_path)
    link = await links.create_link(hearth, bob, space_id=space.id, allow_upload=True)
    mine = await photos(hearth, bob, tmp_path, 1, start=200)
    await spaces.add_assets(hearth, bob, space.id, mine)

    await end_sharing(hearth, alice, bob, space.id)

    for asset_id in (*everything, *mine):
        await assert_gone(hearth, link.token, asset_id)
    with pytest.raises(NotFound):
        await links.upload_as_guest(hearth, link.token, ANYONE, staged(hearth, make_jpeg(tmp_path / 'n.jpg')), 'G')
    assert [(each.space_name, each.asset_count) for each in await links.list_links(hearth, bob)] == [('Lake trip', 0)]


async def test_deleting_the_space_ends_its_links(hearth, alice, bob, tmp_path):
    space, everything = await shared_space(hearth, alice, bob, tmp_path)
    link = await links.create_link(hearth, alice, space_id=space.id)

    await spaces.delete_space(hearth, alice, space.id)

    await assert_gone(hearth, link.token, next(iter(everything)))
    assert await links.list_links(hearth, alice) == []


async def test_expired_and_revoked_space_links_fail_alike(hearth, alice, bob, tmp_path):
    space, everything = await shared_space(hearth, alice, bob, tmp_path)
    expired = await links.create_link(hearth, alice, space_id=space.id)
    revoked = await links.create_link(hearth, alice, space_id=space.id)

    await expire(hearth, expired.id)
    await links.revoke_link(hearth, alice, revoked.id)

    for token in (expired.token, revoked.token):
        await assert_gone(hearth, token, next(iter(everything)))


async def test_a_password_protected_space_link_opens_with_its_key_and_throttles_guesses(hearth, alice, bob, tmp_path):
    space, everything = await shared_space(hearth, alice, bob, tmp_path)
    link = await links.create_link(hearth, alice, space_id=space.id, password='open sesame')
    for guest, message in ((ANYONE, NEEDS_PASSWORD), (Guest(password='guess'), WRONG_PASSWORD)):
        with pytest.raises(Unauthenticated) as refused:
            await links.list_public_assets(hearth, link.token, guest)
        assert str(refused.value) == message

    key = (await links.open_link(hearth, link.token, Guest(password='open sesame'))).key

    assert await shown_ids(hearth, link.token, Guest(key=key)) == everything
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await links.open_link(hearth, link.token, Guest(password='guess', client='10.0.0.9'))
    with pytest.raises(RateLimited):
        await links.open_link(hearth, link.token, Guest(password='open sesame', client='10.0.0.9'))


# ---- over HTTP ------------------------------------------------------------------------------------------------------


async def test_the_api_makes_lists_and_ends_space_links(hearth, alice, bob, as_alice, as_bob, anonymous, tmp_path):
    space, everything = await shared_space(hearth, alice, bob, tmp_path)

    created = await as_alice.post('/links', json={'space_id': str(space.id), 'allow_upload': True})

    assert created.status_code == 201, created.text
    link = created.json()
    assert (link['space_id'], link['space_name'], link['album_name'], link['asset_count']) == (
        str(space.id),
        'Lake trip',
        None,
        3,
    )
    listed = (await as_alice.get('/links')).json()
    assert [(each['id'], each['space_name']) for each in listed] == [(link['id'], 'Lake trip')]
    token = link['url'].removeprefix('/s/')
    opened = (await anonymous.get(f'/public/{token}')).json()
    assert (opened['space_name'], opened['owner_name'], opened['asset_count']) == ('Lake trip', 'Alice', 3)
    upload = make_jpeg(tmp_path / 'guest.jpg', color=(3, 250, 3))
    with upload.open('rb') as file:
        sent = await anonymous.post(
            f'/public/{token}/assets', files={'file': ('guest.jpg', file, 'image/jpeg')}, data={'guest_name': 'Gran'}
        )
    assert sent.status_code == 201, sent.text
    assert (await spaces.get_space_summary(hearth, bob, space.id)).asset_count == 4

    assert (await as_alice.delete(f'/spaces/{space.id}')).status_code == 204
    thumbnail = await anonymous.get(f'/public/{token}/assets/{next(iter(everything))}/thumbnail')
    gone = await anonymous.get(f'/public/{token}')
    assert (thumbnail.status_code, gone.status_code, gone.json()['detail']) == (404, 404, GONE)


async def test_the_api_refuses_space_links_to_viewers_and_strangers(hearth, alice, bob, as_bob, client_for, carl):
    space = await space_with(hearth, alice, carl=SpaceRole.VIEWER)
    as_carl = await client_for('carl@example.com', 'a long password')

    as_viewer = await as_carl.post('/links', json={'space_id': str(space.id)})
    as_stranger = await as_bob.post('/links', json={'space_id': str(space.id)})

    assert (as_viewer.status_code, as_stranger.status_code) == (403, 404)
    assert (await as_carl.get('/links')).json() == (await as_bob.get('/links')).json() == []
