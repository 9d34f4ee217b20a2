"""Albums: the list of mine and of those shared with me, and the dialogs that put photos in albums and share them."""

import uuid
from collections.abc import Collection

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.access import TrustLevel
from domain.albums import AlbumAction, album_actions
from domain.errors import HearthError
from services import albums, runtime
from services.accounts import Actor
from services.albums import AlbumSummary
from ui.components.member_picker import MemberPicker
from ui.frame import frame
from ui.session import require_sign_in
from ui.sharing import permission_lines
from ui.theme import ask, plural


async def albums_page():
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    page = AlbumsView(actor)
    await page.refresh()


class AlbumsView:
    def __init__(self, actor: Actor):
        self.actor, self.hearth = actor, runtime.current()
        with frame(actor, 'Albums', current='/albums'), ui.column().classes('w-full p-3 sm:p-4 gap-4'):
            with ui.row().classes('w-full items-center gap-2'):
                ui.label('Albums').classes('text-2xl font-semibold')
                self.count = ui.label().classes('text-stone-500').mark('album-count')
                ui.space()
                ui.button('New album', icon='add', on_click=self.new_album).props(
                    'unelevated color=primary data-testid=new-album'
                ).mark('new-album')
            self.content = ui.column().classes('w-full gap-4')

    async def refresh(self) -> None:
        mine = await albums.list_albums(self.hearth, self.actor)
        self.count.text = plural(len(mine), 'album') if mine else ''
        self.content.clear()
        with self.content:
            if not mine:
                _empty_state(self.new_album)
                return
            grid = 'w-full grid grid-cols-2 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5 gap-x-3 gap-y-4'
            with ui.element('div').classes(grid).props('data-testid=album-grid'):
                for album in mine:
                    _album_card(album)

    async def new_album(self) -> None:
        name = await ask(TextDialog('New album', 'Album name', action='Create'))
        if name is None:
            return
        try:
            album = await albums.create_album(self.hearth, self.actor, name)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        ui.navigate.to(f'/albums/{album.id}')


def _empty_state(on_new) -> None:
    with ui.column().classes('w-full items-center py-16 gap-2 text-center'):
        ui.icon('photo_album').classes('text-6xl text-stone-300')
        ui.label('No albums yet').classes('text-lg font-medium').mark('empty-title')
        ui.label('Gather photos for a trip or a birthday, then share the album with family.').classes('text-stone-500')
        ui.button('New album', icon='add', on_click=on_new).props('unelevated color=primary')


def _album_card(album: AlbumSummary) -> None:
    link = ui.link(target=f'/albums/{album.id}').classes('no-underline text-stone-800 block min-w-0')
    with link.mark(f'album-card-{album.id}').props('data-testid=album-card'):
        cover(album, 'aspect-square w-full rounded-xl')
        ui.label(album.name).classes('font-medium mt-2 truncate')
        ui.label(plural(album.asset_count, 'item')).classes('text-sm text-stone-500')
        if sharing := album_sharing(album):
            ui.label(sharing).classes('text-sm text-stone-500 truncate')


def cover(album: AlbumSummary, classes: str) -> None:
    with ui.element('div').classes(f'{classes} overflow-hidden bg-stone-100 flex items-center justify-center'):
        if album.cover_asset_id:
            ui.element('img').props(
                f'src=/api/assets/{album.cover_asset_id}/thumbnail alt="Cover of {album.name}" loading=lazy'
            ).classes('w-full h-full object-cover')
        else:
            ui.icon('photo_album').classes('text-5xl text-stone-300')


def album_sharing(album: AlbumSummary) -> str:
    if not album.is_mine:
        return f'Shared by {album.owner_name}'
    if album.member_count:
        return f'Shared with {people(album.member_count)}'
    return ''


def album_subtitle(album: AlbumSummary) -> str:
    return ' · '.join(filter(None, [plural(album.asset_count, 'item'), album_sharing(album)]))


def people(count: int) -> str:
    return '1 person' if count == 1 else f'{count} people'


class TextDialog(ui.dialog):
    """Asks for one piece of text; resolves to it, or None when cancelled."""

    def __init__(self, title: str, label: str, value: str = '', action: str = 'Save', multiline: bool = False):
        super().__init__()
        with self, ui.card().classes('w-[28rem] max-w-full gap-3').props('data-testid=text-dialog'):
            ui.label(title).classes('text-lg font-semibold')
            field = ui.textarea if multiline else ui.input
            self.text = field(label, value=value).props('outlined autofocus').classes('w-full').mark('dialog-text')
            if not multiline:
                self.text.on('keydown.enter', self._done)
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
                ui.button(action, on_click=self._done).props('unelevated color=primary data-testid=dialog-ok').mark(
                    'dialog-ok'
                )

    def _done(self) -> None:
        self.submit(self.text.value or '')


