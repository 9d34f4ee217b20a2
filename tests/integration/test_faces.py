"""Faces through the real pipeline (SPEC §7): DeepFace with the Dlib model, offline, on real face photos; found once
per asset, with boxes, scores and vectors; crops only for those who can see the asset."""

import asyncio

import numpy as np
import pytest
from PIL import Image, ImageOps
from sqlalchemy import func, select

from domain.errors import NotFound
from domain.jobs import Queue
from services import assets, people, spaces
from services import faces as face_service
from services.pipeline import JobRunner
from services.steps import STEPS
from storage import jobs as job_rows
from storage import vectors as vector_store
from storage.models import Face, FaceScan
from tests.factories.face_photos import ANOTHER_PERSON, GROUP_OF_SIX, ONE_PERSON, face_photo
from tests.integration.test_partners import photo as generated_photo

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


async def upload(hearth, owner, name: str):
    staged = hearth.files.stage_copy(face_photo(name), 10**9)
    return (await assets.ingest(hearth, owner, staged)).asset_id


async def run_faces(hearth) -> None:
    runner = JobRunner(hearth, STEPS)
    try:
        while await runner.run_once(Queue.FACES):
            pass
    finally:
        await runner.stop()


async def faces_of(hearth, asset_id) -> list[Face]:
    async with hearth.db.session() as session:
        return list(await session.scalars(select(Face).where(Face.asset_id == asset_id).order_by(Face.x)))


async def test_uploads_are_searched_for_faces_once_with_boxes_scores_and_vectors(hearth, alice, tmp_path):
    names = [*ONE_PERSON, ANOTHER_PERSON, GROUP_OF_SIX]
    uploaded = {name: await upload(hearth, alice, name) for name in names}
    nobody = await generated_photo(hearth, alice, tmp_path)  # a flat colour: no face

    await run_faces(hearth)

    counts = {name: len(await faces_of(hearth, asset_id)) for name, asset_id in uploaded.items()}
    assert counts == {'obama.jpg': 1, 'obama2.jpg': 1, 'obama3.jpg': 1, 'biden.jpg': 1, 't1.jpg': 6}
    assert await faces_of(hearth, nobody) == []
    async with hearth.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(FaceScan)) == len(names) + 1  # none is an answer
    for face in await faces_of(hearth, uploaded['t1.jpg']):
        assert 0 <= face.x < 1 and 0 <= face.y < 1 and 0 < face.width < 0.5 and 0 < face.score <= 1
    assert await asyncio.to_thread(hearth.vectors.count) == 10

    vectors = {}
    for name in (*ONE_PERSON, ANOTHER_PERSON):
        [face] = await faces_of(hearth, uploaded[name])
        vectors[name] = (await asyncio.to_thread(hearth.vectors.get, [face.embedding_id]))[face.embedding_id]
    same = [np.linalg.norm(vectors[a] - vectors[b]) for a in ONE_PERSON for b in ONE_PERSON if a < b]
    other = [np.linalg.norm(vectors[a] - vectors[ANOTHER_PERSON]) for a in ONE_PERSON]
    assert max(same) < 0.5 < min(other)

    before = [face.id for face in await faces_of(hearth, uploaded['t1.jpg'])]
    async with hearth.db.session() as session:  # queued again without force: nothing is redone
        await job_rows.enqueue(session, Queue.FACES, 'faces', [uploaded['t1.jpg'].hex])
        await session.commit()
    await run_faces(hearth)
    assert [face.id for face in await faces_of(hearth, uploaded['t1.jpg'])] == before


async def test_face_crops_reach_only_those_who_see_the_asset(hearth, alice, bob):
    asset_id = await upload(hearth, alice, ANOTHER_PERSON)
    await run_faces(hearth)
    [face] = await face_service.faces_in_asset(hearth, alice, asset_id)

    crop = await face_service.face_crop(hearth, alice, face.id)
    assert crop[:2] == b'\xff\xd8' and len(crop) < 30_000
    with pytest.raises(NotFound):
        await face_service.face_crop(hearth, bob, face.id)
    with pytest.raises(NotFound):
        await face_service.faces_in_asset(hearth, bob, asset_id)


async def test_over_http_faces_and_crops_are_404_to_whoever_cannot_see_the_asset(
    hearth, alice, as_alice, as_bob, anonymous
):
    asset_id = await upload(hearth, alice, ANOTHER_PERSON)
    await run_faces(hearth)

    listed = await as_alice.get(f'/assets/{asset_id}/faces')
    assert listed.status_code == 200 and len(listed.json()) == 1
    face_id = listed.json()[0]['id']
    crop = await as_alice.get(f'/faces/{face_id}/thumbnail')
    assert (crop.status_code, crop.headers['content-type']) == (200, 'image/jpeg')

    for path in (f'/assets/{asset_id}/faces', f'/faces/{face_id}/thumbnail'):
        assert (await as_bob.get(path)).status_code == 404
        assert (await anonymous.get(path)).status_code == 401
    assert (await as_alice.get('/faces/not-a-face/thumbnail')).status_code == 422


