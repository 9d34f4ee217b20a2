"""Who sees what, checked against the reference model (domain/visibility.py) on random families.

Hypothesis builds a family of 3-6 members step by step through the real services on the real database (partner
shares both ways, spaces with members, roles, added photos and connected libraries, albums with members, public
links, archive and trash by owners and by others, members and partners removed, show-on-my-timeline switched) and
after every step compares, for every member: what they can see and their roles on it, their timeline's set, month
counts and each month's list, and the counts once more (from the cache of the shared part); and every space's
timeline, album and link. A divergence is shrunk to the shortest list of steps that shows it.

Each run takes HEARTH_MODEL_EXAMPLES families (default 30, about 2 minutes per database on two cores) of up to
HEARTH_MODEL_STEPS steps (default 30), per database; set them higher for a long run (README, "Who sees what").
"""

import asyncio
import os
import uuid
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from domain import visibility as model
from domain.access import Permission, TrustLevel, permissions_of
from domain.errors import Forbidden
from domain.spaces import SPACE_ACTIONS, SpaceAction, SpaceRole
from services import accounts, albums, assets, links, search, sharing, spaces
from services import map as maps
from services.runtime import Hearth
from settings import load_settings
from storage import access, map_cells, timeline_cache
from storage import assets as asset_queries
from storage.map import ALL_YEARS
from storage.models import Asset, MapCell, PublicLink
from tests.factories.family import external_library, photo_rows, position_for


def geotagged(asset_ids) -> set:
    return {asset_id for asset_id in asset_ids if position_for(asset_id)}


EXAMPLES = int(os.environ.get('HEARTH_MODEL_EXAMPLES', '30'))
STEPS = int(os.environ.get('HEARTH_MODEL_STEPS', '30'))
MONTHS = [202401, 202402, 202403]
TRUST = list(TrustLevel)
SPACE_ROLES = [SpaceRole.EDITOR, SpaceRole.CONTRIBUTOR, SpaceRole.VIEWER]


