"""People of a space (SPEC §7): faces of every contributor's photos grouped together, named by owners and editors,
seen by every member, 404 to everyone else; kept current as photos and connected libraries come and go; the space
timeline filtered by them; "refresh faces" per asset by SPEC §3. Real database, files and vector store; the faces'
vectors are injected, so who is whom is known."""

import uuid

import pytest
from sqlalchemy import select

from domain.errors import Forbidden, NotFound
from domain.jobs import Queue
from domain.spaces import SpaceRole
from services import faces, people, spaces
from services.accounts import create_user
from storage.models import Job
from tests.integration.test_faces import run_queue
from tests.integration.test_people import person_with, photos_with, someone
from tests.integration.test_spaces import external_library, space_ids, space_with

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


async def space_people(hearth, actor, space_id) -> set[tuple[str | None, int]]:
    return {(person.name, person.photo_count) for person in await people.list_space_people(hearth, actor, space_id)}


async def grandma_in_a_space(hearth, alice, bob, tmp_path, **members: SpaceRole):
    """Alice's 2 photos and Bob's 2 photos of Grandma in Alice's space, where Bob is an editor."""
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR, **members)
    grandma = someone()
    from_alice = await photos_with(hearth, alice, tmp_path, (grandma,), (grandma,))
    from_bob = await photos_with(hearth, bob, tmp_path, (grandma,), (grandma,))
    await spaces.add_assets(hearth, alice, space.id, from_alice)
    await spaces.add_assets(hearth, bob, space.id, from_bob)
    await run_queue(hearth, Queue.CLUSTERING)
    return space, from_alice, from_bob


async def test_faces_from_two_contributors_make_one_person_of_the_space(hearth, alice, bob, tmp_path):
    space, _, _ = await grandma_in_a_space(hearth, alice, bob, tmp_path)

    assert await space_people(hearth, alice, space.id) == {(None, 4)}
    assert await people.list_people(hearth, alice) == []  # two photos each: too few for their own libraries
    assert await people.list_people(hearth, bob) == []


async def test_owners_and_editors_name_the_spaces_people_and_every_member_sees_the_names(
    hearth,
    alice,
    bob,
    carl,
    tmp_path,
):
    space, _, _ = await grandma_in_a_space(hearth, alice, bob, tmp_path, carl=SpaceRole.VIEWER)
    [grandma] = await people.list_space_people(hearth, alice, space.id)

    await people.rename_person(hearth, bob, grandma.id, 'Grandma')

    for member in (alice, bob, carl):
        assert await space_people(hearth, member, space.id) == {('Grandma', 4)}
    with pytest.raises(Forbidden):
        await people.rename_person(hearth, carl, grandma.id, 'Someone')
    with pytest.raises(Forbidden):
        await people.move_faces(hearth, carl, grandma.id, [grandma.cover_face_id], None)
    assert await space_people(hearth, alice, space.id) == {('Grandma', 4)}  # the refusals changed nothing


