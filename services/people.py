"""People (SPEC §7), grouped by `services.grouping`: of a member's own library, named and corrected by them alone
(anyone else gets 404), and of a space, seen by its members and named and corrected by its owners and editors
(404 to non-members, 403 to the other members).

A face in a photo is named where the member keeps people for that photo: their own library when the photo is in it
(theirs, or a partner's they show on their timeline; naming needs the "people" right of SPEC §3, which partners
trusted as very close or known hold), else a space holding it where they are an owner or editor. Anywhere else (an
album share, a space they only view or contribute to) the people of the photo are theirs to see, not to name: 403.
"""

import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace

from sqlalchemy import delete, exists, select, update

from domain.access import Permission
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.spaces import SpaceAction, require_space, space_actions
from domain.text import clean_title
from services import grouping
from services.accounts import Actor
from services.assets import require_permission
from services.runtime import Hearth
from storage import access as access_queries
from storage import people as queries
from storage import spaces as space_queries
from storage.models import Asset, AssetDetails, Face, FaceRejection, Person, PersonFace

NOT_YOURS_TO_NAME = 'You can see who is in this photo, but not name them'


@dataclass(frozen=True)
class PersonView:
    id: uuid.UUID
    name: str | None
    face_count: int
    photo_count: int
    cover_face_id: uuid.UUID | None
    hidden: bool = False
    space_id: uuid.UUID | None = None  # a space's person (else of my library)
    editable: bool = True  # whether I may name, merge and correct them


@dataclass(frozen=True)
class FaceView:
    id: uuid.UUID
    asset_id: uuid.UUID
    confirmed: bool


async def group_library_faces(hearth: Hearth, owner_id: uuid.UUID) -> int:
    return await grouping.group_new_faces(hearth, grouping.LibraryScope(owner_id))


async def list_people(hearth: Hearth, actor: Actor, hidden: bool = False) -> list[PersonView]:
    """The people of my library that I have not hidden (or, with `hidden`, those I have), most photographed first."""
    async with hearth.db.session() as session:
        mine = Person.owner_id == actor.id, Person.hidden.is_(hidden), *_counted_in(Person(owner_id=actor.id))
        return _most_photographed(await session.execute(queries.counts().where(*mine)))


async def list_space_people(hearth: Hearth, actor: Actor, space_id: uuid.UUID, hidden: bool = False):
    """The people of a space (for its members), most photographed first, counting the space's photos."""
    async with hearth.db.session() as session:
        role = await space_queries.member_role(session, space_id, actor.id)
        require_space(SpaceAction.VIEW, role)
        theirs = Person.space_id == space_id, Person.hidden.is_(hidden), *_counted_in(Person(space_id=space_id))
        editable = SpaceAction.NAME_PEOPLE in space_actions(role)
        return _most_photographed(await session.execute(queries.counts().where(*theirs)), editable)


def _most_photographed(rows, editable: bool = True) -> list[PersonView]:
    found = (PersonView(*row, editable=editable) for row in rows)
    return sorted(found, key=lambda person: (-person.photo_count, str(person.id)))


def _counted_in(person: Person) -> tuple:
    """Which photos count for a person: of a library, those on its owner's timeline from their own photos and the
    partners' they show (not archived by their owner); of a space, those in the space."""
    if person.space_id is not None:
        return (Face.asset_id.in_(space_queries.live_asset_ids(person.space_id)),)
    shown = access_queries.mine_or_through_a_partner_on_timeline(person.owner_id)
    return shown, ~access_queries.archived_by_its_owner()


_UNCHANGED = object()


async def update_person(
    hearth: Hearth,
    actor: Actor,
    person_id: uuid.UUID,
    name=_UNCHANGED,
    hidden: bool | None = None,
    cover_face_id: uuid.UUID | None = None,
) -> PersonView:
    """Name a person (None or blank takes the name away; a library's names are its owner's alone, a space's are its
    members'), hide them from the People page (their faces stay theirs) or show them again, and/or choose which of
    their faces is the cover."""
    async with hearth.db.session() as session:
        person = await _person_for(session, actor, person_id, change=True)
        if name is not _UNCHANGED:
            person.name = clean_title(name, 'person', 100) if name and name.strip() else None
        if hidden is not None:
            person.hidden = hidden
        if cover_face_id is not None:
            await _require_faces_of(session, person.id, [cover_face_id])
            person.cover_face_id = cover_face_id
        await session.commit()
        return await _view(session, person)


async def rename_person(hearth: Hearth, actor: Actor, person_id: uuid.UUID, name: str | None) -> PersonView:
    return await update_person(hearth, actor, person_id, name=name)


