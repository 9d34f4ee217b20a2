"""The full-screen viewer: one asset at a time, previous/next by keyboard, buttons and swipe, zoom, details."""

import asyncio
import functools
import inspect
import uuid
from datetime import date, datetime

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.access import Permission
from domain.errors import HearthError, NotFound
from services import albums, assets, faces, people, places, runtime, search, spaces
from services.accounts import Actor
from services.assets import AssetView
from ui.albums import add_to_album
from ui.components.local_date import LocalDate
from ui.components.photo_people import PhotoPeople
from ui.components.place_map import mini_map
from ui.components.search_box import SearchContext
from ui.components.zoom_image import ZoomImage
from ui.library import VIEWS
from ui.session import require_sign_in
from ui.spaces import add_to_space
from ui.theme import apply_theme, ask, confirm, human_size

EDIT_PERMISSIONS = {Permission.EDIT_DATE, Permission.EDIT_DESCRIPTION, Permission.EDIT_TAGS}
SHORTCUTS = (
    ('←', 'Previous photo'),
    ('→', 'Next photo'),
    ('Esc', 'Back to the photos'),
    ('i', 'Details'),
    ('f', 'Favorite'),
    ('0 – 5', 'Rate (0 clears)'),
    ('r', 'Rotate right'),
    ('?', 'These shortcuts'),
)
# Phones: a bottom sheet under the photo; from sm up: a side panel.
PANEL_CLASSES = (
    'shrink-0 overflow-y-auto overscroll-contain bg-white text-stone-800 w-full h-[55%] rounded-t-2xl'
    ' sm:h-full sm:w-96 sm:rounded-none'
)
SHEET_TOUCH_START = """(e) => { const el = e.currentTarget, t = e.touches[0];
  Object.assign(el.dataset, {x0: t.clientX, y0: t.clientY, top: el.scrollTop}); }"""
# A downward swipe that starts with the sheet scrolled to its top closes it.
SHEET_TOUCH_END = """(e) => { const el = e.currentTarget, t = e.changedTouches[0];
  const dx = t.clientX - el.dataset.x0, dy = t.clientY - el.dataset.y0;
  if (Number(el.dataset.top) <= 0 && dy > 60 && dy > 1.5 * Math.abs(dx)) emit(); }"""


async def viewer_page(
    asset_id: str,
    view: str = 'timeline',
    album: str = '',
    space: str = '',
    person: str = '',
    q: str = '',
    year: str = '',
    place: str = '',
    media: str = '',
    camera: str = '',
    more: str = '',
):
    """`view` is the library view to step through; `album`, `space` or `person` (one of my people: the photos
    they are in), when given, what to step through instead; or with `q`, a search's results (`space` its scope)."""
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    found = await _search_in_reach(actor, SearchContext.parse(q, space, year, place, media, camera, more))
    album_id = None if found else await _album_in_reach(actor, album)
    space_id = None if found or album_id else await _space_in_reach(actor, space)
    person_id = None if found or album_id or space_id else await _person_in_reach(actor, person)
    try:
        asset = await assets.get_asset(runtime.current(), actor, uuid.UUID(asset_id))
    except (ValueError, NotFound):
        return RedirectResponse(_context_path(view, album_id, space_id, person_id, found))
    viewer = Viewer(actor, view if view in VIEWS else 'timeline', album_id, space_id, person_id, found)
    await viewer.show(asset)


def _context_path(
    view: str,
    album_id: uuid.UUID | None,
    space_id: uuid.UUID | None,
    person_id: uuid.UUID | None = None,
    found: SearchContext | None = None,
) -> str:
    """Where the viewer came from, and goes back to."""
    if found:
        return found.url()
    if album_id:
        return f'/albums/{album_id}'
    if space_id:
        return f'/spaces/{space_id}'
    if person_id:
        return f'/people/{person_id}'
    return VIEWS.get(view, VIEWS['timeline']).path


async def _album_in_reach(actor: Actor, album: str) -> uuid.UUID | None:
    if not album:
        return None
    try:
        return (await albums.get_album_summary(runtime.current(), actor, uuid.UUID(album))).id
    except (ValueError, HearthError):
        return None


