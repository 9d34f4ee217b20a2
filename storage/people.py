"""Queries over people and their faces. Which people an actor may see or change is decided here, in SQL."""

import uuid
from collections.abc import Collection

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Asset, Face, Person, PersonFace


def my_library_people(actor_id: uuid.UUID) -> Select:
    """Ids of the people of the actor's own library (merged-away ones excluded): only the owner sees them."""
    return select(Person.id).where(Person.owner_id == actor_id, Person.merged_into_id.is_(None))


async def among(session: AsyncSession, people: Select, person_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these people are among `people` (a select of ids)."""
    if not person_ids:
        return set()
    return set(await session.scalars(people.where(Person.id.in_(list(person_ids)))))


def space_people(space_id: uuid.UUID) -> Select:
    """Ids of a space's people (merged-away ones excluded): its members see them."""
    return select(Person.id).where(Person.space_id == space_id, Person.merged_into_id.is_(None))


def assets_with_all(person_ids: Collection[uuid.UUID]) -> Select:
    """Ids of assets in which every one of these people has a face."""
    wanted = list(dict.fromkeys(person_ids))
    return (
        select(Face.asset_id)
        .join(PersonFace, PersonFace.face_id == Face.id)
        .where(PersonFace.person_id.in_(wanted))
        .group_by(Face.asset_id)
        .having(func.count(distinct(PersonFace.person_id)) == len(wanted))
    )


def counts() -> Select:
    """(id, name, faces, photos, cover face, hidden, space) of people, counting their photos not in the trash
    (callers narrow which photos count). Rows only for people with such photos."""
    return (
        select(
            Person.id,
            Person.name,
            func.count(PersonFace.face_id),
            func.count(distinct(Face.asset_id)),
            Person.cover_face_id,
            Person.hidden,
            Person.space_id,
        )
        .join(PersonFace, PersonFace.person_id == Person.id)
        .join(Face, Face.id == PersonFace.face_id)
        .join(Asset, Asset.id == Face.asset_id)
        .where(Asset.trashed_at.is_(None), Person.merged_into_id.is_(None))
        .group_by(Person.id, Person.name, Person.cover_face_id, Person.hidden, Person.space_id)
    )
