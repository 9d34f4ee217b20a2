"""The Sharing page, as a family member uses it."""

from nicegui.testing import User

from domain.access import TrustLevel
from services import accounts, assets, runtime, sharing
from tests.ui.conftest import add_photo, eventually, member, sign_in, sign_up_admin


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
    user.find('share-email').type('bea@example.com')
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
