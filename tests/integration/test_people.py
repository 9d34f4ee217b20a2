"""People of my library as a member corrects them (SPEC §7): merge and undo, the cover, faces moved or "not this
person", the weekly full re-cluster that keeps names, and the timeline filtered by people. The database, files and
vector store are real; the faces' vectors are injected (known people), so the grouping is known too."""

import asyncio
import uuid

import numpy as np
import pytest
from sqlalchemy import select

from domain.errors import InvalidInput, NotFound
from domain.jobs import Queue
from ml.faces import MODEL_VERSION
from services import assets, grouping, identities, people
from services import jobs as job_service
from storage.models import Face, PersonFace
from tests.integration.test_faces import run_queue
from tests.integration.test_partners import photo

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')

RNG = np.random.default_rng(7)


def someone() -> np.ndarray:
    """The centre of a new person's faces (people are about 1.6 apart, their own faces about 0.16)."""
    return RNG.normal(0, 0.1, 128)


async def photos_with(hearth, owner, tmp_path, *centres_per_photo: tuple[np.ndarray, ...]) -> list[uuid.UUID]:
    """One photo per entry, with a face of each person given (the faces the pipeline would have found)."""
    asset_ids, faces, vectors = [], [], []
    for centres in centres_per_photo:
        color = tuple(int(value) for value in RNG.integers(0, 256, 3))  # a new colour: a new photo, not a duplicate
        asset_id = await photo(hearth, owner, tmp_path, name=f'{uuid.uuid4().hex}.jpg', color=color)
        asset_ids.append(asset_id)
        for position, centre in enumerate(centres):
            face_id = uuid.uuid4()
            box = {'x': 0.1 + 0.3 * position, 'y': 0.2, 'width': 0.2, 'height': 0.3}
            faces.append(Face(id=face_id, asset_id=asset_id, **box, score=0.9, embedding_id=str(face_id)))
            faces[-1].model = MODEL_VERSION
            vectors.append(centre + RNG.normal(0, 0.01, 128))
    await asyncio.to_thread(
        hearth.vectors.put, [face.embedding_id for face in faces], vectors, [str(face.asset_id) for face in faces]
    )
    async with hearth.db.session() as session:
        session.add_all(faces)
        await session.commit()
    return asset_ids


async def person_with(hearth, owner, tmp_path, count: int = 3, centre=None, name: str | None = None):
    """A person of the owner's library in `count` photos; returns (person, asset ids)."""
    centre = someone() if centre is None else centre
    asset_ids = await photos_with(hearth, owner, tmp_path, *[(centre,)] * count)
    await people.group_library_faces(hearth, owner.id)
    person = await person_in(hearth, owner, asset_ids[0])
    if name:
        person = await people.rename_person(hearth, owner, person.id, name)
    return person, asset_ids


async def person_in(hearth, owner, asset_id) -> people.PersonView:
    async with hearth.db.session() as session:
        person_id = await session.scalar(
            select(PersonFace.person_id)
            .join(Face, Face.id == PersonFace.face_id)
            .where(Face.asset_id == asset_id, PersonFace.scope_id == owner.id)
        )
    return await people.get_person(hearth, owner, person_id)


async def summary(hearth, owner) -> set[tuple[str | None, int]]:
    return {(person.name, person.photo_count) for person in await people.list_people(hearth, owner)}


async def filtered(hearth, owner, person_ids) -> set[uuid.UUID]:
    months = await assets.timeline_buckets(hearth, owner, people=person_ids)
    return {
        item.id for month, _ in months for item in await assets.timeline_bucket(hearth, owner, month, people=person_ids)
    }


# ---- merge and undo ---------------------------------------------------------------------------------------------


async def test_merging_two_people_then_undoing_it_gives_both_back_as_they_were(hearth, alice, tmp_path):
    dad, _ = await person_with(hearth, alice, tmp_path, 3, name='Dad')
    papa, _ = await person_with(hearth, alice, tmp_path, 2 + 2, name='Papa')  # the same man, before his beard

    merged = await people.merge_people(hearth, alice, dad.id, [papa.id])

    assert (merged.name, merged.photo_count, merged.cover_face_id) == ('Dad', 7, dad.cover_face_id)
    assert await summary(hearth, alice) == {('Dad', 7)}
    with pytest.raises(NotFound):
        await people.get_person(hearth, alice, papa.id)
    assert len(await filtered(hearth, alice, [dad.id])) == 7

    restored = await people.undo_merge(hearth, alice, papa.id)

    assert (restored.name, restored.photo_count, restored.cover_face_id) == ('Papa', 4, papa.cover_face_id)
    assert await summary(hearth, alice) == {('Dad', 3), ('Papa', 4)}
    with pytest.raises(NotFound):  # undone once; nothing more to part
        await people.undo_merge(hearth, alice, papa.id)


