"""Grouping a scope's faces into people (SPEC §7): after each faces run (incremental) and on a schedule (full).

A scope is a member's own library or a space; each has its own people. Faces a member put in a person (`confirmed`)
never move, and a face a member took out of a person ("not this person") never goes back to them.
"""

import asyncio
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Select, delete, func, select, update

from domain.faces import DETECTED
from domain.jobs import Queue
from ml import clustering
from services.runtime import Hearth
from storage import access
from storage import jobs as job_rows
from storage import spaces as space_queries
from storage.models import Asset, Face, FaceRejection, Person, PersonFace, Space, User

# What grouping reads of a face (rows, not ORM objects: a library may have 100,000 of them).
FACE_COLUMNS = (Face.id, Face.embedding_id, Face.score, Face.width, Face.height)


@dataclass(frozen=True)
class LibraryScope:
    """The people of one member's photos: their own, and those of the partners' libraries they show on their
    timeline (grouped by the faces alone: a partner's own people are theirs)."""

    id: uuid.UUID  # the owner

    def faces(self) -> Select:
        mine = access.mine_or_through_a_partner_on_timeline(self.id)
        return select(*FACE_COLUMNS).join(Asset, Asset.id == Face.asset_id).where(mine)

    def holds(self, asset_id: uuid.UUID) -> Select:
        """The asset's id if its faces are among the scope's (as `faces` reads them)."""
        return select(Asset.id).where(Asset.id == asset_id, access.mine_or_through_a_partner_on_timeline(self.id))

    def new_person(self, cover_face_id: uuid.UUID) -> Person:
        return Person(id=uuid.uuid4(), owner_id=self.id, cover_face_id=cover_face_id)

    def people(self) -> Select:
        return select(Person).where(Person.owner_id == self.id, Person.merged_into_id.is_(None))

    def gone_faces(self) -> Select:
        """Faces of partners' photos no longer shown (the share ended or is off my timeline, or the partner archived
        or trashed the photo); my own faces leave only with their asset (the rows go with it)."""
        return (
            select(PersonFace.face_id)
            .join(Face, Face.id == PersonFace.face_id)
            .join(Asset, Asset.id == Face.asset_id)
            .where(PersonFace.scope_id == self.id, ~access.mine_or_through_a_partner_on_timeline(self.id))
        )


@dataclass(frozen=True)
class SpaceScope:
    """The people of a space: faces of all its assets, whoever contributed them."""

    id: uuid.UUID  # the space

    def faces(self) -> Select:
        held = Asset.id.in_(space_queries.held_ids(self.id))
        return select(*FACE_COLUMNS).join(Asset, Asset.id == Face.asset_id).where(held)

    def holds(self, asset_id: uuid.UUID) -> Select:
        return select(Asset.id).where(Asset.id == asset_id, Asset.id.in_(space_queries.held_ids(self.id)))

    def new_person(self, cover_face_id: uuid.UUID) -> Person:
        return Person(id=uuid.uuid4(), space_id=self.id, cover_face_id=cover_face_id)

    def people(self) -> Select:
        return select(Person).where(Person.space_id == self.id, Person.merged_into_id.is_(None))

    def gone_faces(self) -> Select:
        """Faces whose asset left the space (taken out, or its library disconnected)."""
        held = select(Face.id).where(Face.asset_id.in_(space_queries.held_ids(self.id)))
        return select(PersonFace.face_id).where(PersonFace.scope_id == self.id, PersonFace.face_id.not_in(held))


Scope = LibraryScope | SpaceScope
LIBRARY_SCOPE = 'library:'
SPACE_SCOPE = 'space:'


def library_subject(owner_id: uuid.UUID) -> str:
    return LIBRARY_SCOPE + owner_id.hex


def space_subject(space_id: uuid.UUID) -> str:
    return SPACE_SCOPE + space_id.hex


async def regroup_later(session, subjects: Iterable[str]) -> None:
    """Queue the grouping of these scopes ('library:…', 'space:…') in the caller's transaction: the change that
    calls for it and the job commit together."""
    await job_rows.enqueue(session, Queue.CLUSTERING, 'people', subjects)


