"""People of a member's own library (SPEC §7): faces grouped by `ml.clustering`, named privately.

Only the library's owner ever sees its people, their names and their counts; anyone else gets 404.
"""

import asyncio
import uuid
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import distinct, func, select

from domain.errors import NotFound
from domain.text import clean_title
from ml import clustering
from services.accounts import Actor
from services.runtime import Hearth
from storage.models import Asset, AssetDetails, Face, Person, PersonFace

LIBRARY_SCOPE = 'library:'


@dataclass(frozen=True)
class PersonView:
    id: uuid.UUID
    name: str | None
    face_count: int
    photo_count: int
    cover_face_id: uuid.UUID | None
    hidden: bool = False


def library_subject(owner_id: uuid.UUID) -> str:
    return LIBRARY_SCOPE + owner_id.hex


async def group_library_faces(hearth: Hearth, owner_id: uuid.UUID) -> int:
    """Give the library's faces that have no person yet one: the nearest person within the threshold, or a new
    person when at least `clustering.MIN_FACES` of them are alike; the rest wait. Returns how many found a person."""
    faces, assigned = await _library_faces(hearth, owner_id)
    pending = [face for face in faces if face.id not in assigned]
    if not pending:
        return 0
    vectors = await asyncio.to_thread(hearth.vectors.get, [face.embedding_id for face in faces])
    known = [face for face in faces if face.id in assigned and face.embedding_id in vectors]
    pending = [face for face in pending if face.embedding_id in vectors]
    people, centres = _centres(known, assigned, vectors)
    matches = clustering.assign(np.array([vectors[face.embedding_id] for face in pending]), centres)
    joined = {face.id: people[index] for face, index in zip(pending, matches, strict=True) if index is not None}
    alone = [face for face, index in zip(pending, matches, strict=True) if index is None]
    grouping = clustering.cluster(np.array([vectors[face.embedding_id] for face in alone])) if alone else None
    async with hearth.db.session() as session:
        for face_id, person_id in joined.items():
            session.add(PersonFace(person_id=person_id, face_id=face_id, scope_id=owner_id))
        for group in grouping.groups if grouping else []:
            members = [alone[index] for index in group]
            person = Person(id=uuid.uuid4(), owner_id=owner_id, cover_face_id=max(members, key=_score).id)
            session.add(person)
            session.add_all(PersonFace(person_id=person.id, face_id=face.id, scope_id=owner_id) for face in members)
        await session.commit()
    return len(joined) + sum(len(group) for group in (grouping.groups if grouping else []))


def _score(face: Face) -> float:
    return face.score * face.width * face.height  # a sure, large face makes the best cover


async def _library_faces(hearth: Hearth, owner_id: uuid.UUID) -> tuple[list[Face], dict[uuid.UUID, uuid.UUID]]:
    async with hearth.db.session() as session:
        faces = list(
            await session.scalars(
                select(Face)
                .join(Asset, Asset.id == Face.asset_id)
                .where(Asset.owner_id == owner_id, Asset.trashed_at.is_(None))
                .order_by(Face.id)
            )
        )
        rows = await session.execute(
            select(PersonFace.face_id, PersonFace.person_id).where(PersonFace.scope_id == owner_id)
        )
        return faces, dict(rows.all())


def _centres(known: list[Face], assigned: dict, vectors: dict) -> tuple[list[uuid.UUID], np.ndarray]:
    by_person: dict[uuid.UUID, list[np.ndarray]] = defaultdict(list)
    for face in known:
        by_person[assigned[face.id]].append(vectors[face.embedding_id])
    people = list(by_person)
    if not people:
        return [], np.empty((0, 0))
    return people, np.array([np.mean(by_person[person], axis=0) for person in people])


async def list_people(hearth: Hearth, actor: Actor, hidden: bool = False) -> list[PersonView]:
    """The people of my library that I have not hidden (or, with `hidden`, those I have), most photographed first."""
    async with hearth.db.session() as session:
        rows = await session.execute(_people_counts().where(Person.owner_id == actor.id, Person.hidden.is_(hidden)))
        return sorted((PersonView(*row) for row in rows), key=lambda person: (-person.photo_count, str(person.id)))


_UNCHANGED = object()


async def update_person(
    hearth: Hearth, actor: Actor, person_id: uuid.UUID, name=_UNCHANGED, hidden: bool | None = None
) -> PersonView:
    """Name one of my library's people (None or blank takes the name away; the name is mine alone), and/or hide
    them from my People page (their faces stay theirs) or show them again; in one transaction."""
    async with hearth.db.session() as session:
        person = await _my_person(session, actor, person_id)
        if name is not _UNCHANGED:
            person.name = clean_title(name, 'person', 100) if name and name.strip() else None
        if hidden is not None:
            person.hidden = hidden
        await session.commit()
        return await _view(session, person)


async def rename_person(hearth: Hearth, actor: Actor, person_id: uuid.UUID, name: str | None) -> PersonView:
    return await update_person(hearth, actor, person_id, name=name)


async def set_hidden(hearth: Hearth, actor: Actor, person_id: uuid.UUID, hidden: bool) -> PersonView:
    return await update_person(hearth, actor, person_id, hidden=hidden)


async def get_person(hearth: Hearth, actor: Actor, person_id: uuid.UUID) -> PersonView:
    async with hearth.db.session() as session:
        return await _view(session, await _my_person(session, actor, person_id))


async def _view(session, person: Person) -> PersonView:
    """The person with their counts; a person whose photos are all in the trash counts none (and keeps the name)."""
    rows = (await session.execute(_people_counts().where(Person.id == person.id))).all()
    if rows:
        return PersonView(*rows[0])
    return PersonView(person.id, person.name, 0, 0, person.cover_face_id, person.hidden)


async def photos_of(hearth: Hearth, actor: Actor, person_id: uuid.UUID) -> list[uuid.UUID]:
    """The person's photos in my library, newest first."""
    async with hearth.db.session() as session:
        await _my_person(session, actor, person_id)
        rows = await session.scalars(
            select(AssetDetails.asset_id)
            .join(Face, Face.asset_id == AssetDetails.asset_id)
            .join(PersonFace, PersonFace.face_id == Face.id)
            .join(Asset, Asset.id == AssetDetails.asset_id)
            .where(PersonFace.person_id == person_id, Asset.trashed_at.is_(None))
            .group_by(AssetDetails.asset_id, AssetDetails.taken_at)
            .order_by(AssetDetails.taken_at.desc())
        )
        return list(rows)


async def _my_person(session, actor: Actor, person_id: uuid.UUID) -> Person:
    person = await session.get(Person, person_id)
    if person is None or person.owner_id != actor.id:
        raise NotFound('Person not found')
    return person


def _people_counts():
    return (
        select(
            Person.id,
            Person.name,
            func.count(PersonFace.face_id),
            func.count(distinct(Face.asset_id)),
            Person.cover_face_id,
            Person.hidden,
        )
        .join(PersonFace, PersonFace.person_id == Person.id)
        .join(Face, Face.id == PersonFace.face_id)
        .join(Asset, Asset.id == Face.asset_id)
        .where(Asset.trashed_at.is_(None))
        .group_by(Person.id, Person.name, Person.cover_face_id, Person.hidden)
    )
