"""Every grant ends cleanly (issue 15): four defects of timelines and revocation, each reproduced through the REST API
first. Another member's own state never changes what I see; holding more grants never shows less; album photos join
a member's timeline only when they choose; and a share is bounded by the sharer (SPEC §1)."""

import uuid

import pytest

from tests.integration.api_client import uploaded
from tests.integration.test_api_albums import new_album
from tests.integration.test_api_spaces import add, invite, new_space, timeline_of


async def share_library(owner, email, trust_level='very_close'):
    response = await owner.post('/partners', json={'email': email, 'trust_level': trust_level})
    assert response.status_code == 201, response.text


async def archive(member, asset_id, archived=True):
    response = await member.put(f'/assets/{asset_id}/state', json={'archived': archived})
    assert response.status_code == 200, response.text


async def month_counts_match_lists(client) -> bool:
    """Every month's count equals the length of its list."""
    for month in (await client.get('/timeline/buckets')).json():
        listed = (await client.get(f'/timeline/buckets/{month["month"]}')).json()['assets']
        if len(listed) != month['count']:
            return False
    return True


def ids(*asset_ids) -> list[str]:
    return [str(uuid.UUID(asset_id)) for asset_id in asset_ids]


# ---- 1. another member's archive never hides my photo ----------------------------------------------------------------


async def test_a_partners_archive_of_my_photo_leaves_it_on_my_timeline(as_alice, as_bob, photo):
    mine = await uploaded(as_alice, photo(1))
    await share_library(as_alice, 'bob@example.com')
    await share_library(as_bob, 'alice@example.com')

    await archive(as_bob, mine)

    assert await timeline_of(as_alice) == ids(mine)
    assert await month_counts_match_lists(as_alice)
    assert await timeline_of(as_bob) == []


async def test_a_space_members_archive_of_my_photo_leaves_it_on_my_timeline(as_alice, as_bob, photo):
    mine = await uploaded(as_alice, photo(2))
    space_id = await new_space(as_alice)
    await invite(as_alice, space_id, 'editor')
    await add(as_alice, space_id, mine)
    await share_library(as_bob, 'alice@example.com')  # Bob's library is on my timeline; mine is not on his

    await archive(as_bob, mine)

    assert await timeline_of(as_alice) == ids(mine)
    assert await month_counts_match_lists(as_alice)
    assert await timeline_of(as_bob) == []


# ---- 2. more grants never show less ----------------------------------------------------------------------------------


async def test_a_space_photo_its_owner_archived_stays_for_a_member_who_is_also_their_partner(
    as_alice, as_bob, as_carl, photo, carl
):
    shared = await uploaded(as_alice, photo(3))
    space_id = await new_space(as_alice)
    await invite(as_alice, space_id, 'viewer')
    await invite(as_alice, space_id, 'viewer', email=carl.email)
    await add(as_alice, space_id, shared)
    await share_library(as_alice, 'bob@example.com', 'known')

    await archive(as_alice, shared)

    assert await timeline_of(as_carl) == ids(shared)
    assert await timeline_of(as_bob) == ids(shared)
    assert await month_counts_match_lists(as_bob)
    assert await timeline_of(as_alice) == []


# ---- 3. album photos join my timeline only if I choose ---------------------------------------------------------------


async def test_a_shared_albums_photos_stay_off_my_timeline_until_i_choose_to_show_them(as_alice, as_bob, photo):
    in_album = await uploaded(as_alice, photo(4))
    album_id = (await new_album(as_alice, asset_ids=[in_album]))['id']
    await as_alice.post(f'/albums/{album_id}/members', json={'email': 'bob@example.com', 'trust_level': 'known'})

    assert (await as_bob.get(f'/albums/{album_id}')).json()['album']['show_in_timeline'] is False
    assert await timeline_of(as_bob) == []
    assert (await as_bob.get(f'/assets/{in_album}')).status_code == 200

    shown = await as_bob.put(f'/albums/{album_id}/timeline', json={'show_in_timeline': True})

    assert shown.status_code == 200 and shown.json()['show_in_timeline'] is True
    assert await timeline_of(as_bob) == ids(in_album)


# ---- 4. a share is bounded by the sharer -----------------------------------------------------------------------------


@pytest.fixture
async def bobs_album_of_alices_photo(as_alice, as_bob, photo, carl):
    """Alice shares her library with Bob; Bob puts her photo in his album, shares it with Carl and by a link."""
    alices = await uploaded(as_alice, photo(5))
    await share_library(as_alice, 'bob@example.com', 'known')
    album_id = (await new_album(as_bob, 'Cousins', asset_ids=[alices]))['id']
    member = await as_bob.post(f'/albums/{album_id}/members', json={'email': carl.email, 'trust_level': 'known'})
    assert member.status_code == 201, member.text
    link = await as_bob.post('/links', json={'album_id': album_id})
    assert link.status_code == 201, link.text
    return alices, album_id, link.json()['token']


