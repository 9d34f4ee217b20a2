"""Global People (SPEC §7): for each member, one identity per real person across their own library and every space
they show on their timeline; one row on their People page, one choice in filters, all the photos of that person
they may see.

An identity is addressed by any of its people's ids (its `id` is the one shown: my own person if I have one). Its
name is mine if I gave one, else a space's (and says which). What a member decides here (same person, not the same,
a name) is theirs alone: it changes a space's people only through that space's own rules (owners and editors).
"""

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import delete, or_

from domain import identities as rules
from domain.errors import InvalidInput, NotFound
from domain.spaces import SpaceAction, SpaceRole, require_space, space_actions
from domain.text import clean_title
from ml import clustering
from services.accounts import Actor
from services.runtime import Hearth
from storage import identities as queries
from storage import timeline_cache
from storage.identities import SeenPerson
from storage.models import IdentityDecision, Person
from storage.timeline_cache import StampedCache

# Centres of two people of different scopes this close are one person. Stricter than grouping's 0.47: a wrong link
# shows one person's photos under another's name everywhere, a missed one leaves two rows to merge by hand.
CLOSE = 0.40
MAX_IDENTITIES_IN_FILTER = 10
# Resolved identities per member, used while the sharing and people counters hold (never changed once made).
resolved = StampedCache(timeline_cache.SHARING, timeline_cache.PEOPLE)


@dataclass(frozen=True)
class Member:
    """One of the people an identity is made of, as this member sees them."""

    id: uuid.UUID
    name: str | None
    space_id: uuid.UUID | None  # None: of my own library
    space_name: str | None
    photo_count: int
    can_name: bool  # mine, or of a space where I am an owner or editor


@dataclass(frozen=True)
class IdentityView:
    id: uuid.UUID  # the person the identity is shown as (mine when I have one); any member's id finds it
    name: str | None
    name_from: str | None  # None when the name is mine (or there is none); else the space it comes from
    cover_face_id: uuid.UUID | None
    photo_count: int  # photos of this person that I may see, each once
    hidden: bool
    people: list[Member]
    links: list[rules.Link]


@dataclass
class _Seen:
    people: dict[uuid.UUID, SeenPerson]
    groups: list[list[uuid.UUID]]
    photos: dict[uuid.UUID, set[uuid.UUID]]  # person → photos I may see
    links_of: dict[uuid.UUID, list[rules.Link]]  # an identity's first person → the links that made it


async def list_identities(
    hearth: Hearth, actor: Actor, hidden: bool = False, named_like: str = ''
) -> list[IdentityView]:
    """My people, one row per real person, most photographed first (`hidden`: those I hid instead; `named_like`:
    those whose name, as I see it, holds this text)."""
    seen = await _resolve(hearth, actor)
    found = [_view(seen, group) for group in seen.groups]
    wanted = named_like.strip().casefold()
    return sorted(
        (
            identity
            for identity in found
            if identity.hidden == hidden and identity.photo_count and wanted in (identity.name or '').casefold()
        ),
        key=lambda identity: (-identity.photo_count, identity.name is None, identity.name or '', str(identity.id)),
    )


async def get_identity(hearth: Hearth, actor: Actor, person_id: uuid.UUID) -> IdentityView:
    """The identity holding this person, if I see the person (else 404, whether they exist or not)."""
    seen = await _resolve(hearth, actor)
    return _view(seen, _group_of(seen, person_id))


async def identities_of(
    hearth: Hearth, actor: Actor, person_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, IdentityView]:
    """The identity of each of these people that I see (say, a space's people: by the name I know them by); the
    people I do not see are left out."""
    seen = await _resolve(hearth, actor)
    return {person_id: _view(seen, _group_of(seen, person_id)) for person_id in person_ids if person_id in seen.people}


async def expand(session, actor: Actor, person_ids: Collection[uuid.UUID]) -> list[list[uuid.UUID]]:
    """For a filter: each given person's whole identity (404 for anyone I do not see)."""
    wanted = list(dict.fromkeys(person_ids))
    if len(wanted) > MAX_IDENTITIES_IN_FILTER:
        raise InvalidInput(f'Filter by at most {MAX_IDENTITIES_IN_FILTER} people')
    seen = await resolved.get(session, actor.id, lambda: _resolve_in(session, actor))  # as the People page's
    return [_group_of(seen, person_id) for person_id in wanted]


