"""The people in one photo (SPEC §7), named face by face: a face seen once becomes a person when a member names it,
a face Hearth missed is added by hand from a box and named at once, and search finds the photo by that name. Who
may name them follows the photo's grant: my library for my photos and the partners' I show, a space's people for
its owners and editors, nobody else. Real database (SQLite and PostgreSQL), files and vector store; vectors are
injected, except where the real face model looks for faces again."""

import uuid

import pytest

from domain.errors import Forbidden, InvalidInput
from domain.faces import Box
from domain.jobs import Queue
from domain.spaces import SpaceRole
from services import faces, grouping, people, sharing, spaces
from tests.factories.face_photos import ANOTHER_PERSON
from tests.integration.test_faces import run_faces, run_queue
from tests.integration.test_faces import upload as upload_face_photo
from tests.integration.test_people import person_with, photos_with, someone
from tests.integration.test_spaces import space_with

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')

MISSED = {'x': 0.6, 'y': 0.2, 'width': 0.25, 'height': 0.35}  # where no face was found


async def one_face_photo(hearth, owner, tmp_path) -> tuple[uuid.UUID, uuid.UUID]:
    """A photo with one face nobody else has (grouping leaves it waiting); returns (asset id, face id)."""
    [asset_id] = await photos_with(hearth, owner, tmp_path, (someone(),))
    await run_queue(hearth, Queue.CLUSTERING)
    [face] = await faces.faces_in_asset(hearth, owner, asset_id)
    return asset_id, face.id


async def found_by(client, q: str) -> set[uuid.UUID]:
    response = await client.get('/search', params={'q': q, 'limit': 200})
    assert response.status_code == 200, response.text
    return {uuid.UUID(asset['id']) for asset in response.json()['assets']}


async def faces_seen(client, asset_id: str, **params) -> list[dict]:
    response = await client.get(f'/assets/{asset_id}/faces', params=params)
    assert response.status_code == 200, response.text
    return response.json()


# ---- naming a face --------------------------------------------------------------------------------------------------


async def test_a_face_seen_once_named_in_the_photo_becomes_a_person_search_finds(hearth, alice, as_alice, tmp_path):
    asset_id, face_id = await one_face_photo(hearth, alice, tmp_path)
    [face] = await faces_seen(as_alice, asset_id)
    assert (face['name'], face['person_id'], face['can_name'], face['added_by_hand']) == (None, None, True, False)
    assert asset_id not in await found_by(as_alice, 'Rosalind')

    named = await as_alice.put(f'/faces/{face_id}/person', json={'name': 'Great-aunt Rosalind'})

    assert named.status_code == 200, named.text
    assert (named.json()['name'], named.json()['photo_count'], named.json()['space_id']) == (
        'Great-aunt Rosalind',
        1,
        None,
    )
    [face] = await faces_seen(as_alice, asset_id)
    assert (face['name'], face['person_id']) == ('Great-aunt Rosalind', named.json()['id'])
    assert asset_id in await found_by(as_alice, 'Rosalind')
    await run_queue(hearth, Queue.CLUSTERING)  # grouping leaves a confirmed face where I put it
    assert (await faces_seen(as_alice, asset_id))[0]['person_id'] == named.json()['id']


async def test_the_same_name_again_is_the_same_person(hearth, alice, tmp_path):
    _, first = await one_face_photo(hearth, alice, tmp_path)
    _, second = await one_face_photo(hearth, alice, tmp_path)

    rose = await people.name_face(hearth, alice, first, name='Rose')
    again = await people.name_face(hearth, alice, second, name='  rose ')

    assert again.id == rose.id and (again.name, again.photo_count) == ('Rose', 2)
    assert [(person.name, person.photo_count) for person in await people.list_people(hearth, alice)] == [('Rose', 2)]


async def test_a_face_grouped_into_someone_leaves_them_when_i_name_it_and_stays_after_the_regroup(
    hearth, alice, tmp_path
):
    dad, _ = await person_with(hearth, alice, tmp_path, 3, name='Dad')
    face_id = (await people.faces_of(hearth, alice, dad.id))[0].id

    tom = await people.name_face(hearth, alice, face_id, name='Uncle Tom')
    await run_queue(hearth, Queue.CLUSTERING)
    await grouping.regroup(hearth, grouping.LibraryScope(alice.id))  # the weekly full re-cluster

    assert {(person.name, person.photo_count) for person in await people.list_people(hearth, alice)} == {
        ('Dad', 2),
        ('Uncle Tom', 1),
    }
    back = await people.name_face(hearth, alice, face_id, person_id=dad.id)
    assert (back.id, back.photo_count) == (dad.id, 3)
    assert (await people.get_person(hearth, alice, tom.id)).photo_count == 0  # named, so kept, with no photos


