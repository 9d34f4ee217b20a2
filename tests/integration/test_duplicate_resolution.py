"""Resolving duplicates (SPEC §9) through the REST API, on SQLite and PostgreSQL: keep one copy, trash the others to
their owners' trash under SPEC §3, and let the keeper take their place in every space (where the resolver is an
Owner or Editor; asking first where they are less), album and member's state; copies the resolver may not trash
stay; the same request twice changes nothing; undo puts the copies back; "resolve all suggested" runs in the
background with a result per group."""

import asyncio
import uuid

import numpy as np
import pytest
from sqlalchemy import select

from domain.jobs import Queue
from ml.faces import MODEL_VERSION
from services import spaces
from storage.models import Asset, Face, PersonFace
from tests.factories import duplicate_photos as copies
from tests.integration.api_client import upload, uploaded
from tests.integration.test_api_albums import new_album
from tests.integration.test_api_partners import share
from tests.integration.test_api_spaces import add, invite, new_space, space_state, timeline_of
from tests.integration.test_duplicates import BABOON, BUS, hashed
from tests.integration.test_faces import run_queue
from tests.integration.test_spaces import external_library


async def resolve(client, asset_ids, keeper, **fields):
    body = {'asset_ids': list(asset_ids), 'keeper_id': keeper, **fields}
    return await client.post('/duplicates/resolve', json=body)


async def resolved(client, asset_ids, keeper, **fields) -> dict:
    response = await resolve(client, asset_ids, keeper, **fields)
    assert response.status_code == 200, response.text
    return response.json()


async def trash_of(client) -> dict[str, str]:
    """{asset id: who trashed it} of the client's trash."""
    return {str(uuid.UUID(item['id'])): item['trashed_by'] for item in (await client.get('/trash')).json()}


async def asset(client, asset_id) -> dict:
    response = await client.get(f'/assets/{asset_id}')
    assert response.status_code == 200, response.text
    return response.json()


async def space_timeline(client, space_id) -> set[str]:
    months = (await client.get(f'/spaces/{space_id}/timeline/buckets')).json()
    return {
        str(uuid.UUID(item['id']))
        for month in months
        for item in (await client.get(f'/spaces/{space_id}/timeline/buckets/{month["month"]}')).json()['assets']
    }


async def test_the_owner_keeps_the_suggested_copy_and_can_undo(hearth, as_alice, copy_of):
    original, photo = copy_of(BUS), copy_of(BUS, copies.resized)
    kept, smaller = await uploaded(as_alice, original), await uploaded(as_alice, photo)
    await hashed(hearth)
    [group] = (await as_alice.get('/duplicates')).json()['groups']
    assert (group['keeper_id'], group['keeper_reason']) == (kept, 'most pixels')

    done = await resolved(as_alice, [kept, smaller], kept)

    assert (done['trashed'], done['stayed'], done['joined_spaces']) == ([smaller], [], [])
    assert await trash_of(as_alice) == {smaller: 'Alice'}
    assert await timeline_of(as_alice) == [kept]
    assert (await as_alice.get('/duplicates')).json()['groups'] == []
    again = await upload(as_alice, photo)  # the trashed file again: a duplicate of the copy kept
    assert (again.status_code, str(uuid.UUID(again.json()['id']))) == (200, kept)
    assert await resolved(as_alice, [kept, smaller], kept) == {**done, 'joined_spaces': []}  # changes nothing
    assert await trash_of(as_alice) == {smaller: 'Alice'}

    undone = await as_alice.post(f'/duplicates/resolutions/{done["resolution_id"]}/undo')

    assert undone.json() == {'count': 1}
    assert await trash_of(as_alice) == {}
    assert sorted(await timeline_of(as_alice)) == sorted([kept, smaller])
    assert (await as_alice.post(f'/duplicates/resolutions/{done["resolution_id"]}/undo')).json() == {'count': 0}


