"""Inviting family by picking them by name, never by typing an address, and asking before anyone's rights shrink."""

from nicegui import ui
from nicegui.testing import User

from domain.access import TrustLevel
from services import accounts, albums, runtime, sharing, spaces
from tests.ui.conftest import eventually, member, sign_up_admin


async def ann_and_family(user: User):
    """Ann (the admin) signed in; Bea, Bernard and Carl are members, and Dora's account is disabled."""
    await sign_up_admin(user)
    hearth = runtime.current()
    ann = await accounts.authenticate(hearth, 'ann@example.com', 'hearth-admin')
    family = [await member(f'{name.lower()}@example.com', name, f'{name}-password') for name in ('Bea', 'Bernard')]
    carl = await member('carl@example.com', 'Carl', 'carl-password')
    dora = await member('dora@example.com', 'Dora', 'dora-password')
    await accounts.update_member(hearth, ann, dora.id, disabled=True)
    return ann, *family, carl, dora


def element(user: User, marker: str) -> ui.element:
    return user.find(marker).elements.pop()


def texts(user: User, marker: str) -> list[str]:
    return [e.text for e in element(user, marker).descendants() if isinstance(e, ui.label)]


def shows(user: User, marker: str, value: str):
    """A check that the menu marked so is back at `value` (once the page has redrawn)."""

    async def check() -> bool:
        return element(user, marker).value == value

    return check


def inside(user: User, area: str, marker: str) -> bool:
    return element(user, marker) in element(user, area).descendants()


async def test_an_owner_finds_someone_by_part_of_their_name_picks_them_and_chooses_their_role_apart(user: User):
    ann, bea, bernard, carl, dora = await ann_and_family(user)
    space = await spaces.create_space(runtime.current(), ann, 'Family')
    await spaces.add_member(runtime.current(), ann, space.id, carl.email, 'viewer')
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)

    user.find('space-members').click()
    await user.should_see(marker=f'candidate-{bea.id}', retries=50)
    await user.should_see(marker=f'candidate-{bernard.id}')
    for already_in_or_disabled in (ann, carl, dora):
        await user.should_not_see(marker=f'candidate-{already_in_or_disabled.id}')
    await user.should_not_see('invite-role')  # no role to choose before someone is picked

    user.find('member-search').type('NARD')
    await user.should_not_see(marker=f'candidate-{bea.id}', retries=50)
    await user.should_see(marker=f'candidate-{bernard.id}')
    user.find(f'candidate-{bernard.id}').click()

    await user.should_see('member-picked')
    assert 'Bernard' in texts(user, 'member-picked')
    await user.should_not_see('member-search')
    assert inside(user, 'invite-area', 'invite-role')
    assert not inside(user, 'invite-area', 'role-carl@example.com')  # the members' own menus stay out of it
    assert element(user, 'invite-role').value == 'contributor'
    user.find('invite-role').elements.pop().value = 'viewer'
    user.find('invite-send').click()

    await user.should_see('Bernard joined as Viewer', retries=50)
    await user.should_see('Members · 3', retries=50)
    await user.should_not_see(marker=f'candidate-{bernard.id}', retries=50)  # he is in now
    members = (await spaces.get_space(runtime.current(), ann, space.id)).members
    assert {m.name: m.role.value for m in members} == {'Ann': 'owner', 'Carl': 'viewer', 'Bernard': 'viewer'}


async def test_a_whole_email_address_finds_someone_and_a_name_no_one_has_says_so(user: User):
    ann, bea, bernard, *_ = await ann_and_family(user)
    space = await spaces.create_space(runtime.current(), ann, 'Family')
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)
    user.find('space-members').click()
    await user.should_see(marker=f'candidate-{bea.id}', retries=50)

    user.find('member-search').type('bea@example.com')
    await user.should_not_see(marker=f'candidate-{bernard.id}', retries=50)
    await user.should_see(marker=f'candidate-{bea.id}')
    user.find('member-search').clear().type('Zed')
    await user.should_see('No one called “Zed”', retries=50)
    await user.should_not_see(marker=f'candidate-{bea.id}')


async def test_a_row_tapped_while_a_newer_search_runs_still_picks_that_person(user: User):
    """The browser sends a tap for the row it shows; a search that replaced the row would lose the tap."""
    ann, bea, bernard, carl, _ = await ann_and_family(user)
    space = await spaces.create_space(runtime.current(), ann, 'Family')
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)
    user.find('space-members').click()
    await user.should_see(marker=f'candidate-{carl.id}', retries=50)
    row_on_screen = element(user, f'candidate-{bea.id}')

    user.find('member-search').type('B')
    await user.should_not_see(marker=f'candidate-{carl.id}', retries=50)
    assert element(user, f'candidate-{bea.id}').id == row_on_screen.id
    user.find(f'candidate-{bea.id}').click()
    await user.should_see('member-picked')
    assert 'Bea' in texts(user, 'member-picked')