async def _search_in_reach(actor: Actor, context: SearchContext) -> SearchContext | None:
    """A search to step through: one with words, in everything I see or in a space I am in."""
    if not context.q:
        return None
    if context.space_id and not await _space_in_reach(actor, str(context.space_id)):
        return None
    return context


async def _person_in_reach(actor: Actor, person: str) -> uuid.UUID | None:
    if not person:
        return None
    try:
        return (await people.get_person(runtime.current(), actor, uuid.UUID(person))).id
    except (ValueError, HearthError):
        return None


async def _space_in_reach(actor: Actor, space: str) -> uuid.UUID | None:
    if not space:
        return None
    try:
        return (await spaces.get_space_summary(runtime.current(), actor, uuid.UUID(space))).id
    except (ValueError, HearthError):
        return None


class Viewer:
    def __init__(
        self,
        actor: Actor,
        view: str,
        album_id: uuid.UUID | None = None,
        space_id: uuid.UUID | None = None,
        person_id: uuid.UUID | None = None,
        found: SearchContext | None = None,
    ):
        self.actor, self.view, self.album_id, self.hearth = actor, view, album_id, runtime.current()
        self.space_id, self.person_id, self.found = space_id, person_id, found
        self.asset: AssetView | None = None
        self.previous = self.following = None
        self._turn = asyncio.Lock()  # steps and keys act one after another, each on the photo the last one left
        self._dialogs_open = 0
        apply_theme()
        ui.query('body').classes('bg-black')
        with ui.element('div').classes('fixed inset-0 flex flex-col bg-black text-white').props('data-testid=viewer'):
            self._top_bar()
            with ui.element('div').classes('flex-1 w-full min-h-0 flex flex-col sm:flex-row'):
                with ui.element('div').classes('relative flex-1 w-full min-w-0 min-h-0'):
                    self.media = ui.element('div').classes('absolute inset-0')
                    self.back_button = self._side_button('chevron_left', 'left-2', self.go_previous, 'previous')
                    self.next_button = self._side_button('chevron_right', 'right-2', self.go_next, 'next')
                self.panel = ui.element('div').classes(PANEL_CLASSES).props('data-testid=info-panel')
                self.panel.on('touchstart', js_handler=SHEET_TOUCH_START)
                self.panel.on('touchend', self.hide_panel, js_handler=SHEET_TOUCH_END)
                self.panel.visible = False
        ui.keyboard(on_key=self._key, ignore=['input', 'textarea', 'select'])

    def _top_bar(self) -> None:
        bar = ui.row().classes('w-full no-wrap items-center px-1 sm:px-2 py-1 gap-0 sm:gap-1 bg-black/80 z-10')
        with bar.props('data-testid=viewer-top-bar'):
            ui.button(icon='arrow_back', on_click=self.close).props('flat round color=white aria-label="Back"').mark(
                'viewer-back'
            )
            self.title = LocalDate(date.today(), 'moment').classes('text-sm text-stone-300 truncate min-w-0 flex-1')
            self.favorite_button = self._bar_button('favorite_border', self.toggle_favorite, 'Favorite', 'favorite')
            # On phones the bar has no room for it: it is in the menu there.
            self.rotate_button = self._bar_button('rotate_right', self.rotate, 'Rotate right', 'rotate')
            self.rotate_button.classes('max-sm:hidden')
            self._bar_button('info', self.toggle_panel, 'Details', 'info')
            self.download_button = self._bar_button('download', self.download, 'Download original', 'download')
            self._bar_button('keyboard', self.show_shortcuts, 'Keyboard shortcuts', 'shortcuts-hint').classes(
                'max-sm:hidden'
            ).tooltip('Keyboard shortcuts: press ?')
            more = ui.button(icon='more_vert').props('flat round color=white aria-label="More"').mark('viewer-more')
            with more, ui.menu() as self.menu:
                self.album_item = ui.menu_item('Add to album', self.add_to_album).mark('viewer-add-to-album')
                self.space_item = ui.menu_item('Add to space', self.add_to_space).mark('viewer-add-to-space')
                self.rotate_item = ui.menu_item('Rotate right', self.rotate).mark('viewer-rotate-item')
                self.rotate_item.classes('sm:hidden')
                self.edit_item = ui.menu_item('Edit date, description and tags', self.edit).mark('viewer-edit')
                self.archive_item = ui.menu_item('Archive', self.toggle_archive).mark('viewer-archive')
                self.faces_item = ui.menu_item('Look for faces again', self.refresh_faces).mark('viewer-refresh-faces')
                self.restore_item = ui.menu_item('Restore from trash', self.restore).mark('viewer-restore')
            self.trash_button = self._bar_button('delete', self.trash, 'Move to trash', 'trash')

    def _bar_button(self, icon: str, handler, label: str, marker: str) -> ui.button:
        return (
            ui.button(icon=icon, on_click=handler)
            .props(f'flat round color=white aria-label="{label}" data-testid=viewer-{marker}')
            .mark(f'viewer-{marker}')
        )

    def _side_button(self, icon: str, side: str, handler, marker: str) -> ui.button:
        # Hidden on phones (swipe there): Quasar's .hidden would beat Tailwind's sm:flex at every width.
        return (
            ui.button(icon=icon, on_click=handler)
            .props(f'round unelevated color=grey-9 aria-label="{marker}" data-testid=viewer-{marker}')
            .classes(f'absolute {side} top-1/2 -translate-y-1/2 z-10 opacity-70 max-sm:hidden')
            .mark(f'viewer-{marker}')
        )

    # ---- navigation ----------------------------------------------------------------------------------------------

    async def show(self, asset: AssetView) -> None:
        """Show a photo: everything is awaited first, then every control is rebuilt from its own state at once."""
        neighbours = await self._neighbours(asset.id)
        self.asset, (self.previous, self.following) = asset, neighbours
        self._render_media()
        self._refresh_controls()
        self._render_panel()
        context = f'album={self.album_id}' if self.album_id else f'view={self.view}'
        context = f'space={self.space_id}' if self.space_id else context
        context = f'person={self.person_id}' if self.person_id else context
        context = self.found.encoded() if self.found else context
        ui.run_javascript(f'history.replaceState(null, "", "/photo/{asset.id}?{context}")')

    async def _neighbours(self, asset_id: uuid.UUID) -> tuple[uuid.UUID | None, uuid.UUID | None]:
        if self.found:
            try:
                return await search.neighbours(self.hearth, self.actor, self.found.query(), asset_id)
            except HearthError:
                return None, None
        if self.album_id is None and self.space_id is None:
            with_people = [self.person_id] if self.person_id else []
            return await assets.neighbours(self.hearth, self.actor, asset_id, self.view, with_people)
        try:
            if self.space_id:
                return await spaces.space_neighbours(self.hearth, self.actor, self.space_id, asset_id)
            return await albums.album_neighbours(self.hearth, self.actor, self.album_id, asset_id)
        except HearthError:
            return None, None

    async def _go(self, asset_id: uuid.UUID | None) -> None:
        if asset_id is None:
            return
        try:
            await self.show(await assets.get_asset(self.hearth, self.actor, asset_id))
        except NotFound:
            self.close()

    async def _previous(self) -> None:
        await self._go(self.previous)

    async def _next(self) -> None:
        await self._go(self.following)

    async def go_previous(self) -> None:
        async with self._turn:
            await self._previous()

    async def go_next(self) -> None:
        async with self._turn:
            await self._next()

    def close(self) -> None:
        ui.navigate.to(_context_path(self.view, self.album_id, self.space_id, self.person_id, self.found))

    async def _key(self, event) -> None:
        modifiers = event.modifiers
        if not event.action.keydown or modifiers.ctrl or modifiers.meta or modifiers.alt:
            return
        if self._dialogs_open or self.menu.value:  # their own keys (Escape closes them, not the viewer)
            return
        action = self._key_actions().get(event.key.name)
        if action is None:
            return
        async with self._turn:
            result = action()
            if inspect.isawaitable(result):
                await result

    def _key_actions(self) -> dict:
        return {
            'ArrowLeft': self._previous,
            'ArrowRight': self._next,
            'Escape': self.close,
            'i': self.toggle_panel,
            'f': self.toggle_favorite,
            'r': self.rotate,
            '?': self.show_shortcuts,
            **{str(stars): functools.partial(self.rate_shown, stars) for stars in range(6)},
        }

    async def _swipe(self, event) -> None:
        await (self.go_next() if event.args.get('direction') == 'left' else self.go_previous())

    async def _with_dialog(self, awaitable):
        """Await a dialog; while it is open the viewer's keys are its own."""
        self._dialogs_open += 1
        try:
            return await awaitable
        finally:
            self._dialogs_open -= 1

    async def show_shortcuts(self) -> None:
        with ui.dialog() as dialog, ui.card().classes('w-80 max-w-full gap-2').props('data-testid=viewer-shortcuts'):
            ui.label('Keyboard shortcuts').classes('text-lg font-semibold')
            for keys, meaning in SHORTCUTS:
                if keys == 'r' and not self._may_rotate():
                    continue
                with ui.row().classes('w-full no-wrap items-center gap-3'):
                    ui.label(keys).classes('w-16 shrink-0 text-center font-mono text-sm rounded border px-1 py-0.5')
                    ui.label(meaning).classes('text-sm')
            ui.button('Close', on_click=dialog.close).props('flat').classes('self-end')
        dialog.open()
        await self._with_dialog(ask(dialog))

    # ---- rendering -----------------------------------------------------------------------------------------------

    def _render_media(self) -> None:
        asset = self.asset
        self.media.clear()
        with self.media:
            if asset.media_type == 'video':
                ui.video(f'/api/assets/{asset.id}/original', autoplay=False).props(
                    f'poster=/api/assets/{asset.id}/preview data-testid=viewer-video'
                ).classes('w-full h-full object-contain')
            else:
                # The rotation in the address: a rotated photo's new preview is not the one the browser cached.
                image = ZoomImage(f'/api/assets/{asset.id}/preview?r={asset.rotation}').classes('w-full h-full')
                image.props(f'alt="{asset.filename}"')
                image.on('swipe', self._swipe)

    def _refresh_controls(self) -> None:
        asset, can = self.asset, self.asset.permissions
        self.title.show(asset.taken_at)
        self.favorite_button.props(f'icon={"favorite" if asset.favorite else "favorite_border"}')
        self.favorite_button.visible = Permission.FAVORITE in can and not asset.trashed_at
        self.rotate_button.visible = self.rotate_item.visible = self._may_rotate()
        self.download_button.visible = Permission.DOWNLOAD in can
        self.album_item.visible = Permission.ADD_TO_ALBUM in can and not asset.trashed_at
        self.space_item.visible = asset.is_mine and not asset.trashed_at  # spaces take only my own photos
        self.edit_item.visible = bool(EDIT_PERMISSIONS & set(can))
        self.archive_item.visible = Permission.ARCHIVE in can and not asset.trashed_at
        self.archive_item.text = 'Unarchive' if asset.archived else 'Archive'
        self.restore_item.visible = Permission.RESTORE in can and bool(asset.trashed_at)
        self.faces_item.visible = Permission.REFRESH_FACES in can and not asset.trashed_at
        self.trash_button.visible = Permission.TRASH in can and not asset.trashed_at
        self.back_button.visible = self.previous is not None
        self.next_button.visible = self.following is not None

    def _may_rotate(self) -> bool:
        asset = self.asset
        # Whoever may correct a photo's date may turn it (SPEC §3): both are shared details everyone sees.
        return Permission.EDIT_DATE in asset.permissions and asset.media_type == 'image' and not asset.trashed_at

    def toggle_panel(self) -> None:
        self.panel.visible = not self.panel.visible

    def hide_panel(self) -> None:
        self.panel.visible = False

    def _render_panel(self) -> None:
        self.panel.clear()
        with self.panel, ui.column().classes('p-4 pt-2 sm:pt-4 gap-3 w-full'):
            ui.element('div').classes('sm:hidden self-center w-10 h-1 rounded-full bg-stone-300')  # a sheet's handle
            with ui.row().classes('w-full items-center'):
                ui.label('Details').classes('text-lg font-semibold')
                ui.space()
                ui.button(icon='close', on_click=self.hide_panel).props('flat round dense aria-label="Close"')
            _details(self.asset)
            PhotoPeople(self.actor, self.asset, self.space_id, self._with_dialog)
            if Permission.RATE in self.asset.permissions:
                self._stars(self.asset)
            _place(self.asset, self.edit_place if self._may_edit_place() else None)

    def _stars(self, asset: AssetView) -> None:
        """Five buttons lit up to this photo's rating: unlike a hover-previewing rating, what shows is the value."""
        group = ui.row().classes('gap-0 items-center').mark('viewer-rating')
        with group.props(f'role=radiogroup aria-label="Rating" data-testid=viewer-rating data-rating={asset.rating}'):
            for n in range(1, 6):
                self._star(asset, n)

    def _star(self, asset: AssetView, n: int) -> None:
        lit = n <= asset.rating
        ui.button(icon='star' if lit else 'star_border', on_click=lambda: self._rate(asset, n)).props(
            f'flat round dense color={"amber-7" if lit else "grey-6"} role=radio aria-checked={n == asset.rating}'
            f' aria-label="{n} star{"s" if n > 1 else ""}" data-testid=viewer-star-{n}'
        ).classes('star-lit' if lit else 'star-unlit').mark(f'viewer-star-{n}')

    # ---- actions -------------------------------------------------------------------------------------------------

    async def _apply(self, operation, asset: AssetView | None = None) -> bool:
        """Run a change on `asset` (the one shown when it was asked for), then redraw it if it is still shown."""
        asset = asset or self.asset
        try:
            await operation
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return False
        fresh = await assets.get_asset(self.hearth, self.actor, asset.id)
        if self.asset.id == asset.id:  # the viewer may have stepped on meanwhile
            self.asset = fresh
            self._refresh_controls()
            self._render_panel()
        return True

    async def toggle_favorite(self) -> None:
        asset = self.asset
        if Permission.FAVORITE in asset.permissions:
            await self._apply(assets.set_state(self.hearth, self.actor, [asset.id], favorite=not asset.favorite), asset)

    async def _rate(self, asset: AssetView, stars: int) -> None:
        """Pressing the photo's own rating again clears it."""
        rating = 0 if stars == asset.rating else stars
        await self._apply(assets.set_state(self.hearth, self.actor, [asset.id], rating=rating), asset)

    async def rate_shown(self, rating: int) -> None:
        asset = self.asset
        if Permission.RATE not in asset.permissions:
            return
        if await self._apply(assets.set_state(self.hearth, self.actor, [asset.id], rating=rating), asset):
            ui.notify(f'{rating} star{"s" if rating > 1 else ""}' if rating else 'Stars cleared', timeout=1200)

    async def rotate(self) -> None:
        asset = self.asset
        if not self._may_rotate():
            return
        turn = assets.set_rotation(self.hearth, self.actor, asset.id, (asset.rotation + 90) % 360)
        if await self._apply(turn, asset) and self.asset.id == asset.id:
            self._render_media()

    async def toggle_archive(self) -> None:
        archived = not self.asset.archived
        if await self._apply(assets.set_state(self.hearth, self.actor, [self.asset.id], archived=archived)):
            ui.notify('Archived: it left your timeline' if archived else 'Back in your timeline')

    async def refresh_faces(self) -> None:
        if await self._apply(faces.refresh_faces(self.hearth, self.actor, self.asset.id)):
            ui.notify('Hearth is looking for faces in this photo again', type='positive')

    async def add_to_album(self) -> None:
        await self._with_dialog(add_to_album(self.actor, [self.asset.id]))

    async def add_to_space(self) -> None:
        await self._with_dialog(add_to_space(self.actor, [self.asset.id]))

    def download(self) -> None:
        ui.download(f'/api/assets/{self.asset.id}/original?download=1', self.asset.filename)

    async def trash(self) -> None:
        days = self.hearth.settings.trash_retention_days
        question = confirm('Move to trash?', f'You can restore it from Trash for {days} days.', 'Move to trash')
        if not await self._with_dialog(question):
            return
        following = self.following or self.previous
        try:
            await assets.trash(self.hearth, self.actor, [self.asset.id], source='viewer')
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        ui.notify('Moved to trash')
        await self._go(following) if following else self.close()

    async def restore(self) -> None:
        if await self._apply(assets.restore(self.hearth, self.actor, [self.asset.id])):
            ui.notify('Restored to your library')

    async def edit(self) -> None:
        asset = self.asset
        changes = await self._with_dialog(ask(EditDialog(asset)))
        if changes:
            await self._apply(assets.update_details(self.hearth, self.actor, [asset.id], **changes), asset)

    def _may_edit_place(self) -> bool:
        # Whoever may correct the position may name its place (SPEC §3: GPS).
        return Permission.EDIT_GPS in self.asset.permissions and not self.asset.trashed_at

    async def edit_place(self) -> None:
        asset = self.asset
        answer = await self._with_dialog(ask(PlaceDialog(asset)))
        if answer == AUTOMATIC:
            await self._apply(places.automatic_place(self.hearth, self.actor, asset.id), asset)
        elif answer:
            await self._apply(places.set_place(self.hearth, self.actor, asset.id, *answer), asset)


