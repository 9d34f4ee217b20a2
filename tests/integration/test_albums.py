"""Albums (SPEC §5) through the services: curation, sharing at a trust level, timelines, comments and likes."""

from datetime import datetime

import pytest

from domain.access import Permission, TrustLevel
from domain.albums import AlbumAction
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from services import albums, assets, sharing
from tests.integration.test_partners import photo, timeline_ids

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


async def shared_album(hearth, owner, member_email='bob@example.com', trust=TrustLevel.KNOWN, asset_ids=()):
    album = await albums.create_album(hearth, owner, 'Holiday', asset_ids=asset_ids)
    await albums.share_album(hearth, owner, album.id, member_email, trust)
    return album


async def test_owner_creates_renames_describes_covers_and_deletes_an_album(hearth, alice, tmp_path):
    first, second = [await photo(hearth, alice, tmp_path, f'{i}.jpg', (i * 90, 0, 0)) for i in range(2)]

    album = await albums.create_album(hearth, alice, '  Summer   2026 ', 'By the sea', [first, second])
    assert (album.name, album.description, album.asset_count, album.is_mine) == ('Summer 2026', 'By the sea', 2, True)

    changed = await albums.update_album(hearth, alice, album.id, name='Sea', description='', cover_asset_id=second)
    assert (changed.name, changed.description, changed.cover_asset_id) == ('Sea', None, second)

    await albums.delete_album(hearth, alice, album.id)
    assert await albums.list_albums(hearth, alice) == []
    assert (await assets.get_asset(hearth, alice, first)).trashed_at is None  # the photos stay


async def test_bad_album_input_is_refused(hearth, alice, bob, tmp_path):
    other = await photo(hearth, bob, tmp_path)
    with pytest.raises(InvalidInput):
        await albums.create_album(hearth, alice, '   ')
    with pytest.raises(NotFound):
        await albums.create_album(hearth, alice, 'Not mine', asset_ids=[other])
    album = await albums.create_album(hearth, alice, 'Mine')
    with pytest.raises(InvalidInput):
        await albums.update_album(hearth, alice, album.id, cover_asset_id=other)
    assert await albums.list_albums(hearth, alice) == [await albums.get_album_summary(hearth, alice, album.id)]