async def what_each_sees(as_bob, as_carl, anonymous, alices, album_id, token) -> dict:
    return {
        'bob': [(await as_bob.get(f'/assets/{alices}{path}')).status_code for path in ('', '/original')],
        'carl': (await as_carl.get(f'/assets/{alices}')).status_code,
        'album': [item['id'] for item in (await as_carl.get(f'/albums/{album_id}/assets')).json()],
        'album count': (await as_carl.get(f'/albums/{album_id}')).json()['album']['asset_count'],
        'link': (await anonymous.get(f'/public/{token}/assets')).json()['total'],
        'link asset': (await anonymous.get(f'/public/{token}/assets/{alices}')).status_code,
    }


def seen(alices) -> dict:
    return {'bob': [200, 200], 'carl': 200, 'album': [alices], 'album count': 1, 'link': 1, 'link asset': 200}


GONE = {'bob': [404, 404], 'carl': 404, 'album': [], 'album count': 0, 'link': 0, 'link asset': 404}


async def test_ending_a_partner_share_takes_the_photo_out_of_what_the_partner_shared(
    as_alice, as_bob, as_carl, anonymous, bobs_album_of_alices_photo, bob
):
    alices, album_id, token = bobs_album_of_alices_photo
    assert await what_each_sees(as_bob, as_carl, anonymous, *bobs_album_of_alices_photo) == seen(alices)

    assert (await as_alice.delete(f'/partners/{bob.id}')).status_code == 204

    assert await what_each_sees(as_bob, as_carl, anonymous, *bobs_album_of_alices_photo) == GONE
    assert (await as_bob.get(f'/albums/{album_id}')).json()['album']['asset_count'] == 0

    await share_library(as_alice, 'bob@example.com', 'known')

    assert await what_each_sees(as_bob, as_carl, anonymous, *bobs_album_of_alices_photo) == seen(alices)


@pytest.mark.parametrize('hide', ['archive', 'trash'])
async def test_an_owner_archiving_or_trashing_takes_it_out_of_a_partners_album(
    as_alice, as_bob, as_carl, anonymous, bobs_album_of_alices_photo, hide
):
    alices, album_id, token = bobs_album_of_alices_photo
    own_album_id = (await new_album(as_alice, 'Mine', asset_ids=[alices]))['id']

    if hide == 'archive':
        await archive(as_alice, alices)
    else:
        assert (await as_alice.post('/assets/trash', json={'ids': [alices]})).status_code == 200

    assert await what_each_sees(as_bob, as_carl, anonymous, *bobs_album_of_alices_photo) == GONE
    own_album = [item['id'] for item in (await as_alice.get(f'/albums/{own_album_id}/assets')).json()]
    assert own_album == ([alices] if hide == 'archive' else [])


async def test_a_photo_the_sharer_still_sees_through_a_space_stays_in_their_album(
    as_alice, as_bob, as_carl, anonymous, bobs_album_of_alices_photo, bob
):
    alices, album_id, token = bobs_album_of_alices_photo
    space_id = await new_space(as_alice)
    await invite(as_alice, space_id, 'viewer')
    await add(as_alice, space_id, alices)

    assert (await as_alice.delete(f'/partners/{bob.id}')).status_code == 204

    assert await what_each_sees(as_bob, as_carl, anonymous, *bobs_album_of_alices_photo) == {
        **seen(alices),
        'bob': [200, 200],  # as the album's owner, who still sees it through the space
    }


async def test_a_photo_passed_on_from_album_to_album_leaves_every_album_when_its_root_goes(
    as_alice, as_bob, as_carl, bob, carl, photo
):
    """Bob puts Alice's photo (a partner's) in his album for Carl; Carl puts it in his own album for Bob. Each now
    sees it through the other's album too, but neither album is its root: when Alice ends the share, it leaves both."""
    alices = await uploaded(as_alice, photo(6))
    await share_library(as_alice, 'bob@example.com', 'known')
    bobs_album = (await new_album(as_bob, 'For Carl', asset_ids=[alices]))['id']
    await as_bob.post(f'/albums/{bobs_album}/members', json={'email': carl.email, 'trust_level': 'known'})
    carls_album = (await new_album(as_carl, 'For Bob', asset_ids=[alices]))['id']
    await as_carl.post(f'/albums/{carls_album}/members', json={'email': bob.email, 'trust_level': 'known'})
    albums = [(as_bob, bobs_album), (as_carl, carls_album), (as_bob, carls_album), (as_carl, bobs_album)]
    assert [len((await who.get(f'/albums/{a}/assets')).json()) for who, a in albums] == [1, 1, 1, 1]

    assert (await as_alice.delete(f'/partners/{bob.id}')).status_code == 204

    assert [len((await who.get(f'/albums/{a}/assets')).json()) for who, a in albums] == [0, 0, 0, 0]
    assert [(await who.get(f'/assets/{alices}')).status_code for who in (as_bob, as_carl)] == [404, 404]