async def set_hidden(hearth: Hearth, actor: Actor, person_id: uuid.UUID, hidden: bool) -> PersonView:
    return await update_person(hearth, actor, person_id, hidden=hidden)


async def get_person(hearth: Hearth, actor: Actor, person_id: uuid.UUID) -> PersonView:
    async with hearth.db.session() as session:
        person = await _person_for(session, actor, person_id)
        view = await _view(session, person)
        if person.space_id is None:
            return view
        role = await space_queries.member_role(session, person.space_id, actor.id)
        return replace(view, editable=SpaceAction.NAME_PEOPLE in space_actions(role))


async def peers_of(hearth: Hearth, actor: Actor, person: PersonView) -> list[PersonView]:
    """The other people of the person's library or space: whom they may be merged with, or faces moved to."""
    if person.space_id is None:
        found = await list_people(hearth, actor)
    else:
        found = await list_space_people(hearth, actor, person.space_id)
    return [other for other in found if other.id != person.id]


async def merge_people(hearth: Hearth, actor: Actor, person_id: uuid.UUID, others: Collection[uuid.UUID]) -> PersonView:
    """The others are the same person as this one: their faces join this person, who keeps their own name (and cover,
    if they have one). The others are kept aside, so `undo_merge` can part them again."""
    others = list(dict.fromkeys(others))
    async with hearth.db.session() as session:
        person = await _person_for(session, actor, person_id, change=True)
        if not others or person_id in others:
            raise InvalidInput('Choose other people to merge into this one')
        for other in [await _person_for(session, actor, other_id, change=True, like=person) for other_id in others]:
            await session.execute(
                update(PersonFace)
                .where(PersonFace.person_id == other.id)
                .values(person_id=person.id, merged_from_id=other.id)
            )
            await _carry_rejections(session, other.id, person.id)
            other.merged_into_id = person.id
            person.cover_face_id = person.cover_face_id or other.cover_face_id
        await _recentre_later(session, person)
        await session.commit()
        return await _view(session, person)


async def _carry_rejections(session, from_person: uuid.UUID, to_person: uuid.UUID) -> None:
    """A face that is not the merged person is not the person they merged into either."""
    already = set(await session.scalars(select(FaceRejection.face_id).where(FaceRejection.person_id == to_person)))
    rejected = await session.scalars(select(FaceRejection.face_id).where(FaceRejection.person_id == from_person))
    session.add_all(
        FaceRejection(person_id=to_person, face_id=face_id) for face_id in rejected if face_id not in already
    )


async def undo_merge(hearth: Hearth, actor: Actor, merged_id: uuid.UUID) -> PersonView:
    """Part a merged person again: the faces that came with them go back (unless I moved them since)."""
    async with hearth.db.session() as session:
        merged = await _person_for(session, actor, merged_id, change=True, merged=True)
        await session.execute(
            update(PersonFace)
            .where(PersonFace.scope_id == _scope_id(merged), PersonFace.merged_from_id == merged.id)
            .values(person_id=merged.id, merged_from_id=None)
        )
        into, merged.merged_into_id = merged.merged_into_id, None
        await session.flush()
        await grouping.repair_person(session, into)
        await _recentre_later(session, merged)
        await session.commit()
        return await _view(session, merged)


async def faces_of(hearth: Hearth, actor: Actor, person_id: uuid.UUID) -> list[FaceView]:
    """The person's faces in the photos they count, newest photo first (to review them, move them, pick the cover)."""
    async with hearth.db.session() as session:
        person = await _person_for(session, actor, person_id)
        rows = await session.execute(
            select(Face.id, Face.asset_id, PersonFace.confirmed)
            .join(PersonFace, PersonFace.face_id == Face.id)
            .join(AssetDetails, AssetDetails.asset_id == Face.asset_id)
            .join(Asset, Asset.id == Face.asset_id)
            .where(PersonFace.person_id == person_id, Asset.trashed_at.is_(None), *_counted_in(person))
            .order_by(AssetDetails.taken_at.desc(), Face.id)
        )
        return [FaceView(*row) for row in rows]


async def move_faces(
    hearth: Hearth, actor: Actor, person_id: uuid.UUID, face_ids: Collection[uuid.UUID], to: uuid.UUID | None
) -> int:
    """These faces are not this person: they go to another person of the same library or space (for good: grouping
    leaves them there), or with `to` None to nobody, and grouping never gives them to this person again. Returns how
    many moved."""
    face_ids = list(dict.fromkeys(face_ids))
    async with hearth.db.session() as session:
        person = await _person_for(session, actor, person_id, change=True)
        if not face_ids or to == person_id:
            raise InvalidInput('Choose faces to move to another person')
        await _require_faces_of(session, person_id, face_ids)
        if to is not None:
            await _person_for(session, actor, to, change=True, like=person)
        await _take_faces(session, person, face_ids, to)
        await session.commit()
    return len(face_ids)


