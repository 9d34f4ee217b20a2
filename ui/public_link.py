"""The page a public link opens (/s/<token>), for anyone, without an account: a password form when the link has one,
then the album's or space's grid, a viewer, downloads when allowed, and an upload panel when guests may add photos.

Images load from the public API; on a password-protected link their addresses carry the unlock key, never the
password."""

import json
from datetime import date, datetime
from urllib.parse import urlencode

from nicegui import ui

from domain.errors import HearthError, NotFound, RateLimited, Unauthenticated
from domain.links import GONE
from services import links, runtime
from services.links import Guest, PublicAsset, PublicAssetDetails, PublicLinkInfo
from ui.downloads import download_from_link
from ui.map_page import MapTab, MapView, photos_or_map, public_photo
from ui.theme import apply_theme, plural

PAGE_SIZE = 60
# Quasar's uploader hands the XHR of each finished file to this handler; only what the server said is sent back.
_REPORT = """(info) => emit({
  names: info.files.map(f => f.name), status: info.xhr.status, body: info.xhr.responseText })"""


async def public_link_page(token: str) -> None:
    apply_theme()
    ui.page_title('Shared photos · Hearth')
    ui.add_head_html('<meta name="referrer" content="no-referrer">')  # the address is the secret: keep it to us
    page = PublicLinkPage(token)
    await page.open(Guest(client=_client_address()))


def _client_address() -> str:
    try:
        request = ui.context.client.request
        return request.client.host if request.client else ''
    except (AttributeError, RuntimeError):
        return ''


