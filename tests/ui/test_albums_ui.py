"""Albums in the web UI, as a family member and the people she shares them with use them."""

from datetime import datetime

from nicegui.testing import User

from domain.access import TrustLevel
from services import accounts, albums, assets, runtime
from tests.ui.conftest import add_photo, eventually, member, sign_in, sign_up_admin


async def ann_and_bea(user: User):
    await sign_up_admin(user)
    ann = await accounts.authenticate(runtime.current(), 'ann@example.com', 'hearth-admin')
    return ann, await member()


async def photos(actor, tmp_path, count: int):
    return [
        await add_photo(actor, tmp_path, f'{i}.jpg', color=(i * 60, 90, 30), taken_at=datetime(2024, 6, 1 + i, 12))
        for i in range(count)
    ]


async def test_a_new_album_from_the_timeline_selection_holds_the_selected_photos(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    ids = await photos(ann, tmp_path, 3)
    await user.open('/')
    user.find('timeline-grid').trigger('selection', {'ids': [str(i) for i in ids[:2]]})

    user.find('add-to-album-selected').click()
    await user.should_see('Add 2 items to an album', retries=20)
    user.find('new-album-name').type('Summer 2024')
    user.find('create-album').click()

    await user.should_see('2 items added to Summer 2024', retries=50)
    (album,) = await albums.list_albums(runtime.current(), ann)
    assert (album.name, album.asset_count) == ('Summer 2024', 2)
    await user.open('/albums')
    await user.should_see('Summer 2024', retries=50)
    await user.should_see('2 items')


async def test_the_viewer_adds_its_photo_to_an_existing_album(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    (photo,) = await photos(ann, tmp_path, 1)
    album = await albums.create_album(runtime.current(), ann, 'Lake')
    await user.open(f'/photo/{photo}')

    user.find('viewer-add-to-album').click()
    await user.should_see(f'album-option-{album.id}', retries=20)
    user.find(f'album-option-{album.id}').click()

    await user.should_see('1 item added to Lake', retries=50)
    assert [item.id for item in await albums.album_items(runtime.current(), ann, album.id)] == [photo]


async def test_the_owner_renames_the_album(user: User):
    ann, _ = await ann_and_bea(user)
    album = await albums.create_album(runtime.current(), ann, 'Untitled')
    await user.open(f'/albums/{album.id}')
    await user.should_see('This album is empty', retries=50)

    user.find('album-rename').click()
    await user.should_see('Rename album', retries=20)
    user.find('dialog-text').clear().type('Grandma turns 90')
    user.find('dialog-ok').click()

    await user.should_see('Album renamed', retries=50)
    await user.should_see('Grandma turns 90')
    assert (await albums.get_album_summary(runtime.current(), ann, album.id)).name == 'Grandma turns 90'


async def test_sharing_an_album_lists_what_each_trust_level_may_do(user: User):
    ann, bea = await ann_and_bea(user)
    album = await albums.create_album(runtime.current(), ann, 'Lake')
    await user.open(f'/albums/{album.id}')
    await user.should_see('Only you see this album', retries=50)

    user.find('album-share').click()
    await user.should_see('How much do you trust them?', retries=20)
    await user.should_see(marker=f'candidate-{bea.id}', retries=50)
    user.find(f'candidate-{bea.id}').click()
    await user.should_see('Add photos to this album')
    user.find('share-trust').elements.pop().value = TrustLevel.GUEST.value
    await user.should_not_see('Add photos to this album')
    user.find('share-trust').elements.pop().value = TrustLevel.HELPER.value
    await user.should_see('Add photos to this album', retries=20)
    user.find('share-confirm').click()

    await user.should_see('Shared with Bea as helper with temporary rights', retries=50)
    await user.should_see('member-bea@example.com')
    (bea,) = (await albums.get_album(runtime.current(), ann, album.id)).members
    assert (bea.email, bea.trust_level) == ('bea@example.com', TrustLevel.HELPER)


async def test_a_member_sees_the_shared_album_with_who_added_what_but_cannot_manage_it(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    ids = await photos(ann, tmp_path, 2)
    album = await albums.create_album(runtime.current(), ann, 'Lake', asset_ids=ids)
    await albums.share_album(runtime.current(), ann, album.id, 'bea@example.com')
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')

    await user.open('/albums')
    await user.should_see('Shared by Ann', retries=50)
    user.find(f'album-card-{album.id}').click()

    await user.should_see('Ann added 2', retries=50)
    await user.should_see('album-leave')
    await user.should_see('album-timeline')
    await user.should_not_see('album-share')
    await user.should_not_see('album-delete')

    user.find('album-grid').trigger('selection', {'ids': [str(ids[0])]})  # she added neither photo
    user.find('remove-from-album').click()
    await user.should_see('Remove 1 item from this album?', retries=20)
    user.find('confirm-ok').click()
    await user.should_see('You can only remove what you added', retries=50)
    assert len(await albums.album_items(runtime.current(), ann, album.id)) == 2


async def test_a_members_album_stays_off_her_timeline_until_she_turns_it_on(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    album = await albums.create_album(runtime.current(), ann, 'Lake', asset_ids=await photos(ann, tmp_path, 2))
    await albums.share_album(runtime.current(), ann, album.id, 'bea@example.com')
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')

    await user.open(f'/albums/{album.id}')
    await user.should_see('apart from your timeline, unless you turn this on', retries=50)
    assert await assets.timeline_buckets(runtime.current(), bea) == []

    user.find('album-timeline').click()

    await user.should_see('This album is on your timeline', retries=50)
    assert await assets.timeline_buckets(runtime.current(), bea) == [('2024-06', 2)]


async def test_removing_from_the_album_keeps_the_photo_in_the_library(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    ids = await photos(ann, tmp_path, 2)
    album = await albums.create_album(runtime.current(), ann, 'Lake', asset_ids=ids)
    await user.open(f'/albums/{album.id}')
    await user.should_see('album-grid', retries=50)

    user.find('album-grid').trigger('selection', {'ids': [str(ids[0])]})
    await user.should_see('1 selected', retries=20)
    user.find('remove-from-album').click()
    await user.should_see('Remove 1 item from this album?', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('1 item removed from the album', retries=50)
    assert [item.id for item in await albums.album_items(runtime.current(), ann, album.id)] == [ids[1]]
    assert (await assets.get_asset(runtime.current(), ann, ids[0])).trashed_at is None
    assert sum(count for _, count in await assets.timeline_buckets(runtime.current(), ann)) == 2


async def test_deleting_an_album_asks_first_and_the_photos_stay(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    ids = await photos(ann, tmp_path, 1)
    album = await albums.create_album(runtime.current(), ann, 'Lake', asset_ids=ids)
    await user.open(f'/albums/{album.id}')
    await user.should_see('Lake', retries=50)

    user.find('album-delete').click()
    await user.should_see('The photos stay in their libraries', retries=20)
    user.find('confirm-cancel').click()
    assert len(await albums.list_albums(runtime.current(), ann)) == 1

    user.find('album-delete').click()
    await user.should_see('Delete the album “Lake”?', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('No albums yet', retries=50)
    assert await albums.list_albums(runtime.current(), ann) == []
    assert (await assets.get_asset(runtime.current(), ann, ids[0])).trashed_at is None


async def test_comments_and_likes_on_an_album(user: User):
    ann, _ = await ann_and_bea(user)
    album = await albums.create_album(runtime.current(), ann, 'Lake')
    await user.open(f'/albums/{album.id}')
    await user.should_see('No comments yet', retries=50)

    user.find('comment-input').type('What a day!')
    user.find('comment-send').click()
    await user.should_see('What a day!', retries=50)
    user.find('album-like').click()

    async def liked():
        activity = await albums.list_activity(runtime.current(), ann, album.id)
        return sorted(a.kind for a in activity) == ['comment', 'like']

    await eventually(liked)


async def test_the_viewer_steps_through_the_album_not_the_timeline(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    ids = await photos(ann, tmp_path, 3)  # 1, 2 and 3 June; the album skips 2 June
    album = await albums.create_album(runtime.current(), ann, 'Lake', asset_ids=[ids[0], ids[2]])
    await user.open(f'/albums/{album.id}')
    await user.should_see('album-grid', retries=50)

    user.find('album-grid').trigger('open', {'id': str(ids[2]), 'month': '2024-06'})
    await user.should_see('Mon 3 Jun 2024, 12:00', retries=50)
    user.find('viewer-next').click()

    await user.should_see('Sat 1 Jun 2024, 12:00', retries=50)


async def test_add_to_album_offers_only_albums_i_may_add_to(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    trip = await albums.create_album(runtime.current(), ann, 'Trip')
    guestbook = await albums.create_album(runtime.current(), ann, 'Guestbook')
    await albums.share_album(runtime.current(), ann, trip.id, 'bea@example.com', TrustLevel.HELPER)
    await albums.share_album(runtime.current(), ann, guestbook.id, 'bea@example.com', TrustLevel.GUEST)
    mine = await add_photo(bea, tmp_path)
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    user.find('timeline-grid').trigger('selection', {'ids': [str(mine)]})

    user.find('add-to-album-selected').click()
    await user.should_see(f'album-option-{trip.id}', retries=20)
    await user.should_not_see(f'album-option-{guestbook.id}')
    user.find(f'album-option-{trip.id}').click()

    await user.should_see('1 item added to Trip', retries=50)
    assert (await albums.get_album(runtime.current(), ann, trip.id)).contributors[0].name == 'Bea'


async def test_sharing_needs_someone_picked_and_a_name_no_one_has_finds_no_one(user: User):
    ann, _ = await ann_and_bea(user)
    album = await albums.create_album(runtime.current(), ann, 'Lake')
    await user.open(f'/albums/{album.id}')
    user.find('album-share').click()
    await user.should_see('How much do you trust them?', retries=20)

    user.find('member-search').type('nobody')
    await user.should_see('No one called “nobody”', retries=50)
    assert not user.find('share-confirm').elements.pop().enabled
    assert (await albums.get_album(runtime.current(), ann, album.id)).members == []