async def test_a_spaces_people_are_not_found_by_those_outside_it(hearth, alice, bob, carl, tmp_path):
    space, _, _ = await grandma_in_a_space(hearth, alice, bob, tmp_path)
    [grandma] = await people.list_space_people(hearth, alice, space.id)
    await people.rename_person(hearth, alice, grandma.id, 'Grandma')

    with pytest.raises(NotFound):
        await people.list_space_people(hearth, carl, space.id)
    for attempt in (
        people.get_person(hearth, carl, grandma.id),
        people.rename_person(hearth, carl, grandma.id, 'Someone'),
        people.faces_of(hearth, carl, grandma.id),
        space_ids(hearth, carl, space.id, spaces.SpaceFilters(people=(grandma.id,))),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert await space_people(hearth, alice, space.id) == {('Grandma', 4)}


async def test_my_library_names_never_reach_a_space_and_its_names_never_reach_my_library(hearth, alice, bob, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.VIEWER)
    dad, dad_photos = await person_with(hearth, alice, tmp_path, 3, name='Dad')
    await spaces.add_assets(hearth, alice, space.id, dad_photos)
    await run_queue(hearth, Queue.CLUSTERING)

    [in_space] = await people.list_space_people(hearth, bob, space.id)
    assert (in_space.name, in_space.id != dad.id) == (None, True)
    with pytest.raises(NotFound):
        await people.get_person(hearth, bob, dad.id)
    await people.rename_person(hearth, alice, in_space.id, 'Claude')
    assert await space_people(hearth, bob, space.id) == {('Claude', 3)}
    assert {person.name for person in await people.list_people(hearth, alice)} == {'Dad'}


async def test_the_spaces_people_follow_photos_and_libraries_in_and_out(hearth, alice, bob, tmp_path):
    space, from_alice, from_bob = await grandma_in_a_space(hearth, alice, bob, tmp_path)
    [grandma] = await people.list_space_people(hearth, alice, space.id)

    await spaces.remove_assets(hearth, alice, space.id, from_alice)
    assert await space_people(hearth, bob, space.id) == {(None, 2)}  # at once: only the space's photos count
    await run_queue(hearth, Queue.CLUSTERING)
    assert {face.asset_id for face in await people.faces_of(hearth, bob, grandma.id)} == set(from_bob)

    grandma_again = someone()
    in_library = await photos_with(hearth, bob, tmp_path, (grandma_again,), (grandma_again,), (grandma_again,))
    library = await external_library(hearth, bob, in_library)
    await spaces.connect_library(hearth, bob, space.id, library.id)
    await run_queue(hearth, Queue.CLUSTERING)
    assert await space_people(hearth, alice, space.id) == {(None, 2), (None, 3)}

    await spaces.disconnect_library(hearth, bob, space.id, library.id)
    await run_queue(hearth, Queue.CLUSTERING)
    assert await space_people(hearth, alice, space.id) == {(None, 2)}


async def test_the_space_timeline_filtered_by_its_people(hearth, alice, bob, carl, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR, carl=SpaceRole.VIEWER)
    anna, bella = someone(), someone()
    with_anna = await photos_with(hearth, alice, tmp_path, (anna,), (anna,), (anna,), (anna, bella))
    with_bella = await photos_with(hearth, bob, tmp_path, (bella,), (bella,))
    await spaces.add_assets(hearth, alice, space.id, with_anna)
    await spaces.add_assets(hearth, bob, space.id, with_bella)
    await run_queue(hearth, Queue.CLUSTERING)
    by_count = {p.photo_count: p.id for p in await people.list_space_people(hearth, carl, space.id)}

    only = {count: spaces.SpaceFilters(people=(person_id,)) for count, person_id in by_count.items()}
    assert await space_ids(hearth, carl, space.id, only[4]) == set(with_anna)
    assert await space_ids(hearth, carl, space.id, only[3]) == {with_anna[3], *with_bella}
    both = spaces.SpaceFilters(people=tuple(by_count.values()))
    assert await space_ids(hearth, carl, space.id, both) == {with_anna[3]}
    bobs, _ = await person_with(hearth, bob, tmp_path, 3)
    with pytest.raises(NotFound):  # Bob's own person is his alone, even in a space they share
        await space_ids(hearth, alice, space.id, spaces.SpaceFilters(people=(bobs.id,)))


async def refresh_jobs(hearth) -> list[tuple[str, bool]]:
    async with hearth.db.session() as session:
        rows = await session.execute(select(Job.subject, Job.force).where(Job.kind == 'faces', Job.force.is_(True)))
        return list(rows.all())


async def test_refresh_faces_follows_the_role_table(hearth, alice, bob, carl, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.CONTRIBUTOR, carl=SpaceRole.VIEWER)
    [asset_id] = await photos_with(hearth, alice, tmp_path, (someone(),))
    await spaces.add_assets(hearth, alice, space.id, [asset_id])
    outsider = await people_outsider(hearth)

    with pytest.raises(Forbidden):  # contributors may not (SPEC §3)
        await faces.refresh_faces(hearth, bob, asset_id)
    with pytest.raises(NotFound):
        await faces.refresh_faces(hearth, outsider, asset_id)
    assert await refresh_jobs(hearth) == []

    await faces.refresh_faces(hearth, carl, asset_id)  # viewers may
    assert await refresh_jobs(hearth) == [(asset_id.hex, True)]


async def people_outsider(hearth):
    return await create_user(hearth, None, f'{uuid.uuid4().hex[:8]}@example.com', 'Dora', 'a long password')


async def test_over_http_space_people_for_members_only_and_names_by_editors(
    hearth,
    alice,
    bob,
    carl,
    as_alice,
    as_bob,
    client_for,
    tmp_path,
):
    space, from_alice, _ = await grandma_in_a_space(hearth, alice, bob, tmp_path, carl=SpaceRole.CONTRIBUTOR)
    [grandma] = await people.list_space_people(hearth, alice, space.id)
    outsider = await people_outsider(hearth)
    as_carl = await client_for('carl@example.com', 'a long password')
    as_outsider = await client_for(outsider.email, 'a long password')

    named = await as_bob.patch(f'/people/{grandma.id}', json={'name': 'Grandma'})
    assert (named.status_code, named.json()['name']) == (200, 'Grandma')
    assert [p['name'] for p in (await as_carl.get(f'/spaces/{space.id}/people')).json()] == ['Grandma']
    refused = await as_carl.patch(f'/people/{grandma.id}', json={'name': 'Someone'})
    assert refused.status_code == 403
    assert (await as_carl.post(f'/assets/{from_alice[0]}/refresh-faces')).status_code == 403
    assert (await as_alice.post(f'/assets/{from_alice[0]}/refresh-faces')).status_code == 202

    for path in (f'/spaces/{space.id}/people', f'/people/{grandma.id}', f'/people/{grandma.id}/faces'):
        response = await as_outsider.get(path)
        assert response.status_code == 404 and 'Grandma' not in response.text
    filtered = await as_carl.get(f'/spaces/{space.id}/timeline/buckets', params={'person': str(grandma.id)})
    assert sum(month['count'] for month in filtered.json()) == 4
    outside = await as_outsider.get(f'/spaces/{space.id}/timeline/buckets', params={'person': str(grandma.id)})
    assert outside.status_code == 404
    assert await space_people(hearth, alice, space.id) == {('Grandma', 4)}