async def resolved_for(session, actor: Actor) -> list[IdentityView]:
    """Every identity I see, hidden ones too (search knows a hidden person by name), from the People page's cache."""
    seen = await resolved.get(session, actor.id, lambda: _resolve_in(session, actor))
    return [_view(seen, group) for group in seen.groups]


async def merge(hearth: Hearth, actor: Actor, person_id: uuid.UUID, others: Collection[uuid.UUID]) -> IdentityView:
    """These are the same real person (for me alone): their identities become one. Undo with `undo_merge`."""
    async with hearth.db.session() as session:
        seen = await _resolve_in(session, actor, with_photos=False)
        mine = _group_of(seen, person_id)
        for other in others:
            theirs = _group_of(seen, other)
            if theirs != mine:
                await _decide(session, actor, person_id, other, same=True)
        await session.commit()
    return await get_identity(hearth, actor, person_id)


async def undo_merge(hearth: Hearth, actor: Actor, person_id: uuid.UUID, others: Collection[uuid.UUID]) -> None:
    """Take back `merge(person_id, others)`: my "same person" goes; where evidence would still link them, they were
    kept apart before the merge (split), and are again."""
    async with hearth.db.session() as session:
        seen = await _resolve_in(session, actor, with_photos=False)
        for other in (person_id, *others):
            _group_of(seen, other)
        await _forget(session, actor, [person_id], list(others), same=True)
        await session.flush()
        seen = await _resolve_in(session, actor, with_photos=False)
        for other in others:
            if other in _group_of(seen, person_id):
                await _decide(session, actor, person_id, other, same=False)
        await session.commit()


async def split(hearth: Hearth, actor: Actor, person_id: uuid.UUID) -> IdentityView:
    """This person is not the others they were linked with (for me alone): they stand on their own from now on."""
    async with hearth.db.session() as session:
        seen = await _resolve_in(session, actor, with_photos=False)
        group = _group_of(seen, person_id)
        if len(group) == 1:
            raise InvalidInput('This person is not linked with anyone')
        others = [other for other in group if other != person_id]
        await _forget(session, actor, [person_id], others, same=True)
        for other in others:
            await _decide(session, actor, person_id, other, same=False)
        await session.commit()
    return await get_identity(hearth, actor, person_id)


async def rename(
    hearth: Hearth,
    actor: Actor,
    person_id: uuid.UUID,
    new_name: str | None,
    in_spaces: Collection[uuid.UUID] = (),
) -> IdentityView:
    """My name for this person: on my own person in the identity, made (without faces, linked to it) if I have
    none; and, when I choose so, on the identity's people of `in_spaces` (spaces where I am an owner or editor:
    403 otherwise, 400 for a space the person is not in, and nothing is renamed)."""
    cleaned = clean_title(new_name, 'person', 100) if new_name and new_name.strip() else None
    async with hearth.db.session() as session:
        seen = await _resolve_in(session, actor, with_photos=False)
        group = _group_of(seen, person_id)
        own = [member for member in group if seen.people[member].space_id is None]
        for member in [*_in_spaces(seen, group, in_spaces), *own]:  # all my people for them: one name
            (await session.get(Person, member)).name = cleaned
        if not own and cleaned:
            mine = Person(id=uuid.uuid4(), owner_id=actor.id, name=cleaned)
            session.add(mine)
            await session.flush()
            await _decide(session, actor, mine.id, person_id, same=True)
        await session.commit()
    return await get_identity(hearth, actor, person_id)


def _in_spaces(seen: _Seen, group: list[uuid.UUID], space_ids: Collection[uuid.UUID]) -> list[uuid.UUID]:
    """The identity's people of these spaces, once the member may name people in each of them."""
    chosen = []
    for space_id in dict.fromkeys(space_ids):
        there = [seen.people[member] for member in group if seen.people[member].space_id == space_id]
        if not there:
            raise InvalidInput('This person is not among the people of that space')
        require_space(SpaceAction.NAME_PEOPLE, _role(there[0]))
        chosen += [person.id for person in there]
    return chosen


async def _decide(session, actor: Actor, person_id: uuid.UUID, other: uuid.UUID, same: bool) -> None:
    first, second = rules.pair(person_id, other)
    decision = await session.get(IdentityDecision, (actor.id, first, second))
    if decision is None:
        session.add(IdentityDecision(user_id=actor.id, person_id=first, other_id=second, same=same))
    else:
        decision.same, decision.decided_at = same, datetime.now(UTC)


