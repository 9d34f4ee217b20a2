"""The duplicates review page: a family member sees their copies of one photo side by side with why they are copies
and which one Hearth suggests keeping, and keeps one, says they are not duplicates, or moves on."""

from nicegui.testing import User

from services import accounts, albums, assets, duplicates, runtime, spaces
from storage.models import Asset
from tests.factories import duplicate_photos as copies
from tests.factories.search_photos import search_photo
from tests.ui.conftest import eventually, member, sign_in, sign_up_admin

BUS = 'ultralytics-bus.jpg'


async def upload(actor, path):
    hearth = runtime.current()
    staged = hearth.files.stage_copy(path, hearth.settings.max_upload_bytes)
    return (await assets.ingest(hearth, actor, staged)).asset_id


async def bus_and_its_half(actor, tmp_path):
    """The bus photo and a copy resized to half, both Ann's, once the duplicates queue has linked them."""
    original = await upload(actor, copies.original(search_photo(BUS), tmp_path / 'bus.jpg'))
    half = await upload(actor, copies.resized(search_photo(BUS), tmp_path / 'bus-half.jpg'))
    await grouped(actor, 1)
    return original, half


async def grouped(actor, count: int, space_id=None) -> None:
    async def found() -> bool:
        return (await duplicates.list_groups(runtime.current(), actor, space_id)).total == count

    await eventually(found, seconds=30)


async def trashed(asset_id) -> bool:
    async with runtime.current().db.session() as session:
        return (await session.get(Asset, asset_id)).trashed_at is not None


async def ann(user: User):
    await sign_up_admin(user)
    return await accounts.authenticate(runtime.current(), 'ann@example.com', 'hearth-admin')


async def test_the_page_shows_a_group_with_its_reason_and_the_suggested_keeper(user: User, tmp_path):
    me = await ann(user)
    original, _ = await bus_and_its_half(me, tmp_path)
    await albums.create_album(runtime.current(), me, 'Bus rides', None, [original])

    await user.open('/duplicates')

    await user.should_see('Same picture, resized', retries=50)
    await user.should_see('Bus rides')
    await user.should_see('Group 1 of 1')
    await user.should_see('Suggested: most pixels')
    await user.should_see('810 × 1080')
    await user.should_see('405 × 540')
    await user.should_see('Your copy')
    [picked] = [tile for tile in user.find('duplicate-copy').elements if tile.props.get('aria-selected') == 'true']
    assert any('suggested-keeper' in element._markers for element in picked.descendants())  # picked from the start


async def test_not_duplicates_removes_the_group_for_good(user: User, tmp_path):
    me = await ann(user)
    await bus_and_its_half(me, tmp_path)
    await user.open('/duplicates')
    await user.should_see('Same picture, resized', retries=50)

    user.find('not-duplicates').click()

    await user.should_see('Marked as not duplicates', retries=50)
    await user.should_see('No duplicates found')
    assert (await duplicates.list_groups(runtime.current(), me)).total == 0


async def test_without_copies_the_page_says_no_duplicates_found_and_points_the_admin_to_jobs(user: User):
    await ann(user)

    await user.open('/duplicates')

    await user.should_see('No duplicates found', retries=50)
    await user.should_see('Check all photos again on the Jobs page')


async def test_duplicates_is_a_utility_in_the_navigation(user: User):
    await ann(user)

    await user.should_see('Utilities')
    user.find('more-duplicates').click()

    await user.should_see('No duplicates found', retries=50)


async def test_a_spaces_duplicates_are_refused_to_its_viewers(user: User):
    me = await ann(user)
    bea = await member()
    space = await spaces.create_space(runtime.current(), me, 'Brittany 2024')
    await spaces.add_member(runtime.current(), me, space.id, bea.email, 'viewer')
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')

    await user.open(f'/spaces/{space.id}/duplicates')

    await user.should_see("Only the space's owners and editors review its duplicates", retries=50)
    await user.should_not_see(marker='duplicate-group')


async def test_keeping_the_suggested_copy_trashes_the_other_and_undo_brings_it_back(user: User, tmp_path):
    me = await ann(user)
    _, half = await bus_and_its_half(me, tmp_path)
    await user.open('/duplicates')
    await user.should_see('Same picture, resized', retries=50)

    user.find('keep-suggested').click()
    await user.should_see('1 copy moves to the trash: your copy goes to your trash.', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('Kept 1, 1 moved to the trash', retries=50)
    await user.should_see('No duplicates found')
    assert await trashed(half)

    user.find('undo').click()

    await user.should_see('1 copy back from the trash', retries=50)
    await user.should_see('Same picture, resized', retries=50)
    assert not await trashed(half)


async def test_a_space_editor_reviews_the_copies_two_members_added(user: User, tmp_path):
    me = await ann(user)
    bea = await member()
    space = await spaces.create_space(runtime.current(), me, 'Brittany 2024')
    await spaces.add_member(runtime.current(), me, space.id, bea.email, 'editor')
    mine = await upload(me, copies.original(search_photo(BUS), tmp_path / 'bus.jpg'))
    beas = await upload(bea, copies.recompressed(search_photo(BUS), tmp_path / 'bus-whatsapp.jpg'))
    await spaces.add_assets(runtime.current(), me, space.id, [mine])
    await spaces.add_assets(runtime.current(), bea, space.id, [beas])
    await grouped(me, 1, space.id)

    await user.open(f'/spaces/{space.id}')
    user.find('space-duplicates')
    await user.open(f'/spaces/{space.id}/duplicates')

    await user.should_see('Duplicates in Brittany 2024', retries=50)
    await user.should_see("Bea's copy")
    await user.should_see('Brittany 2024')


async def test_a_copy_in_a_space_where_i_only_contribute_asks_before_it_goes(user: User, tmp_path):
    me = await ann(user)
    bea = await member()
    cousins = await spaces.create_space(runtime.current(), bea, 'Cousins')
    await spaces.add_member(runtime.current(), bea, cousins.id, me.email, 'contributor')
    original, half = await bus_and_its_half(me, tmp_path)
    await spaces.add_assets(runtime.current(), me, cousins.id, [half])
    await user.open('/duplicates')
    await user.should_see('Same picture, resized', retries=50)

    user.find('keep-suggested').click()
    await user.should_see('confirm-ok', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('“Cousins” would lose this photo', retries=50)
    assert not await trashed(original) and not await trashed(half)  # nothing changed while it asks
    user.find('keep-instead').click()

    await user.should_see('Kept 1, 1 moved to the trash', retries=50)
    assert await trashed(original) and not await trashed(half)


async def test_resolve_all_suggested_shows_its_progress_and_each_groups_result(user: User, tmp_path):
    me = await ann(user)
    _, half = await bus_and_its_half(me, tmp_path)
    await user.open('/duplicates')
    await user.should_see('Same picture, resized', retries=50)

    user.find('resolve-all').click()
    await user.should_see('Resolve 1 group with the suggested copy?', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('Done: 1 of 1 group resolved', retries=100)
    await user.should_see('Resolved: Kept one, 1 moved to the trash')
    user.find('resolve-all-close').click()
    await user.should_see('No duplicates found', retries=50)
    assert await trashed(half)