def _details(asset: AssetView) -> None:
    rows = [
        ('event', lambda: LocalDate(asset.taken_at, 'long', '{}' + _offset(asset.utc_offset_minutes))),
        ('notes', asset.description),
        ('sell', ', '.join(asset.tags) or None),
        ('photo_camera', ' '.join(filter(None, [asset.camera_make, asset.camera_model])) or None),
        ('camera', asset.lens_model),
        ('exposure', _exposure(asset)),
        ('image', f'{asset.filename} · {asset.width} × {asset.height} · {human_size(asset.file_size)}'),
        ('movie', f'{asset.duration_seconds:.1f} s' if asset.duration_seconds else None),
        ('person', f'Owned by {"you" if asset.is_mine else asset.owner_name}'),
        ('upload', f'Added by {asset.guest_name} through a link' if asset.guest_name else None),
        (
            'delete',
            (lambda: LocalDate(asset.purges_at, 'date', 'In trash, deleted for good on {}'))
            if asset.purges_at
            else None,
        ),
    ]
    for icon, text in rows:
        if text:
            with ui.row().classes('no-wrap items-start gap-3'):
                ui.icon(icon).classes('text-xl text-stone-500')
                shown = text() if callable(text) else ui.label(text)  # a date is written by the browser
                shown.classes('text-sm break-all').mark(f'detail-{icon}')