async def _forget(session, actor: Actor, group: list, others: list, same: bool) -> None:
    """Drop my decisions (of one kind) between anyone of `group` and anyone of `others`."""
    pairs = [rules.pair(first, second) for first in group for second in others]
    if not pairs:
        return
    conditions = [(IdentityDecision.person_id == a) & (IdentityDecision.other_id == b) for a, b in pairs]
    await session.execute(
        delete(IdentityDecision).where(
            IdentityDecision.user_id == actor.id, IdentityDecision.same.is_(same), or_(*conditions)
        )
    )


def _group_of(seen: _Seen, person_id: uuid.UUID) -> list[uuid.UUID]:
    if person_id not in seen.people:
        raise NotFound('Person not found')
    return next(group for group in seen.groups if person_id in group)


async def _resolve(hearth: Hearth, actor: Actor) -> _Seen:
    """My identities as last resolved, while no grant, photo, face, person, name or decision has changed since
    (by any process); else resolved afresh (about 1.6 s at 50,000 faces in 20 spaces)."""
    async with hearth.db.session() as session:
        return await resolved.get(session, actor.id, lambda: _resolve_in(session, actor))


async def _resolve_in(session, actor: Actor, with_photos: bool = True) -> _Seen:
    people = {person.id: person for person in await queries.seen_people(session, actor.id)}
    # Comparing centres runs in a thread (numpy, no GIL) while the database answers the rest.
    close = asyncio.create_task(asyncio.to_thread(_close_matches, list(people.values())))
    links = [
        rules.Link(first, second, rules.SHARED_FACES, f'{count} faces in common')
        for first, second, count in await queries.shared_faces(session, actor.id)
    ]
    apart = set()
    for decision in await queries.decisions(session, actor.id):
        if decision.same:
            links.append(rules.Link(decision.person_id, decision.other_id, rules.MERGED))
        else:
            apart.add((decision.person_id, decision.other_id))
    photos: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    if with_photos:
        for person_id, asset_id in await queries.visible_photos(session, actor.id):
            photos[person_id].add(asset_id)
    links += await close
    groups, used = rules.resolve(people, links, apart)
    first_of = {person: group[0] for group in groups for person in group}
    links_of: dict[uuid.UUID, list[rules.Link]] = defaultdict(list)
    for link in used:
        links_of[first_of[link.person_id]].append(link)
    return _Seen(people, groups, photos, links_of)


def _close_matches(people: list[SeenPerson]) -> list[rules.Link]:
    """People of different scopes whose centres are within `CLOSE`."""
    placed = [person for person in people if person.centroid]
    if len(placed) < 2:
        return []
    centres = np.array([np.frombuffer(person.centroid, dtype=np.float32) for person in placed], dtype=np.float64)
    scopes = [person.space_id for person in placed]
    links = []
    for start in range(0, len(placed), clustering.CHUNK):
        near = clustering.distances(centres[start : start + clustering.CHUNK], centres)
        for row, column in zip(*np.nonzero(near <= CLOSE), strict=True):
            first, second = start + int(row), int(column)
            if first < second and scopes[first] != scopes[second]:
                detail = f'faces alike (distance {near[row, column]:.2f})'
                links.append(rules.Link(placed[first].id, placed[second].id, rules.CLOSE_MATCH, detail))
    return links


def _view(seen: _Seen, group: list[uuid.UUID]) -> IdentityView:
    members = [seen.people[person_id] for person_id in group]
    counts = {member.id: len(seen.photos.get(member.id, ())) for member in members}
    ranked = sorted(members, key=lambda member: (member.space_id is not None, -counts[member.id], str(member.id)))
    shown = ranked[0]
    named = [member for member in ranked if member.name]
    photos = set().union(*(seen.photos.get(member.id, set()) for member in members))
    return IdentityView(
        id=shown.id,
        name=named[0].name if named else None,
        name_from=named[0].space_name if named and named[0].space_id else None,
        cover_face_id=next((member.cover_face_id for member in ranked if member.cover_face_id), None),
        photo_count=len(photos),
        hidden=any(member.hidden for member in members if member.space_id is None),
        people=[
            Member(member.id, member.name, member.space_id, member.space_name, counts[member.id], _may_name(member))
            for member in ranked
        ],
        links=seen.links_of.get(group[0], []),
    )


def _may_name(person: SeenPerson) -> bool:
    return person.space_id is None or SpaceAction.NAME_PEOPLE in space_actions(_role(person))


def _role(person: SeenPerson) -> SpaceRole | None:
    return SpaceRole(person.role) if person.role else None