async def _take_faces(session, person: Person, face_ids: list[uuid.UUID], to: uuid.UUID | None) -> None:
    """The faces leave the person: for `to`, confirmed there, or for nobody, never to be given back to them."""
    moving = PersonFace.person_id == person.id, PersonFace.face_id.in_(face_ids)
    if to is None:
        await session.execute(PersonFace.__table__.delete().where(*moving))
        session.add_all(FaceRejection(person_id=person.id, face_id=face_id) for face_id in face_ids)
    else:
        moved = {'person_id': to, 'confirmed': True, 'merged_from_id': None}
        await session.execute(update(PersonFace).where(*moving).values(**moved))
    await session.flush()
    await grouping.repair_person(session, person.id)
    await _recentre_later(session, person)


# ---- naming the faces of one photo ----------------------------------------------------------------------------------


async def name_face(
    hearth: Hearth,
    actor: Actor,
    face_id: uuid.UUID,
    person_id: uuid.UUID | None = None,
    name: str | None = None,
    space_id: uuid.UUID | None = None,
) -> PersonView:
    """Say who a face in a photo is: one of my people (`person_id`), or the person called `name` (made when none of
    that name is there yet), where I keep people for the photo (see the module) or in the space `space_id`. The face
    is confirmed there, so grouping leaves it; if grouping had given it to someone else, it leaves them."""
    async with hearth.db.session() as session:
        face = await session.get(Face, face_id)
        if face is None:
            raise NotFound('Face not found')
        await require_permission(session, actor, Permission.NAME_PEOPLE, [face.asset_id])
        person = await put_face(session, actor, face, person_id, name, space_id)
        await session.commit()
        return await _view(session, person)


async def put_face(
    session, actor: Actor, face: Face, person_id: uuid.UUID | None, name: str | None, space_id: uuid.UUID | None
) -> Person:
    """`name_face` in the caller's transaction, once the caller checked the actor may name people in the photo."""
    scope, person = await _scope_and_person(session, actor, face, person_id, name, space_id)
    current = await session.scalar(
        select(PersonFace).where(PersonFace.scope_id == scope.id, PersonFace.face_id == face.id)
    )
    if current is None:
        session.add(PersonFace(person_id=person.id, face_id=face.id, scope_id=scope.id, confirmed=True))
    elif current.person_id == person.id:
        current.confirmed = True
    else:
        await _take_faces(session, await session.get(Person, current.person_id), [face.id], person.id)
    await session.execute(
        delete(FaceRejection).where(FaceRejection.person_id == person.id, FaceRejection.face_id == face.id)
    )
    person.cover_face_id = person.cover_face_id or face.id
    await session.flush()
    await _recentre_later(session, person)
    return person


async def _scope_and_person(
    session, actor: Actor, face: Face, person_id: uuid.UUID | None, name: str | None, space_id: uuid.UUID | None
) -> tuple[grouping.Scope, Person]:
    if person_id is not None:
        person = await _person_for(session, actor, person_id, change=True)
        scope = _grouping_scope(person)
        if space_id not in (None, person.space_id):
            raise InvalidInput('That person is not one of the people of this space')
        await _require_photo_in(session, scope, face.asset_id)
        return scope, person
    if not (name and name.strip()):
        raise InvalidInput('Choose someone, or type their name')
    scope = await naming_scope(session, actor, face.asset_id, space_id)
    if scope is None:
        raise Forbidden(NOT_YOURS_TO_NAME)
    return scope, await _person_called(session, scope, name, face)


async def naming_scope(
    session, actor: Actor, asset_id: uuid.UUID, space_id: uuid.UUID | None = None
) -> grouping.Scope | None:
    """Where I name the people of this photo (see the module), or with `space_id` in that space (403 unless I am its
    owner or editor, 400 when the photo is not in it); None where I may not name them."""
    if space_id is not None:
        require_space(SpaceAction.NAME_PEOPLE, await space_queries.member_role(session, space_id, actor.id))
        await _require_photo_in(session, grouping.SpaceScope(space_id), asset_id)
        return grouping.SpaceScope(space_id)
    candidates = [grouping.LibraryScope(actor.id)]
    asset = await session.get(Asset, asset_id)
    for held_by in await session.scalars(space_queries.spaces_holding(asset.id, asset.library_id)):
        role = await space_queries.member_role(session, held_by, actor.id)
        if SpaceAction.NAME_PEOPLE in space_actions(role):
            candidates.append(grouping.SpaceScope(held_by))
    for scope in candidates:
        if await _holds(session, scope, asset_id):
            return scope
    return None


