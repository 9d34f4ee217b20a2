"""The library views and the viewer, as a family member uses them."""

from datetime import datetime

from nicegui.testing import User

from services import assets, links, runtime
from tests.ui.conftest import add_photo, eventually, member, sign_in, sign_up_admin


async def signed_in_member(user: User):
    await sign_up_admin(user)
    bea = await member()
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    return bea


async def test_timeline_counts_my_photos_and_hides_the_empty_state(user: User, tmp_path):
    bea = await signed_in_member(user)
    await add_photo(bea, tmp_path)

    await user.open('/')

    await user.should_see('1 item')
    await user.should_not_see('Your library is empty')


async def test_opening_a_photo_shows_its_details(user: User, tmp_path):
    bea = await signed_in_member(user)
    asset_id = await add_photo(bea, tmp_path, taken_at=datetime(2024, 5, 3, 10, 0), gps=(48.85, 2.35))
    await user.open('/')

    user.find('timeline-grid').trigger('open', {'id': str(asset_id), 'month': '2024-05'})
    await user.should_see('viewer-info', retries=50)
    user.find('viewer-info').click()

    await user.should_see('Friday 3 May 2024, 10:00', retries=20)
    await user.should_see('Hearthcam HC-1')
    await user.should_see('ƒ/2.8 · 1/125 s · 35 mm · ISO 200')
    await user.should_see('48.85000, 2.35000')


async def test_favorite_and_rating_from_the_viewer_are_mine(user: User, tmp_path):
    bea = await signed_in_member(user)
    asset_id = await add_photo(bea, tmp_path)
    await user.open(f'/photo/{asset_id}')

    user.find('viewer-favorite').click()

    async def favorited():
        return (await assets.get_asset(runtime.current(), bea, asset_id)).favorite

    await eventually(favorited)


async def test_editing_description_and_tags_in_the_viewer(user: User, tmp_path):
    bea = await signed_in_member(user)
    asset_id = await add_photo(bea, tmp_path)
    await user.open(f'/photo/{asset_id}')

    user.find('viewer-edit').click()
    await user.should_see('Edit details', retries=20)
    user.find('edit-description').type('Grandma at the lake')
    user.find('edit-save').click()

    async def described():
        return (await assets.get_asset(runtime.current(), bea, asset_id)).description == 'Grandma at the lake'

    await eventually(described)
    await user.should_not_see('Edit details')


async def test_trash_from_the_viewer_asks_first_then_restore_from_trash(user: User, tmp_path):
    bea = await signed_in_member(user)
    asset_id = await add_photo(bea, tmp_path)
    await user.open(f'/photo/{asset_id}')

    user.find('viewer-trash').click()
    await user.should_see('Move to trash?', retries=20)
    user.find('confirm-ok').click()
    await user.should_see('Your library is empty', retries=50)

    await user.open('/trash')
    await user.should_see('1 item')
    user.find('timeline-grid').trigger('selection', {'ids': [str(asset_id)]})
    await user.should_see('1 selected')
    user.find('restore-selected').click()

    await user.should_see('1 item restored', retries=50)
    assert (await assets.get_asset(runtime.current(), bea, asset_id)).trashed_at is None


async def test_bulk_archive_states_the_count_and_can_be_cancelled(user: User, tmp_path):
    bea = await signed_in_member(user)
    ids = [await add_photo(bea, tmp_path, f'{i}.jpg', color=(i * 70, 20, 20)) for i in range(3)]
    await user.open('/')
    user.find('timeline-grid').trigger('selection', {'ids': [str(i) for i in ids]})

    user.find('archive-selected').click()
    await user.should_see('Archive 3 items?', retries=20)
    user.find('confirm-cancel').click()
    assert sum(c for _, c in await assets.timeline_buckets(runtime.current(), bea)) == 3

    user.find('archive-selected').click()
    await user.should_see('Archive 3 items?', retries=20)
    user.find('confirm-ok').click()
    await user.should_see('3 items archived', retries=50)
    assert sum(c for _, c in await assets.timeline_buckets(runtime.current(), bea, 'archive')) == 3


async def test_empty_trash_says_how_many_will_go(user: User, tmp_path):
    bea = await signed_in_member(user)
    ids = [await add_photo(bea, tmp_path, f'{i}.jpg', color=(20, i * 70, 20)) for i in range(2)]
    await assets.trash(runtime.current(), bea, ids)
    await user.open('/trash')

    user.find('empty-trash').click()
    await user.should_see('Empty trash (2 items)?', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('2 items deleted', retries=50)
    assert await assets.timeline_buckets(runtime.current(), bea, 'trash') == []


async def test_someone_elses_photo_cannot_be_opened(user: User, tmp_path):
    await sign_up_admin(user)
    bea = await member()
    asset_id = await add_photo(bea, tmp_path)

    await user.open(f'/photo/{asset_id}')

    await user.should_see('Your library is empty', retries=50)
    await user.should_not_see('viewer-info')


async def test_a_selection_is_shared_as_a_link_of_those_photos(user: User, tmp_path):
    bea = await signed_in_member(user)
    ids = [await add_photo(bea, tmp_path, f'{i}.jpg', color=(20, i * 70, 20)) for i in range(3)]
    await user.open('/')
    user.find('timeline-grid').trigger('selection', {'ids': [str(i) for i in ids[:2]]})

    user.find('link-selected').click()
    await user.should_see('Create link', retries=20)
    user.find('link-create').click()

    async def made() -> bool:
        return bool(await links.list_links(runtime.current(), bea))

    await eventually(made)
    (link,) = await links.list_links(runtime.current(), bea)
    assert (link.asset_count, link.album_id, link.space_id) == (2, None, None)


async def test_the_timeline_narrows_to_a_place_chosen_with_its_count(user: User, tmp_path):
    bea = await signed_in_member(user)
    await add_photo(bea, tmp_path, 'castle.jpg', gps=(55.9533, -3.1883))
    await add_photo(bea, tmp_path, 'tower.jpg', gps=(48.8566, 2.3522), color=(10, 200, 90))
    await user.open('/')
    await user.should_see('2 items', retries=50)

    place = user.find('filter-place').elements.pop()
    assert place.options == {
        'country:FR': 'France (1)',
        'city:FR/Paris': '\u2003Paris (1)',
        'country:GB': 'United Kingdom (1)',
        'city:GB/Edinburgh': '\u2003Edinburgh (1)',
    }
    place.value = 'city:GB/Edinburgh'
    assert user.find('timeline-grid').elements.pop().props['query'] == {'place': 'city:GB/Edinburgh'}
    place.value = None
    assert user.find('timeline-grid').elements.pop().props['query'] == {}
