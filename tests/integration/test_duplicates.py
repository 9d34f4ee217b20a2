"""Duplicates (SPEC §9) through the REST API, on SQLite and PostgreSQL: copies of real photos are hashed by the
duplicates queue after upload and grouped with why; groups are formed from what the reader sees (own, partners',
spaces', albums'), across owners, and a copy the reader cannot see neither shows nor joins two they can."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from domain.jobs import Queue
from services import jobs
from storage.models import AssetHash, DuplicateLink, Job
from tests.factories import duplicate_photos as copies
from tests.integration.api_client import uploaded
from tests.integration.test_api_albums import shared_album
from tests.integration.test_api_partners import share
from tests.integration.test_api_spaces import add, invite, new_space
from tests.integration.test_jobs_counts import run

BUS = 'ultralytics-bus.jpg'
BABOON = 'opencv-baboon.jpg'  # its burst neighbour hashes 18 apart: alike only with the second signal


async def groups(client, **params) -> list[tuple[str, set[str]]]:
    """(why, the ids of its copies) of each group the client sees."""
    response = await client.get('/duplicates', params=params)
    assert response.status_code == 200, response.text
    return [(group['why'], {copy['id'] for copy in group['copies']}) for group in response.json()['groups']]


async def hashed(hearth) -> None:
    await run(hearth, Queue.DUPLICATES)


async def test_copies_a_family_makes_group_as_the_same_picture_and_other_photos_stay_apart(hearth, as_alice, copy_of):
    original = await uploaded(as_alice, copy_of(BUS))
    made = [await uploaded(as_alice, copy_of(BUS, maker)) for maker in copies.COPIES.values()]
    an_hour_later = copies.TAKEN_AT + timedelta(hours=1)  # the same camera, both in the same second
    scene = [await uploaded(as_alice, copy_of(name, taken_at=an_hour_later)) for name in copies.SAME_SCENE[0]]
    await hashed(hearth)

    found = await groups(as_alice)

    assert found == [('same picture, resized', {original, *made})]
    assert not set(scene) & found[0][1]


@pytest.mark.parametrize(
    ('seconds', 'camera', 'grouped'),
    [(1, copies.CAMERA, True), (300, copies.CAMERA, False), (0, ('Othercam', 'OC-2'), False)],
    ids=['a second later', 'minutes later', 'another camera'],
)
async def test_a_burst_groups_only_with_the_same_camera_within_a_second(
    hearth, as_alice, copy_of, seconds, camera, grouped
):
    first = await uploaded(as_alice, copy_of(BABOON))
    next_frame = await uploaded(as_alice, copy_of(BABOON, copies.burst_neighbour, seconds=seconds, camera=camera))
    await hashed(hearth)

    response = (await as_alice.get('/duplicates')).json()

    if not grouped:
        assert response == {'total': 0, 'groups': []}
        return
    assert await groups(as_alice) == [('taken within 1 s on the same camera', {first, next_frame})]
    assert 0.5 < response['groups'][0]['similarity'] < 1


async def test_the_same_file_from_two_members_groups_for_whoever_sees_both(hearth, as_alice, as_bob, as_carl, copy_of):
    photo = copy_of(BUS)
    alices, bobs = await uploaded(as_alice, photo), await uploaded(as_bob, photo)
    await hashed(hearth)
    assert await groups(as_alice) == await groups(as_bob) == []  # each sees only their own copy

    await share(as_bob, email='alice@example.com')  # Bob's library, shared with Alice

    assert await groups(as_alice) == [('same file', {alices, bobs})]
    assert await groups(as_bob) == [] and await groups(as_carl) == []
    group = (await as_alice.get('/duplicates')).json()['groups'][0]
    assert {copy['owner']['name'] for copy in group['copies']} == {'Alice', 'Bob'}
    assert {(copy['format'], copy['width'], copy['height']) for copy in group['copies']} == {('JPEG', 810, 1080)}
    assert group['similarity'] == 1.0


async def test_a_space_groups_its_members_copies_for_its_owners_and_editors(hearth, as_alice, as_bob, as_carl, copy_of):
    space = await new_space(as_alice)
    await invite(as_alice, space, 'editor')
    alices = await uploaded(as_alice, copy_of(BUS))
    bobs = await uploaded(as_bob, copy_of(BUS, copies.resized))
    private = await uploaded(as_alice, copy_of(BUS, copies.recompressed))  # Alice's alone, not in the space
    await add(as_alice, space, alices)
    await add(as_bob, space, bobs)
    await hashed(hearth)

    in_space = [('same picture, resized', {alices, bobs})]
    assert await groups(as_alice, space_id=space) == await groups(as_bob, space_id=space) == in_space
    assert await groups(as_alice) == [('same picture, resized', {alices, bobs, private})]
    assert await groups(as_bob) == in_space  # Alice's private copy never shows to Bob

    assert (await as_carl.get('/duplicates', params={'space_id': space})).status_code == 404
    bob = (await as_bob.get('/users/me')).json()['id']
    for role in ('contributor', 'viewer'):
        change = await as_alice.patch(f'/spaces/{space}/members/{bob}', json={'role': role})
        assert change.status_code == 200, change.text
        assert (await as_bob.get('/duplicates', params={'space_id': space})).status_code == 403


async def test_an_album_shows_its_copy_to_its_member_beside_their_own(hearth, as_alice, as_bob, copy_of):
    alices = await uploaded(as_alice, copy_of(BUS))
    bobs = await uploaded(as_bob, copy_of(BUS, copies.without_exif))
    await shared_album(as_alice, asset_ids=[alices])
    await hashed(hearth)

    assert await groups(as_bob) == [('same picture', {alices, bobs})]
    assert await groups(as_alice) == []  # Bob's copy is not in anything Alice sees


async def test_a_copy_i_cannot_see_never_links_two_i_can(hearth, as_alice, as_bob, copy_of):
    """GIVEN Alice's two photos linked only through Bob's private copy WHEN Alice lists THEN she sees no group."""
    mine = [await uploaded(as_alice, copy_of(name)) for name in copies.SAME_SCENE[1]]
    bobs = await uploaded(as_bob, copy_of(BABOON))
    async with hearth.db.session() as session:
        for asset_id in mine:
            first, second = sorted((uuid.UUID(asset_id), uuid.UUID(bobs)))
            session.add(DuplicateLink(asset_id=first, other_id=second, reason='picture', distance=4))
        await session.commit()

    assert await groups(as_alice) == []
    assert await groups(as_bob) == []


async def test_a_trashed_copy_leaves_its_group(hearth, as_alice, copy_of):
    await uploaded(as_alice, copy_of(BUS))
    resized = await uploaded(as_alice, copy_of(BUS, copies.resized))
    await hashed(hearth)
    assert len(await groups(as_alice)) == 1

    response = await as_alice.post('/assets/trash', json={'ids': [resized]})
    assert response.status_code == 200, response.text

    assert await groups(as_alice) == []


async def test_run_for_missing_hashes_what_came_before_and_pages_go_on(hearth, root, as_alice, copy_of):
    for source in (BUS, BABOON):
        await uploaded(as_alice, copy_of(source))
        await uploaded(as_alice, copy_of(source, copies.resized))
    async with hearth.db.session() as session:  # as assets stored before duplicates were looked for
        await session.execute(delete(Job))
        await session.commit()
    await hashed(hearth)
    assert await groups(as_alice) == []

    await jobs.run_for(hearth, root, 'duplicates', 'missing')
    await hashed(hearth)

    first = (await as_alice.get('/duplicates', params={'limit': 1})).json()
    second = (await as_alice.get('/duplicates', params={'limit': 1, 'offset': 1})).json()
    assert first['total'] == second['total'] == 2
    pages = [{copy['id'] for copy in page['groups'][0]['copies']} for page in (first, second)]
    assert len(pages[0] | pages[1]) == 4
    async with hearth.db.session() as session:
        assert len(list(await session.scalars(select(AssetHash)))) == 4


async def test_not_duplicates_is_remembered_for_the_member_who_said_it(hearth, root, as_alice, as_bob, copy_of):
    alices = await uploaded(as_alice, copy_of(BUS))
    resized = await uploaded(as_alice, copy_of(BUS, copies.resized))
    await share(as_alice)  # Alice's library, shared with Bob
    await hashed(hearth)

    response = await as_alice.post('/duplicates/dismiss', json={'asset_ids': [alices, resized]})

    assert response.json() == {'count': 1}
    assert await groups(as_alice) == []
    assert await groups(as_bob) == [('same picture, resized', {alices, resized})]  # Bob said nothing
    await jobs.run_for(hearth, root, 'duplicates', 'all')  # everything hashed and linked afresh
    await hashed(hearth)
    assert await groups(as_alice) == []


async def test_not_duplicates_needs_copies_i_see(hearth, as_alice, as_bob, copy_of):
    alices = await uploaded(as_alice, copy_of(BUS))
    resized = await uploaded(as_alice, copy_of(BUS, copies.resized))
    await hashed(hearth)

    not_seen = await as_bob.post('/duplicates/dismiss', json={'asset_ids': [alices, resized]})
    alone = await as_alice.post('/duplicates/dismiss', json={'asset_ids': [alices]})

    assert (not_seen.status_code, alone.status_code) == (404, 422)
    assert await groups(as_alice) == [('same picture, resized', {alices, resized})]