async def test_merged_faces_stay_merged_when_new_faces_arrive_and_after_the_full_regroup(hearth, alice, tmp_path):
    beard, shaved = someone(), someone()
    dad, _ = await person_with(hearth, alice, tmp_path, 3, centre=shaved, name='Dad')
    bearded, _ = await person_with(hearth, alice, tmp_path, 3, centre=beard)
    await people.merge_people(hearth, alice, dad.id, [bearded.id])

    await photos_with(hearth, alice, tmp_path, (beard,), (shaved,))
    await people.group_library_faces(hearth, alice.id)
    assert await summary(hearth, alice) == {('Dad', 8)}

    await grouping.regroup(hearth, grouping.LibraryScope(alice.id))  # two looks, one man: the merge holds
    assert await summary(hearth, alice) == {('Dad', 8)}


async def test_a_merge_is_refused_for_someone_elses_or_the_same_person_and_changes_nothing(
    hearth, alice, bob, tmp_path
):
    mine, _ = await person_with(hearth, alice, tmp_path, name='Dad')
    theirs, _ = await person_with(hearth, bob, tmp_path, name='Claude')

    with pytest.raises(NotFound):
        await people.merge_people(hearth, alice, mine.id, [theirs.id])
    with pytest.raises(NotFound):
        await people.merge_people(hearth, bob, mine.id, [theirs.id])
    with pytest.raises(InvalidInput):
        await people.merge_people(hearth, alice, mine.id, [mine.id])

    assert await summary(hearth, alice) == {('Dad', 3)}
    assert await summary(hearth, bob) == {('Claude', 3)}


# ---- faces moved, "not this person", the cover --------------------------------------------------------------------


async def test_a_face_i_move_or_say_is_not_them_stays_where_i_put_it(hearth, alice, tmp_path):
    look_alike = someone()
    anna, anna_photos = await person_with(hearth, alice, tmp_path, 5, centre=look_alike, name='Anna')
    bella, _ = await person_with(hearth, alice, tmp_path, 3, name='Bella')
    anna_faces = await people.faces_of(hearth, alice, anna.id)
    to_bella, to_nobody = anna_faces[0].id, anna_faces[1].id

    assert await people.move_faces(hearth, alice, anna.id, [to_bella], bella.id) == 1
    assert await people.move_faces(hearth, alice, anna.id, [to_nobody], None) == 1

    assert await summary(hearth, alice) == {('Anna', 3), ('Bella', 4)}
    assert to_bella in {face.id for face in await people.faces_of(hearth, alice, bella.id)}
    for regroup in (
        people.group_library_faces(hearth, alice.id),
        grouping.regroup(hearth, grouping.LibraryScope(alice.id)),
    ):
        await regroup
        anna_now = {face.id for face in await people.faces_of(hearth, alice, anna.id)}
        assert to_bella not in anna_now and to_nobody not in anna_now
        assert to_bella in {face.id for face in await people.faces_of(hearth, alice, bella.id)}


async def test_moving_faces_checks_they_are_the_persons_and_that_both_people_are_mine(hearth, alice, bob, tmp_path):
    anna, _ = await person_with(hearth, alice, tmp_path, name='Anna')
    bella, _ = await person_with(hearth, alice, tmp_path, name='Bella')
    claude, _ = await person_with(hearth, bob, tmp_path, name='Claude')
    bella_face = (await people.faces_of(hearth, alice, bella.id))[0].id
    anna_face = (await people.faces_of(hearth, alice, anna.id))[0].id

    with pytest.raises(InvalidInput):  # Bella's face is not Anna's to move
        await people.move_faces(hearth, alice, anna.id, [bella_face], None)
    with pytest.raises(NotFound):
        await people.move_faces(hearth, alice, anna.id, [anna_face], claude.id)
    with pytest.raises(NotFound):
        await people.move_faces(hearth, bob, anna.id, [anna_face], None)
    with pytest.raises(InvalidInput):
        await people.move_faces(hearth, alice, anna.id, [anna_face], anna.id)

    assert await summary(hearth, alice) == {('Anna', 3), ('Bella', 3)}
    assert await summary(hearth, bob) == {('Claude', 3)}