async def test_naming_a_face_grouping_found_names_the_person_it_is_in(hearth, alice, tmp_path):
    someone_grouped, _ = await person_with(hearth, alice, tmp_path, 3)
    face_id = (await people.faces_of(hearth, alice, someone_grouped.id))[0].id

    named = await people.name_face(hearth, alice, face_id, name='Aunt May')

    assert (named.id, named.name, named.photo_count) == (someone_grouped.id, 'Aunt May', 3)


async def test_naming_needs_someone_and_a_person_of_the_photos_own_scope(hearth, alice, bob, tmp_path):
    _, face_id = await one_face_photo(hearth, alice, tmp_path)
    space = await space_with(hearth, alice)
    _, in_space = await person_with(hearth, alice, tmp_path, 3)
    await spaces.add_assets(hearth, alice, space.id, in_space)
    await run_queue(hearth, Queue.CLUSTERING)
    [space_person] = await people.list_space_people(hearth, alice, space.id)

    for attempt in (
        people.name_face(hearth, alice, face_id),
        people.name_face(hearth, alice, face_id, name='   '),
        people.name_face(hearth, alice, face_id, person_id=space_person.id),  # the photo is not in the space
    ):
        with pytest.raises(InvalidInput):
            await attempt
    assert await people.list_space_people(hearth, alice, space.id) == [space_person]


# ---- adding a face Hearth missed ------------------------------------------------------------------------------------


async def test_a_face_added_by_hand_is_named_found_by_search_and_kept_when_looking_for_faces_again(
    hearth, alice, as_alice
):
    asset_id = await upload_face_photo(hearth, alice, ANOTHER_PERSON)
    await run_faces(hearth)
    [found] = await faces_seen(as_alice, asset_id)

    added = await as_alice.post(f'/assets/{asset_id}/faces', json={**MISSED, 'name': 'Zinedine Zidane'})

    assert added.status_code == 201, added.text
    face = added.json()
    assert (face['added_by_hand'], face['name'], face['can_remove'], face['x']) == (True, 'Zinedine Zidane', True, 0.6)
    assert asset_id in await found_by(as_alice, 'Zidane')
    crop = await as_alice.get(f'/faces/{face["id"]}/thumbnail')
    assert (crop.status_code, crop.headers['content-type']) == (200, 'image/jpeg')

    assert (await as_alice.post(f'/assets/{asset_id}/refresh-faces')).status_code == 202
    await run_faces(hearth)
    await run_queue(hearth, Queue.CLUSTERING)

    after = await faces_seen(as_alice, asset_id)
    [found_again] = [item for item in after if not item['added_by_hand']]
    assert found_again['id'] != found['id']  # found afresh
    assert [item for item in after if item['added_by_hand']] == [face]  # mine kept, named as it was
    assert asset_id in await found_by(as_alice, 'Zidane')


async def test_removing_a_face_added_by_hand_takes_it_out_of_the_photo_and_of_search(hearth, alice, as_alice, tmp_path):
    asset_id, detected = await one_face_photo(hearth, alice, tmp_path)
    face = (await as_alice.post(f'/assets/{asset_id}/faces', json={**MISSED, 'name': 'Zidane'})).json()

    assert (await as_alice.delete(f'/faces/{detected}')).status_code == 400  # a face Hearth found is not drawn
    assert (await as_alice.delete(f'/faces/{face["id"]}')).status_code == 204

    assert [item['id'] for item in await faces_seen(as_alice, asset_id)] == [str(detected)]
    assert asset_id not in await found_by(as_alice, 'Zidane')
    assert (await as_alice.delete(f'/faces/{face["id"]}')).status_code == 404


async def test_bad_boxes_and_names_are_refused_and_add_nothing(hearth, alice, as_alice, tmp_path):
    asset_id, _ = await one_face_photo(hearth, alice, tmp_path)
    bad = [
        {**MISSED, 'x': 0.9},  # past the right edge
        {**MISSED, 'y': -0.1},
        {**MISSED, 'width': 0.005},  # a slip of the finger
        {**MISSED, 'height': 0},
        {**MISSED, 'width': 'wide'},
        {'x': 0.1, 'y': 0.1},
    ]
    for box in bad:
        response = await as_alice.post(f'/assets/{asset_id}/faces', json={**box, 'name': 'Zidane'})
        assert response.status_code == 422, box
    assert (await as_alice.post(f'/assets/{asset_id}/faces', json=MISSED)).status_code == 422  # nobody named
    assert (await as_alice.post(f'/assets/{asset_id}/faces', json={**MISSED, 'name': 'x' * 101})).status_code == 422
    with pytest.raises(InvalidInput):
        await faces.add_face(hearth, alice, asset_id, Box(0.5, 0.5, 0.6, 0.2), name='Zidane')
    assert len(await faces_seen(as_alice, asset_id)) == 1


# ---- who may name them ----------------------------------------------------------------------------------------------


