"""The shell every signed-in page shares: header, navigation, account menu."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from nicegui import ui

from services.accounts import Actor
from ui.session import sign_out
from ui.theme import apply_theme

NAVIGATION = [
    ('Photos', 'photo_library', '/'),
    ('Spaces', 'diversity_3', '/spaces'),
    ('People', 'face', '/people'),
    ('Albums', 'photo_album', '/albums'),
    ('Favorites', 'favorite', '/favorites'),
    ('Archive', 'archive', '/archive'),
    ('Trash', 'delete', '/trash'),
    ('Sharing', 'share', '/sharing'),
    ('Libraries', 'folder_open', '/libraries'),
]


@contextmanager
def frame(actor: Actor, title: str, current: str = '', on_upload: Callable | None = None) -> Iterator[None]:
    apply_theme()
    ui.page_title(f'{title} · Hearth')
    with ui.header(elevated=False).classes(
        'items-center gap-2 px-3 py-2 bg-white text-stone-800 border-b border-stone-200'
    ):
        menu = ui.button(icon='menu').props('flat round dense aria-label="Menu"').classes('lg:hidden')
        ui.link('Hearth', '/').classes('text-xl font-semibold no-underline text-amber-800 mr-4').mark('brand')
        ui.space()
        if on_upload:
            ui.button('Upload', icon='cloud_upload', on_click=on_upload).props('unelevated color=primary').mark(
                'upload-button'
            ).props('data-testid=upload-button')
        _account_menu(actor)
    with ui.left_drawer(value=None, bordered=True).props('width=220 breakpoint=1024').classes('bg-stone-50') as drawer:
        for label, icon, target in NAVIGATION:
            _nav_item(label, icon, target, active=target == current)
        if actor.is_admin:
            ui.separator().classes('my-2')
            _nav_item('Members', 'group', '/admin/members', active=current == '/admin/members')
            _nav_item('Jobs', 'pending_actions', '/admin/jobs', active=current == '/admin/jobs')
    menu.on_click(drawer.toggle)
    with ui.column().classes('w-full gap-0 p-0'):
        yield


def _nav_item(label: str, icon: str, target: str, active: bool) -> None:
    classes = 'bg-amber-100 text-amber-900 font-medium' if active else 'text-stone-700'
    with ui.link(target=target).classes(
        f'no-underline rounded-r-full mr-3 px-4 py-2 flex items-center gap-3 {classes}'
    ):
        ui.icon(icon).classes('text-xl')
        ui.label(label)


def _account_menu(actor: Actor) -> None:
    with (
        ui.button(actor.name[:1].upper())
        .props('round unelevated color=amber-8 aria-label="Account"')
        .mark('account-menu'),
        ui.menu(),
    ):
        ui.item(f'{actor.name} · {actor.email}').props('dense').classes('text-stone-500')
        ui.separator()
        ui.menu_item('Account settings', lambda: ui.navigate.to('/account'))
        if actor.is_admin:
            ui.menu_item('Members', lambda: ui.navigate.to('/admin/members'))
            ui.menu_item('Jobs', lambda: ui.navigate.to('/admin/jobs'))
        ui.menu_item('Sign out', _sign_out).mark('sign-out')


def _sign_out() -> None:
    sign_out()
    ui.navigate.to('/login')
