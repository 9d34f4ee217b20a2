"""External libraries: a member's server folders made into libraries, and the admin's dialog that allows folders."""

import os
import uuid

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import HearthError
from services import libraries, runtime
from services.accounts import Actor, Member
from services.libraries import FolderView, LibraryView, ScanSummary
from ui.albums import TextDialog
from ui.components.local_date import LocalDate
from ui.frame import frame
from ui.session import require_sign_in
from ui.theme import ask, confirm, plural

ONLY_READ = 'Hearth only reads the folder: it never changes, moves or deletes a file there.'


async def libraries_page():
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    page = LibrariesView(actor)
    await page.refresh()


def describe(summary: ScanSummary) -> str:
    parts = [
        (summary.added, 'added'),
        (summary.changed, 'changed'),
        (summary.offline, 'offline'),
        (summary.back_online, 'back online'),
        (summary.unchanged, 'unchanged'),
        (summary.failed, 'failed'),
    ]
    return ' · '.join(f'{count} {label}' for count, label in parts if count) or 'No photos or videos found'


class LibrariesView:
    def __init__(self, actor: Actor):
        self.actor, self.hearth = actor, runtime.current()
        self.folders: list[FolderView] = []
        self.cards: dict[uuid.UUID, LibraryCard] = {}
        with frame(actor, 'Libraries', current='/libraries'), ui.column().classes('w-full max-w-4xl mx-auto p-4 gap-4'):
            with ui.row().classes('w-full items-center gap-2'):
                ui.label('External libraries').classes('text-2xl font-semibold')
                ui.space()
                self.add_button = ui.button('Add library', icon='create_new_folder', on_click=self.add).props(
                    'unelevated color=primary data-testid=add-library'
                )
                self.add_button.mark('add-library')
            ui.label(f'Folders on the server whose photos and videos join your library. {ONLY_READ}').classes(
                'text-stone-500'
            )
            self.content = ui.column().classes('w-full gap-3')

    async def refresh(self) -> None:
        self.folders = await libraries.list_my_folders(self.hearth, self.actor)
        mine = await libraries.list_libraries(self.hearth, self.actor)
        self.add_button.set_visibility(bool(self.folders))
        self.content.clear()
        self.cards.clear()
        with self.content:
            if not self.folders:
                _empty_state('No server folders yet', 'Ask the administrator to allow a folder on the server for you.')
            elif not mine:
                _empty_state('No libraries yet', 'Add one of the folders the administrator allowed you.')
            for library in mine:
                self.cards[library.id] = LibraryCard(self, library)

    async def add(self) -> None:
        choice = await ask(AddLibraryDialog(self.folders))
        if choice is None:
            return
        try:
            library = await libraries.create_library(self.hearth, self.actor, *choice)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        await self.refresh()
        await self.cards[library.id].scan()


def _empty_state(title: str, hint: str) -> None:
    with ui.column().classes('w-full items-center py-16 gap-2 text-center'):
        ui.icon('folder_off').classes('text-6xl text-stone-300')
        ui.label(title).classes('text-lg font-medium').mark('empty-title')
        ui.label(hint).classes('text-stone-500')


class LibraryCard:
    """One library: what it holds, its last scan, and scan, rename and delete."""

    def __init__(self, page: LibrariesView, library: LibraryView):
        self.page, self.library = page, library
        with ui.card().classes('w-full').props('flat bordered').mark(f'library-{library.name}'):
            with ui.row().classes('w-full items-center gap-3 no-wrap'):
                ui.icon('folder_special').classes('text-3xl text-amber-700')
                with ui.column().classes('gap-0 flex-1 min-w-0'):
                    ui.label(library.name).classes('font-medium')
                    ui.label(library.path).classes('text-sm text-stone-500 truncate')
                self.spinner = ui.spinner(size='md').mark('scan-spinner')
                self.spinner.visible = library.scanning
                self.scan_button = ui.button('Scan now', icon='sync', on_click=self.scan).props('flat')
                self.scan_button.mark(f'scan-{library.name}').set_enabled(not library.scanning)
                with ui.button(icon='more_vert').props(f'flat round aria-label="More for {library.name}"'), ui.menu():
                    ui.menu_item('Rename', self.rename).mark(f'rename-{library.name}')
                    ui.menu_item('Delete', self.delete).mark(f'delete-{library.name}')
            counts = plural(library.asset_count, 'item')
            if library.offline_count:
                counts += f' · {library.offline_count} offline (their files are missing from the folder)'
            ui.label(counts).classes('text-sm')
            self._last_scan()

    def _last_scan(self) -> None:
        library = self.library
        if library.last_scan is None or library.last_scan_finished_at is None:
            ui.label('Not scanned yet').classes('text-sm text-stone-500')
            return
        template = f'Last scan {{}}: {describe(library.last_scan)}'
        when = LocalDate(library.last_scan_finished_at, 'datetime', template).classes('text-sm text-stone-500')
        when.mark(f'last-scan-{library.name}')
        if library.last_scan.problems:
            with ui.expansion('Files that could not be read').classes('w-full text-sm'):
                for problem in library.last_scan.problems:
                    ui.label(problem).classes('text-sm text-stone-600 break-all')

    async def scan(self) -> None:
        self.spinner.visible = True
        self.scan_button.disable()
        try:
            summary = await libraries.scan_library(self.page.hearth, self.page.actor, self.library.id)
        except HearthError as error:
            ui.notify(str(error), type='negative')
        else:
            ui.notify(f'{self.library.name}: {describe(summary)}', type='positive')
        await self.page.refresh()

    async def rename(self) -> None:
        name = await ask(TextDialog('Rename library', 'Name', value=self.library.name))
        if name is None:
            return
        try:
            await libraries.rename_library(self.page.hearth, self.page.actor, self.library.id, name)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        await self.page.refresh()

    async def delete(self) -> None:
        library = self.library
        message = (
            f'{plural(library.asset_count, "item")} will leave Hearth, with their favorites, albums and comments. '
            f'The files stay on the server, untouched, in {library.path}.'
        )
        if not await confirm(f'Delete the library {library.name}?', message, 'Delete library'):
            return
        try:
            removed = await libraries.delete_library(self.page.hearth, self.page.actor, library.id)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        ui.notify(f'{library.name} deleted: {plural(removed, "item")} left Hearth', type='positive')
        await self.page.refresh()