async def test_a_member_sees_the_album_and_its_assets_and_nobody_else_does(hearth, alice, bob, carl, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    album = await shared_album(hearth, alice, asset_ids=[mine])

    seen = await albums.get_album(hearth, bob, album.id)
    assert (seen.album.owner_name, seen.album.my_trust_level, seen.album.is_mine) == ('Alice', TrustLevel.KNOWN, False)
    assert [m.name for m in seen.members] == ['Bob']
    assert [item.id for item in await albums.album_items(hearth, bob, album.id)] == [mine]
    assert (await assets.get_asset(hearth, bob, mine)).owner_name == 'Alice'
    assert [a.id for a in await albums.list_albums(hearth, bob)] == [album.id]

    for look in (albums.get_album, albums.album_items, albums.list_activity):
        with pytest.raises(NotFound):
            await look(hearth, carl, album.id)
    with pytest.raises(NotFound):
        await assets.get_asset(hearth, carl, mine)
    assert await albums.list_albums(hearth, carl) == []


async def test_only_the_owner_manages_the_album(hearth, alice, bob, carl, tmp_path):
    album = await shared_album(hearth, alice, trust=TrustLevel.VERY_CLOSE)
    manage = [
        albums.update_album(hearth, bob, album.id, name='Mine now'),
        albums.share_album(hearth, bob, album.id, 'carl@example.com'),
        albums.remove_member(hearth, bob, album.id, bob.id),
        albums.change_member_trust(hearth, bob, album.id, bob.id, 'guest'),
        albums.delete_album(hearth, bob, album.id),
    ]
    for attempt in manage:
        with pytest.raises(Forbidden):
            await attempt
    detail = await albums.get_album(hearth, alice, album.id)
    assert (detail.album.name, [m.trust_level for m in detail.members]) == ('Holiday', [TrustLevel.VERY_CLOSE])


async def test_sharing_twice_with_yourself_or_nobody_is_refused(hearth, alice, bob):
    album = await shared_album(hearth, alice)
    with pytest.raises(Conflict):
        await albums.share_album(hearth, alice, album.id, 'bob@example.com')
    with pytest.raises(InvalidInput):
        await albums.share_album(hearth, alice, album.id, 'alice@example.com')
    with pytest.raises(NotFound):
        await albums.share_album(hearth, alice, album.id, 'nobody@example.com')
    with pytest.raises(InvalidInput):
        await albums.share_album(hearth, alice, album.id, 'bob@example.com', 'best friend')


@pytest.mark.parametrize(
    ('trust', 'may_add'),
    [(TrustLevel.VERY_CLOSE, True), (TrustLevel.KNOWN, True), (TrustLevel.HELPER, True), (TrustLevel.GUEST, False)],
)
async def test_members_add_their_own_assets_as_their_role_allows(hearth, alice, bob, tmp_path, trust, may_add):
    album = await shared_album(hearth, alice, trust=trust)
    bobs = await photo(hearth, bob, tmp_path)

    if may_add:
        assert await albums.add_assets(hearth, bob, album.id, [bobs]) == 1
        assert await albums.add_assets(hearth, bob, album.id, [bobs]) == 0  # already there
    else:
        with pytest.raises(Forbidden):
            await albums.add_assets(hearth, bob, album.id, [bobs])

    items = await albums.album_items(hearth, alice, album.id)
    assert [(i.id, i.added_by, i.owner_name) for i in items] == ([(bobs, 'Bob', 'Bob')] if may_add else [])
    if may_add:  # the album owner now sees what Bob added, as a contributor would
        seen = await assets.get_asset(hearth, alice, bobs)
        assert Permission.DOWNLOAD in seen.permissions and Permission.TRASH not in seen.permissions
        contributors = (await albums.get_album(hearth, alice, album.id)).contributors
        assert [(c.name, c.asset_count) for c in contributors] == [('Bob', 1)]


async def test_any_asset_i_can_see_goes_into_my_albums(hearth, alice, bob, carl, tmp_path):
    """Mine, a partner's, and one from an album shared with me."""
    bobs = await photo(hearth, bob, tmp_path, 'b.jpg')
    carls = await photo(hearth, carl, tmp_path, 'c.jpg', (0, 200, 0))
    await sharing.share_library(hearth, bob, 'alice@example.com')
    await shared_album(hearth, carl, 'alice@example.com', asset_ids=[carls])
    mine = await photo(hearth, alice, tmp_path, 'a.jpg', (0, 0, 200))

    album = await albums.create_album(hearth, alice, 'Everything', asset_ids=[mine, bobs, carls])

    assert {item.id for item in await albums.album_items(hearth, alice, album.id)} == {mine, bobs, carls}


async def test_a_guest_member_cannot_put_album_assets_into_their_albums(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    await shared_album(hearth, alice, trust=TrustLevel.GUEST, asset_ids=[mine])
    with pytest.raises(Forbidden):
        await albums.create_album(hearth, bob, 'Taken', asset_ids=[mine])


async def test_removing_from_an_album_never_trashes_and_members_remove_only_their_own(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    album = await shared_album(hearth, alice, trust=TrustLevel.VERY_CLOSE, asset_ids=[mine])
    bobs = await photo(hearth, bob, tmp_path, 'b.jpg', (5, 5, 5))
    await albums.add_assets(hearth, bob, album.id, [bobs])

    with pytest.raises(Forbidden):
        await albums.remove_assets(hearth, bob, album.id, [mine])
    assert await albums.remove_assets(hearth, bob, album.id, [bobs]) == 1
    assert await albums.remove_assets(hearth, alice, album.id, [mine]) == 1

    assert await albums.album_items(hearth, alice, album.id) == []
    assert (await assets.get_asset(hearth, alice, mine)).trashed_at is None
    assert (await assets.get_asset(hearth, bob, bobs)).trashed_at is None
    with pytest.raises(NotFound):  # Bob reached it only through the album
        await assets.get_asset(hearth, bob, mine)


async def test_a_member_can_leave_and_a_removed_member_loses_access_at_once(hearth, alice, bob, carl, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    album = await shared_album(hearth, alice, asset_ids=[mine])
    await albums.share_album(hearth, alice, album.id, 'carl@example.com')

    await albums.leave_album(hearth, bob, album.id)
    await albums.remove_member(hearth, alice, album.id, carl.id)

    for gone in (bob, carl):
        with pytest.raises(NotFound):
            await assets.get_asset(hearth, gone, mine)
        assert await timeline_ids(hearth, gone) == []
    with pytest.raises(Forbidden):
        await albums.leave_album(hearth, alice, album.id)


async def test_shared_album_assets_join_the_members_timeline_once_when_shown_and_can_be_hidden(
    hearth, alice, bob, tmp_path
):
    mine = await photo(hearth, alice, tmp_path)
    album = await shared_album(hearth, alice, asset_ids=[mine])
    assert await timeline_ids(hearth, bob) == []  # albums stay off the timeline until the member chooses (SPEC §8)
    await albums.show_in_timeline(hearth, bob, album.id, True)
    assert await timeline_ids(hearth, bob) == [mine]
    await sharing.share_library(hearth, alice, 'bob@example.com')  # and through the partner share as well

    assert await timeline_ids(hearth, bob) == [mine]
    assert await assets.timeline_buckets(hearth, bob) == await assets.timeline_buckets(hearth, alice)

    await sharing.show_in_timeline(hearth, bob, alice.id, False)
    assert await timeline_ids(hearth, bob) == [mine]  # still through the album
    await albums.show_in_timeline(hearth, bob, album.id, False)
    assert await timeline_ids(hearth, bob) == [] and await assets.timeline_buckets(hearth, bob) == []
    assert (await assets.get_asset(hearth, bob, mine)).owner_name == 'Alice'  # hidden, still reachable


async def test_album_assets_are_in_the_timeline_unless_trashed_or_archived_by_me(hearth, alice, bob, tmp_path):
    kept, trashed, archived = [await photo(hearth, alice, tmp_path, f'{i}.jpg', (i * 70, 9, 9)) for i in range(3)]
    album = await shared_album(hearth, alice, trust=TrustLevel.VERY_CLOSE, asset_ids=[kept, trashed, archived])
    await albums.show_in_timeline(hearth, bob, album.id, True)
    await assets.trash(hearth, alice, [trashed])
    await assets.set_state(hearth, bob, [archived], archived=True)

    assert await timeline_ids(hearth, bob) == [kept]
    assert await timeline_ids(hearth, bob, 'archive') == [archived]
    assert set(await timeline_ids(hearth, alice)) == {kept, archived}  # Bob's archive is his alone


async def test_what_the_owner_archived_stays_in_the_album_they_shared(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    album = await shared_album(hearth, alice, asset_ids=[mine])
    await albums.show_in_timeline(hearth, bob, album.id, True)
    await assets.set_state(hearth, alice, [mine], archived=True)
    assert [item.id for item in await albums.album_items(hearth, bob, album.id)] == [mine]
    assert await timeline_ids(hearth, bob) == [mine]


async def test_a_collaborator_member_trashes_into_the_owners_trash_and_restores(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    album = await shared_album(hearth, alice, trust=TrustLevel.VERY_CLOSE, asset_ids=[mine])

    await assets.trash(hearth, bob, [mine], source=f'album {album.name}')

    trashed = (await assets.list_trash(hearth, alice))[0]
    assert (trashed.id, trashed.trashed_by) == (mine, 'Bob')
    assert await assets.list_trash(hearth, bob) == []
    assert await albums.album_items(hearth, bob, album.id) == []
    assert await assets.restore(hearth, bob, [mine]) == 1
    assert [item.id for item in await albums.album_items(hearth, alice, album.id)] == [mine]


async def test_my_favorite_on_an_album_asset_is_mine_alone(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    album = await shared_album(hearth, alice, trust=TrustLevel.GUEST, asset_ids=[mine])

    await assets.set_state(hearth, bob, [mine], favorite=True, rating=4)

    assert await timeline_ids(hearth, bob, 'favorites') == [mine]
    assert await timeline_ids(hearth, alice, 'favorites') == []
    bob_item, alice_item = [(await albums.album_items(hearth, who, album.id))[0] for who in (bob, alice)]
    assert (bob_item.favorite, bob_item.rating, alice_item.favorite, alice_item.rating) == (True, 4, False, 0)


async def test_comments_and_likes_on_the_album_and_its_assets(hearth, alice, bob, carl, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    album = await shared_album(hearth, alice, trust=TrustLevel.GUEST, asset_ids=[mine])
    await albums.share_album(hearth, alice, album.id, 'carl@example.com')

    on_album = await albums.add_comment(hearth, bob, album.id, '  Lovely trip ')
    on_photo = await albums.add_comment(hearth, carl, album.id, 'Great light', asset_id=mine)
    await albums.like(hearth, bob, album.id, mine)
    await albums.like(hearth, bob, album.id, mine)

    assert [(a.kind, a.text, a.author_name) for a in await albums.list_activity(hearth, alice, album.id)] == [
        ('comment', 'Lovely trip', 'Bob')
    ]
    on_asset = await albums.list_activity(hearth, bob, album.id, mine)
    assert [(a.kind, a.author_name, a.deletable) for a in on_asset] == [
        ('comment', 'Carl', False),
        ('like', 'Bob', True),
    ]

    with pytest.raises(Forbidden):
        await albums.delete_activity(hearth, bob, album.id, on_photo.id)
    await albums.delete_activity(hearth, alice, album.id, on_photo.id)  # the album owner may
    await albums.delete_activity(hearth, bob, album.id, on_album.id)  # and so may the author
    await albums.unlike(hearth, bob, album.id, mine)
    assert await albums.list_activity(hearth, alice, album.id) == []
    assert await albums.list_activity(hearth, alice, album.id, mine) == []
    with pytest.raises(InvalidInput):
        await albums.add_comment(hearth, bob, album.id, '   ')


async def test_deleting_an_album_ends_members_access_to_what_it_shared(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    album = await shared_album(hearth, alice, asset_ids=[mine])
    await albums.add_comment(hearth, bob, album.id, 'Nice')

    await albums.delete_album(hearth, alice, album.id)

    with pytest.raises(NotFound):
        await assets.get_asset(hearth, bob, mine)
    with pytest.raises(NotFound):
        await albums.get_album(hearth, bob, album.id)
    assert await timeline_ids(hearth, bob) == []


async def test_album_actions_say_what_each_person_may_do(hearth, alice, bob):
    album = await shared_album(hearth, alice, trust=TrustLevel.GUEST)
    assert AlbumAction.MANAGE in album.actions
    bobs_view = await albums.get_album_summary(hearth, bob, album.id)
    assert set(bobs_view.actions) == {AlbumAction.VIEW, AlbumAction.COMMENT, AlbumAction.LEAVE}


async def test_album_neighbours_step_through_the_album_newest_first(hearth, alice, tmp_path):
    dated = [datetime(2024, 5, day, 12) for day in (1, 2, 3)]
    older, outside, newer = [
        await photo(hearth, alice, tmp_path, f'{i}.jpg', (i * 70, 5, 5), taken_at=taken)
        for i, taken in enumerate(dated)
    ]
    album = await albums.create_album(hearth, alice, 'Two', asset_ids=[older, newer])

    assert await albums.album_neighbours(hearth, alice, album.id, newer) == (None, older)
    assert await albums.album_neighbours(hearth, alice, album.id, older) == (newer, None)
    assert await albums.album_neighbours(hearth, alice, album.id, outside) == (None, None)


async def test_a_member_takes_their_own_photo_out_of_an_album_someone_else_put_it_in(hearth, alice, bob, tmp_path):
    bobs = await photo(hearth, bob, tmp_path)
    await sharing.share_library(hearth, bob, 'alice@example.com')
    album = await shared_album(hearth, alice, trust=TrustLevel.GUEST, asset_ids=[bobs])
    assert [item.removable for item in await albums.album_items(hearth, bob, album.id)] == [True]

    assert await albums.remove_assets(hearth, bob, album.id, [bobs]) == 1

    assert await albums.album_items(hearth, alice, album.id) == []