async def test_an_editor_keeps_their_copy_it_joins_the_space_and_the_other_goes_to_its_owners_trash(
    hearth, as_alice, as_bob, copy_of
):
    space = await new_space(as_alice)
    await invite(as_alice, space, 'editor')
    alices = await uploaded(as_alice, copy_of(BUS))
    bobs = await uploaded(as_bob, copy_of(BUS, copies.recompressed))  # Bob's own, in no space yet
    await add(as_alice, space, alices)
    await hashed(hearth)

    done = await resolved(as_bob, [alices, bobs], bobs)

    assert done['trashed'] == [alices]
    assert done['joined_spaces'] == [{'id': space, 'name': 'Lake trip'}]
    assert await space_timeline(as_alice, space) == {bobs}
    assert await trash_of(as_alice) == {alices: 'Bob'}  # the owner's trash, with who did it
    assert await trash_of(as_bob) == {}
    activity = (await as_alice.get(f'/spaces/{space}/activity')).json()
    assert (activity[0]['kind'], activity[0]['actor_name']) == ('duplicate_merged', 'Bob')


async def test_a_viewer_is_asked_first_and_nothing_changes_until_they_answer(hearth, as_alice, as_bob, copy_of):
    """Bob edits 'Lake trip' and only views 'Family', both holding Alice's copy; he would keep his own."""
    lake, family = await new_space(as_alice), await new_space(as_alice, name='Family')
    await invite(as_alice, lake, 'editor')
    await invite(as_alice, family, 'viewer')
    alices = await uploaded(as_alice, copy_of(BUS))
    bobs = await uploaded(as_bob, copy_of(BUS, copies.without_exif))
    await add(as_alice, lake, alices)
    await add(as_alice, family, alices)
    await hashed(hearth)
    before = [await space_state(as_alice, space) for space in (lake, family)], await trash_of(as_alice)

    asking = await resolve(as_bob, [alices, bobs], bobs)

    assert asking.status_code == 409
    assert asking.json()['detail']['questions'] == [{'space_id': family, 'space_name': 'Family', 'asset_id': alices}]
    assert ([await space_state(as_alice, space) for space in (lake, family)], await trash_of(as_alice)) == before

    done = await resolved(as_bob, [alices, bobs], bobs, let_spaces_lose=[family])

    assert done['joined_spaces'] == [{'id': lake, 'name': 'Lake trip'}]
    assert await space_timeline(as_alice, lake) == {bobs}
    assert await space_timeline(as_alice, family) == set()  # Bob let it go


async def test_keeping_the_copy_a_viewers_space_holds_instead_asks_nothing(hearth, as_alice, as_bob, copy_of):
    family = await new_space(as_alice, name='Family')
    await invite(as_alice, family, 'viewer')
    await share(as_alice, email='bob@example.com', trust_level='very_close')  # Bob may trash Alice's photos
    alices = await uploaded(as_alice, copy_of(BUS))
    bobs = await uploaded(as_bob, copy_of(BUS, copies.without_exif))
    await add(as_alice, family, alices)
    await hashed(hearth)
    assert (await resolve(as_bob, [alices, bobs], bobs)).status_code == 409

    done = await resolved(as_bob, [alices, bobs], alices)

    assert (done['trashed'], done['joined_spaces']) == ([bobs], [])
    assert await space_timeline(as_bob, family) == {alices}


async def test_a_connected_librarys_copy_is_replaced_in_the_space_by_the_keeper(
    hearth, alice, as_alice, as_bob, copy_of
):
    space = await new_space(as_alice)
    await invite(as_alice, space, 'editor')
    on_the_nas = await uploaded(as_alice, copy_of(BUS))
    library = await external_library(hearth, alice, [uuid.UUID(on_the_nas)])
    await spaces.connect_library(hearth, alice, uuid.UUID(space), library.id)
    bobs = await uploaded(as_bob, copy_of(BUS, copies.resized))
    await hashed(hearth)
    [group] = (await as_bob.get('/duplicates', params={'space_id': space})).json()['groups'] or [None]
    assert group is None  # Bob's copy is not in the space yet
    assert {copy['id'] for copy in (await as_bob.get('/duplicates')).json()['groups'][0]['copies']} == {
        on_the_nas,
        bobs,
    }

    done = await resolved(as_bob, [on_the_nas, bobs], bobs)

    assert (done['trashed'], done['joined_spaces']) == ([on_the_nas], [{'id': space, 'name': 'Lake trip'}])
    assert await space_timeline(as_alice, space) == {bobs}


