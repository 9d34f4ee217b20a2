"""My photos in four views: the timeline, favorites, archive and trash."""

import uuid
from dataclasses import dataclass

from fastapi.responses import RedirectResponse
from nicegui import background_tasks, ui

from domain.errors import HearthError
from services import assets, places, runtime
from services.accounts import Actor
from services.people import PersonView
from ui.albums import add_to_album
from ui.components.place_select import place_options, place_select
from ui.components.selection_bar import SelectionAction, SelectionBar
from ui.components.timeline_grid import TimelineGrid
from ui.downloads import download_selection
from ui.frame import frame
from ui.link_dialog import open_link_dialog
from ui.people import PeopleFilter
from ui.session import require_sign_in
from ui.spaces import add_to_space
from ui.theme import confirm, plural
from ui.upload import PICKER, upload_panel


@dataclass(frozen=True)
class View:
    key: str
    title: str
    path: str
    empty_icon: str
    empty_title: str
    empty_text: str


VIEWS = {
    'timeline': View(
        'timeline',
        'Photos',
        '/',
        'add_photo_alternate',
        'Your library is empty',
        'Upload photos and videos from this computer or phone, or connect a folder on the server that holds them.',
    ),
    'favorites': View(
        'favorites',
        'Favorites',
        '/favorites',
        'favorite_border',
        'No favorites yet',
        'Tap the heart on a photo to find it here.',
    ),
    'archive': View(
        'archive',
        'Archive',
        '/archive',
        'archive',
        'Nothing archived',
        'Archived photos stay in your library but leave your timeline.',
    ),
    'trash': View(
        'trash',
        'Trash',
        '/trash',
        'delete_outline',
        'Trash is empty',
        'Deleted photos stay here for {days} days, then they are gone for good.',
    ),
}


def view_page(key: str):
    async def page():
        actor = await require_sign_in()
        if isinstance(actor, RedirectResponse):
            return actor
        view = LibraryView(actor, VIEWS[key])
        await view.show_summary()

    return page


def _say_choose_people(button: ui.button) -> None:
    """Words, not just a face icon, on every screen: on a phone the icon alone meant nothing to a grandparent."""
    button.clear()
    with button.props('aria-label="Choose people"'):
        ui.label('Choose people').classes('ml-1')


def _nothing_found(query: dict) -> tuple[str, str]:
    """What to say when the filters leave no photo."""
    if 'place' not in query:
        return 'No photos with all of them', 'Choose fewer people, or other ones.'
    if 'person' not in query:
        return 'No photos taken there', 'Choose another place.'
    return 'No photos with all of them there', 'Choose fewer people, or another place.'


def _to_libraries() -> None:
    ui.navigate.to('/libraries')