async def test_the_last_face_moved_away_takes_an_unnamed_person_with_it(hearth, alice, tmp_path):
    stranger, _ = await person_with(hearth, alice, tmp_path)
    faces = [face.id for face in await people.faces_of(hearth, alice, stranger.id)]

    await people.move_faces(hearth, alice, stranger.id, faces, None)

    assert await people.list_people(hearth, alice) == []
    with pytest.raises(NotFound):
        await people.get_person(hearth, alice, stranger.id)


async def test_i_choose_the_cover_among_the_persons_own_faces(hearth, alice, tmp_path):
    anna, _ = await person_with(hearth, alice, tmp_path, name='Anna')
    bella, _ = await person_with(hearth, alice, tmp_path, name='Bella')
    chosen = (await people.faces_of(hearth, alice, anna.id))[-1].id

    assert (await people.update_person(hearth, alice, anna.id, cover_face_id=chosen)).cover_face_id == chosen
    with pytest.raises(InvalidInput):
        await people.update_person(hearth, alice, anna.id, cover_face_id=bella.cover_face_id)
    assert (await people.get_person(hearth, alice, anna.id)).cover_face_id == chosen

    await people.move_faces(hearth, alice, anna.id, [chosen], bella.id)  # the cover went: another face is the cover
    anna_faces = {face.id for face in await people.faces_of(hearth, alice, anna.id)}
    assert (await people.get_person(hearth, alice, anna.id)).cover_face_id in anna_faces


# ---- the full re-cluster ----------------------------------------------------------------------------------------


async def test_the_weekly_regroup_repairs_drift_and_keeps_names(hearth, alice, tmp_path):
    dad, _ = await person_with(hearth, alice, tmp_path, 3, name='Dad')
    uncle = someone()
    uncle_photos = await photos_with(hearth, alice, tmp_path, (uncle,), (uncle,), (uncle,))
    async with hearth.db.session() as session:  # drift: the uncle's faces went to Dad one by one
        face_ids = await session.scalars(select(Face.id).where(Face.asset_id.in_(uncle_photos)))
        session.add_all(PersonFace(person_id=dad.id, face_id=face_id, scope_id=alice.id) for face_id in face_ids)
        await session.commit()
    assert await summary(hearth, alice) == {('Dad', 6)}

    await job_service.regroup_people(hearth)  # what the schedule runs: a forced grouping of every library
    await run_queue(hearth, Queue.CLUSTERING)

    assert await summary(hearth, alice) == {('Dad', 3), (None, 3)}
    assert (await people.get_person(hearth, alice, dad.id)).name == 'Dad'
    assert (await person_in(hearth, alice, uncle_photos[0])).id != dad.id


# ---- the timeline filtered by people -------------------------------------------------------------------------------


async def test_my_timeline_filtered_by_one_or_several_people(hearth, alice, tmp_path):
    anna, bella = someone(), someone()
    only_anna = await photos_with(hearth, alice, tmp_path, (anna,), (anna,), (anna,))
    both = await photos_with(hearth, alice, tmp_path, (anna, bella))
    only_bella = await photos_with(hearth, alice, tmp_path, (bella,), (bella,))
    await photo(hearth, alice, tmp_path, name='nobody.jpg')
    await people.group_library_faces(hearth, alice.id)
    anna_id, bella_id = (
        (await person_in(hearth, alice, only_anna[0])).id,
        (await person_in(hearth, alice, only_bella[0])).id,
    )

    assert await filtered(hearth, alice, [anna_id]) == {*only_anna, *both}
    assert await filtered(hearth, alice, [bella_id]) == {*only_bella, *both}
    assert await filtered(hearth, alice, [anna_id, bella_id]) == set(both)
    assert len(await filtered(hearth, alice, [])) == 7