async def test_a_copy_the_resolver_may_not_trash_stays_and_the_group_does_not_come_back(
    hearth, as_alice, as_bob, copy_of
):
    await share(as_alice, email='bob@example.com', trust_level='helper')  # Bob sees, may not trash
    alices = await uploaded(as_alice, copy_of(BUS))
    bobs = await uploaded(as_bob, copy_of(BUS, copies.resized))
    await hashed(hearth)
    [group] = (await as_bob.get('/duplicates')).json()['groups']
    assert {copy['id']: (copy['can_trash'], copy['note']) for copy in group['copies']} == {
        alices: (False, 'Their copy stays: ask Alice'),
        bobs: (True, None),
    }

    done = await resolved(as_bob, [alices, bobs], bobs)

    assert (done['trashed'], done['stayed']) == ([], [{'id': alices, 'why': 'Their copy stays: ask Alice'}])
    assert await trash_of(as_alice) == {}
    assert (await as_bob.get('/duplicates')).json()['groups'] == []


async def test_every_members_state_and_albums_move_to_the_keeper(hearth, as_alice, as_bob, as_carl, copy_of):
    space = await new_space(as_alice)
    await invite(as_alice, space, 'editor')
    await invite(as_alice, space, 'viewer', email='carl@example.com')
    alices = await uploaded(as_alice, copy_of(BUS, copies.resized))
    bobs = await uploaded(as_bob, copy_of(BUS))
    await add(as_alice, space, alices)
    await add(as_bob, space, bobs)
    await as_carl.put(f'/assets/{alices}/state', json={'favorite': True})
    await as_bob.put(f'/assets/{alices}/state', json={'rating': 4})
    album = (await new_album(as_bob, asset_ids=[alices]))['id']
    await as_alice.patch(f'/assets/{alices}', json={'description': 'Grandma’s bus', 'tags': ['bus']})
    await hashed(hearth)

    await resolved(as_alice, [alices, bobs], bobs)

    assert (await asset(as_carl, bobs))['favorite'] is True
    assert (await asset(as_bob, bobs))['rating'] == 4
    assert ((await asset(as_alice, bobs))['favorite'], (await asset(as_alice, bobs))['rating']) == (False, 0)
    kept = await asset(as_alice, bobs)
    assert (kept['description'], kept['tags']) == ('Grandma’s bus', ['bus'])
    album_assets = (await as_bob.get(f'/albums/{album}/assets')).json()
    assert {str(uuid.UUID(item['id'])) for item in album_assets} == {bobs}


async def test_the_spaces_people_follow_the_keeper(hearth, alice, as_alice, as_bob, copy_of):
    space = await new_space(as_alice)
    await invite(as_alice, space, 'editor')
    alices = await uploaded(as_alice, copy_of(BUS))
    others = [await uploaded(as_alice, copy_of(name)) for name in copies.SAME_SCENE[0][:2]]
    bobs = await uploaded(as_bob, copy_of(BUS, copies.resized))
    grandma = np.random.default_rng(7).normal(0, 0.1, 128)
    await faces_of(hearth, grandma, alices, *others, bobs)
    await add(as_alice, space, alices, *others)
    await hashed(hearth)
    await run_queue(hearth, Queue.CLUSTERING)
    assert await people_photos(hearth, space) == [{alices, *others}]

    await resolved(as_bob, [alices, bobs], bobs)
    await run_queue(hearth, Queue.CLUSTERING)

    assert await people_photos(hearth, space) == [{bobs, *others}]


