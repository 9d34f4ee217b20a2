"""The shell every signed-in page shares: header, navigation, account menu."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from nicegui import ui

from services.accounts import Actor
from ui.components.bottom_nav import bottom_nav
from ui.components.family_step import family_step
from ui.components.search_box import SearchBox
from ui.components.theme_mode import ThemeMode
from ui.session import sign_out
from ui.theme import apply_theme

NAVIGATION = [
    ('Photos', 'photo_library', '/'),
    ('Search', 'search', '/search'),
    ('Spaces', 'diversity_3', '/spaces'),
    ('People', 'face', '/people'),
    ('Albums', 'photo_album', '/albums'),
    ('Map', 'map', '/map'),
    ('Favorites', 'favorite', '/favorites'),
    ('Archive', 'archive', '/archive'),
    ('Trash', 'delete', '/trash'),
    ('Sharing', 'share', '/sharing'),
    ('Libraries', 'folder_open', '/libraries'),
]
UTILITY_NAVIGATION = [
    ('Duplicates', 'content_copy', '/duplicates'),
]
ADMIN_NAVIGATION = [
    ('Members', 'group', '/admin/members'),
    ('Jobs', 'pending_actions', '/admin/jobs'),
]
# The phone's bottom bar (four fit beside More at 390 px); the rest of NAVIGATION goes under More.
PHONE_TABS = ('/', '/search', '/spaces', '/people')
HEADER_PX = 59  # the header bar with its border, as the browser lays it out


@contextmanager
def frame(
    actor: Actor, title: str, current: str = '', on_upload: Callable | None = None, fill: bool = False
) -> Iterator[None]:
    """The header, drawer and phone bar around a page. With `fill`, the page gets exactly the screen under the header
    and above the phone's bar, unpadded (a page whose grid scrolls inside itself lays out with flex-1 in it)."""
    theme = apply_theme()
    ui.page_title(f'{title} · Hearth')
    with ui.header(elevated=False).classes(
        'items-center gap-2 px-3 py-2 bg-white text-stone-800 border-b border-stone-200'
    ):
        menu = ui.button(icon='menu').props('flat round dense aria-label="Menu"').classes('lg:hidden max-sm:hidden')
        ui.link('Hearth', '/').classes('text-xl font-semibold no-underline text-amber-800 mr-2 sm:mr-4').mark('brand')
        _search(actor, current)
        if on_upload:
            ui.button('Upload', icon='cloud_upload', on_click=on_upload).props('unelevated color=primary').mark(
                'upload-button'
            ).props('data-testid=upload-button data-upload-picker')
        _account_menu(actor, theme)
    with ui.left_drawer(value=None, bordered=True).props('width=220 breakpoint=1024').classes('bg-stone-50') as drawer:
        for label, icon, target in NAVIGATION:
            _nav_item(label, icon, target, active=target == current)
        ui.separator().classes('my-2')
        ui.label('Utilities').classes('px-4 pb-1 text-xs font-medium uppercase tracking-wide text-stone-500')
        for label, icon, target in UTILITY_NAVIGATION:
            _nav_item(label, icon, target, active=target == current)
        if actor.is_admin:
            ui.separator().classes('my-2')
            for label, icon, target in ADMIN_NAVIGATION:
                _nav_item(label, icon, target, active=target == current)
    menu.on_click(drawer.toggle)
    _phone_navigation(actor, theme, current)
    body = ui.column().classes('w-full gap-0 p-0 no-wrap')
    if fill:
        ui.query('.nicegui-content').classes('p-0 gap-0')
        body.style(f'height: calc(100dvh - {HEADER_PX}px - var(--hearth-bottom-nav, 0px))')
    with body:
        if current == '/':
            family_step(actor)
        yield


def _search(actor: Actor, current: str) -> None:
    """The box from tablets up; a button to the search page on phones. The search page has its own, larger box."""
    if current != '/search':
        SearchBox(actor).classes('flex-1 max-w-xl max-sm:hidden').mark('header-search-box')
    ui.space()
    if current != '/search':
        ui.button(icon='search', on_click=lambda: ui.navigate.to('/search')).props(
            'flat round aria-label="Search" data-testid=header-search-button'
        ).classes('sm:hidden').mark('header-search-button')


def _nav_item(label: str, icon: str, target: str, active: bool) -> None:
    classes = 'bg-amber-100 text-amber-900 font-medium' if active else 'text-stone-700'
    with ui.link(target=target).classes(
        f'no-underline rounded-r-full mr-3 px-4 py-2 flex items-center gap-3 {classes}'
    ):
        ui.icon(icon).classes('text-xl')
        ui.label(label)


def _phone_navigation(actor: Actor, theme: ThemeMode, current: str) -> None:
    places = NAVIGATION + UTILITY_NAVIGATION + (ADMIN_NAVIGATION if actor.is_admin else [])
    tabs = [item for target in PHONE_TABS for item in places if item[2] == target]
    more = [item for item in places if item[2] not in PHONE_TABS]
    bottom_nav(tabs, more, current, lambda: _more_extras(theme))


def _more_extras(theme: ThemeMode) -> None:
    with ui.row().classes('w-full items-center no-wrap gap-2 px-2'):
        ui.label('Appearance').classes('text-stone-600 shrink-0')
        theme.switch().classes('flex-1')
    with ui.row().classes('w-full no-wrap gap-2'):
        ui.button('Account', icon='manage_accounts', on_click=lambda: ui.navigate.to('/account')).props(
            'flat no-caps'
        ).classes('flex-1').mark('more-account')
        ui.button('Sign out', icon='logout', on_click=_sign_out).props('flat no-caps').classes('flex-1').mark(
            'more-sign-out'
        )


def _account_menu(actor: Actor, theme: ThemeMode) -> None:
    with (
        ui.button(actor.name[:1].upper())
        .props('round unelevated color=amber-8 aria-label="Account"')
        .mark('account-menu'),
        ui.menu(),
    ):
        ui.item(f'{actor.name} · {actor.email}').props('dense').classes('text-stone-500')
        ui.separator()
        ui.menu_item('Account settings', lambda: ui.navigate.to('/account'))
        with ui.item().props('dense').classes('items-center gap-2'):
            ui.label('Appearance').classes('text-sm text-stone-500')
            theme.switch()
        if actor.is_admin:
            ui.menu_item('Members', lambda: ui.navigate.to('/admin/members'))
            ui.menu_item('Jobs', lambda: ui.navigate.to('/admin/jobs'))
        ui.menu_item('Sign out', _sign_out).mark('sign-out')


def _sign_out() -> None:
    sign_out()
    ui.navigate.to('/login')
