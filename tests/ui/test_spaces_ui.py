"""Shared Spaces in the web UI: a family gathers everyone's photos of a trip into one timeline."""

from datetime import datetime

from nicegui.testing import User

from services import accounts, libraries, runtime, spaces
from tests.ui.conftest import add_photo, eventually, member, sign_in, sign_up_admin


async def ann_and_bea(user: User):
    await sign_up_admin(user)
    ann = await accounts.authenticate(runtime.current(), 'ann@example.com', 'hearth-admin')
    return ann, await member()


async def photos(actor, tmp_path, count: int, prefix: str = 'p'):
    return [
        await add_photo(
            actor, tmp_path, f'{prefix}{i}.jpg', color=(i * 60, 90, 30), taken_at=datetime(2024, 6, 1 + i, 12)
        )
        for i in range(count)
    ]


async def trip_with_bea(ann, bea, role: str = 'contributor'):
    space = await spaces.create_space(runtime.current(), ann, 'Brittany 2024')
    await spaces.add_member(runtime.current(), ann, space.id, bea.email, role)
    return space


def grid_query(user: User) -> dict:
    return user.find('timeline-grid').elements.pop().props['query']


async def test_the_spaces_list_shows_a_badge_with_what_others_added_since_my_visit(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    space = await trip_with_bea(ann, bea)
    await spaces.record_visit(runtime.current(), ann, space.id)
    await spaces.add_assets(runtime.current(), bea, space.id, await photos(bea, tmp_path, 2))

    await user.open('/spaces')

    await user.should_see(f'space-card-{space.id}', retries=50)
    await user.should_see('Brittany 2024')
    await user.should_see('2 new')
    await user.should_see('2 items')


async def test_an_empty_list_explains_spaces_and_a_new_space_opens_with_its_colour(user: User):
    ann, _ = await ann_and_bea(user)
    await user.open('/spaces')
    await user.should_see('No spaces yet', retries=50)
    await user.should_see('one shared timeline for a trip')

    user.find('new-space').click()
    await user.should_see('space-name', retries=20)
    user.find('space-name').type('Wedding of Eva and Tom')
    user.find('swatch-#1d4ed8').click()
    user.find('space-save').click()

    await user.should_see('space-title', retries=50)
    await user.should_see('Wedding of Eva and Tom')
    (space,) = await spaces.list_spaces(runtime.current(), ann)
    assert (space.name, space.color, space.my_role.value) == ('Wedding of Eva and Tom', '#1d4ed8', 'owner')


async def test_opening_the_space_shows_its_timeline_and_what_is_new_since_my_last_visit(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    space = await trip_with_bea(ann, bea)
    await spaces.record_visit(runtime.current(), ann, space.id)
    await spaces.add_assets(runtime.current(), bea, space.id, await photos(bea, tmp_path, 3))

    await user.open(f'/spaces/{space.id}')

    await user.should_see('new-since', retries=50)
    await user.should_see('3 new since')
    grid = user.find('timeline-grid').elements.pop()
    assert grid.props['api_base'] == f'/api/spaces/{space.id}/timeline'
    user.find('new-only').click()
    assert 'added_since' in grid_query(user)
    user.find('new-only').click()
    assert grid_query(user) == {}
    assert (await spaces.get_space_summary(runtime.current(), ann, space.id)).new_count == 0


async def test_the_filters_panel_narrows_the_timeline_to_a_contributor(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    space = await trip_with_bea(ann, bea)
    await spaces.add_assets(runtime.current(), bea, space.id, await photos(bea, tmp_path, 2))
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)

    user.find('space-filters').click()
    await user.should_see('filter-contributors', retries=20)
    user.find('filter-contributors').elements.pop().value = [str(bea.id)]
    user.find('filter-favorites').elements.pop().value = True
    user.find('filters-apply').click()

    await user.should_see('Filters · 2', retries=20)
    assert grid_query(user) == {'owner': [str(bea.id)], 'favorites': 'true'}
    user.find('space-filters').click()
    await user.should_see('filters-clear', retries=20)
    user.find('filters-clear').click()
    assert grid_query(user) == {}


async def test_the_filters_panel_offers_the_places_of_the_space_and_narrows_to_one(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    space = await trip_with_bea(ann, bea)
    in_space = await add_photo(bea, tmp_path, 'castle.jpg', gps=(55.9533, -3.1883))
    await add_photo(bea, tmp_path, 'tower.jpg', gps=(48.8566, 2.3522), color=(10, 200, 90))  # not in the space
    await spaces.add_assets(runtime.current(), bea, space.id, [in_space])
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)

    user.find('space-filters').click()
    await user.should_see('filter-place', retries=20)
    place = user.find('filter-place').elements.pop()
    assert place.options == {'country:GB': 'United Kingdom (1)', 'city:GB/Edinburgh': '\u2003Edinburgh (1)'}
    place.value = 'country:GB'
    user.find('filters-apply').click()

    await user.should_see('Filters · 1', retries=20)
    assert grid_query(user) == {'place': 'country:GB'}


async def test_an_owner_invites_a_member_and_cannot_demote_the_last_owner(user: User):
    ann, bea = await ann_and_bea(user)
    space = await spaces.create_space(runtime.current(), ann, 'Family')
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)

    user.find('space-members').click()
    await user.should_see(marker=f'candidate-{bea.id}', retries=20)
    user.find(f'candidate-{bea.id}').click()
    user.find('invite-role').elements.pop().value = 'editor'
    user.find('invite-send').click()

    await user.should_see('Bea joined as Editor', retries=50)
    await user.should_see('member-bea@example.com')
    members = (await spaces.get_space(runtime.current(), ann, space.id)).members
    assert [(m.name, m.role.value) for m in members] == [('Ann', 'owner'), ('Bea', 'editor')]

    user.find('role-ann@example.com').elements.pop().value = 'viewer'
    await user.should_see('Make yourself a viewer?', retries=50)
    user.find('confirm-ok').click()
    await user.should_see('A space needs an owner', retries=50)
    assert (await spaces.get_space_summary(runtime.current(), ann, space.id)).my_role.value == 'owner'


async def test_a_viewer_sees_the_space_but_no_way_to_change_it(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    space = await trip_with_bea(ann, bea, role='viewer')
    await spaces.add_assets(runtime.current(), ann, space.id, await photos(ann, tmp_path, 1))
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')

    await user.open(f'/spaces/{space.id}')

    await user.should_see('You are a viewer', retries=50)
    await user.should_see('space-leave')
    await user.should_see('space-timeline-switch')
    for manage in ('space-add', 'space-settings', 'space-delete', 'invite-area', 'remove-from-space'):
        await user.should_not_see(manage)


async def test_leaving_can_take_the_photos_i_added_with_me(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    space = await trip_with_bea(ann, bea)
    await spaces.add_assets(runtime.current(), bea, space.id, await photos(bea, tmp_path, 2))
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)

    user.find('space-leave').click()
    await user.should_see('Also take the 2 photos I added', retries=50)
    user.find('leave-take').click()
    user.find('leave-confirm').click()

    await user.should_see('You left “Brittany 2024” and took 2 photos with you', retries=50)
    summary = await spaces.get_space_summary(runtime.current(), ann, space.id)
    assert (summary.asset_count, summary.member_names) == (0, ('Ann',))


async def test_add_all_my_photos_says_how_many_went_in(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    await photos(ann, tmp_path, 3)
    space = await spaces.create_space(runtime.current(), ann, 'Everything')
    await user.open(f'/spaces/{space.id}')
    await user.should_see('This space is empty', retries=50)

    user.find('space-add-all').click()
    await user.should_see('Add all your photos to “Everything”?', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('Added 3 photos', retries=50)
    assert (await spaces.get_space_summary(runtime.current(), ann, space.id)).asset_count == 3


async def test_the_activity_feed_tells_who_did_what(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    space = await trip_with_bea(ann, bea)
    await spaces.add_assets(runtime.current(), bea, space.id, await photos(bea, tmp_path, 2))
    await spaces.change_role(runtime.current(), ann, space.id, bea.id, 'editor')
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)

    user.find('tab-activity').click()

    await user.should_see('You changed Bea’s role to Editor', retries=50)
    await user.should_see('Bea added 2 photos')
    await user.should_see('You added Bea as Contributor')
    await user.should_see('You created the space')
    await user.should_see('just now')


async def test_remove_from_space_asks_with_the_count_and_keeps_the_photos(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    ids = await photos(ann, tmp_path, 2)
    space = await spaces.create_space(runtime.current(), ann, 'Lake')
    await spaces.add_assets(runtime.current(), ann, space.id, ids)
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)
    user.find('timeline-grid').trigger('selection', {'ids': [str(ids[0])]})

    user.find('remove-from-space').click()
    await user.should_see('Remove 1 item from this space?', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('1 item removed from the space', retries=50)
    assert (await spaces.get_space_summary(runtime.current(), ann, space.id)).asset_count == 1
    assert len(await spaces.list_spaces(runtime.current(), ann)) == 1


async def test_add_to_space_from_my_timeline_selection(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    ids = await photos(ann, tmp_path, 2)
    space = await spaces.create_space(runtime.current(), ann, 'Lake')
    await user.open('/')
    user.find('timeline-grid').trigger('selection', {'ids': [str(i) for i in ids]})

    user.find('add-to-space-selected').click()
    await user.should_see(f'space-option-{space.id}', retries=20)
    user.find(f'space-option-{space.id}').click()

    await user.should_see('2 items added to Lake', retries=50)
    assert (await spaces.get_space_summary(runtime.current(), ann, space.id)).asset_count == 2


async def test_add_to_space_refuses_someone_elses_photo_and_says_why(user: User, tmp_path):
    ann, bea = await ann_and_bea(user)
    space = await trip_with_bea(ann, bea)
    (hers,) = await photos(ann, tmp_path, 1)
    await spaces.add_assets(runtime.current(), ann, space.id, [hers])
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    await user.open(f'/photo/{hers}?space={space.id}')
    await user.should_see('viewer-back', retries=50)
    await user.should_not_see('viewer-add-to-space')

    await user.open('/')
    user.find('timeline-grid').trigger('selection', {'ids': [str(hers)]})
    user.find('add-to-space-selected').click()
    await user.should_see(f'space-option-{space.id}', retries=20)
    user.find(f'space-option-{space.id}').click()

    await user.should_see('You can add only photos from your own library', retries=50)
    assert (await spaces.get_space_summary(runtime.current(), ann, space.id)).asset_count == 1


async def test_the_viewer_steps_through_the_space_and_goes_back_to_it(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    ids = await photos(ann, tmp_path, 3)  # 1, 2 and 3 June; the space skips 2 June
    space = await spaces.create_space(runtime.current(), ann, 'Lake')
    await spaces.add_assets(runtime.current(), ann, space.id, [ids[0], ids[2]])
    await user.open(f'/photo/{ids[2]}?space={space.id}')
    await user.should_see('Mon 3 Jun 2024, 12:00', retries=50)

    user.find('viewer-next').click()
    await user.should_see('Sat 1 Jun 2024, 12:00', retries=50)
    user.find('viewer-back').click()

    await user.should_see('space-title', retries=50)


async def test_the_owner_renames_and_recolours_the_space_in_its_settings(user: User):
    ann, _ = await ann_and_bea(user)
    space = await spaces.create_space(runtime.current(), ann, 'Untitled')
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)

    user.find('space-settings').click()
    await user.should_see('space-save', retries=20)
    user.find('space-name').clear().type('Grandma turns 90')
    user.find('swatch-#15803d').click()
    user.find('space-save').click()

    await user.should_see('Space saved', retries=50)
    await user.should_see('Grandma turns 90')

    async def saved():
        summary = await spaces.get_space_summary(runtime.current(), ann, space.id)
        return (summary.name, summary.color) == ('Grandma turns 90', '#15803d')

    await eventually(saved)


async def test_an_owner_connects_one_of_her_libraries_and_disconnects_it(user: User, tmp_path):
    ann, _ = await ann_and_bea(user)
    camera = tmp_path / 'camera'
    camera.mkdir()
    await libraries.grant_folder(runtime.current(), ann, ann.id, str(camera))
    library = await libraries.create_library(runtime.current(), ann, 'Camera roll', str(camera))
    space = await spaces.create_space(runtime.current(), ann, 'Lake')
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)

    user.find('space-libraries').click()
    await user.should_see(f'connect-{library.id}', retries=50)
    user.find(f'connect-{library.id}').click()
    await user.should_see('Connect “Camera roll”?', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('“Camera roll” connected', retries=50)
    await user.should_see(f'disconnect-{library.id}', retries=50)
    assert [c.name for c in (await spaces.get_space(runtime.current(), ann, space.id)).libraries] == ['Camera roll']
    user.find(f'disconnect-{library.id}').click()
    await user.should_see('Its photos leave the space', retries=20)
    user.find('confirm-ok').click()

    await user.should_see('“Camera roll” disconnected', retries=50)
    assert (await spaces.get_space(runtime.current(), ann, space.id)).libraries == []


async def test_the_activity_feed_pages_back_to_the_beginning_with_show_more(user: User):
    ann, bea = await ann_and_bea(user)
    space = await trip_with_bea(ann, bea)
    for role in ['editor', 'viewer'] * 15:  # with the creation and the invitation: 32 entries
        await spaces.change_role(runtime.current(), ann, space.id, bea.id, role)
    await user.open(f'/spaces/{space.id}')
    await user.should_see('space-title', retries=50)

    user.find('tab-activity').click()
    await user.should_see('activity-more', retries=50)
    await user.should_not_see('You created the space')
    user.find('activity-more').click()

    await user.should_see('You created the space', retries=50)
    await user.should_not_see('activity-more')
