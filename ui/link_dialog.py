"""The dialog that makes a public link to an album, a Shared Space or a selection, then shows its address to copy."""

import uuid
from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from nicegui import ui

from domain.errors import HearthError
from services import links, runtime
from services.links import LinkView
from ui.session import signed_in
from ui.theme import ask

EXPIRY_CHOICES = {'never': 'Never', '1': 'In 1 day', '7': 'In 7 days', '30': 'In 30 days', 'date': 'On a date…'}
UPLOAD_HINT = 'Guests can add photos; they will be yours'
SPACE_UPLOAD_HINT = 'Guests can add photos to the space; they will be yours'


async def open_link_dialog(
    *,
    album_id: uuid.UUID | None = None,
    asset_ids: Collection[uuid.UUID] = (),
    space_id: uuid.UUID | None = None,
    space_name: str | None = None,
) -> None:
    """Ask for the link's settings, create it, and show its address. Does nothing for a visitor not signed in."""
    if await signed_in() is None:
        return
    await ask(LinkDialog(album_id, tuple(asset_ids), space_id=space_id, space_name=space_name))


def absolute_url(path: str) -> str:
    """The address to hand out, as this browser reached the server."""
    try:
        base = str(ui.context.client.request.base_url)
    except (AttributeError, RuntimeError):
        return path
    return base.rstrip('/') + path


def expiry_from_choice(choice: str, on_date: str | None, now: datetime) -> datetime | None:
    """When a link made now with this choice stops working: after whole days, or at the end of a chosen date."""
    if choice == 'never':
        return None
    if choice == 'date':
        if not on_date:
            raise ValueError('Pick the last day the link works')
        last_day = date.fromisoformat(on_date)
        return datetime.combine(last_day + timedelta(days=1), time(), tzinfo=now.tzinfo)
    return now + timedelta(days=int(choice))


class LinkDialog(ui.dialog):
    def __init__(
        self,
        album_id: uuid.UUID | None,
        asset_ids: tuple[uuid.UUID, ...],
        space_id: uuid.UUID | None = None,
        space_name: str | None = None,
    ):
        super().__init__()
        self.album_id, self.asset_ids = album_id, asset_ids
        self.space_id, self.space_name = space_id, space_name
        with self, ui.card().classes('w-[30rem] max-w-full gap-3').props('data-testid=link-dialog'):
            self.body = ui.column().classes('w-full gap-3')
        with self.body:
            self._settings()

    def _settings(self) -> None:
        ui.label(f'Share {self._target()} by link').classes('text-lg font-semibold')
        ui.label('Anyone with the link can open it, without an account.').classes('text-sm text-stone-500')
        self.label = ui.input('Label (only you see it)').props('outlined dense').classes('w-full').mark('link-label')
        self.password = (
            ui.input('Password (optional)', password=True, password_toggle_button=True)
            .props('outlined dense autocomplete=new-password')
            .classes('w-full')
            .mark('link-password')
        )
        with ui.row().classes('w-full items-center gap-2 no-wrap'):
            self.expiry = (
                ui.select(EXPIRY_CHOICES, value='never', label='Expires')
                .props('outlined dense')
                .classes('flex-1')
                .mark('link-expiry')
            )
            self.on_date = ui.input('Last day').props('outlined dense type=date').classes('flex-1').mark('link-date')
            self.on_date.bind_visibility_from(self.expiry, 'value', backward=lambda value: value == 'date')
        self.allow_download = ui.switch('Allow downloads of originals').mark('link-download')
        self.show_metadata = ui.switch('Show details (date and time, place, camera, file names)').mark('link-metadata')
        if self._takes_uploads():
            with ui.column().classes('gap-0'):
                self.allow_upload = ui.switch('Allow uploads').mark('link-upload')
                ui.label(SPACE_UPLOAD_HINT if self.space_id else UPLOAD_HINT).classes('text-sm text-stone-500 ml-12')
        self.problem = ui.label().classes('text-sm text-negative').mark('link-problem')
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
            ui.button('Create link', on_click=self._create).props('unelevated color=primary').mark('link-create')

    def _target(self) -> str:
        if self.space_id:
            return f'“{self.space_name}”' if self.space_name else 'this space'
        return 'this album' if self.album_id else f'{len(self.asset_ids)} selected photos'

    def _takes_uploads(self) -> bool:
        return self.album_id is not None or self.space_id is not None

    async def _create(self) -> None:
        actor = await signed_in()
        if actor is None:
            self.submit(None)
            return
        try:
            expires_at = expiry_from_choice(self.expiry.value, self.on_date.value, datetime.now().astimezone())
            view = await links.create_link(
                runtime.current(),
                actor,
                album_id=self.album_id,
                asset_ids=self.asset_ids,
                space_id=self.space_id,
                label=self.label.value,
                password=self.password.value or None,
                expires_at=expires_at,
                allow_download=self.allow_download.value,
                show_metadata=self.show_metadata.value,
                allow_upload=self._takes_uploads() and self.allow_upload.value,
            )
        except (HearthError, ValueError) as error:
            self.problem.text = str(error)
            return
        self._show_created(view)

    def _show_created(self, view: LinkView) -> None:
        url = absolute_url(view.url)
        self.body.clear()
        with self.body:
            ui.label('Your link is ready').classes('text-lg font-semibold')
            with ui.row().classes('w-full items-center gap-2 no-wrap'):
                ui.input(value=url).props('outlined dense readonly data-testid=link-url').classes('flex-1').mark(
                    'link-url'
                )
                ui.button(icon='content_copy', on_click=lambda: copy_link(url)).props(
                    'flat round aria-label="Copy link"'
                ).mark('link-copy')
            if view.has_password:
                ui.label('Send the password separately.').classes('text-sm text-stone-500')
            with ui.row().classes('w-full justify-end'):
                ui.button('Done', on_click=lambda: self.submit(view)).props('unelevated color=primary').mark(
                    'link-done'
                )


def copy_link(url: str) -> None:
    ui.clipboard.write(url)
    ui.notify('Link copied', type='positive')