def _offset(minutes: int | None) -> str:
    if minutes is None:
        return ''
    sign = '+' if minutes >= 0 else '-'
    return f' (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})'


def _exposure(asset: AssetView) -> str | None:
    parts = [
        f'ƒ/{asset.f_number:g}' if asset.f_number else None,
        f'{asset.exposure_time} s' if asset.exposure_time else None,
        f'{asset.focal_length_mm:g} mm' if asset.focal_length_mm else None,
        f'ISO {asset.iso}' if asset.iso else None,
    ]
    return ' · '.join(filter(None, parts)) or None


def _place(asset: AssetView, on_edit=None) -> None:
    """Where it was taken, in words, with the coordinates small under them; `on_edit` for those who may change it."""
    if asset.latitude is None and asset.place is None and on_edit is None:
        return
    with ui.row().classes('w-full no-wrap items-start gap-3'):
        ui.icon('place').classes('text-xl text-stone-500')
        with ui.column().classes('flex-1 min-w-0 gap-0'):
            ui.label(asset.place or _unnamed(asset)).classes('text-sm').mark('detail-place')
            if asset.latitude is not None:
                coordinates = ui.label(f'{asset.latitude:.5f}, {asset.longitude:.5f}').classes('text-xs text-stone-500')
                coordinates.mark('detail-coordinates')
            if asset.place_by_hand:
                ui.label('Place name written by hand').classes('text-xs text-stone-500').mark('detail-place-by-hand')
        if on_edit is not None:
            ui.button('Edit place', on_click=on_edit).props('flat dense no-caps color=primary').mark('edit-place')
    if asset.latitude is not None:
        mini_map(asset.latitude, asset.longitude).classes('w-full')