class Family(RuleBasedStateMachine):
    """One random family per example; `hearth` and `run` (an event loop's runner) are set by the test."""

    hearth: Hearth
    run = None
    checked = Counter()  # families built and comparisons made, for the long run's report

    def __init__(self):
        super().__init__()
        self.model = model.Family()
        self.members: list[accounts.Actor] = []
        self.libraries: dict[uuid.UUID, uuid.UUID] = {}  # member -> their external library
        self.made: dict[uuid.UUID, int] = {}  # every id -> the order it was made in: draws must not hang on uuids
        self.names: dict[uuid.UUID, str] = {}  # every id -> a name for a failing example's steps

    # ---- the family -------------------------------------------------------------------------------------------------

    @initialize(size=st.integers(3, 6), data=st.data())
    def family(self, size, data):
        Family.checked['families'] += 1
        for index in range(size):
            email = f'{uuid.uuid4().hex[:12]}@example.com'
            member = self.run(accounts.create_user(self.hearth, None, email, f'Member {index}', 'a long password'))
            self.members.append(member)
            self._made(member.id, member.name)
            months = data.draw(st.lists(st.sampled_from(MONTHS), min_size=1, max_size=3), label=f'photos of {index}')
            self._photos(member, months)
            if data.draw(st.booleans(), label=f'{index} has an external library'):
                library = self.run(external_library(self.hearth, member.id))
                self.libraries[member.id] = library
                self._photos(member, [data.draw(st.sampled_from(MONTHS))], library)

    def _photos(self, member, months, library=None):
        for asset_id, month in zip(self.run(photo_rows(self.hearth, member.id, months, library)), months, strict=True):
            name = f'photo {len(self.model.photos)} of {member.name}' + (' in a library' if library else '')
            self.model.photos[self._made(asset_id, name)] = model.Photo(member.id, month, library)

    def _member(self, data, label='member') -> accounts.Actor:
        return self._pick(data, self.members, label)

    def _two(self, data) -> tuple[accounts.Actor, accounts.Actor]:
        first = self._member(data, 'owner')
        return first, self._pick(data, [m for m in self.members if m != first], 'other')

    # ---- partners ---------------------------------------------------------------------------------------------------

    @rule(data=st.data(), level=st.sampled_from(TRUST))
    def share_library(self, data, level):
        owner, partner = self._two(data)
        if (owner.id, partner.id) in self.model.partners:
            return
        self.run(sharing.share_library(self.hearth, owner, partner.email, level))
        self.model.partners[(owner.id, partner.id)] = model.Grant(level.role, True)

    @precondition(lambda self: self.model.partners)
    @rule(data=st.data())
    def stop_sharing(self, data):
        owner_id, partner_id = self._pick(data, self._ordered(self.model.partners), 'share')
        self.run(sharing.stop_sharing(self.hearth, self._by_id(owner_id), partner_id))
        del self.model.partners[(owner_id, partner_id)]

    @precondition(lambda self: self.model.partners)
    @rule(data=st.data(), shown=st.booleans())
    def partner_on_my_timeline(self, data, shown):
        owner_id, partner_id = self._pick(data, self._ordered(self.model.partners), 'share')
        self.run(sharing.show_in_timeline(self.hearth, self._by_id(partner_id), owner_id, shown))
        self.model.partners[(owner_id, partner_id)].shown = shown

    # ---- spaces -----------------------------------------------------------------------------------------------------

    @precondition(lambda self: len(self.model.spaces) < 3)
    @rule(data=st.data())
    def create_space(self, data):
        owner = self._member(data)
        space = self.run(spaces.create_space(self.hearth, owner, 'Family'))
        self.model.spaces[self._made(space.id, f'space {len(self.model.spaces)}')] = model.Space(
            members={owner.id: model.Grant(SpaceRole.OWNER, True)}
        )

    @precondition(lambda self: self.model.spaces)
    @rule(data=st.data(), role=st.sampled_from(SPACE_ROLES))
    def invite_to_space(self, data, role):
        space_id, held = self._space(data)
        outside = [m for m in self.members if m.id not in held.members]
        if not outside:
            return
        invited = self._pick(data, outside, 'invited')
        self.run(spaces.add_member(self.hearth, self._space_owner(held), space_id, invited.email, role.value))
        held.members[invited.id] = model.Grant(role, True)

    @precondition(lambda self: self.model.spaces)
    @rule(data=st.data())
    def remove_from_space(self, data):
        space_id, held = self._space(data)
        others = [user for user, grant in held.members.items() if grant.role is not SpaceRole.OWNER]
        if not others:
            return
        removed = self._pick(data, self._ordered(others), 'removed')
        self.run(spaces.remove_member(self.hearth, self._space_owner(held), space_id, removed))
        del held.members[removed]
        held.libraries -= {self.libraries.get(removed)}

    @precondition(lambda self: self.model.spaces)
    @rule(data=st.data(), shown=st.booleans())
    def space_on_my_timeline(self, data, shown):
        space_id, held = self._space(data)
        user = self._pick(data, self._ordered(held.members), 'member')
        self.run(spaces.show_in_timeline(self.hearth, self._by_id(user), space_id, shown))
        held.members[user].shown = shown

    @precondition(lambda self: self.model.spaces)
    @rule(data=st.data())
    def add_my_photo_to_space(self, data):
        space_id, held = self._space(data)
        adders = [u for u, g in held.members.items() if SpaceAction.ADD_ASSETS in SPACE_ACTIONS[g.role]]
        user = self._pick(data, self._ordered(adders), 'member')
        mine = self._ordered(model.own(self.model, user) - held.added.keys())
        if not mine:
            return
        photo = self._pick(data, mine, 'photo')
        self.run(spaces.add_assets(self.hearth, self._by_id(user), space_id, [photo]))
        held.added[photo] = user

    @precondition(lambda self: any(held.added for held in self.model.spaces.values()))
    @rule(data=st.data())
    def take_out_of_space(self, data):
        space_id, held = self._space(data)
        if not held.added:
            return
        photo = self._pick(data, self._ordered(held.added), 'photo')
        self.run(spaces.remove_assets(self.hearth, self._space_owner(held), space_id, [photo]))
        del held.added[photo]

    @precondition(lambda self: self.model.spaces and self.libraries)
    @rule(data=st.data())
    def connect_library(self, data):
        space_id, held = self._space(data)
        able = [u for u, g in held.members.items() if SpaceAction.CONNECT_LIBRARY in SPACE_ACTIONS[g.role]]
        able = [u for u in able if u in self.libraries]
        able = [u for u in able if self.libraries[u] not in held.libraries]
        if not able:
            return
        user = self._pick(data, self._ordered(able), 'member')
        self.run(spaces.connect_library(self.hearth, self._by_id(user), space_id, self.libraries[user]))
        held.libraries.add(self.libraries[user])

    # ---- albums -----------------------------------------------------------------------------------------------------

    @precondition(lambda self: len(self.model.albums) < 4)
    @rule(data=st.data())
    def create_album(self, data):
        owner = self._member(data)
        shareable = self._ordered(a for a in model.visible(self.model, owner.id) if self._may_share(owner.id, a))
        chosen = self._pick_some(data, shareable, 3, 'photos') if shareable else []
        album = self.run(albums.create_album(self.hearth, owner, 'Holiday', asset_ids=chosen))
        self.model.albums[self._made(album.id, f'album {len(self.model.albums)} of {owner.name}')] = model.Album(
            owner.id, added=dict.fromkeys(chosen, owner.id)
        )

    @precondition(lambda self: self.model.albums)
    @rule(data=st.data(), level=st.sampled_from(TRUST))
    def share_album(self, data, level):
        album_id, held = self._album(data)
        outside = [m for m in self.members if m.id != held.owner and m.id not in held.members]
        if not outside:
            return
        member = self._pick(data, outside, 'member')
        self.run(albums.share_album(self.hearth, self._by_id(held.owner), album_id, member.email, level))
        held.members[member.id] = model.Grant(level.role, False)

    @precondition(lambda self: any(held.members for held in self.model.albums.values()))
    @rule(data=st.data())
    def remove_from_album(self, data):
        album_id, held = self._album(data)
        if not held.members:
            return
        member = self._pick(data, self._ordered(held.members), 'member')
        self.run(albums.remove_member(self.hearth, self._by_id(held.owner), album_id, member))
        del held.members[member]

    @precondition(lambda self: any(held.members for held in self.model.albums.values()))
    @rule(data=st.data(), shown=st.booleans())
    def album_on_my_timeline(self, data, shown):
        album_id, held = self._album(data)
        if not held.members:
            return
        member = self._pick(data, self._ordered(held.members), 'member')
        self.run(albums.show_in_timeline(self.hearth, self._by_id(member), album_id, shown))
        held.members[member].shown = shown

    @precondition(lambda self: self.model.albums)
    @rule(data=st.data())
    def add_to_album(self, data):
        """Owners and members who may upload add what they see, as their roles on it allow; a refusal changes
        nothing."""
        album_id, held = self._album(data)
        adders = [held.owner] + [u for u, g in held.members.items() if Permission.UPLOAD in permissions_of([g.role])]
        user = self._pick(data, adders, 'adder')
        seen = self._ordered(model.visible(self.model, user) - held.added.keys())
        if not seen:
            return
        photo = self._pick(data, seen, 'photo')
        adding = albums.add_assets(self.hearth, self._by_id(user), album_id, [photo])
        if Permission.ADD_TO_ALBUM in self._permissions(user, photo):
            self.run(adding)
            held.added[photo] = user
        else:
            with pytest.raises(Forbidden):
                self.run(adding)

    # ---- links ------------------------------------------------------------------------------------------------------

    @precondition(lambda self: len(self.model.links) < 4 and (self.model.albums or self.model.spaces))
    @rule(data=st.data())
    def link_to_album_or_space(self, data):
        if self.model.albums and data.draw(st.booleans(), label='album link'):
            album_id, held = self._album(data)
            link = self.run(links.create_link(self.hearth, self._by_id(held.owner), album_id=album_id))
            self.model.links[link.id] = model.Link(held.owner, album=album_id)
        elif self.model.spaces:
            space_id, held = self._space(data)
            sharers = [u for u, g in held.members.items() if SpaceAction.SHARE_LINK in SPACE_ACTIONS[g.role]]
            creator = self._pick(data, self._ordered(sharers), 'creator')
            link = self.run(links.create_link(self.hearth, self._by_id(creator), space_id=space_id))
            self.model.links[link.id] = model.Link(creator, space=space_id)

    @precondition(lambda self: len(self.model.links) < 4)
    @rule(data=st.data())
    def link_to_a_selection(self, data):
        creator = self._member(data)
        seen = self._ordered(a for a in model.visible(self.model, creator.id) if self._may_share(creator.id, a))
        if not seen:
            return
        chosen = self._pick_some(data, seen, 2, 'photos', at_least=1)
        link = self.run(links.create_link(self.hearth, creator, asset_ids=chosen))
        self.model.links[link.id] = model.Link(creator.id, selection=frozenset(chosen))

    # ---- archive and trash ------------------------------------------------------------------------------------------

    @rule(data=st.data(), archived=st.booleans())
    def archive(self, data, archived):
        """Anyone who sees a photo tries; only owners and collaborators may (SPEC §3), and a refusal changes nothing."""
        user = self._member(data)
        seen = self._ordered(model.visible(self.model, user.id))
        if not seen:
            return
        photo = self._pick(data, seen, 'photo')
        change = assets.set_state(self.hearth, user, [photo], archived=archived)
        if Permission.ARCHIVE in self._permissions(user.id, photo):
            self.run(change)
            (self.model.archived.add if archived else self.model.archived.discard)((user.id, photo))
        else:
            with pytest.raises(Forbidden):
                self.run(change)

    @rule(data=st.data())
    def trash(self, data):
        user = self._member(data)
        seen = self._ordered(a for a in model.visible(self.model, user.id) if self.model.photos[a].library is None)
        if not seen:
            return
        photo = self._pick(data, seen, 'photo')
        if Permission.TRASH in self._permissions(user.id, photo):
            self.run(assets.trash(self.hearth, user, [photo]))
            self.model.photos[photo].trashed = True
        else:
            with pytest.raises(Forbidden):
                self.run(assets.trash(self.hearth, user, [photo]))

    @precondition(lambda self: any(photo.trashed for photo in self.model.photos.values()))
    @rule(data=st.data())
    def restore(self, data):
        trashed = self._ordered(asset for asset, photo in self.model.photos.items() if photo.trashed)
        photo = self._pick(data, trashed, 'photo')
        self.run(assets.restore(self.hearth, self._by_id(self.model.photos[photo].owner), [photo]))
        self.model.photos[photo].trashed = False

    # ---- the comparison ---------------------------------------------------------------------------------------------

    @invariant()
    def everyone_sees_what_the_model_says(self):
        Family.checked['comparisons'] += 1
        self.run(self._compare())

    async def _compare(self):
        for member in self.members:
            assert await self._visible(member.id) == model.visible(self.model, member.id), member.name
            assert await self._searched(member) == model.visible(self.model, member.id), f'search of {member.name}'
            await self._compare_roles(member.id)
            months, listed = self._model_timeline(member.id)
            assert await self._timeline(member) == (months, listed), member.name
            cached = dict(await assets.timeline_buckets(self.hearth, member))  # the shared part from the cache
            assert cached == months, member.name
            shown = model.timeline(self.model, member.id)
            assert await self._map_shows(maps.of_timeline(member), geotagged(shown)), member.name
        for space_id, held in self.model.spaces.items():
            owner = self._space_owner(held)
            assert await self._space_timeline(owner, space_id) == model.space_assets(self.model, space_id)
            assert await self._searched(owner, space_id) == model.space_assets(self.model, space_id), 'space search'
            expected = geotagged(model.space_assets(self.model, space_id))
            assert await self._map_shows(maps.of_space(owner, space_id), expected), 'space map'
        for album_id, held in self.model.albums.items():
            items = await albums.album_items(self.hearth, self._by_id(held.owner), album_id)
            assert {item.id for item in items} == model.album_assets(self.model, album_id), 'album'
            expected = geotagged(model.album_assets(self.model, album_id))
            assert await self._map_shows(maps.of_album(self._by_id(held.owner), album_id), expected), 'album map'
        await self._compare_map_cells()
        for link_id in self.model.links:
            assert await self._link_assets(link_id) == model.link_assets(self.model, link_id), 'link'

    async def _map_shows(self, scope_of, expected: set) -> bool:
        """The map's counts at the world view add up to the expected photos, and every cover is one of them."""
        clusters = await maps.clusters(self.hearth, scope_of, maps.WORLD, 0, ALL_YEARS)
        return clusters.total == len(expected) and {cluster.cover for cluster in clusters.clusters} <= expected

    async def _compare_map_cells(self):
        """The map's counts, kept by every write, equal a recount from the photos."""
        async with self.hearth.db.session() as session:
            levels = (map_cells.STORED_LEVELS[0], map_cells.STORED_LEVELS[-1])
            kept = await session.execute(select(MapCell).where(MapCell.photo_count != 0, MapCell.level.in_(levels)))
            kept = {(c.owner_id, c.level, c.cell, c.year): c.photo_count for c in kept.scalars()}
            counted = set()
            for level in levels:  # every level is kept by the same code: the coarsest and the finest stand for all
                rows = await session.execute(map_cells.recount_select(level, asset_queries.hidden_by_its_library()))
                counted |= {(owner, level_, cell, int(year), count) for owner, level_, cell, year, count, *_ in rows}
        assert {(*key, count) for key, count in kept.items()} == counted, 'map cells'

    async def _visible(self, user_id) -> set:
        async with self.hearth.db.session() as session:
            family = list(self.model.photos)
            return set(await session.scalars(select(Asset.id).where(Asset.id.in_(family), access.is_visible(user_id))))

    async def _searched(self, member, space_id=None) -> set:
        """What a search by every year of the family's photos finds: its scope, whole."""
        every_year = ' '.join(sorted({str(month // 100) for month in MONTHS}))
        query = search.Query(every_year, space_id)
        found = await search.search(self.hearth, member, query, order='date', limit=search.MAX_PAGE)
        assert found.total == len(found.items)
        return {item.id for item in found.items}

    async def _compare_roles(self, user_id):
        live = self._ordered(model.live(self.model))
        async with self.hearth.db.session() as session:
            held = await access.roles_on(session, user_id, live)
        assert {a: r for a, r in held.items() if a in set(live)} == {
            a: roles for a in live if (roles := model.roles(self.model, user_id, a))
        }

    async def _timeline(self, member) -> tuple[dict, dict]:
        months = dict(await assets.timeline_buckets(self.hearth, member))
        listed = {}
        for label in months:
            listed[label] = {item.id for item in await assets.timeline_bucket(self.hearth, member, label)}
        return months, listed

    def _model_timeline(self, user_id) -> tuple[dict, dict]:
        shown = model.timeline(self.model, user_id)
        counts = model.month_counts(self.model, user_id)
        label = {month: f'{month // 100}-{month % 100:02d}' for month in MONTHS}
        listed = {label[m]: {a for a in shown if self.model.photos[a].month == m} for m in counts}
        return {label[m]: count for m, count in counts.items()}, listed

    async def _space_timeline(self, owner, space_id) -> set:
        found = set()
        for label, _ in await spaces.timeline_buckets(self.hearth, owner, space_id):
            found |= {item.id for item in await spaces.timeline_bucket(self.hearth, owner, space_id, label)}
        return found

    async def _link_assets(self, link_id) -> set:
        async with self.hearth.db.session() as session:
            link = await session.get(PublicLink, link_id)
            return set(await session.scalars(links._shown_ids(link)))

    # ---- helpers ----------------------------------------------------------------------------------------------------

    def _made(self, made_id: uuid.UUID, name: str) -> uuid.UUID:
        self.made[made_id], self.names[made_id] = len(self.made), name
        return made_id

    def _pick(self, data, items, label: str):
        """One of the items, shown by name in a failing example's steps."""
        items = list(items)
        chosen = items[data.draw(st.integers(0, len(items) - 1))]
        note(f'{label}: {self._name(chosen)}')
        return chosen

    def _pick_some(self, data, items: list, most: int, label: str, at_least: int = 0) -> list:
        indexes = st.lists(st.integers(0, len(items) - 1), min_size=at_least, max_size=most, unique=True)
        chosen = [items[index] for index in data.draw(indexes)] if items else []
        note(f'{label}: {", ".join(map(self._name, chosen)) or "none"}')
        return chosen

    def _name(self, item) -> str:
        if isinstance(item, accounts.Actor):
            return item.name
        if isinstance(item, tuple):
            return ' -> '.join(map(self._name, item))
        return self.names[item]

    def _ordered(self, ids) -> list:
        """In the order made (ids, or pairs of them)."""
        return sorted(ids, key=lambda i: tuple(map(self.made.get, i)) if isinstance(i, tuple) else self.made[i])

    def _by_id(self, user_id) -> accounts.Actor:
        return next(member for member in self.members if member.id == user_id)

    def _space(self, data):
        space_id = self._pick(data, self._ordered(self.model.spaces), 'space')
        return space_id, self.model.spaces[space_id]

    def _album(self, data):
        album_id = self._pick(data, self._ordered(self.model.albums), 'album')
        return album_id, self.model.albums[album_id]

    def _space_owner(self, held) -> accounts.Actor:
        return self._by_id(next(u for u, g in held.members.items() if g.role is SpaceRole.OWNER))

    def _permissions(self, user_id, asset_id):
        return permissions_of(model.roles(self.model, user_id, asset_id))

    def _may_share(self, user_id, asset_id) -> bool:
        return Permission.ADD_TO_ALBUM in self._permissions(user_id, asset_id)


def test_who_sees_what_matches_the_reference_model(migrated_database_url, tmp_path, cheap_password_hashing):
    with asyncio.Runner() as runner:
        hearth = Hearth.create(replace(load_settings(), data_dir=tmp_path / 'data', database_url=migrated_database_url))
        runner.run(hearth.start())
        timeline_cache.shared_extras.clear()
        Family.hearth, Family.run = hearth, runner.run
        try:
            run_state_machine_as_test(
                Family,
                settings=settings(
                    max_examples=EXAMPLES,
                    stateful_step_count=STEPS,
                    deadline=None,
                    derandomize=not os.environ.get('HEARTH_MODEL_RANDOM'),
                    suppress_health_check=list(HealthCheck),
                    database=None,
                ),
            )
        finally:
            Family.run = None
            runner.run(hearth.stop())
            families, comparisons = Family.checked['families'], Family.checked['comparisons']
            print(f'\n{families} families, {comparisons - families} steps, each followed by a full comparison')
