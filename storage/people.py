"""Queries over people and their faces."""

from sqlalchemy import Select, distinct, func, select

from storage.models import Asset, Face, Person, PersonFace


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
