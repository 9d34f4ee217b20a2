"""The cached shared part of the timeline (storage/timeline_cache.py) is never stale: after every kind of change that
alters what albums, spaces, partners and connected libraries add to a timeline, a timeline read right after — with
the cache warm from just before — equals a count from the tables."""

from datetime import datetime

import pytest

from domain.spaces import SpaceRole
from services import albums, assets, sharing, spaces
from storage import assets as assets_queries
from storage import timeline_cache
from storage.models import AlbumAsset
from storage.references import add_references
from tests.integration.test_partners import photo
from tests.integration.test_spaces import external_library, external_library_add, photos

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


async def buckets(hearth, actor) -> list[tuple[int, int]]:
    async with hearth.db.session() as session:
        return await assets_queries.month_buckets(session, actor.id, 'timeline')


async def counted(hearth, actor) -> list[tuple[int, int]]:
    async with hearth.db.session() as session:
        rows = await session.execute(assets_queries.timeline_month_totals(actor.id))
    return sorted(((month, int(count)) for month, count in rows if count), reverse=True)


class Watch:
    """Reads the viewer's timeline before each change (so the cache is warm) and checks it after against a count."""

    def __init__(self, hearth, viewer):
        self.hearth, self.viewer = hearth, viewer

    async def total(self) -> int:
        return sum(count for _, count in await buckets(self.hearth, self.viewer))

    async def change(self, make_change, moves_by: int | None) -> None:
        before = await self.total()
        await make_change
        after = await buckets(self.hearth, self.viewer)
        assert after == await counted(self.hearth, self.viewer)
        if moves_by is not None:
            assert sum(count for _, count in after) - before == moves_by


async def test_album_changes_reach_a_warm_cache_at_once(hearth, alice, carl, tmp_path):
    first, second = await photos(hearth, alice, tmp_path, 2)
    album = await albums.create_album(hearth, alice, 'Summer')
    watch = Watch(hearth, carl)

    await watch.change(albums.share_album(hearth, alice, album.id, 'carl@example.com', 'very_close'), 0)
    await watch.change(albums.add_assets(hearth, alice, album.id, [first, second]), 0)  # off his timeline
    await watch.change(albums.show_in_timeline(hearth, carl, album.id, True), 2)
    await watch.change(albums.show_in_timeline(hearth, carl, album.id, False), -2)
    await watch.change(albums.show_in_timeline(hearth, carl, album.id, True), 2)
    await watch.change(assets.update_details(hearth, alice, [first], taken_at=datetime(2001, 5, 1)), 0)
    await watch.change(assets.set_state(hearth, carl, [second], archived=True), -1)
    await watch.change(assets.set_state(hearth, carl, [second], archived=False), 1)
    await watch.change(assets.trash(hearth, alice, [first]), -1)
    await watch.change(assets.restore(hearth, alice, [first]), 1)
    await watch.change(albums.remove_assets(hearth, alice, album.id, [second]), -1)
    await watch.change(albums.remove_member(hearth, alice, album.id, carl.id), -1)
    await watch.change(albums.share_album(hearth, alice, album.id, 'carl@example.com', 'very_close'), 0)
    await watch.change(albums.show_in_timeline(hearth, carl, album.id, True), 1)
    await watch.change(albums.delete_album(hearth, alice, album.id), -1)


async def test_a_sharers_lost_access_reaches_a_warm_cache_at_once(hearth, alice, bob, carl, tmp_path):
    """Bob puts a photo of Alice's library in an album Carl shows on his timeline: Alice's archive and the end of her
    share take it out of Carl's timeline with the next read (SPEC §1), and undoing them brings it back."""
    alices = await photo(hearth, alice, tmp_path)
    await sharing.share_library(hearth, alice, 'bob@example.com')
    album = await albums.create_album(hearth, bob, 'Cousins', asset_ids=[alices])
    await albums.share_album(hearth, bob, album.id, 'carl@example.com')
    watch = Watch(hearth, carl)

    await watch.change(albums.show_in_timeline(hearth, carl, album.id, True), 1)
    await watch.change(assets.set_state(hearth, alice, [alices], archived=True), -1)
    await watch.change(assets.set_state(hearth, alice, [alices], archived=False), 1)
    await watch.change(sharing.stop_sharing(hearth, alice, bob.id), -1)
    await watch.change(sharing.share_library(hearth, alice, 'bob@example.com'), 1)