async def test_lowering_a_members_role_asks_first_in_plain_words_and_raising_it_does_not(user: User):
    ann, bea, *_ = await ann_and_family(user)
    space = await spaces.create_space(runtime.current(), ann, 'Family')
    await spaces.add_member(runtime.current(), ann, space.id, bea.email, 'editor')
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)
    user.find('space-members').click()
    await user.should_see('member-bea@example.com', retries=50)

    user.find('role-bea@example.com').elements.pop().value = 'viewer'
    await user.should_see('Make Bea a viewer?', retries=50)
    await user.should_see('Bea will only be able to see the photos and favorite them for themselves.')
    user.find('confirm-cancel').click()
    await user.should_not_see('Make Bea a viewer?', retries=50)
    await eventually(shows(user, 'role-bea@example.com', 'editor'))

    user.find('role-bea@example.com').elements.pop().value = 'owner'
    await user.should_see('Bea is now Owner', retries=50)
    roles = {m.name: m.role.value for m in (await spaces.get_space(runtime.current(), ann, space.id)).members}
    assert roles == {'Ann': 'owner', 'Bea': 'owner'}


async def test_sharing_an_album_picks_a_member_who_is_not_in_it_yet(user: User):
    ann, bea, bernard, *_ = await ann_and_family(user)
    album = await albums.create_album(runtime.current(), ann, 'Lake')
    await albums.share_album(runtime.current(), ann, album.id, bea.email)
    await user.open(f'/albums/{album.id}')
    await user.should_see('member-bea@example.com', retries=50)

    user.find('album-share').click()
    await user.should_see(marker=f'candidate-{bernard.id}', retries=50)
    await user.should_not_see(marker=f'candidate-{bea.id}')
    assert not element(user, 'share-confirm').enabled
    user.find('member-search').type('bern')
    user.find(f'candidate-{bernard.id}').click()
    user.find('share-trust').elements.pop().value = TrustLevel.GUEST.value
    user.find('share-confirm').click()

    await user.should_see('Shared with Bernard as guest', retries=50)
    members = (await albums.get_album(runtime.current(), ann, album.id)).members
    assert {(m.name, m.trust_level) for m in members} == {('Bea', TrustLevel.KNOWN), ('Bernard', TrustLevel.GUEST)}


async def test_trusting_an_album_member_less_says_what_they_will_no_longer_do(user: User):
    ann, bea, *_ = await ann_and_family(user)
    album = await albums.create_album(runtime.current(), ann, 'Lake')
    await albums.share_album(runtime.current(), ann, album.id, bea.email, TrustLevel.HELPER)
    await user.open(f'/albums/{album.id}')
    await user.should_see('member-bea@example.com', retries=50)

    user.find('member-menu-bea@example.com').click()
    user.find(f'trust-bea@example.com-{TrustLevel.GUEST.value}').click()
    await user.should_see('Make Bea a guest?', retries=50)
    await user.should_see('add photos to this album, and take out what they added', retries=5)
    user.find('confirm-ok').click()

    await user.should_see('Bea is now a guest', retries=50)
    (bea_now,) = (await albums.get_album(runtime.current(), ann, album.id)).members
    assert bea_now.trust_level is TrustLevel.GUEST


async def test_sharing_my_library_lists_members_by_name_and_lowering_a_partners_trust_asks_first(user: User):
    ann, bea, bernard, *_ = await ann_and_family(user)
    await sharing.share_library(runtime.current(), ann, bea.email, TrustLevel.VERY_CLOSE)
    await user.open('/sharing')
    await user.should_see('partner-bea@example.com', retries=50)

    user.find('share-library').click()
    await user.should_see(marker=f'candidate-{bernard.id}', retries=50)
    await user.should_not_see(marker=f'candidate-{bea.id}')  # she sees my library already
    user.find(f'candidate-{bernard.id}').click()
    user.find('share-confirm').click()
    await user.should_see('partner-bernard@example.com', retries=50)

    user.find('trust-bea@example.com').elements.pop().value = TrustLevel.KNOWN.value
    await user.should_see('Make Bea a known user?', retries=50)
    await user.should_see('restore them from your trash', retries=5)
    user.find('confirm-cancel').click()
    await user.should_not_see('Make Bea a known user?', retries=50)
    mine = {p.name: p.trust_level for p in (await sharing.list_partners(runtime.current(), ann)).shared_by_me}
    assert mine == {'Bea': TrustLevel.VERY_CLOSE, 'Bernard': TrustLevel.KNOWN}
    await eventually(shows(user, 'trust-bea@example.com', TrustLevel.VERY_CLOSE.value))