async def test_a_partner_names_my_photos_faces_for_themselves_alone(hearth, alice, bob, as_alice, as_bob, tmp_path):
    await sharing.share_library(hearth, alice, 'bob@example.com')  # a known user: names people (SPEC §3)
    asset_id, face_id = await one_face_photo(hearth, alice, tmp_path)

    named = await as_bob.put(f'/faces/{face_id}/person', json={'name': 'Cousin Josephine'})
    added = await as_bob.post(f'/assets/{asset_id}/faces', json={**MISSED, 'name': 'Cousin Max'})

    assert (named.status_code, added.status_code) == (200, 201)
    assert {face['name'] for face in await faces_seen(as_bob, asset_id)} == {'Cousin Josephine', 'Cousin Max'}
    assert {face['name'] for face in await faces_seen(as_alice, asset_id)} == {None}  # never across a boundary
    assert asset_id in await found_by(as_bob, 'Josephine') and asset_id not in await found_by(as_alice, 'Josephine')
    mine = [face for face in await faces_seen(as_alice, asset_id) if face['added_by_hand']]
    assert mine[0]['can_remove'] is True  # my photo: I may take away a box someone drew on it


async def test_a_guest_partner_or_a_space_viewer_sees_the_people_but_is_refused_and_nothing_changes(
    hearth, alice, bob, carl, as_alice, as_bob, as_carl, tmp_path
):
    await sharing.share_library(hearth, alice, 'bob@example.com', 'guest')
    asset_id, face_id = await one_face_photo(hearth, alice, tmp_path)
    space = await space_with(hearth, alice, carl=SpaceRole.VIEWER)
    await spaces.add_assets(hearth, alice, space.id, [asset_id])
    drawn = (await as_alice.post(f'/assets/{asset_id}/faces', json={**MISSED, 'name': 'Zidane'})).json()
    before = await faces_seen(as_alice, asset_id)

    for client in (as_bob, as_carl):
        seen = await faces_seen(client, asset_id)
        assert [(face['can_name'], face['can_remove']) for face in seen] == [(False, False), (False, False)]
        assert (await client.put(f'/faces/{face_id}/person', json={'name': 'Someone'})).status_code == 403
        assert (await client.post(f'/assets/{asset_id}/faces', json={**MISSED, 'name': 'Someone'})).status_code == 403
        assert (await client.delete(f'/faces/{drawn["id"]}')).status_code == 403

    assert await faces_seen(as_alice, asset_id) == before
    assert await people.list_people(hearth, bob) == [] and await people.list_people(hearth, carl) == []
    with pytest.raises(Forbidden):
        await people.people_to_choose(hearth, carl, asset_id)


async def test_those_who_cannot_see_the_photo_get_404_and_strangers_401(
    hearth, alice, as_alice, as_bob, anonymous, tmp_path
):
    asset_id, face_id = await one_face_photo(hearth, alice, tmp_path)
    before = await faces_seen(as_alice, asset_id)
    calls = [
        ('GET', f'/assets/{asset_id}/faces', None),
        ('PUT', f'/faces/{face_id}/person', {'name': 'Someone'}),
        ('POST', f'/assets/{asset_id}/faces', {**MISSED, 'name': 'Someone'}),
        ('DELETE', f'/faces/{face_id}', None),
    ]
    for method, path, body in calls:
        assert (await as_bob.request(method, path, json=body)).status_code == 404, (method, path)
        assert (await anonymous.request(method, path, json=body)).status_code == 401, (method, path)
    assert await faces_seen(as_alice, asset_id) == before


async def test_a_spaces_editor_names_its_people_for_every_member_and_cannot_remove_the_owners_box(
    hearth, alice, bob, carl, as_alice, as_bob, as_carl, tmp_path
):
    asset_id, face_id = await one_face_photo(hearth, alice, tmp_path)
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR, carl=SpaceRole.VIEWER)
    await spaces.add_assets(hearth, alice, space.id, [asset_id])
    drawn = (await as_alice.post(f'/assets/{asset_id}/faces', json={**MISSED, 'name': 'Zidane'})).json()

    named = await as_bob.put(f'/faces/{face_id}/person', json={'name': 'Grandma'})

    assert (named.status_code, named.json()['space_id']) == (200, str(space.id))
    assert [person.name for person in await people.list_space_people(hearth, carl, space.id)] == ['Grandma']
    seen_by_carl = {face['name']: face['name_from'] for face in await faces_seen(as_carl, asset_id)}
    assert seen_by_carl == {'Grandma': 'Lake trip', None: None}  # Alice's Zidane is her library's, not the space's
    assert (await as_bob.delete(f'/faces/{drawn["id"]}')).status_code == 403
    assert asset_id in await found_by(as_carl, 'Grandma')
    again = await as_alice.put(f'/faces/{face_id}/person', json={'person_id': named.json()['id']})
    assert (again.status_code, again.json()['photo_count']) == (200, 1)