class LibraryView:
    def __init__(self, actor: Actor, view: View):
        self.actor, self.view, self.hearth = actor, view, runtime.current()
        self.selected: list[str] = []
        self.total = 0
        self.query: dict[str, object] = {}  # the timeline's filters: people and place
        self.upload = upload_panel(on_added=self.reload) if view.key == 'timeline' else None
        with frame(actor, view.title, current=view.path, on_upload=self.upload and self.upload.open, fill=True):
            with ui.column().classes('w-full flex-1 min-h-0 gap-0 no-wrap'):  # the grid takes what the toolbar leaves
                self._toolbar()
                self.empty = self._empty_state()
                self.grid = TimelineGrid(view=view.key).classes('w-full flex-1 min-h-0').style('height: auto')
            self.grid.mark('timeline-grid')
            self.grid.on('open', self._open)
            self.grid.on('selection', self._selection)
            self.grid.on('buckets', self._buckets)

    def _toolbar(self) -> None:
        with ui.row().classes('w-full items-center px-4 py-2 gap-2 min-h-[56px]'):
            with ui.row().classes('items-center gap-2') as self.heading:
                ui.label(self.view.title).classes('text-xl font-semibold')
                self.count = ui.label().classes('text-stone-500').mark('view-count')
                if self.view.key == 'trash':
                    ui.label(f'· deleted for good after {self.hearth.settings.trash_retention_days} days').classes(
                        'text-stone-500 text-sm'
                    )
            if self.view.key == 'timeline':
                self.people_filter = PeopleFilter(self.actor, self._filter_by_people)
                _say_choose_people(self.people_filter.button)
                self.place_filter = place_select([], on_change=self._filter_by_place).classes('w-44 max-sm:w-32')
            ui.space()
            if self.view.key == 'trash':
                self.empty_button = (
                    ui.button('Empty trash', icon='delete_forever', on_click=self._empty_trash)
                    .props('flat color=negative')
                    .mark('empty-trash')
                )
            self.selection_bar = SelectionBar(self._actions(), on_clear=self._clear)

    def _actions(self) -> list[SelectionAction]:
        if self.view.key == 'trash':
            return [
                SelectionAction('Restore', 'restore_from_trash', self._restore, 'restore-selected'),
                SelectionAction('Delete for good', 'delete_forever', self._delete_for_good, 'delete-selected'),
            ]
        archive = (
            ('Unarchive', 'unarchive', self._unarchive)
            if self.view.key == 'archive'
            else ('Archive', 'archive', self._archive)
        )
        return [
            SelectionAction('Add to album', 'library_add', self._add_to_album, 'add-to-album-selected'),
            SelectionAction('Add to space', 'group_add', self._add_to_space, 'add-to-space-selected'),
            SelectionAction('Add to favorites', 'favorite', self._favorite, 'favorite-selected'),
            SelectionAction('Download', 'download', self._download, 'download-selected'),
            SelectionAction('Share a link', 'link', self._share_link, 'link-selected'),
            SelectionAction(*archive, 'archive-selected'),
            SelectionAction('Move to trash', 'delete', self._trash, 'trash-selected'),
        ]

    def _empty_state(self) -> ui.column:
        text = self.view.empty_text.format(days=self.hearth.settings.trash_retention_days)
        with ui.column().classes('w-full items-center py-16 gap-2 text-center') as empty:
            ui.icon(self.view.empty_icon).classes('text-6xl text-stone-300')
            self.empty_title = ui.label(self.view.empty_title).classes('text-lg font-medium').mark('empty-title')
            self.empty_text = ui.label(text).classes('text-stone-500')
            if self.view.key == 'timeline':
                self.upload_button = ui.button('Upload', icon='cloud_upload', on_click=self.upload.open)
                self.upload_button.props(f'unelevated color=primary {PICKER}')
                self.folder_button = ui.button('Connect a folder', icon='create_new_folder', on_click=_to_libraries)
                self.folder_button.props('flat no-caps color=primary').mark('connect-folder')
        empty.visible = False
        return empty

    async def show_summary(self) -> None:
        buckets = await assets.timeline_buckets(self.hearth, self.actor, self.view.key)
        self._show_total(sum(count for _, count in buckets))
        if self.view.key == 'timeline':
            await self._load_places()

    async def _load_places(self) -> None:
        """The places of my timeline's photos, with their counts, to choose from."""
        self.place_filter.set_options(place_options(await places.timeline_choices(self.hearth, self.actor)))
        self.place_filter.enabled = bool(self.place_filter.options)

    # ---- grid events ---------------------------------------------------------------------------------------------

    def _buckets(self, event) -> None:
        self._show_total(event.args.get('total', 0))

    def _show_total(self, total: int) -> None:
        self.total = total
        self.count.text = plural(total, 'item') if total else ''
        self.empty.visible = total == 0
        if self.view.key == 'trash':
            self.empty_button.visible = total > 0

    def _filter_by_people(self, chosen: list[PersonView]) -> None:
        self._narrow('person', [str(person.id) for person in chosen])

    def _filter_by_place(self, place: str | None) -> None:
        self._narrow('place', place)

    def _narrow(self, name: str, value) -> None:
        self.query = {key: chosen for key, chosen in {**self.query, name: value}.items() if chosen}
        self.grid.set_query(self.query)
        filtered = bool(self.query)
        title, text = _nothing_found(self.query) if filtered else (self.view.empty_title, self.view.empty_text)
        self.empty_title.text, self.empty_text.text = title, text
        self.upload_button.visible = self.folder_button.visible = not filtered

    def _open(self, event) -> None:
        ui.navigate.to(f'/photo/{event.args["id"]}?view={self.view.key}')

    def _selection(self, event) -> None:
        self.selected = list(event.args.get('ids', []))
        self.selection_bar.show(len(self.selected))

    def _clear(self) -> None:
        self.grid.clear_selection()

    def reload(self) -> None:
        """After an upload added photos: the grid at once, the places to filter by as soon as they are counted."""
        self.grid.reload()
        if self.view.key == 'timeline':
            background_tasks.create(self._load_places(), name='timeline places')

    # ---- actions ---------------------------------------------------------------------------------------------------

    def _ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(value) for value in self.selected]

    async def _run(self, done: str, operation) -> None:
        try:
            count = await operation
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        ui.notify(done.format(n=plural(count, 'item')), type='positive')
        self.grid.clear_selection()
        self.grid.reload()

    async def _favorite(self) -> None:
        await self._run('{n} added to favorites', assets.set_state(self.hearth, self.actor, self._ids(), favorite=True))

    async def _download(self) -> None:
        await download_selection(self.actor, self._ids())

    async def _share_link(self) -> None:
        await open_link_dialog(asset_ids=self._ids())

    async def _add_to_album(self) -> None:
        if await add_to_album(self.actor, self._ids()):
            self.grid.clear_selection()

    async def _add_to_space(self) -> None:
        if await add_to_space(self.actor, self._ids()):
            self.grid.clear_selection()

    async def _archive(self) -> None:
        n = plural(len(self.selected), 'item')
        if await confirm(f'Archive {n}?', 'They leave your timeline and stay in Archive.', 'Archive', False):
            await self._run('{n} archived', assets.set_state(self.hearth, self.actor, self._ids(), archived=True))

    async def _unarchive(self) -> None:
        await self._run(
            '{n} back in your timeline', assets.set_state(self.hearth, self.actor, self._ids(), archived=False)
        )

    async def _trash(self) -> None:
        n = plural(len(self.selected), 'item')
        days = self.hearth.settings.trash_retention_days
        if await confirm(f'Move {n} to trash?', f'You can restore them from Trash for {days} days.', 'Move'):
            await self._run('{n} moved to trash', assets.trash(self.hearth, self.actor, self._ids(), 'timeline'))

    async def _restore(self) -> None:
        await self._run('{n} restored', assets.restore(self.hearth, self.actor, self._ids()))

    async def _delete_for_good(self) -> None:
        n = plural(len(self.selected), 'item')
        if await confirm(f'Delete {n} for good?', 'This cannot be undone.', 'Delete'):
            await self._run('{n} deleted', assets.delete_from_trash(self.hearth, self.actor, self._ids()))

    async def _empty_trash(self) -> None:
        n = plural(self.total, 'item')
        if await confirm(f'Empty trash ({n})?', f'{n} will be deleted for good. This cannot be undone.', 'Empty trash'):
            await self._run('{n} deleted', assets.empty_trash(self.hearth, self.actor))