# ---- putting photos in an album -------------------------------------------------------------------------------------


async def add_to_album(actor: Actor, asset_ids: Collection[uuid.UUID]) -> bool:
    """Ask which album (or a new one) and add the assets to it; True when something was done."""
    hearth, ids = runtime.current(), list(asset_ids)
    choices = [album for album in await albums.list_albums(hearth, actor) if AlbumAction.ADD_ASSETS in album.actions]
    choice = await ask(AddToAlbumDialog(choices, len(ids)))
    if choice is None:
        return False
    try:
        if isinstance(choice, uuid.UUID):
            name = next(album.name for album in choices if album.id == choice)
            added = await albums.add_assets(hearth, actor, choice, ids)
        else:
            album = await albums.create_album(hearth, actor, choice, asset_ids=ids)
            name, added = album.name, album.asset_count
    except HearthError as error:
        ui.notify(str(error), type='negative')
        return False
    if added:
        ui.notify(f'{plural(added, "item")} added to {name}', type='positive')
    else:
        ui.notify(f'Already in {name}')
    return True


class AddToAlbumDialog(ui.dialog):
    """Pick an album I may add to, or name a new one; resolves to the album's id, the new album's name, or None."""

    def __init__(self, choices: list[AlbumSummary], count: int):
        super().__init__()
        with self, ui.card().classes('w-[28rem] max-w-full gap-3').props('data-testid=add-to-album-dialog'):
            ui.label(f'Add {plural(count, "item")} to an album').classes('text-lg font-semibold')
            with ui.row().classes('w-full items-center no-wrap gap-2'):
                self.name = ui.input('New album name').props('outlined dense').classes('flex-1').mark('new-album-name')
                self.name.on('keydown.enter', self._create)
                ui.button('Create', on_click=self._create).props('unelevated color=primary').mark('create-album')
            if choices:
                ui.label('Or add to an album').classes('text-sm text-stone-500')
                with ui.list().props('separator').classes('w-full max-h-80 overflow-y-auto'):
                    for album in choices:
                        self._choice(album)
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')

    def _choice(self, album: AlbumSummary) -> None:
        item = ui.item(on_click=lambda: self.submit(album.id)).props('clickable')
        with item.mark(f'album-option-{album.id}').classes('px-1 gap-3'):
            with ui.item_section().props('avatar'):
                cover(album, 'w-12 h-12 rounded-lg')
            with ui.item_section():
                ui.item_label(album.name)
                ui.item_label(album_subtitle(album)).props('caption')

    def _create(self) -> None:
        name = (self.name.value or '').strip()
        if not name:
            ui.notify('Give the new album a name', type='warning')
            return
        self.submit(name)


# ---- sharing an album -----------------------------------------------------------------------------------------------


def album_lines(level: TrustLevel) -> list[str]:
    """What a member at this level may do to the album itself; `permission_lines` says what to its photos."""
    lines = ['See the photos in this album, comment and like']
    if AlbumAction.ADD_ASSETS in album_actions(False, level.role):
        lines.append('Add photos to this album, and take out what they added')
    return lines


class AlbumShareDialog(ui.dialog):
    """Asks whom to share the album with (a member not in it yet) and how much to trust them; resolves to (email,
    trust level) or None."""

    def __init__(self, album_name: str, actor: Actor, exclude: Collection[uuid.UUID]):
        super().__init__()
        with self, ui.card().classes('w-[30rem] max-w-full gap-3').props('data-testid=album-share-dialog'):
            ui.label(f'Share “{album_name}”').classes('text-lg font-semibold')
            ui.label('They will see the photos in this album, and what everyone says about them.').classes(
                'text-sm text-stone-500'
            )
            self.picker = MemberPicker(actor, exclude)
            ui.label('How much do you trust them?').classes('font-medium')
            self.level = ui.radio(
                {level.value: level.label for level in TrustLevel},
                value=TrustLevel.KNOWN.value,
                on_change=lambda: self.permissions.refresh(),
            ).mark('share-trust')
            with ui.expansion('What they will be able to do').classes('w-full').mark('share-permissions'):
                self.permissions()
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
                share = ui.button('Share', on_click=self._share).props('unelevated color=primary')
                share.mark('share-confirm').set_enabled(False)
            self.picker.on_pick = lambda entry: share.set_enabled(entry is not None)

    def _share(self) -> None:
        self.submit((self.picker.picked.email, self.level.value))

    @ui.refreshable_method
    def permissions(self) -> None:
        level = TrustLevel(self.level.value)
        _checked(album_lines(level))
        ui.label('With the photos in it').classes('text-sm font-medium mt-2')
        _checked(permission_lines(level))


def _checked(lines: list[str]) -> None:
    for line in lines:
        with ui.row().classes('items-center gap-2 no-wrap'):
            ui.icon('check').classes('text-positive')
            ui.label(line).classes('text-sm')