def scope_of(subject: str) -> Scope:
    """The scope a grouping job names: 'library:<owner>' or 'space:<space>'."""
    for prefix, scope in ((LIBRARY_SCOPE, LibraryScope), (SPACE_SCOPE, SpaceScope)):
        if subject.startswith(prefix):
            return scope(uuid.UUID(subject[len(prefix) :]))
    raise ValueError(f'not a library or a space: {subject}')


@dataclass
class _State:
    """A scope's live faces with their vectors, and who each face is now."""

    faces: list[Face]
    vectors: dict[str, np.ndarray]
    person_of: dict[uuid.UUID, uuid.UUID]  # face → person
    confirmed: set[uuid.UUID]
    rejected: dict[uuid.UUID, set[uuid.UUID]]  # face → people it is not
    merged_from: dict[uuid.UUID, uuid.UUID]  # face → the person it was in before a member merged them
    covers: set[uuid.UUID]  # the faces people are shown by
    gone: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # face → person, of faces that left the scope
    centroids: dict[uuid.UUID, bytes | None] = field(default_factory=dict)  # person → their stored centre
    new_people: list[Person] = field(default_factory=list)

    def vector(self, face: Face) -> np.ndarray:
        return self.vectors[face.embedding_id]

    def part(self, face_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID | None]:
        """Which part of their person a face is: a merged person has one part per person merged into them (two
        looks of one man, say), each with its own centre."""
        return self.person_of[face_id], self.merged_from.get(face_id)

    def centres(self) -> tuple[list[tuple], np.ndarray]:
        """The parts of people and the centre of each."""
        by_part: dict[tuple, list[np.ndarray]] = defaultdict(list)
        for face in self.faces:
            if face.id in self.person_of:
                by_part[self.part(face.id)].append(self.vector(face))
        parts = list(by_part)
        return parts, np.array([np.mean(by_part[part], axis=0) for part in parts]) if parts else np.empty(0)

    def allowed(self, face: Face, person_id: uuid.UUID) -> bool:
        return person_id not in self.rejected.get(face.id, ())


async def group_new_faces(hearth: Hearth, scope: Scope) -> int:
    """Give the scope's faces that have no person one: the nearest person within the threshold, or a new person when
    at least `clustering.MIN_FACES` of them are alike; the rest wait. Returns how many found a person."""
    state = await _load(hearth, scope)
    pending = [face for face in state.faces if face.id not in state.person_of]
    if not pending:  # still: faces may have left, and merges or moves may have changed people's centres
        await _save(hearth, scope, state, dict(state.person_of))
        return 0
    parts, centres = state.centres()
    matches = await asyncio.to_thread(clustering.assign, np.array([state.vector(face) for face in pending]), centres)
    chosen: dict[uuid.UUID, uuid.UUID] = {}
    alone = []
    for face, index in zip(pending, matches, strict=True):
        if index is not None and state.allowed(face, parts[index][0]):
            chosen[face.id] = parts[index][0]
        else:
            alone.append(face)
    chosen.update(await _new_people(state, scope, alone))
    await _save(hearth, scope, state, {**state.person_of, **chosen})
    return len(chosen)


async def regroup(hearth: Hearth, scope: Scope) -> None:
    """The scheduled full re-cluster, which repairs the drift of one-by-one assignment: all faces are clustered
    afresh; each new group keeps the existing person most of its faces had (so names stay), others become new people;
    a face in no group keeps its person if still near them. Confirmed faces stay where a member put them."""
    state = await _load(hearth, scope)
    if not state.faces:
        return
    grouping = await asyncio.to_thread(clustering.cluster, np.array([state.vector(face) for face in state.faces]))
    groups = [[state.faces[index] for index in group] for group in grouping.groups]
    chosen = {face_id: state.person_of[face_id] for face_id in state.confirmed}
    owners = _owners_of_groups(state, groups)
    for number, group in enumerate(groups):
        movable = [face for face in group if face.id not in state.confirmed]
        if number in owners:
            chosen.update({face.id: owners[number] for face in movable if state.allowed(face, owners[number])})
        else:
            chosen.update(await _new_people(state, scope, movable, one_group=True))
    chosen.update(_still_near(state, [state.faces[index] for index in grouping.waiting]))
    await _save(hearth, scope, state, chosen)