def _unnamed(asset: AssetView) -> str:
    return 'A place without a name' if asset.latitude is not None else 'No place'


class PlaceDialog(ui.dialog):
    """Name the place by hand; resolves to the names, to AUTOMATIC to let Hearth name it again, or None."""

    def __init__(self, asset: AssetView):
        super().__init__()
        with self, ui.card().classes('w-[24rem] max-w-full gap-3').mark('place-dialog'):
            ui.label('Where was this taken?').classes('text-lg font-semibold')
            ui.label('Everyone who can see this photo sees this place.').classes('text-sm text-stone-500')
            self.city = self._input('Town or city', asset.place_city, 'place-city')
            self.state = self._input('Region', asset.place_state, 'place-region')
            self.country = self._input('Country', asset.place_country, 'place-country')
            with ui.row().classes('w-full items-center gap-1'):
                ui.button('Use automatic place', on_click=lambda: self.submit(AUTOMATIC)).props('flat no-caps').mark(
                    'place-automatic'
                ).tooltip('Hearth names the place from where the photo was taken')
                ui.space()
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat no-caps')
                ui.button('Save', on_click=self._save).props('unelevated no-caps color=primary').mark('place-save')

    def _input(self, label: str, value: str | None, marker: str) -> ui.input:
        return ui.input(label, value=value or '').props('outlined dense').classes('w-full').mark(marker)

    def _save(self) -> None:
        names = (self.city.value, self.state.value, self.country.value)
        self.submit(names if any(name.strip() for name in names) else AUTOMATIC)


