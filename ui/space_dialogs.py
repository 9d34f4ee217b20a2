"""The space page's dialogs: adding photos, its connected libraries, and leaving the space."""

from typing import TYPE_CHECKING

from nicegui import ui

from domain.spaces import SpaceAction
from services import libraries, spaces
from ui.theme import confirm, plural

if TYPE_CHECKING:
    from ui.space_page import SpaceView


class ChooseFromLibraryDialog(ui.dialog):
    """Photos are chosen on my own timeline: says how, and takes me there."""

    def __init__(self):
        super().__init__()
        with self, ui.card().classes('w-[26rem] max-w-full gap-3'):
            ui.label('Choose from your library').classes('text-lg font-semibold')
            ui.label(
                'Select photos on your Photos timeline, then choose “Add to space” in the selection bar. '
                'Only photos of your own library can go in.'
            ).classes('text-stone-600')
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=self.close).props('flat')
                ui.button('Go to Photos', on_click=lambda: ui.navigate.to('/')).props('unelevated color=primary')


class AddingDialog(ui.dialog):
    """Shown, and not to be dismissed, while all my photos join the space."""

    def __init__(self):
        super().__init__()
        with self.props('persistent'), ui.card().classes('items-center gap-3 px-8 py-6'):
            ui.spinner(size='lg')
            ui.label('Adding your photos…').mark('adding-progress')


class LibrariesDialog(ui.dialog):
    """The external libraries connected to the space; owners and editors connect theirs, and disconnect here."""

    def __init__(self, page: 'SpaceView'):
        super().__init__()
        self.page = page
        with self:
            self.body = ui.card().classes('w-[34rem] max-w-full gap-3').props('data-testid=libraries-dialog')

    async def show(self) -> None:
        await self.render()
        self.open()

    async def render(self) -> None:
        can_connect = SpaceAction.CONNECT_LIBRARY in self.page.actions
        connected = {library.id for library in self.page.detail.libraries}
        mine = [v for v in await libraries.list_libraries(self.page.hearth, self.page.actor) if v.id not in connected]
        self.body.clear()
        with self.body:
            with ui.row().classes('w-full items-center no-wrap'):
                ui.label('Connected libraries').classes('text-lg font-semibold flex-1')
                ui.button(icon='close', on_click=self.close).props('flat round dense aria-label="Close"')
            ui.label('Every photo in a connected library, now and later, is in the space. Nothing is copied.').classes(
                'text-sm text-stone-500'
            )
            if not self.page.detail.libraries:
                ui.label('No library is connected.').classes('text-stone-600').mark('no-libraries')
            with ui.list().props('separator').classes('w-full'):
                for library in self.page.detail.libraries:
                    self._connected_row(library)
            if can_connect:
                self._connectable(mine)

    def _connected_row(self, library) -> None:
        may_disconnect = library.mine or SpaceAction.MANAGE in self.page.actions
        with ui.item().classes('px-1 gap-3').mark(f'library-{library.id}'):
            with ui.item_section().props('avatar'):
                ui.icon('folder_open').classes('text-2xl text-stone-500')
            with ui.item_section():
                ui.item_label(library.name)
                owner = 'yours' if library.mine else library.owner_name
                ui.item_label(f'{owner} · {plural(library.asset_count, "item")}').props('caption')
            if may_disconnect:
                with ui.item_section().props('side'):
                    ui.button('Disconnect', on_click=lambda: self.disconnect(library)).props(
                        'flat dense no-caps color=negative'
                    ).mark(f'disconnect-{library.id}')

    def _connectable(self, mine: list) -> None:
        ui.label('Connect one of your libraries').classes('font-medium mt-2')
        if not mine:
            with ui.row().classes('items-center gap-1 text-sm text-stone-500'):
                ui.label('You have no other external library.')
                ui.link('Add one on the Libraries page', '/libraries')
            return
        with ui.list().props('separator').classes('w-full'):
            for library in mine:
                with ui.item().classes('px-1 gap-3').mark(f'connectable-{library.id}'):
                    with ui.item_section():
                        ui.item_label(library.name)
                        ui.item_label(plural(library.asset_count, 'item')).props('caption')
                    with ui.item_section().props('side'):
                        ui.button('Connect', on_click=lambda library=library: self.connect(library)).props(
                            'flat dense no-caps color=primary'
                        ).mark(f'connect-{library.id}')

    async def connect(self, library) -> None:
        if await confirm(
            f'Connect “{library.name}”?',
            f'Its {plural(library.asset_count, "item")}, and whatever it finds later, join the space for every member.',
            'Connect',
            danger=False,
        ) and await self.page.act(spaces.connect_library, library.id, done=f'“{library.name}” connected'):
            await self._changed()

    async def disconnect(self, library) -> None:
        if await confirm(
            f'Disconnect “{library.name}”?',
            f'Its photos leave the space; they stay in {library.owner_name}’s library.',
            'Disconnect',
        ) and await self.page.act(
            spaces.disconnect_library,
            library.id,
            done=f'“{library.name}” disconnected',
        ):
            await self._changed()

    async def _changed(self) -> None:
        await self.page.after_change()
        await self.render()


class LeaveDialog(ui.dialog):
    """Confirms leaving; resolves to whether to take my photos with me, or None when cancelled."""

    def __init__(self, name: str, mine: int):
        super().__init__()
        with self, ui.card().classes('w-[28rem] max-w-full gap-3').props('data-testid=leave-dialog'):
            ui.label(f'Leave “{name}”?').classes('text-lg font-semibold')
            ui.label('You will no longer see this space unless an owner invites you again.').classes('text-stone-600')
            take = ui.checkbox(f'Also take the {plural(mine, "photo")} I added', value=False).mark('leave-take')
            take.visible = mine > 0
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
                ui.button('Leave', on_click=lambda: self.submit(bool(take.value))).props(
                    'unelevated color=negative'
                ).mark('leave-confirm')