def _owners_of_groups(state: _State, groups: list[list[Face]]) -> dict[int, uuid.UUID]:
    """Each existing person goes to the one group holding most of their faces (the largest overlaps first), so a
    person who drifted over two real people keeps one of them: on a tie, the one with the face they are shown by. A
    person made of a merge may keep one group per person merged: the member said those look different but are one."""
    overlaps = Counter(
        (number, state.part(face.id))
        for number, group in enumerate(groups)
        for face in group
        if face.id in state.person_of
    )
    with_cover = {
        (number, state.part(face.id))
        for number, group in enumerate(groups)
        for face in group
        if face.id in state.covers
    }
    ranked = sorted(overlaps, key=lambda pair: (overlaps[pair], pair in with_cover), reverse=True)
    owners: dict[int, uuid.UUID] = {}
    taken: set[tuple] = set()
    for number, part in ranked:
        if number not in owners and part not in taken:
            owners[number] = part[0]
            taken.add(part)
    return owners


def _still_near(state: _State, waiting: list[Face]) -> dict[uuid.UUID, uuid.UUID]:
    parts, centres = state.centres()
    index_of = {part: index for index, part in enumerate(parts)}
    kept = {}
    for face in waiting:
        if face.id not in state.person_of or face.id in state.confirmed:
            continue
        part = state.part(face.id)
        distance = clustering.distances(state.vector(face)[None, :], centres[[index_of[part]]])[0, 0]
        if distance <= clustering.THRESHOLD:
            kept[face.id] = part[0]
    return kept


async def _new_people(
    state: _State, scope: Scope, faces: list[Face], one_group: bool = False
) -> dict[uuid.UUID, uuid.UUID]:
    """New people from the faces that are alike enough (`one_group`: all of them, known to be one group)."""
    if not faces:
        return {}
    if one_group:
        groups = [list(range(len(faces)))]
    else:
        vectors = np.array([state.vector(face) for face in faces])
        groups = (await asyncio.to_thread(clustering.cluster, vectors)).groups
    chosen = {}
    for group in groups:
        members = [faces[index] for index in group]
        person = scope.new_person(max(members, key=_cover_score).id)
        state.new_people.append(person)
        chosen.update({face.id: person.id for face in members})
    return chosen


def _cover_score(face: Face) -> float:
    return face.score * face.width * face.height  # a sure, large face makes the best cover


async def _load(hearth: Hearth, scope: Scope) -> _State:
    async with hearth.db.session() as session:
        # Faces added by hand have no vector: they are someone only where a member said so.
        live = scope.faces().where(Asset.trashed_at.is_(None), Face.source == DETECTED)
        faces = list(await session.execute(live.order_by(Face.id)))
        people = scope.people().with_only_columns(Person.id)
        shown = (
            await session.execute(scope.people().with_only_columns(Person.id, Person.cover_face_id, Person.centroid))
        ).all()
        covers = {cover for _, cover, _ in shown}
        centroids = {person_id: centroid for person_id, _, centroid in shown}
        rows = await session.execute(
            select(PersonFace.face_id, PersonFace.person_id, PersonFace.confirmed, PersonFace.merged_from_id).where(
                PersonFace.scope_id == scope.id, PersonFace.person_id.in_(people)
            )
        )
        person_of, confirmed, merged_from = {}, set(), {}
        for face_id, person_id, is_confirmed, origin in rows:
            person_of[face_id] = person_id
            if is_confirmed:
                confirmed.add(face_id)
            if origin:
                merged_from[face_id] = origin
        rejected: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for face_id, person_id in await session.execute(
            select(FaceRejection.face_id, FaceRejection.person_id).where(FaceRejection.person_id.in_(people))
        ):
            rejected[face_id].add(person_id)
        gone = dict((await session.execute(_people_of(scope, scope.gone_faces()))).all())
    vectors = await asyncio.to_thread(hearth.vectors.get, [face.embedding_id for face in faces])
    faces = [face for face in faces if face.embedding_id in vectors]
    live = {face.id for face in faces}
    person_of = {face_id: person for face_id, person in person_of.items() if face_id in live}
    return _State(faces, vectors, person_of, confirmed & live, dict(rejected), merged_from, covers, gone, centroids)


def _people_of(scope: Scope, face_ids: Select) -> Select:
    return select(PersonFace.face_id, PersonFace.person_id).where(
        PersonFace.scope_id == scope.id, PersonFace.face_id.in_(face_ids)
    )