AUTOMATIC = 'automatic'


class EditDialog(ui.dialog):
    """Edit the shared fields; resolves to the changed fields, or None when cancelled."""

    def __init__(self, asset: AssetView):
        super().__init__()
        can = asset.permissions
        with self, ui.card().classes('w-[28rem] max-w-full gap-3'):
            ui.label('Edit details').classes('text-lg font-semibold')
            ui.label('Everyone who can see this photo sees these details.').classes('text-sm text-stone-500')
            self.taken = (
                ui.input('Date taken', value=f'{asset.taken_at:%Y-%m-%dT%H:%M}')
                .props('type=datetime-local outlined')
                .classes('w-full')
                .mark('edit-date')
            )
            self.taken.enabled = Permission.EDIT_DATE in can
            self.description = ui.textarea('Description', value=asset.description or '').props('outlined autogrow')
            self.description.classes('w-full').mark('edit-description')
            self.description.enabled = Permission.EDIT_DESCRIPTION in can
            self.tags = (
                ui.input_chips('Tags', value=list(asset.tags)).props('outlined').classes('w-full').mark('edit-tags')
            )
            self.tags.enabled = Permission.EDIT_TAGS in can
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
                ui.button('Save', on_click=self._save).props('unelevated color=primary').mark('edit-save')
        self.asset = asset

    def _save(self) -> None:
        changes = {}
        if self.taken.enabled and self.taken.value != f'{self.asset.taken_at:%Y-%m-%dT%H:%M}':
            try:
                changes['taken_at'] = datetime.fromisoformat(self.taken.value)
            except ValueError:
                ui.notify('Enter a valid date and time', type='negative')
                return
        if self.description.enabled and (self.description.value or None) != self.asset.description:
            changes['description'] = self.description.value
        if self.tags.enabled and list(self.tags.value or []) != self.asset.tags:
            changes['tags'] = list(self.tags.value or [])
        self.submit(changes or None)
