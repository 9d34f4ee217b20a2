"""Queries over people and their faces."""

from sqlalchemy import Select, Uuid, distinct, func, literal, select, union

from storage import access
from storage.models import Asset, Face, Person, PersonFace, Space


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


def people_of_faces(face_ids: list, actor_id) -> Select:
    """(face, person, person's name, their space and its name) of these faces, among the people of the member's own
    library and of the spaces they are in: whom each face is, wherever the member may see it said."""
    scopes = union(select(literal(actor_id, Uuid)), access.space_ids(actor_id)).subquery()
    return (
        select(PersonFace.face_id, PersonFace.person_id, Person.name, Person.space_id, Space.name.label('space_name'))
        .join(Person, Person.id == PersonFace.person_id)
        .outerjoin(Space, Space.id == Person.space_id)
        .where(PersonFace.face_id.in_(face_ids), PersonFace.scope_id.in_(select(scopes)))
    )
