"""The shell every page shares: the admin's first step, the phone's bottom bar, the theme switch and dates."""

from nicegui import ui
from nicegui.testing import User

from services import accounts, runtime
from tests.ui.conftest import member, sign_in, sign_up_admin
from ui.components.local_date import LocalDate
from ui.components.theme_mode import ThemeMode


def props_of(user: User, marker: str) -> dict:
    return next(iter(user.find(marker).elements)).props


async def test_after_onboarding_the_admin_adds_a_family_member_from_the_first_step(user: User):
    await sign_up_admin(user)
    await user.should_see('Add your family', retries=50)

    user.find('family-add').click()
    await user.should_see('New member', retries=50)
    user.find('member-name').type('Bea')
    user.find('member-email').type('bea@example.com')
    user.find('member-password').type('bea-password')
    user.find('member-save').click()

    await user.should_see('Added: Bea. They can sign in now.', retries=50)
    assert (await accounts.authenticate(runtime.current(), 'bea@example.com', 'bea-password')).name == 'Bea'
    user.find('family-later').click()  # now reads "Done"
    await user.should_not_see('Add your family')


async def test_later_puts_the_family_step_away_for_good(user: User):
    await sign_up_admin(user)
    user.find('family-later').click()
    await user.should_not_see('Add your family')

    await user.open('/')

    await user.should_see('Your library is empty', retries=50)
    await user.should_not_see('Add your family')


async def test_the_empty_timeline_says_to_upload_or_connect_a_folder(user: User):
    await sign_up_admin(user)
    await user.should_see('or connect a folder on the server', retries=50)

    user.find('connect-folder').click()

    await user.should_see('External libraries', retries=50)


async def test_the_people_filter_is_named_in_words_on_every_screen(user: User):
    await sign_up_admin(user)

    await user.should_see('Choose people', retries=50)
    words = user.find(kind=ui.label, content='Choose people').elements
    assert words and all('max-sm:hidden' not in label.classes for label in words)


async def test_the_bottom_bar_holds_the_main_places_and_marks_the_current_one(user: User):
    await sign_up_admin(user)

    for place in ('photos', 'spaces', 'people', 'more'):
        user.find(f'bottom-nav-{place}')
    assert props_of(user, 'bottom-nav-photos').get('aria-current') == 'page'
    assert 'aria-current' not in props_of(user, 'bottom-nav-spaces')

    user.find('bottom-nav-spaces').click()

    await user.should_see('No spaces yet', retries=50)
    assert props_of(user, 'bottom-nav-spaces').get('aria-current') == 'page'


async def test_more_holds_the_rest_and_is_current_on_those_pages(user: User):
    await sign_up_admin(user)
    await user.open('/albums')

    for place in ('albums', 'favorites', 'archive', 'trash', 'sharing', 'libraries', 'members', 'jobs'):
        user.find(f'more-{place}')
    user.find('more-account')
    user.find('more-sign-out')
    assert props_of(user, 'bottom-nav-more').get('aria-current') == 'page'


async def test_a_member_finds_neither_the_family_step_nor_admin_pages(user: User):
    await sign_up_admin(user)
    await member()
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')

    await user.should_see('Your library is empty', retries=50)
    await user.should_not_see('Add your family')
    user.find('more-trash')
    await user.should_not_see(marker='more-members')
    await user.should_not_see(marker='more-jobs')


async def test_the_theme_switch_offers_system_light_and_dark_and_asks_the_browser(user: User):
    await sign_up_admin(user)
    switch = next(iter(user.find('theme-switch').elements))
    theme = next(iter(user.find(kind=ThemeMode).elements))
    assert (switch.options, switch.value, theme.mode) == (
        {'auto': 'System', 'light': 'Light', 'dark': 'Dark'},
        'auto',
        'auto',
    )

    switch.value = 'dark'

    assert theme.mode == 'dark'


async def test_dates_go_to_the_browser_as_iso_to_be_written_in_the_readers_language(user: User):
    await sign_up_admin(user)
    await user.open('/account')
    user.find('key-name').type('Phone')
    user.find('create-key').click()
    await user.should_see('it will not be shown again', retries=50)

    await user.should_see('created', retries=50)
    [key] = await accounts.list_api_keys(
        runtime.current(), await accounts.authenticate(runtime.current(), 'ann@example.com', 'hearth-admin')
    )
    [shown] = user.find(kind=LocalDate).elements
    assert shown.props['iso'] == key.created_at.replace(microsecond=0).isoformat()
    assert shown.props['template'].endswith('created {}')
