"""Global People (SPEC §7): which of the people a member sees are one real person.

A member sees people of several scopes: their own library's and those of every space on their timeline. Two of them
are linked when they share faces (the same photo grouped in both scopes), when their centres are close (people of
different scopes only: within one scope, its grouping already decided), or when the member said so. Links join
transitively into identities; a pair the member said are *not* the same is never linked, whatever the evidence.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

SHARED_FACES = 'shared faces'
CLOSE_MATCH = 'close match'
MERGED = 'merged by you'


@dataclass(frozen=True)
class Link:
    """Evidence that two people are one: its reason and a detail (how many faces, how close)."""

    person_id: uuid.UUID
    other_id: uuid.UUID
    reason: str
    detail: str = ''


def pair(first: uuid.UUID, second: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """The order a decision about two people is stored in."""
    return (first, second) if str(first) < str(second) else (second, first)


def resolve(people: Iterable[uuid.UUID], links: Iterable[Link], apart: set[tuple[uuid.UUID, uuid.UUID]]):
    """The identities (lists of people, each sorted) and the links that made them; links between people said to be
    apart, or naming someone not among `people`, count for nothing."""
    parent = {person: person for person in people}

    def root(person: uuid.UUID) -> uuid.UUID:
        while parent[person] != person:
            parent[person] = parent[parent[person]]
            person = parent[person]
        return person

    used = []
    for link in links:
        if link.person_id not in parent or link.other_id not in parent:
            continue
        if pair(link.person_id, link.other_id) in apart:
            continue
        used.append(link)
        parent[root(link.person_id)] = root(link.other_id)
    groups: dict[uuid.UUID, list[uuid.UUID]] = {}
    for person in parent:
        groups.setdefault(root(person), []).append(person)
    return [sorted(group, key=str) for group in groups.values()], used
