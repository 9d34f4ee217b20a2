"""The Sharing page, as a family member uses it."""

from datetime import UTC, datetime, timedelta

from nicegui.testing import User

from domain.access import TrustLevel
from services import accounts, albums, assets, links, runtime, sharing
from tests.ui.conftest import add_photo, eventually, member, sign_in, sign_up_admin
from ui.link_dialog import UPLOAD_HINT


async def ann_and_bea(user: User):
    await sign_up_admin(user)
    ann = await accounts.authenticate(runtime.current(), 'ann@example.com', 'hearth-admin')
    return ann, await member()


async def test_sharing_my_library_asks_for_a_trust_level_and_lists_the_partner(user: User):
    ann, bea = await ann_and_bea(user)
    await user.open('/sharing')
    await user.should_see('Nobody yet', retries=50)

    user.find('share-library').click()
    await user.should_see('How much do you trust them?', retries=20)
    await user.should_see(marker=f'candidate-{bea.id}', retries=50)
    user.find('member-search').type('be')
    user.find(f'candidate-{bea.id}').click()
    user.find('share-trust').elements.pop().value = TrustLevel.VERY_CLOSE.value
    await user.should_see('Restore them from your trash', retries=20)
    user.find('share-confirm').click()

    await user.should_see('Your library is now shared', retries=50)
    await user.should_see('partner-bea@example.com')
    partners = await sharing.list_partners(runtime.current(), ann)
    assert [(p.email, p.trust_level) for p in partners.shared_by_me] == [('bea@example.com', TrustLevel.VERY_CLOSE)]


async def test_a_known_user_cannot_restore_says_the_permission_list(user: User):
    await ann_and_bea(user)
    await user.open('/sharing')
    user.find('share-library').click()
    await user.should_see('How much do you trust them?', retries=20)

    await user.should_see('Correct dates')
    await user.should_not_see('Restore them from your trash')


async def test_the_recipient_takes_a_partner_off_their_timeline(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    shared = await add_photo(ann, tmp_path)
    await sharing.share_library(runtime.current(), ann, 'bea@example.com')
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    await user.open('/sharing')
    await user.should_see('partner-ann@example.com', retries=50)

    user.find('timeline-ann@example.com').elements.pop().value = False

    async def off_timeline():
        return await assets.timeline_buckets(runtime.current(), bea) == []

    await eventually(off_timeline)
    assert (await assets.get_asset(runtime.current(), bea, shared)).owner_name == 'Ann'


async def test_stopping_a_share_asks_first(user: User):
    ann, bea = await ann_and_bea(user)
    await sharing.share_library(runtime.current(), ann, 'bea@example.com')
    await user.open('/sharing')
    await user.should_see('partner-bea@example.com', retries=50)

    user.find('stop-bea@example.com').click()
    await user.should_see('Stop sharing with Bea?', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('Bea no longer sees your library', retries=50)
    assert (await sharing.list_partners(runtime.current(), ann)).shared_by_me == []


async def test_shared_albums_list_members_with_trust_levels_and_owners_of_albums_shared_with_me(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    hearth = runtime.current()
    mine = await albums.create_album(hearth, ann, 'Beach', asset_ids=[await add_photo(ann, tmp_path)])
    await albums.share_album(hearth, ann, mine.id, 'bea@example.com', TrustLevel.HELPER)
    theirs = await albums.create_album(hearth, bea, 'Bea’s garden')
    await albums.share_album(hearth, bea, theirs.id, 'ann@example.com', TrustLevel.GUEST)
    await albums.create_album(hearth, ann, 'Private')

    await user.open('/sharing')

    await user.should_see('Shared with Bea (helper with temporary rights)', retries=50)
    await user.should_see('Shared with you by Bea · you are a guest')
    await user.should_not_see('Private')


async def test_creating_a_link_from_an_album_shows_its_address_and_lists_it_with_its_settings(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    hearth = runtime.current()
    album = await albums.create_album(hearth, ann, 'Beach', asset_ids=[await add_photo(ann, tmp_path)])
    await user.open(f'/albums/{album.id}')
    await user.should_see('album-link', retries=50)

    user.find('album-link').click()
    await user.should_see(UPLOAD_HINT, retries=20)
    user.find('link-label').type('For grandma')
    user.find('link-password').type('open sesame')
    user.find('link-expiry').elements.pop().value = '7'
    user.find('link-upload').elements.pop().value = True
    user.find('link-create').click()

    await user.should_see('Your link is ready', retries=50)
    (link,) = await links.list_links(hearth, ann)
    assert link.url in user.find('link-url').elements.pop().value
    assert (link.label, link.has_password, link.allow_upload, link.allow_download) == ('For grandma', True, True, False)
    assert timedelta(days=6, hours=23) < link.expires_at - datetime.now(UTC) <= timedelta(days=7)
    await user.open('/sharing')
    for chip in ('Password', 'Expires on', 'No downloads', 'Details hidden', 'Guests can upload'):
        await user.should_see(chip, retries=50)


async def test_revoking_a_link_asks_first_and_ends_it(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    hearth = runtime.current()
    album = await albums.create_album(hearth, ann, 'Beach')
    link = await links.create_link(hearth, ann, album_id=album.id, label='For grandma')
    await user.open('/sharing')
    await user.should_see('link-For grandma', retries=50)

    user.find(f'revoke-{link.id}').click()
    await user.should_see('Revoke For grandma?', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('The link no longer works', retries=50)
    assert await links.list_links(hearth, ann) == []