async def test_space_and_partner_changes_reach_a_warm_cache_at_once(hearth, alice, bob, carl, tmp_path):
    mine, in_library = await photos(hearth, bob, tmp_path, 2)
    library = await external_library(hearth, bob, [in_library])
    space = await spaces.create_space(hearth, bob, 'Lake')
    watch = Watch(hearth, carl)

    await watch.change(spaces.add_member(hearth, bob, space.id, 'carl@example.com', SpaceRole.VIEWER), 0)
    await watch.change(spaces.add_assets(hearth, bob, space.id, [mine]), 1)
    await watch.change(spaces.connect_library(hearth, bob, space.id, library.id), 1)
    later = await photo(hearth, bob, tmp_path, 'later.jpg', (1, 2, 3))
    await watch.change(external_library_add(hearth, library, later), 1)
    await watch.change(spaces.show_in_timeline(hearth, carl, space.id, False), -3)
    await watch.change(spaces.show_in_timeline(hearth, carl, space.id, True), 3)
    await watch.change(spaces.disconnect_library(hearth, bob, space.id, library.id), -2)
    await watch.change(sharing.share_library(hearth, bob, 'carl@example.com'), 2)  # the rest of Bob's library
    await watch.change(sharing.stop_sharing(hearth, bob, carl.id), -2)
    await watch.change(spaces.leave_space(hearth, carl, space.id), -1)
    await watch.change(spaces.add_member(hearth, bob, space.id, 'carl@example.com', SpaceRole.VIEWER), 1)
    await watch.change(assets.trash(hearth, bob, [mine]), -1)
    await watch.change(assets.delete_from_trash(hearth, bob, [mine]), 0)
    await watch.change(spaces.add_assets(hearth, bob, space.id, [later]), 1)
    await watch.change(spaces.delete_space(hearth, bob, space.id), -1)


async def test_a_favorite_keeps_the_cached_copy_and_a_sharing_change_drops_it(hearth, alice, carl, tmp_path):
    shared = await photo(hearth, alice, tmp_path)
    album = await albums.create_album(hearth, alice, 'Summer')
    await albums.share_album(hearth, alice, album.id, 'carl@example.com', 'very_close')
    await albums.add_assets(hearth, alice, album.id, [shared])
    async with hearth.db.session() as session:
        counter = await timeline_cache.sharing_counter(session)

    await assets.set_state(hearth, carl, [shared], favorite=True, rating=4)
    await photo(hearth, alice, tmp_path, 'other.jpg', (9, 9, 9))  # an upload to Alice's own library
    async with hearth.db.session() as session:
        assert await timeline_cache.sharing_counter(session) == counter
    await assets.set_state(hearth, carl, [shared], archived=True)
    async with hearth.db.session() as session:
        assert await timeline_cache.sharing_counter(session) == counter + 1


async def test_a_change_rolled_back_is_never_cached_and_commits_reach_every_process(hearth, alice, carl, tmp_path):
    shared = await photo(hearth, alice, tmp_path)
    album = await albums.create_album(hearth, alice, 'Summer')
    await albums.share_album(hearth, alice, album.id, 'carl@example.com', 'very_close')
    await albums.show_in_timeline(hearth, carl, album.id, True)
    one_process, another = timeline_cache.SharedExtrasCache(), timeline_cache.SharedExtrasCache()
    async with hearth.db.session() as session:
        assert await another.per_month(session, carl.id) == {}

    async with hearth.db.session() as session:
        await add_references(session, AlbumAsset, album.id, [shared], alice.id)
        assert sum((await one_process.per_month(session, carl.id)).values()) == 1  # its own, uncommitted
        await session.rollback()
    async with hearth.db.session() as session:
        assert await one_process.per_month(session, carl.id) == {}

    await albums.add_assets(hearth, alice, album.id, [shared])
    async with hearth.db.session() as session:
        assert sum((await another.per_month(session, carl.id)).values()) == 1