async def run_queue(hearth, queue: Queue) -> None:
    runner = JobRunner(hearth, STEPS)
    try:
        while await runner.run_once(queue):
            pass
    finally:
        await runner.stop()


async def test_three_photos_of_one_man_become_one_person_and_another_man_waits(
    hearth, alice, bob, as_alice, as_bob, tmp_path
):
    for name in (*ONE_PERSON, ANOTHER_PERSON):
        await upload(hearth, alice, name)
    await run_faces(hearth)
    await run_queue(hearth, Queue.CLUSTERING)

    [person] = await people.list_people(hearth, alice)
    assert (person.name, person.face_count, person.photo_count) == (None, 3, 3)
    assert person.cover_face_id is not None

    named = await as_alice.patch(f'/people/{person.id}', json={'name': '  The   President '})
    assert (named.status_code, named.json()['name']) == (200, 'The President')
    assert [p['name'] for p in (await as_alice.get('/people')).json()] == ['The President']

    assert (await as_bob.get('/people')).json() == []
    refused = await as_bob.patch(f'/people/{person.id}', json={'name': 'Someone'})
    assert refused.status_code == 404 and 'President' not in refused.text
    assert (await people.list_people(hearth, alice))[0].name == 'The President'  # the refusal changed nothing
    assert (await as_bob.patch(f'/people/{person.id}', json={'hidden': True})).status_code == 404

    hidden = await as_alice.patch(f'/people/{person.id}', json={'hidden': True})
    assert (hidden.status_code, hidden.json()['hidden'], hidden.json()['name']) == (200, True, 'The President')
    assert (await as_alice.get('/people')).json() == []
    assert [p['name'] for p in (await as_alice.get('/people', params={'hidden': 'true'})).json()] == ['The President']
    await as_alice.patch(f'/people/{person.id}', json={'hidden': False})

    mirrored = tmp_path / 'mirrored.jpg'  # a new photo of him: it joins him rather than waiting
    ImageOps.mirror(Image.open(face_photo('obama.jpg'))).save(mirrored)
    await assets.ingest(hearth, alice, hearth.files.stage_copy(mirrored, 10**9))
    await run_faces(hearth)
    await run_queue(hearth, Queue.CLUSTERING)
    assert [(p.name, p.face_count, p.photo_count) for p in await people.list_people(hearth, alice)] == [
        ('The President', 4, 4)
    ]


async def test_in_a_space_two_contributors_photos_of_one_man_become_one_of_its_people(hearth, alice, bob):
    space = await spaces.create_space(hearth, alice, 'Inauguration')
    await spaces.add_member(hearth, alice, space.id, 'bob@example.com', 'contributor')
    from_alice = [await upload(hearth, alice, name) for name in ONE_PERSON[:2]]
    from_bob = [await upload(hearth, bob, name) for name in (ONE_PERSON[2], ANOTHER_PERSON)]
    await spaces.add_assets(hearth, alice, space.id, from_alice)
    await spaces.add_assets(hearth, bob, space.id, from_bob)

    await run_faces(hearth)
    await run_queue(hearth, Queue.CLUSTERING)

    [person] = await people.list_space_people(hearth, bob, space.id)
    assert (person.face_count, person.photo_count) == (3, 3)  # the other man is in one photo: he waits
    assert {face.asset_id for face in await people.faces_of(hearth, alice, person.id)} == {*from_alice, from_bob[0]}
    assert await people.list_people(hearth, alice) == [] and await people.list_people(hearth, bob) == []


async def test_vectors_are_written_read_and_deleted_in_batches(hearth, monkeypatch):
    monkeypatch.setattr(vector_store, 'BATCH', 3)  # a library's 40,000 faces in one call overflow Chroma's SQLite
    ids = [f'face-{number}' for number in range(10)]
    vectors = np.random.default_rng(1).normal(0, 0.1, (10, 128))

    await asyncio.to_thread(hearth.vectors.put, ids, vectors, ['asset'] * 10)
    found = await asyncio.to_thread(hearth.vectors.get, ids)

    assert sorted(found) == sorted(ids) and np.allclose(found['face-7'], vectors[7], atol=1e-6)
    await asyncio.to_thread(hearth.vectors.delete, ids)
    assert await asyncio.to_thread(hearth.vectors.count) == 0