class AddLibraryDialog(ui.dialog):
    """Pick one of my allowed folders, optionally a subfolder of it, and a name; resolves to (name, path) or None."""

    def __init__(self, folders: list[FolderView]):
        super().__init__()
        paths = [folder.path for folder in folders]
        with self, ui.card().classes('w-[30rem] max-w-full gap-3').props('data-testid=add-library-dialog'):
            ui.label('Add a library').classes('text-lg font-semibold')
            self.folder = ui.select(paths, value=paths[0] if paths else None, label='Allowed folder').props('outlined')
            self.folder.classes('w-full').mark('library-folder')
            self.subfolder = ui.input('Subfolder (optional)', placeholder='e.g. 2024/Holidays').props('outlined')
            self.subfolder.classes('w-full').mark('library-subfolder')
            self.name = ui.input('Name', placeholder='e.g. Family NAS').props('outlined').classes('w-full')
            self.name.mark('library-name')
            ui.label(ONLY_READ).classes('text-sm text-stone-500')
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
                ui.button('Add and scan', on_click=self._done).props('unelevated color=primary').mark('library-create')

    def _done(self) -> None:
        if not self.folder.value:
            ui.notify('Choose a folder', type='warning')
            return
        path = os.path.join(self.folder.value, (self.subfolder.value or '').strip().lstrip('/'))
        name = (self.name.value or '').strip() or os.path.basename(os.path.normpath(path))
        self.submit((name, path))


# ---- the admin's side -----------------------------------------------------------------------------------------------


class FoldersDialog(ui.dialog):
    """The admin allows a member server folders, or takes them back. It shows library names and sizes, no photos."""

    def __init__(self, admin: Actor, member: Member):
        super().__init__()
        self.admin, self.member, self.hearth = admin, member, runtime.current()
        with self, ui.card().classes('w-[34rem] max-w-full gap-3').props('data-testid=folders-dialog'):
            ui.label(f'Server folders for {member.name}').classes('text-lg font-semibold')
            ui.label(f'{member.name} can make libraries of these folders and what is below them. {ONLY_READ}').classes(
                'text-sm text-stone-500'
            )
            self.rows = ui.column().classes('w-full gap-1')
            with ui.row().classes('w-full items-center no-wrap gap-2'):
                self.path = ui.input('Folder on the server', placeholder='/srv/photos/name').props('outlined dense')
                self.path.classes('flex-1').mark('folder-path')
                self.path.on('keydown.enter', self.allow)
                ui.button('Allow', on_click=self.allow).props('unelevated color=primary').mark('folder-allow')
            with ui.row().classes('w-full justify-end'):
                ui.button('Close', on_click=lambda: self.submit(None)).props('flat').mark('folders-close')

    async def refresh(self) -> None:
        folders = await libraries.list_folders(self.hearth, self.admin, self.member.id)
        self.rows.clear()
        with self.rows:
            if not folders:
                ui.label('No folders yet').classes('text-stone-500')
            for folder in folders:
                self._row(folder)

    def _row(self, folder: FolderView) -> None:
        with ui.row().classes('w-full items-center no-wrap gap-2').mark(f'folder-{folder.path}'):
            with ui.column().classes('gap-0 flex-1 min-w-0'):
                ui.label(folder.path).classes('break-all')
                used = ', '.join(f'{brief.name} ({plural(brief.asset_count, "item")})' for brief in folder.libraries)
                ui.label(f'Libraries: {used}' if used else 'No library yet').classes('text-sm text-stone-500')
            ui.button(icon='delete', on_click=lambda: self.revoke(folder)).props(
                f'flat round color=negative aria-label="Stop allowing {folder.path}"'
            ).mark(f'revoke-{folder.path}')

    async def allow(self) -> None:
        try:
            await libraries.grant_folder(self.hearth, self.admin, self.member.id, self.path.value)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        self.path.value = ''
        await self.refresh()

    async def revoke(self, folder: FolderView) -> None:
        message = 'Libraries made of it keep their photos but are no longer scanned.'
        if not await confirm(f'Stop allowing {folder.path}?', message, 'Stop allowing'):
            return
        try:
            await libraries.revoke_folder(self.hearth, self.admin, folder.id)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        await self.refresh()


async def manage_folders(admin: Actor, member: Member) -> None:
    dialog = FoldersDialog(admin, member)
    await dialog.refresh()
    await ask(dialog)