class PublicLinkPage:
    def __init__(self, token: str):
        self.token, self.hearth = token, runtime.current()
        self.info: PublicLinkInfo | None = None
        self.items: list[PublicAsset | PublicAssetDetails] = []
        self.total = 0
        with ui.header(elevated=False).classes('items-center gap-2 px-3 py-2 bg-white text-stone-800 border-b'):
            ui.label('Hearth').classes('text-xl font-semibold text-amber-800')
        self.body = ui.column().classes('w-full max-w-6xl mx-auto p-3 sm:p-4 gap-4')

    # ---- getting in ----------------------------------------------------------------------------------------------

    async def open(self, guest: Guest) -> None:
        try:
            info = await links.open_link(self.hearth, self.token, guest)
        except NotFound:
            self._gone()
        except Unauthenticated:
            self._password_form()
        except RateLimited as error:
            self._message('lock_clock', str(error))
        else:
            await self._show(info)

    def _gone(self) -> None:
        self._message('link_off', GONE, 'Ask the person who shared it for a new link.')

    def _message(self, icon: str, title: str, note: str = '') -> None:
        self.body.clear()
        with self.body, ui.column().classes('w-full items-center text-center gap-2 py-16').mark('public-message'):
            ui.icon(icon).classes('text-6xl text-stone-400')
            ui.label(title).classes('text-xl font-medium').props('data-testid=public-message')
            if note:
                ui.label(note).classes('text-stone-500')

    def _password_form(self) -> None:
        self.body.clear()
        with self.body, ui.card().classes('w-full max-w-sm mx-auto mt-12 gap-3').props('flat bordered'):
            ui.icon('lock').classes('text-4xl text-amber-800')
            ui.label('This link needs a password').classes('text-lg font-semibold')
            password = (
                ui.input('Password', password=True, password_toggle_button=True)
                .props('outlined autofocus data-testid=link-password')
                .classes('w-full')
                .mark('link-password')
            )
            problem = ui.label().classes('text-sm text-negative').mark('link-password-problem')

            async def submit() -> None:
                try:
                    info = await links.open_link(
                        self.hearth, self.token, Guest(password=password.value, client=_client_address())
                    )
                except NotFound:
                    self._gone()
                except HearthError as error:
                    problem.text = str(error)
                else:
                    await self._show(info)

            password.on('keydown.enter', submit)
            ui.button('Open', on_click=submit).props('unelevated color=primary data-testid=link-open').classes(
                'w-full'
            ).mark('link-open')

    # ---- the album or space --------------------------------------------------------------------------------------

    async def _show(self, info: PublicLinkInfo) -> None:
        self.info = info
        self.body.clear()
        with self.body:
            with ui.column().classes('gap-1'):
                title = info.album_name or info.space_name or info.label or 'Shared photos'
                ui.label(title).classes('text-2xl font-semibold').props('data-testid=public-title')
                ui.label(f'Shared by {info.owner_name}').classes('text-stone-600')
                if description := info.album_description or info.space_description:
                    ui.label(description).classes('text-stone-600 whitespace-pre-line')
                self.count = ui.label().classes('text-sm text-stone-500').mark('public-count')
            if info.allow_download:
                everything = ui.button('Download all', icon='download', on_click=self.download_all)
                everything.props('outline color=primary no-caps data-testid=public-download-all').classes('self-start')
                everything.mark('public-download-all')
            if info.allow_upload:
                self._upload_panel()
            if info.show_metadata:
                photos_or_map(self._switch_tab)
            with ui.column().classes('w-full gap-4 p-0') as self.photos:
                self.grid = (
                    ui.element('div')
                    .classes('w-full grid grid-cols-3 sm:grid-cols-4 md:grid-cols-6 gap-1')
                    .props('data-testid=public-grid')
                )
                self.empty = ui.label().classes('text-stone-500 py-8 w-full text-center').mark('public-empty')
                self.more = (
                    ui.button('Show more', on_click=self._load_more)
                    .props('outline color=primary')
                    .classes('self-center')
                )
            self.places = MapTab(self._map).classes('w-full').style('height: 75vh')
            self.viewer = PublicViewer(self)  # built in the page: the password form this replaced is gone
        await self.reload()

    async def reload(self) -> None:
        self.items = []
        self.grid.clear()
        await self._load_more()

    async def _load_more(self) -> None:
        try:
            page = await links.list_public_assets(self.hearth, self.token, self._guest(), PAGE_SIZE, len(self.items))
        except (NotFound, Unauthenticated):
            self._gone()
            return
        self.total = page.total
        with self.grid:
            for offset, item in enumerate(page.items, start=len(self.items)):
                self._cell(offset, item)
        self.items.extend(page.items)
        self.count.text = plural(self.total, 'photo') if self.total else ''
        self.more.visible = len(self.items) < self.total
        self.empty.visible = not self.total
        self.empty.text = 'No photos here yet.' + (' Add the first ones above.' if self.info.allow_upload else '')

    def _cell(self, index: int, item) -> None:
        with (
            ui.element('button')
            .classes('relative aspect-square overflow-hidden bg-stone-100 rounded-sm')
            .props(f'type=button aria-label="Open photo {index + 1}" data-testid=public-thumb')
            .on('click', lambda i=index: self.viewer.show(i)) as cell
        ):
            ui.element('img').props(f'src="{self.file_url(item, "thumbnail")}" alt="" loading=lazy').classes(
                'w-full h-full object-cover'
            )
            if item.media_type == 'video':
                ui.icon('play_circle').classes('absolute right-1 bottom-1 text-white text-2xl drop-shadow')
        cell.mark('public-thumb')

    def _switch_tab(self, event) -> None:
        self.photos.visible = event.value == 'photos'
        self.places.show(event.value == 'map')

    def _map(self) -> MapView:
        key = {'key': self.info.key} if self.info.key else {}
        suffix = f'?{urlencode(key)}' if key else ''
        assets = f'/api/public/{self.token}/assets'
        return MapView(
            f'/api/public/{self.token}/map',
            lambda asset_id: public_photo(f'{assets}/{asset_id}/preview{suffix}'),
            thumb=f'{assets}/{{id}}/thumbnail{suffix}',
            query=key,
        )

    async def download_all(self) -> None:
        await download_from_link(self.token, self.info.key)

    def _guest(self) -> Guest:
        return Guest(key=self.info.key if self.info else None)

    def file_url(self, item, kind: str, download: bool = False) -> str:
        query = {'key': self.info.key} if self.info.key else {}
        if download:
            query['download'] = 'true'
        suffix = f'?{urlencode(query)}' if query else ''
        return f'/api/public/{self.token}/assets/{item.id}/{kind}{suffix}'

    def may_download(self, item) -> bool:
        return self.info.allow_download and (self.info.show_metadata or item.media_type != 'video')

    async def load_more_if_needed(self, index: int) -> None:
        if index >= len(self.items) and len(self.items) < self.total:
            await self._load_more()

    # ---- guests adding photos --------------------------------------------------------------------------------------

    def _upload_panel(self) -> None:
        with ui.card().classes('w-full gap-2').props('flat bordered data-testid=public-upload'):
            ui.label('Add your photos').classes('text-lg font-medium')
            ui.label(f'They go into this {self._place()} and {self.info.owner_name} keeps them.').classes(
                'text-sm text-stone-500'
            )
            self.guest_name = (
                ui.input('Your name', on_change=self._name_changed)
                .props('outlined dense maxlength=100 data-testid=guest-name')
                .classes('w-full sm:w-80')
                .mark('guest-name')
            )
            self.name_hint = ui.label('Enter your name first, then choose your photos.').classes(
                'text-sm text-stone-500'
            )
            headers = [{'name': 'X-Link-Key', 'value': self.info.key}] if self.info.key else []
            self.uploader = (
                ui.element('q-uploader')
                .props(f'url=/api/public/{self.token}/assets field-name=file multiple auto-upload disable')
                .props('flat bordered')
                .props('accept="image/*,video/*,.heic,.heif" label="Photos and videos" color=primary')
                .props('data-testid=public-uploader')
                .classes('w-full sm:max-w-xl')
                .mark('public-uploader')
            )
            self.uploader._props['headers'] = headers
            self.uploader.on('uploaded', self._uploaded, js_handler=_REPORT)
            self.uploader.on('failed', self._uploaded, js_handler=_REPORT)
            self.results = ui.column().classes('gap-1 text-sm w-full').mark('upload-results')

    def _place(self) -> str:
        return 'space' if self.info.space_name else 'album'

    def _name_changed(self) -> None:
        name = (self.guest_name.value or '').strip()
        self.uploader._props['form-fields'] = [{'name': 'guest_name', 'value': name}]
        self.uploader._props['disable'] = not name
        self.uploader.update()
        self.name_hint.visible = not name

    async def _uploaded(self, event) -> None:
        report = event.args
        line, good = _upload_outcome(report['status'], report['body'], self._place())
        with self.results:
            for name in report['names']:
                ui.label(f'{name}: {line}').classes('text-positive' if good else 'text-negative')
        if good:
            await self.reload()