async def faces_of(hearth, centre, *asset_ids) -> None:
    """One face of the person around `centre` in each photo, as the face step would have found it."""
    rng, rows = np.random.default_rng(len(asset_ids)), []
    for asset_id in map(uuid.UUID, asset_ids):
        face_id = uuid.uuid4()
        rows.append(Face(id=face_id, asset_id=asset_id, x=0.3, y=0.2, width=0.2, height=0.3, score=0.9))
        rows[-1].embedding_id, rows[-1].model = str(face_id), MODEL_VERSION
    vectors = [centre + rng.normal(0, 0.01, 128) for _ in rows]
    await asyncio.to_thread(
        hearth.vectors.put, [row.embedding_id for row in rows], vectors, [str(row.asset_id) for row in rows]
    )
    async with hearth.db.session() as session:
        session.add_all(rows)
        await session.commit()


async def people_photos(hearth, space_id) -> list[set[str]]:
    """The photos of each person of the space, as people are read: without those in the trash."""
    async with hearth.db.session() as session:
        rows = await session.execute(
            select(PersonFace.person_id, Face.asset_id)
            .join(Face, Face.id == PersonFace.face_id)
            .join(Asset, Asset.id == Face.asset_id)
            .where(PersonFace.scope_id == uuid.UUID(space_id), Asset.trashed_at.is_(None))
        )
    people: dict[uuid.UUID, set[str]] = {}
    for person_id, asset_id in rows:
        people.setdefault(person_id, set()).add(str(asset_id))
    return list(people.values())


async def test_resolve_all_suggested_runs_in_the_background_with_a_result_per_group(
    hearth, as_alice, as_bob, bob, copy_of
):
    family = await new_space(as_alice, name='Family')
    await invite(as_alice, family, 'contributor')
    bus = [await uploaded(as_bob, copy_of(BUS)), await uploaded(as_bob, copy_of(BUS, copies.resized))]
    baboon = [await uploaded(as_bob, copy_of(BABOON)), await uploaded(as_bob, copy_of(BABOON, copies.resized))]
    await add(as_bob, family, baboon[1])  # the copy its suggestion would trash, in a space where Bob becomes a viewer
    await as_alice.patch(f'/spaces/{family}/members/{bob.id}', json={'role': 'viewer'})
    await hashed(hearth)
    response = await as_bob.post('/duplicates/resolve-suggested', json={})
    assert response.status_code == 202, response.text

    await run_queue(hearth, Queue.DUPLICATES)
    progress = (await as_bob.get(f'/duplicates/runs/{response.json()["run_id"]}')).json()

    assert (progress['state'], progress['done'], progress['total']) == ('done', 2, 2)
    assert sorted(result['status'] for result in progress['results']) == ['asks', 'resolved']
    assert await trash_of(as_bob) == {bus[1]: 'Bob'}
    assert await space_timeline(as_alice, family) == {baboon[1]}
    assert (await as_alice.get(f'/duplicates/runs/{response.json()["run_id"]}')).status_code == 404


async def test_bad_requests_change_nothing(hearth, as_alice, as_bob, copy_of):
    alices = await uploaded(as_alice, copy_of(BUS))
    smaller = await uploaded(as_alice, copy_of(BUS, copies.resized))
    await hashed(hearth)

    assert (await resolve(as_alice, [alices, smaller], str(uuid.uuid4()))).status_code == 400  # keeper not in group
    assert (await resolve(as_alice, [alices], alices)).status_code == 422  # one copy is no group
    assert (await resolve(as_bob, [alices, smaller], alices)).status_code == 404  # Bob sees neither
    done = await resolved(as_alice, [alices, smaller], alices)
    assert (await as_bob.post(f'/duplicates/resolutions/{done["resolution_id"]}/undo')).status_code == 404
    assert await trash_of(as_alice) == {smaller: 'Alice'}


@pytest.mark.parametrize('who', ['contributor', 'viewer'])
async def test_a_spaces_contributors_and_viewers_may_not_start_its_run(hearth, as_alice, as_bob, who):
    space = await new_space(as_alice)
    await invite(as_alice, space, who)

    response = await as_bob.post('/duplicates/resolve-suggested', json={'space_id': space})

    assert response.status_code == 403