async def test_filtering_by_someone_elses_person_is_not_found(hearth, alice, bob, tmp_path):
    theirs, _ = await person_with(hearth, bob, tmp_path, name='Claude')
    mine, _ = await person_with(hearth, alice, tmp_path)

    with pytest.raises(NotFound):
        await filtered(hearth, alice, [theirs.id])
    with pytest.raises(NotFound):
        await filtered(hearth, alice, [mine.id, uuid.uuid4()])
    with pytest.raises(InvalidInput):
        await filtered(hearth, alice, [uuid.uuid4() for _ in range(identities.MAX_IDENTITIES_IN_FILTER + 1)])


# ---- over HTTP ------------------------------------------------------------------------------------------------------


async def test_over_http_i_merge_undo_move_and_filter(hearth, alice, as_alice, tmp_path):
    anna, anna_photos = await person_with(hearth, alice, tmp_path, name='Anna')
    twin, _ = await person_with(hearth, alice, tmp_path)

    merged = await as_alice.post(f'/people/{anna.id}/merge', json={'person_ids': [str(twin.id)]})
    assert (merged.status_code, merged.json()['photo_count'], merged.json()['name']) == (200, 6, 'Anna')
    assert (await as_alice.get(f'/people/{twin.id}')).status_code == 404
    undone = await as_alice.post(f'/people/{twin.id}/undo-merge')
    assert (undone.status_code, undone.json()['photo_count']) == (200, 3)

    faces = (await as_alice.get(f'/people/{anna.id}/faces')).json()
    assert len(faces) == 3 and {face['asset_id'] for face in faces} == {str(asset_id) for asset_id in anna_photos}
    cover = await as_alice.patch(f'/people/{anna.id}', json={'cover_face_id': faces[1]['id']})
    assert (cover.status_code, cover.json()['cover_face_id']) == (200, faces[1]['id'])
    wrong_cover = await as_alice.patch(f'/people/{anna.id}', json={'cover_face_id': str(twin.cover_face_id)})
    assert wrong_cover.status_code == 400

    moved = await as_alice.post(
        f'/people/{anna.id}/faces/move', json={'face_ids': [faces[0]['id']], 'to_person_id': None}
    )
    assert (moved.status_code, moved.json()) == (200, {'count': 1})

    months = (await as_alice.get('/timeline/buckets', params={'person': [str(anna.id)]})).json()
    assert sum(month['count'] for month in months) == 2
    items = (await as_alice.get(f'/timeline/buckets/{months[0]["month"]}', params={'person': str(anna.id)})).json()
    assert {uuid.UUID(item['id']) for item in items['assets']} <= set(anna_photos)
    assert (await as_alice.get('/timeline/buckets', params={'person': 'nobody'})).status_code == 422
    assert (await as_alice.get('/timeline/buckets', params={'person': str(uuid.uuid4())})).status_code == 404


async def test_over_http_my_people_are_404_to_others_and_their_refusals_change_nothing(
    hearth, alice, as_alice, as_bob, tmp_path
):
    anna, _ = await person_with(hearth, alice, tmp_path, name='Anna')
    twin, _ = await person_with(hearth, alice, tmp_path, name='Twin')
    face_id = (await people.faces_of(hearth, alice, anna.id))[0].id
    await people.merge_people(hearth, alice, anna.id, [twin.id])
    calls = [
        ('GET', f'/people/{anna.id}', None),
        ('PATCH', f'/people/{anna.id}', {'name': 'Someone', 'hidden': True}),
        ('PATCH', f'/people/{anna.id}', {'cover_face_id': str(face_id)}),
        ('POST', f'/people/{anna.id}/merge', {'person_ids': [str(anna.id)]}),
        ('POST', f'/people/{twin.id}/undo-merge', None),
        ('GET', f'/people/{anna.id}/faces', None),
        ('POST', f'/people/{anna.id}/faces/move', {'face_ids': [str(face_id)], 'to_person_id': None}),
        ('GET', '/timeline/buckets', {'person': str(anna.id)}),
    ]
    before = await as_alice.get(f'/people/{anna.id}/faces')

    for method, path, body in calls:
        params, json = (body, None) if method == 'GET' else (None, body)
        refused = await as_bob.request(method, path, params=params, json=json)
        assert refused.status_code == 404, (method, path)
        assert 'Anna' not in refused.text and 'Twin' not in refused.text

    assert (await as_alice.get(f'/people/{anna.id}/faces')).json() == before.json()
    assert await summary(hearth, alice) == {('Anna', 6)}
    assert (await as_bob.get('/people')).json() == []