async def _holds(session, scope: grouping.Scope, asset_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists(scope.holds(asset_id)))))


async def _require_photo_in(session, scope: grouping.Scope, asset_id: uuid.UUID) -> None:
    if not await _holds(session, scope, asset_id):
        where = 'this space' if isinstance(scope, grouping.SpaceScope) else 'your library'
        raise InvalidInput(f'This photo is not in {where}: name its people where it is')


async def _person_called(session, scope: grouping.Scope, name: str, face: Face) -> Person:
    """The scope's person of this name (any case; a hidden one shows again); else the unnamed person grouping gave
    the face to, who takes the name (naming a face names the person it was found to be); else a new person."""
    cleaned = clean_title(name, 'person', 100)
    named = await session.scalars(scope.people().where(Person.name.is_not(None)).order_by(Person.created_at))
    person = next((person for person in named if person.name.casefold() == cleaned.casefold()), None)
    if person is None:
        person = await session.scalar(
            scope.people().join(PersonFace, PersonFace.person_id == Person.id).where(PersonFace.face_id == face.id)
        )
        if person is None or person.name is not None:
            person = scope.new_person(face.id)
            session.add(person)
        person.name = cleaned
        await session.flush()
    person.hidden = False
    return person


async def people_to_choose(
    hearth: Hearth, actor: Actor, asset_id: uuid.UUID, space_id: uuid.UUID | None = None
) -> list[PersonView]:
    """The named people a face of this photo may be said to be: those of where I name people in it, most
    photographed first (403 where I may not name them)."""
    async with hearth.db.session() as session:
        await require_permission(session, actor, Permission.NAME_PEOPLE, [asset_id])
        scope = await naming_scope(session, actor, asset_id, space_id)
    if scope is None:
        raise Forbidden(NOT_YOURS_TO_NAME)
    if isinstance(scope, grouping.SpaceScope):
        found = await list_space_people(hearth, actor, scope.id)
    else:
        found = await list_people(hearth, actor)
    return [person for person in found if person.name]


def _grouping_scope(person: Person) -> grouping.Scope:
    return grouping.SpaceScope(person.space_id) if person.space_id else grouping.LibraryScope(person.owner_id)


async def _recentre_later(session, person: Person) -> None:
    """Faces changed people: the scope's grouping job recomputes their centres (Global People compares them)."""
    subject = grouping.space_subject(person.space_id) if person.space_id else grouping.library_subject(person.owner_id)
    await grouping.regroup_later(session, [subject])


async def _require_faces_of(session, person_id: uuid.UUID, face_ids: list[uuid.UUID]) -> None:
    found = await session.scalars(
        select(PersonFace.face_id).where(PersonFace.person_id == person_id, PersonFace.face_id.in_(face_ids))
    )
    if len(set(found)) != len(set(face_ids)):
        raise InvalidInput("That face is not this person's")


async def _view(session, person: Person) -> PersonView:
    """The person with their counts; a person whose photos are all in the trash counts none (and keeps the name)."""
    rows = (await session.execute(queries.counts().where(Person.id == person.id, *_counted_in(person)))).all()
    if rows:
        return PersonView(*rows[0])
    return PersonView(person.id, person.name, 0, 0, person.cover_face_id, person.hidden, person.space_id)


async def _person_for(
    session, actor: Actor, person_id: uuid.UUID, change: bool = False, merged: bool = False, like: Person | None = None
) -> Person:
    """The person, if the actor may see them (`change`: and name or correct them): their own library's, or a space's
    they are in (to change: as owner or editor). `merged`: one merged into another. `like`: of the same scope."""
    person = await session.get(Person, person_id)
    if person is None or (person.merged_into_id is not None) != merged:
        raise NotFound('Person not found')
    if like is not None and (person.owner_id, person.space_id) != (like.owner_id, like.space_id):
        raise NotFound('Person not found')
    if person.owner_id is not None:
        if person.owner_id != actor.id:
            raise NotFound('Person not found')
        return person
    role = await space_queries.member_role(session, person.space_id, actor.id)
    if SpaceAction.VIEW not in space_actions(role):
        raise NotFound('Person not found')
    require_space(SpaceAction.NAME_PEOPLE if change else SpaceAction.VIEW, role)
    return person


def _scope_id(person: Person) -> uuid.UUID:
    return person.owner_id or person.space_id
