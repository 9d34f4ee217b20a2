"""Shared Spaces (SPEC §6) through the services: members and roles, adding by reference, connected libraries, the
main timeline, "new since my last visit" and the activity feed."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from domain.access import Permission
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.spaces import SpaceAction, SpaceRole
from services import albums, assets, sharing, spaces
from storage.models import Asset as AssetRow
from storage.models import AssetDetails, ExternalLibrary
from tests.integration.test_partners import photo, timeline_ids

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


async def space_with(hearth, owner, **members: SpaceRole):
    """A space of `owner` with members by first name: space_with(hearth, alice, bob=SpaceRole.EDITOR)."""
    space = await spaces.create_space(hearth, owner, 'Lake trip')
    for name, role in members.items():
        await spaces.add_member(hearth, owner, space.id, f'{name}@example.com', role)
    return space


async def photos(hearth, owner, tmp_path, count, start=0):
    return [
        await photo(hearth, owner, tmp_path, f'{owner.name}{i}.jpg', (i * 37 % 256, start, 90)) for i in range(count)
    ]


async def space_ids(hearth, actor, space_id, filters=None):
    filters = filters or spaces.SpaceFilters()
    return {
        item.id
        for month, _ in await spaces.timeline_buckets(hearth, actor, space_id, filters)
        for item in await spaces.timeline_bucket(hearth, actor, space_id, month, filters)
    }


# ---- the space and its members --------------------------------------------------------------------------------------


async def test_owner_creates_a_space_and_invites_members_with_roles(hearth, alice, bob, carl):
    space = await spaces.create_space(hearth, alice, '  Lake   trip ', 'Summer 2026', '#1E88E5')
    assert (space.name, space.description, space.color, space.my_role) == (
        'Lake trip',
        'Summer 2026',
        '#1e88e5',
        'owner',
    )

    await spaces.add_member(hearth, alice, space.id, 'bob@example.com', 'editor')
    await spaces.add_member(hearth, alice, space.id, 'carl@example.com', 'viewer')

    detail = await spaces.get_space(hearth, bob, space.id)
    assert [(m.name, m.role) for m in detail.members] == [('Alice', 'owner'), ('Bob', 'editor'), ('Carl', 'viewer')]
    assert detail.space.my_role is SpaceRole.EDITOR
    assert SpaceAction.MANAGE not in detail.space.actions and SpaceAction.SET_COVER in detail.space.actions
    assert [s.name for s in await spaces.list_spaces(hearth, carl)] == ['Lake trip']
    with pytest.raises(Conflict):
        await spaces.add_member(hearth, alice, space.id, 'bob@example.com', 'viewer')
    with pytest.raises(NotFound):
        await spaces.add_member(hearth, alice, space.id, 'nobody@example.com', 'viewer')
    with pytest.raises(InvalidInput):
        await spaces.add_member(hearth, alice, space.id, 'carl@example.com', 'admin')


async def test_only_owners_manage_and_editors_set_the_cover(hearth, alice, bob, carl, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR, carl=SpaceRole.VIEWER)
    mine = await photo(hearth, bob, tmp_path)
    await spaces.add_assets(hearth, bob, space.id, [mine])

    for refused in (
        spaces.add_member(hearth, bob, space.id, 'carl@example.com', 'owner'),
        spaces.change_role(hearth, bob, space.id, carl.id, 'editor'),
        spaces.remove_member(hearth, bob, space.id, carl.id),
        spaces.update_space(hearth, bob, space.id, name='Mine now'),
        spaces.delete_space(hearth, bob, space.id),
        spaces.update_space(hearth, carl, space.id, cover_asset_id=mine),
        spaces.update_space(hearth, carl, space.id, name='Renamed'),
    ):
        with pytest.raises(Forbidden):
            await refused
    detail = await spaces.get_space(hearth, alice, space.id)
    assert (detail.space.name, len(detail.members)) == ('Lake trip', 3)

    assert (await spaces.update_space(hearth, bob, space.id, cover_asset_id=mine)).cover_asset_id == mine
    other = await photo(hearth, carl, tmp_path, 'c.jpg')
    with pytest.raises(InvalidInput):
        await spaces.update_space(hearth, alice, space.id, cover_asset_id=other)


async def test_the_last_owner_can_neither_leave_nor_be_demoted_nor_removed(hearth, alice, bob):
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR)
    for refused in (
        spaces.leave_space(hearth, alice, space.id),
        spaces.change_role(hearth, alice, space.id, alice.id, 'editor'),
        spaces.remove_member(hearth, alice, space.id, alice.id),
    ):
        with pytest.raises(Conflict):
            await refused
    assert (await spaces.get_space_summary(hearth, alice, space.id)).my_role is SpaceRole.OWNER

    await spaces.change_role(hearth, alice, space.id, bob.id, 'owner')
    await spaces.leave_space(hearth, alice, space.id)
    with pytest.raises(NotFound):
        await spaces.get_space(hearth, alice, space.id)
    assert [m.name for m in (await spaces.get_space(hearth, bob, space.id)).members] == ['Bob']


async def test_deleting_a_space_deletes_no_asset(hearth, alice, bob, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.CONTRIBUTOR)
    bobs = await photo(hearth, bob, tmp_path)
    await spaces.add_assets(hearth, bob, space.id, [bobs])

    await spaces.delete_space(hearth, alice, space.id)

    assert await spaces.list_spaces(hearth, bob) == []
    assert (await assets.get_asset(hearth, bob, bobs)).trashed_at is None
    with pytest.raises(NotFound):
        await assets.get_asset(hearth, alice, bobs)


# ---- adding by reference --------------------------------------------------------------------------------------------


async def test_members_add_only_from_their_own_library_and_viewers_not_at_all(hearth, alice, bob, carl, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.CONTRIBUTOR, carl=SpaceRole.VIEWER)
    alices, bobs, carls = [await photo(hearth, user, tmp_path, f'{user.name}.jpg') for user in (alice, bob, carl)]
    await sharing.share_library(hearth, alice, 'bob@example.com')

    with pytest.raises(Forbidden):  # Bob sees it through the partner share, but it is not his
        await spaces.add_assets(hearth, bob, space.id, [bobs, alices])
    with pytest.raises(Forbidden):
        await spaces.add_assets(hearth, carl, space.id, [carls])
    with pytest.raises(NotFound):
        await spaces.add_assets(hearth, bob, space.id, [carls])
    assert await space_ids(hearth, alice, space.id) == set()

    assert await spaces.add_assets(hearth, bob, space.id, [bobs]) == 1
    assert await spaces.add_assets(hearth, bob, space.id, [bobs]) == 0
    assert await space_ids(hearth, carl, space.id) == {bobs}
    assert (await assets.get_asset(hearth, carl, bobs)).owner_name == 'Bob'


async def test_add_all_my_photos_adds_every_live_unarchived_asset_once(hearth, alice, bob, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.CONTRIBUTOR)
    kept, archived, trashed, already = await photos(hearth, bob, tmp_path, 4)
    await assets.set_state(hearth, bob, [archived], archived=True)
    await assets.trash(hearth, bob, [trashed])
    await spaces.add_assets(hearth, bob, space.id, [already])

    assert await spaces.add_all_my_assets(hearth, bob, space.id) == 1
    assert await spaces.add_all_my_assets(hearth, bob, space.id) == 0
    assert await space_ids(hearth, alice, space.id) == {kept, already}
    assert (await spaces.get_space_summary(hearth, alice, space.id)).asset_count == 2


async def test_contributors_remove_what_they_added_editors_anything_and_nothing_is_trashed(
    hearth, alice, bob, carl, tmp_path
):
    space = await space_with(hearth, alice, bob=SpaceRole.CONTRIBUTOR, carl=SpaceRole.EDITOR)
    alices, bobs = await photo(hearth, alice, tmp_path, 'a.jpg'), await photo(hearth, bob, tmp_path, 'b.jpg')
    await spaces.add_assets(hearth, alice, space.id, [alices])
    await spaces.add_assets(hearth, bob, space.id, [bobs])

    with pytest.raises(Forbidden):
        await spaces.remove_assets(hearth, bob, space.id, [alices, bobs])
    assert await space_ids(hearth, bob, space.id) == {alices, bobs}

    assert await spaces.remove_assets(hearth, bob, space.id, [bobs]) == 1
    assert await spaces.remove_assets(hearth, carl, space.id, [alices]) == 1
    assert await space_ids(hearth, alice, space.id) == set()
    assert (await assets.get_asset(hearth, alice, alices)).trashed_at is None
    with pytest.raises(NotFound):
        await spaces.remove_assets(hearth, carl, space.id, [alices])


async def test_members_hold_the_asset_permissions_of_their_role(hearth, alice, bob, carl, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR, carl=SpaceRole.VIEWER)
    alices = await photo(hearth, alice, tmp_path)
    await spaces.add_assets(hearth, alice, space.id, [alices])

    editor_view, viewer_view = await assets.get_asset(hearth, bob, alices), await assets.get_asset(hearth, carl, alices)
    assert {Permission.EDIT_DATE, Permission.TRASH, Permission.RESTORE} <= set(editor_view.permissions)
    assert set(viewer_view.permissions) == {
        Permission.VIEW,
        Permission.RATE,
        Permission.FAVORITE,
        Permission.REFRESH_METADATA,
        Permission.REFRESH_FACES,
    }

    await assets.set_state(hearth, carl, [alices], favorite=True)  # U scope: for Carl only
    assert (await assets.get_asset(hearth, carl, alices)).favorite
    assert not (await assets.get_asset(hearth, alice, alices)).favorite
    with pytest.raises(Forbidden):
        await assets.update_details(hearth, carl, [alices], description='Mine')
    with pytest.raises(Forbidden):
        await assets.trash(hearth, carl, [alices])

    await assets.trash(hearth, bob, [alices])  # an editor may: it goes to Alice's trash
    trashed = await assets.get_asset(hearth, alice, alices)
    assert trashed.trashed_by == 'Bob' and trashed.trashed_at is not None
    assert await space_ids(hearth, carl, space.id) == set()


async def test_a_removed_member_loses_access_at_once(hearth, alice, bob, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR)
    alices = await photo(hearth, alice, tmp_path)
    await spaces.add_assets(hearth, alice, space.id, [alices])
    assert alices in await timeline_ids(hearth, bob)

    await spaces.remove_member(hearth, alice, space.id, bob.id)

    for gone in (
        spaces.get_space(hearth, bob, space.id),
        spaces.timeline_buckets(hearth, bob, space.id),
        spaces.list_activity(hearth, bob, space.id),
        assets.get_asset(hearth, bob, alices),
    ):
        with pytest.raises(NotFound):
            await gone
    assert alices not in await timeline_ids(hearth, bob)


async def test_leaving_can_take_my_photos_with_me(hearth, alice, bob, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.CONTRIBUTOR)
    bobs = await photos(hearth, bob, tmp_path, 2)
    await spaces.add_assets(hearth, bob, space.id, bobs)

    assert await spaces.leave_space(hearth, bob, space.id, take_my_photos=True) == 2

    assert await space_ids(hearth, alice, space.id) == set()
    feed = await spaces.list_activity(hearth, alice, space.id)
    assert (feed[0].kind, feed[0].actor_name, feed[0].details['taken']) == ('member_left', 'Bob', 2)


# ---- timelines ------------------------------------------------------------------------------------------------------


async def test_space_assets_show_once_on_every_members_timeline_until_they_hide_that_space(
    hearth, alice, bob, tmp_path
):
    lake, city = await space_with(hearth, alice, bob=SpaceRole.VIEWER), await space_with(hearth, alice, bob='viewer')
    in_both, lake_only, city_only = await photos(hearth, alice, tmp_path, 3)
    await spaces.add_assets(hearth, alice, lake.id, [in_both, lake_only])
    await spaces.add_assets(hearth, alice, city.id, [in_both, city_only])
    album = await albums.create_album(hearth, alice, 'Best', asset_ids=[in_both])
    await albums.share_album(hearth, alice, album.id, 'bob@example.com')
    bobs = await photo(hearth, bob, tmp_path, 'own.jpg')

    assert sorted(await timeline_ids(hearth, bob)) == sorted([in_both, lake_only, city_only, bobs])
    assert sum(count for _, count in await assets.timeline_buckets(hearth, bob)) == 4

    await spaces.show_in_timeline(hearth, bob, lake.id, False)
    assert sorted(await timeline_ids(hearth, bob)) == sorted([in_both, city_only, bobs])
    assert sum(count for _, count in await assets.timeline_buckets(hearth, bob)) == 3
    assert len(await timeline_ids(hearth, alice)) == 3  # her choice is hers
    assert await space_ids(hearth, bob, lake.id) == {in_both, lake_only}  # still in the space itself


async def test_partner_and_space_routes_to_one_asset_show_it_once(hearth, alice, bob, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.VIEWER)
    alices = await photo(hearth, alice, tmp_path)
    await spaces.add_assets(hearth, alice, space.id, [alices])
    await sharing.share_library(hearth, alice, 'bob@example.com')

    assert await timeline_ids(hearth, bob) == [alices]
    assert sum(count for _, count in await assets.timeline_buckets(hearth, bob)) == 1


async def test_the_space_timeline_filters(hearth, alice, bob, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.CONTRIBUTOR)
    old = await photo(hearth, alice, tmp_path, 'old.jpg', taken_at=datetime(2019, 7, 1, 10), model='Pixel 3')
    new = await photo(hearth, bob, tmp_path, 'new.jpg', taken_at=datetime(2024, 8, 2, 10), model='iPhone 15')
    await spaces.add_assets(hearth, alice, space.id, [old])
    await spaces.add_assets(hearth, bob, space.id, [new])
    await assets.update_details(hearth, alice, [old], tags=['lake'])
    await assets.set_state(hearth, bob, [old], favorite=True)
    F = spaces.SpaceFilters

    assert await space_ids(hearth, bob, space.id, F(owner_ids=(bob.id,))) == {new}
    assert await space_ids(hearth, bob, space.id, F(taken_from=datetime(2020, 1, 1).date())) == {new}
    assert await space_ids(hearth, bob, space.id, F(taken_to=datetime(2019, 7, 1).date())) == {old}
    assert await space_ids(hearth, bob, space.id, F(camera='Pixel 3')) == {old}
    assert await space_ids(hearth, bob, space.id, F(tags=('lake',))) == {old}
    assert await space_ids(hearth, bob, space.id, F(favorites=True)) == {old}
    assert await space_ids(hearth, alice, space.id, F(favorites=True)) == set()  # favorites are mine
    assert await space_ids(hearth, bob, space.id, F(media_type='video')) == set()
    assert await spaces.space_neighbours(hearth, bob, space.id, new) == (None, old)
    assert await spaces.space_neighbours(hearth, bob, space.id, old) == (new, None)
    choices = await spaces.filter_choices(hearth, bob, space.id)
    assert ([name for _, name, _ in choices.contributors], choices.cameras, choices.tags) == (
        ['Alice', 'Bob'],
        ['Pixel 3', 'iPhone 15'],
        ['lake'],
    )


# ---- new since my last visit, and activity ---------------------------------------------------------------------------


async def test_new_since_last_visit_counts_what_others_added(hearth, alice, bob, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.CONTRIBUTOR)
    first = await spaces.record_visit(hearth, bob, space.id)
    assert (first.previous_visit_at, first.new_count) == (None, 0)

    await spaces.add_assets(hearth, alice, space.id, await photos(hearth, alice, tmp_path, 3))
    await spaces.add_assets(hearth, bob, space.id, await photos(hearth, bob, tmp_path, 2, start=100))

    assert (await spaces.get_space_summary(hearth, bob, space.id)).new_count == 3  # not his own two
    assert (await spaces.get_space_summary(hearth, alice, space.id)).new_count == 2
    visit = await spaces.record_visit(hearth, bob, space.id)
    assert visit.new_count == 3 and visit.previous_visit_at is not None
    new = await space_ids(hearth, bob, space.id, spaces.SpaceFilters(added_since=visit.previous_visit_at))
    assert len(new) == 3
    assert (await spaces.get_space_summary(hearth, bob, space.id)).new_count == 0


async def test_every_action_lands_in_the_activity_feed_newest_first(hearth, alice, bob, tmp_path):
    space = await spaces.create_space(hearth, alice, 'Lake')
    await spaces.add_member(hearth, alice, space.id, 'bob@example.com', 'contributor')
    added = await photos(hearth, bob, tmp_path, 2)
    await spaces.add_assets(hearth, bob, space.id, added)
    await spaces.update_space(hearth, alice, space.id, name='Lake 2026', cover_asset_id=added[0])
    await spaces.change_role(hearth, alice, space.id, bob.id, 'editor')
    await spaces.remove_assets(hearth, bob, space.id, [added[1]])

    feed = await spaces.list_activity(hearth, bob, space.id)
    assert [(entry.kind, entry.actor_name) for entry in feed] == [
        ('assets_removed', 'Bob'),
        ('role_changed', 'Alice'),
        ('renamed', 'Alice'),
        ('cover_changed', 'Alice'),
        ('assets_added', 'Bob'),
        ('member_added', 'Alice'),
        ('created', 'Alice'),
    ]
    assert feed[4].details['count'] == 2 and set(feed[4].asset_ids) == set(added)
    assert feed[1].details == {'name': 'Bob', 'old': 'contributor', 'new': 'editor'}
    older = await spaces.list_activity(hearth, bob, space.id, before=feed[2].created_at, limit=2)
    assert [entry.kind for entry in older] == ['cover_changed', 'assets_added']
    with pytest.raises(InvalidInput):
        await spaces.list_activity(hearth, bob, space.id, limit=0)


# ---- connected libraries --------------------------------------------------------------------------------------------


async def external_library(hearth, owner, asset_ids) -> ExternalLibrary:
    """A library row holding these assets (the scanner is tested on its own)."""
    async with hearth.db.session() as session:
        library = ExternalLibrary(owner_id=owner.id, name='NAS', path='/srv/photos')
        session.add(library)
        await session.flush()
        await session.execute(update(AssetRow).where(AssetRow.id.in_(asset_ids)).values(library_id=library.id))
        await session.execute(
            update(AssetDetails).where(AssetDetails.asset_id.in_(asset_ids)).values(library_id=library.id)
        )
        await session.commit()
        return library


async def test_a_connected_library_puts_all_its_assets_in_the_space_by_one_row(hearth, alice, bob, carl, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR, carl=SpaceRole.CONTRIBUTOR)
    in_library = await photos(hearth, bob, tmp_path, 2)
    library = await external_library(hearth, bob, in_library)

    with pytest.raises(NotFound):  # not Alice's library
        await spaces.connect_library(hearth, alice, space.id, library.id)
    with pytest.raises(Forbidden):
        await spaces.connect_library(hearth, carl, space.id, library.id)
    connected = await spaces.connect_library(hearth, bob, space.id, library.id)
    assert (connected.name, connected.owner_name, connected.asset_count) == ('NAS', 'Bob', 2)
    with pytest.raises(Conflict):
        await spaces.connect_library(hearth, bob, space.id, library.id)

    assert await space_ids(hearth, carl, space.id) == set(in_library)
    assert sorted(await timeline_ids(hearth, carl)) == sorted(in_library)
    assert (await assets.get_asset(hearth, carl, in_library[0])).owner_name == 'Bob'
    assert (await spaces.get_space_summary(hearth, carl, space.id)).new_count == 0  # they were there before

    later = await photo(hearth, bob, tmp_path, 'later.jpg', (1, 2, 3))
    await external_library_add(hearth, library, later)
    assert await space_ids(hearth, carl, space.id) == {*in_library, later}
    assert (await spaces.get_space_summary(hearth, carl, space.id)).new_count == 1

    await spaces.disconnect_library(hearth, bob, space.id, library.id)
    assert await space_ids(hearth, carl, space.id) == set()
    with pytest.raises(NotFound):
        await assets.get_asset(hearth, carl, later)
    assert (await assets.get_asset(hearth, bob, later)).trashed_at is None


async def external_library_add(hearth, library, asset_id) -> None:
    async with hearth.db.session() as session:
        values = {'library_id': library.id, 'uploaded_at': datetime.now(UTC)}
        await session.execute(update(AssetRow).where(AssetRow.id == asset_id).values(**values))
        await session.execute(
            update(AssetDetails).where(AssetDetails.asset_id == asset_id).values(library_id=library.id)
        )
        await session.commit()


async def test_a_members_libraries_leave_the_space_with_them(hearth, alice, bob, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR)
    library = await external_library(hearth, bob, await photos(hearth, bob, tmp_path, 1))
    await spaces.connect_library(hearth, bob, space.id, library.id)

    await spaces.remove_member(hearth, alice, space.id, bob.id)

    assert (await spaces.get_space(hearth, alice, space.id)).libraries == []
    assert await space_ids(hearth, alice, space.id) == set()


async def test_every_member_may_take_their_own_photos_out(hearth, alice, bob, tmp_path):
    space = await space_with(hearth, alice, bob=SpaceRole.CONTRIBUTOR)
    bobs = await photo(hearth, bob, tmp_path)
    await spaces.add_assets(hearth, bob, space.id, [bobs])
    await spaces.change_role(hearth, alice, space.id, bob.id, 'viewer')

    assert await spaces.remove_assets(hearth, bob, space.id, [bobs]) == 1
    assert await space_ids(hearth, alice, space.id) == set()
