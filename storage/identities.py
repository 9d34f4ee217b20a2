"""What Global People reads for one member, in SQL: the people they see, faces those people share, their decisions,
and which of those people's photos they may see. Nothing of another member's own library is ever read."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select, Uuid, and_, func, intersect, literal, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage import access
from storage.models import (
    Asset,
    Face,
    IdentityDecision,
    Person,
    PersonFace,
    Space,
    SpaceAsset,
    SpaceLibrary,
    SpaceMember,
)


@dataclass(frozen=True)
class SeenPerson:
    id: uuid.UUID
    name: str | None
    space_id: uuid.UUID | None  # None: of the member's own library
    space_name: str | None
    cover_face_id: uuid.UUID | None
    hidden: bool
    centroid: bytes | None
    role: str | None  # the member's role in the person's space (None for their own people)


def seen_people_ids(actor_id: uuid.UUID) -> Select:
    """The people a member sees: their own library's, and those of the spaces they show on their timeline."""
    return select(Person.id).where(
        or_(Person.owner_id == actor_id, Person.space_id.in_(access.space_ids(actor_id, on_timeline_only=True))),
        Person.merged_into_id.is_(None),
    )


async def seen_people(session: AsyncSession, actor_id: uuid.UUID) -> list[SeenPerson]:
    rows = await session.execute(
        select(
            Person.id,
            Person.name,
            Person.space_id,
            Space.name,
            Person.cover_face_id,
            Person.hidden,
            Person.centroid,
            SpaceMember.role,
        )
        .outerjoin(Space, Space.id == Person.space_id)
        .outerjoin(SpaceMember, and_(SpaceMember.space_id == Person.space_id, SpaceMember.user_id == actor_id))
        .where(Person.id.in_(seen_people_ids(actor_id)))
    )
    return [SeenPerson(*row) for row in rows]


async def shared_faces(session: AsyncSession, actor_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID, int]]:
    """(person, other person, faces in common) among the people of the scopes the member sees (by scope: a few
    ids, where a filter by the people themselves made SQLite walk every face)."""
    mine, other = aliased(PersonFace), aliased(PersonFace)
    scopes = _scopes(actor_id)
    rows = await session.execute(
        select(mine.person_id, other.person_id, func.count())
        .join(other, other.face_id == mine.face_id)
        .where(mine.scope_id.in_(select(scopes)), other.scope_id.in_(select(scopes)), mine.scope_id < other.scope_id)
        .group_by(mine.person_id, other.person_id)
    )
    return [tuple(row) for row in rows]


async def decisions(session: AsyncSession, actor_id: uuid.UUID) -> list[IdentityDecision]:
    return list(await session.scalars(select(IdentityDecision).where(IdentityDecision.user_id == actor_id)))


async def visible_photos(session: AsyncSession, actor_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(person, asset) for the photos of the people the member sees, as each person's own scope shows them: my
    library's people on my live photos and the partners' photos I show, a space's people on the space's live photos
    (a space the member sees). By scope, as `shared_faces`: a visibility filter per photo took 90 s for 50,000 faces
    on SQLite."""
    held = or_(
        select(SpaceAsset.asset_id)
        .where(SpaceAsset.space_id == PersonFace.scope_id, SpaceAsset.asset_id == Asset.id)
        .exists(),
        Asset.library_id.in_(select(SpaceLibrary.library_id).where(SpaceLibrary.space_id == PersonFace.scope_id)),
    )
    mine = access.mine_or_through_a_partner_on_timeline(actor_id)
    rows = await session.execute(
        select(PersonFace.person_id, Face.asset_id)
        .join(Face, Face.id == PersonFace.face_id)
        .join(Asset, Asset.id == Face.asset_id)
        .where(
            PersonFace.scope_id.in_(select(_scopes(actor_id))),
            Asset.trashed_at.is_(None),
            or_(and_(PersonFace.scope_id == actor_id, mine), held),
        )
        .distinct()
    )
    return [tuple(row) for row in rows]


def _scopes(actor_id: uuid.UUID):
    """The member's own library and the spaces they show on their timeline, as scope ids."""
    return union(select(literal(actor_id, Uuid)), access.space_ids(actor_id, on_timeline_only=True)).subquery()


def assets_with_any(person_ids: Collection[uuid.UUID]) -> Select:
    """Ids of assets in which any of these people (one identity) has a face."""
    return (
        select(Face.asset_id)
        .join(PersonFace, PersonFace.face_id == Face.id)
        .where(PersonFace.person_id.in_(list(person_ids)))
    )


def assets_with_each(groups: Collection[Collection[uuid.UUID]]) -> Select:
    """Ids of assets with a face of each group (an identity: any one of its people)."""
    both = intersect(*(assets_with_any(group) for group in groups)).subquery()
    return select(both.c[0])