def _upload_outcome(status: int, body: str, place: str) -> tuple[str, bool]:
    try:
        data = json.loads(body or '{}')
    except ValueError:
        data = {}
    if status in (200, 201):
        return (f'already in the {place}' if data.get('status') == 'duplicate' else 'added'), True
    detail = data.get('detail')
    return (detail if isinstance(detail, str) else 'the upload failed'), False


class PublicViewer:
    """One photo at a time over the page, with previous/next by buttons and arrow keys, and download if allowed."""

    def __init__(self, page: PublicLinkPage):
        self.page, self.index = page, 0
        with (
            ui.dialog().props('maximized transition-show=fade transition-hide=fade') as self.dialog,
            ui.element('div')
            .classes('w-full h-full bg-black text-white flex flex-col')
            .props('data-testid=public-viewer'),
        ):
            with ui.row().classes('w-full items-center no-wrap px-1 py-1 gap-1 bg-black/80'):
                ui.button(icon='close', on_click=self.dialog.close).props(
                    'flat round color=white aria-label="Close" data-testid=public-viewer-close'
                )
                self.caption = ui.label().classes('text-sm text-stone-300 truncate flex-1 min-w-0')
                self.download = ui.button(icon='download', on_click=self._download).props(
                    'flat round color=white aria-label="Download" data-testid=public-download'
                )
            with ui.element('div').classes('relative flex-1 min-h-0 w-full'):
                self.stage = ui.element('div').classes('absolute inset-0 flex items-center justify-center')
                self.previous = self._side('chevron_left', 'left-2', -1, 'previous')
                self.next = self._side('chevron_right', 'right-2', 1, 'next')
        ui.keyboard(on_key=self._key, ignore=['input', 'textarea'])

    def _side(self, icon: str, side: str, step: int, name: str) -> ui.button:
        return (
            ui.button(icon=icon, on_click=lambda: self.step(step))
            .props(f'round unelevated color=grey-9 aria-label="{name}" data-testid=public-{name}')
            .classes(f'absolute {side} top-1/2 -translate-y-1/2 z-10 opacity-80')
        )

    async def show(self, index: int) -> None:
        await self.page.load_more_if_needed(index)
        if not 0 <= index < len(self.page.items):
            return
        self.index, item = index, self.page.items[index]
        self.stage.clear()
        with self.stage:
            if item.media_type == 'video' and self.page.may_download(item):
                ui.video(self.page.file_url(item, 'original')).classes('max-w-full max-h-full')
            else:
                ui.element('img').props(f'src="{self.page.file_url(item, "preview")}" alt=""').classes(
                    'max-w-full max-h-full object-contain'
                ).props('data-testid=public-preview')
        self.caption.text = _caption(item, index, self.page.total)
        self.download.visible = self.page.may_download(item)
        self.previous.visible = index > 0
        self.next.visible = index + 1 < self.page.total
        self.dialog.open()

    async def step(self, delta: int) -> None:
        await self.show(self.index + delta)

    def _download(self) -> None:
        ui.download(self.page.file_url(self.page.items[self.index], 'original', download=True))

    async def _key(self, event) -> None:
        if not self.dialog.value or not event.action.keydown:
            return
        if event.key.arrow_left:
            await self.step(-1)
        elif event.key.arrow_right:
            await self.step(1)


def _caption(item, index: int, total: int) -> str:
    parts = [f'{index + 1} / {total}', _day(item.taken_at)]
    if isinstance(item, PublicAssetDetails):
        parts += [item.filename, ' '.join(filter(None, (item.camera_make, item.camera_model)))]
        if item.guest_name:
            parts.append(f'added by {item.guest_name}')
    return ' · '.join(part for part in parts if part)


def _day(moment: date | datetime) -> str:
    shown = moment.strftime('%-d %B %Y')
    return f'{shown}, {moment:%H:%M}' if isinstance(moment, datetime) else shown