async def _save(hearth: Hearth, scope: Scope, state: _State, chosen: dict[uuid.UUID, uuid.UUID]) -> None:
    """Write who each face is now (only the faces that changed), then give people whose cover left them a new one
    and let unnamed people left without faces go."""
    changed = {face.id for face in state.faces if state.person_of.get(face.id) != chosen.get(face.id)}
    centroids = _centroids(state, chosen)
    moved = {person: centroid for person, centroid in centroids.items() if state.centroids.get(person) != centroid}
    if not changed and not state.new_people and not state.gone and not moved:
        return
    async with hearth.db.session() as session:
        session.add_all(state.new_people)
        await session.flush()
        moving = [face_id for face_id in changed if face_id in state.person_of] + list(state.gone)
        state.person_of.update(state.gone)
        if moving:
            await session.execute(
                delete(PersonFace).where(PersonFace.scope_id == scope.id, PersonFace.face_id.in_(moving))
            )
        session.add_all(
            PersonFace(person_id=chosen[face_id], face_id=face_id, scope_id=scope.id)
            for face_id in changed
            if face_id in chosen
        )
        await session.flush()
        for person_id in {state.person_of[face_id] for face_id in moving}:
            await repair_person(session, person_id)
        for person_id, centroid in moved.items():
            await session.execute(update(Person).where(Person.id == person_id).values(centroid=centroid))
        await session.commit()


def _centroids(state: _State, chosen: dict[uuid.UUID, uuid.UUID]) -> dict[uuid.UUID, bytes]:
    """Each person's centre (the mean of their faces' vectors, float32 bytes): Global People compares people of
    different scopes by it."""
    by_person: dict[uuid.UUID, list[np.ndarray]] = defaultdict(list)
    for face in state.faces:
        if face.id in chosen:
            by_person[chosen[face.id]].append(state.vector(face))
    return {person: np.mean(vectors, axis=0).astype(np.float32).tobytes() for person, vectors in by_person.items()}


async def repair_person(session, person_id: uuid.UUID) -> None:
    """After faces left a person: an unnamed person left with none goes; one whose cover went with them takes their
    best face left."""
    person = await session.get(Person, person_id)
    faces = list(
        await session.scalars(
            select(Face).join(PersonFace, PersonFace.face_id == Face.id).where(PersonFace.person_id == person_id)
        )
    )
    if not faces and person.name is None:
        await session.delete(person)
    elif person.cover_face_id not in {face.id for face in faces}:
        person.cover_face_id = max(faces, key=_cover_score).id if faces else None


# ---- the full rebuild, for repair ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rebuilt:
    libraries: int
    spaces: int
    people: int  # after the rebuild, in all of them
    named: int


async def regroup_everything(hearth: Hearth, progress: Callable[[int, int, str], None] | None = None) -> Rebuilt:
    """The repair (`main.py people rebuild`): the scheduled full re-cluster of every member's library and every
    space, now, one scope at a time so that only one scope's vectors are held. People, their faces and centres are
    worked out afresh from the faces in the vector store, keeping what members confirmed, took out and named; Global
    People is resolved from these when asked, so it follows. `progress(done, total, label)` after each scope."""
    scopes = await _every_scope(hearth)
    people = named = 0
    for done, (scope, label) in enumerate(scopes, start=1):
        await regroup(hearth, scope)
        async with hearth.db.session() as session:
            counted = await session.execute(scope.people().with_only_columns(func.count(), func.count(Person.name)))
        in_scope, named_in_scope = counted.one()
        people, named = people + in_scope, named + named_in_scope
        if progress:
            progress(done, len(scopes), label)
    libraries = sum(isinstance(scope, LibraryScope) for scope, _ in scopes)
    return Rebuilt(libraries, len(scopes) - libraries, people, named)


async def _every_scope(hearth: Hearth) -> list[tuple[Scope, str]]:
    async with hearth.db.session() as session:
        members = (await session.execute(select(User.id, User.email).order_by(User.email))).all()
        spaces = (await session.execute(select(Space.id, Space.name).order_by(Space.name, Space.id))).all()
    libraries = [(LibraryScope(user_id), f'library of {email}') for user_id, email in members]
    return libraries + [(SpaceScope(space_id), f'space {name}') for space_id, name in spaces]
