"""The viewer's keys and its rotate button, as a family member uses them: every step shows the new photo's own
state and writes nothing; rotating is offered to exactly those who may correct the date."""

from datetime import datetime

from nicegui import ui
from nicegui.testing import User

from domain.access import TrustLevel
from services import assets, runtime, sharing
from tests.ui.conftest import add_photo, eventually, member, sign_in, sign_up_admin


def press(user: User, key: str) -> None:
    arguments = {'action': 'keydown', 'repeat': False, 'key': key, 'code': '', 'location': 0}
    arguments |= {'altKey': False, 'ctrlKey': False, 'metaKey': False, 'shiftKey': False}
    user.find(kind=ui.keyboard).trigger('key', arguments)


def lit_stars(user: User) -> int:
    return sum(user.find(f'viewer-star-{n}').elements.pop().props['icon'] == 'star' for n in range(1, 6))


async def two_photos_of_bea(user: User, tmp_path):
    await sign_up_admin(user)
    bea = await member()
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    older = await add_photo(bea, tmp_path, 'older.jpg', taken_at=datetime(2024, 5, 1, 10), color=(20, 90, 200))
    newer = await add_photo(bea, tmp_path, 'newer.jpg', taken_at=datetime(2024, 5, 2, 10), color=(200, 90, 20))
    return bea, older, newer


async def test_number_keys_rate_the_shown_photo_and_stepping_writes_nothing(user: User, tmp_path):
    bea, older, newer = await two_photos_of_bea(user, tmp_path)
    hearth = runtime.current()
    await user.open(f'/photo/{newer}')
    user.find('viewer-info').click()

    press(user, '3')
    await eventually(lambda: _rating(hearth, bea, newer, 3))
    await user.should_see('Thu 2 May 2024, 10:00')
    press(user, 'ArrowRight')
    await user.should_see('Wed 1 May 2024, 10:00', retries=30)
    assert lit_stars(user) == 0
    press(user, 'f')
    await eventually(lambda: _favorite(hearth, bea, older))
    press(user, 'ArrowLeft')
    await user.should_see('Thu 2 May 2024, 10:00', retries=30)

    assert lit_stars(user) == 3
    newer_view, older_view = [await assets.get_asset(hearth, bea, i) for i in (newer, older)]
    assert (newer_view.rating, newer_view.favorite, older_view.rating, older_view.favorite) == (3, False, 0, True)


async def _rating(hearth, actor, asset_id, rating) -> bool:
    return (await assets.get_asset(hearth, actor, asset_id)).rating == rating


async def _favorite(hearth, actor, asset_id) -> bool:
    return (await assets.get_asset(hearth, actor, asset_id)).favorite


async def test_the_owner_rotates_from_the_viewer_with_the_button_and_r(user: User, tmp_path):
    bea, _, newer = await two_photos_of_bea(user, tmp_path)
    hearth = runtime.current()
    await user.open(f'/photo/{newer}')

    user.find('viewer-rotate').click()
    await eventually(lambda: _rotation(hearth, bea, newer, 90), seconds=15)
    press(user, 'r')
    await eventually(lambda: _rotation(hearth, bea, newer, 180), seconds=15)


async def _rotation(hearth, actor, asset_id, degrees) -> bool:
    return (await assets.get_asset(hearth, actor, asset_id)).rotation == degrees


async def test_a_partner_who_may_not_edit_the_date_is_not_offered_rotation(user: User, tmp_path):
    """GIVEN Bea's photo shared with Carl as a guest (viewer role) WHEN he opens it THEN there is no rotate button,
    and r changes nothing."""
    bea, _, newer = await two_photos_of_bea(user, tmp_path)
    carl = await member('carl@example.com', 'Carl', 'carl-password')
    await sharing.share_library(runtime.current(), bea, carl.email, TrustLevel.GUEST)
    user.find('sign-out').click()
    await sign_in(user, 'carl@example.com', 'carl-password')
    await user.open(f'/photo/{newer}')
    await user.should_see('viewer-info', retries=30)

    await user.should_not_see('viewer-rotate')
    press(user, 'r')
    await user.should_see('viewer-info')
    assert (await assets.get_asset(runtime.current(), bea, newer)).rotation == 0


EDINBURGH = (55.9533, -3.1883)


async def test_the_details_say_where_a_photo_was_taken_with_the_coordinates_under_it(user: User, tmp_path):
    await sign_up_admin(user)
    bea = await member()
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    photo = await add_photo(bea, tmp_path, 'castle.jpg', gps=EDINBURGH)
    await user.open(f'/photo/{photo}')
    user.find('viewer-info').click()

    await user.should_see('Edinburgh, Scotland, United Kingdom', marker='detail-place')
    await user.should_see('55.95330, -3.18830', marker='detail-coordinates')
    await user.should_see(marker='mini-map')


async def test_the_owner_names_the_place_by_hand_and_gives_it_back_to_hearth(user: User, tmp_path):
    await sign_up_admin(user)
    bea = await member()
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    photo = await add_photo(bea, tmp_path, 'castle.jpg', gps=EDINBURGH)
    hearth = runtime.current()
    await user.open(f'/photo/{photo}')
    user.find('viewer-info').click()

    user.find('edit-place').click()
    await user.should_see(marker='place-dialog')
    user.find('place-city').clear().type('Granny’s house')
    user.find('place-save').click()
    await eventually(lambda: _place(hearth, bea, photo, 'Granny’s house, Scotland, United Kingdom'))
    await user.should_see('Place name written by hand', retries=30)

    user.find('edit-place').click()
    await user.should_see(marker='place-automatic')
    user.find('place-automatic').click()
    await eventually(lambda: _place(hearth, bea, photo, 'Edinburgh, Scotland, United Kingdom'))


async def _place(hearth, actor, asset_id, label) -> bool:
    return (await assets.get_asset(hearth, actor, asset_id)).place == label


async def test_a_guest_sees_the_place_but_is_not_offered_to_edit_it(user: User, tmp_path):
    await sign_up_admin(user)
    bea = await member()
    carl = await member('carl@example.com', 'Carl', 'carl-password')
    photo = await add_photo(bea, tmp_path, 'castle.jpg', gps=EDINBURGH)
    await sharing.share_library(runtime.current(), bea, carl.email, TrustLevel.GUEST)
    user.find('sign-out').click()
    await sign_in(user, 'carl@example.com', 'carl-password')
    await user.open(f'/photo/{photo}')
    user.find('viewer-info').click()

    await user.should_see('Edinburgh, Scotland, United Kingdom', marker='detail-place')
    await user.should_not_see(marker='edit-place')
