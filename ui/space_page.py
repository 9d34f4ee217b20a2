"""One Shared Space: its timeline with filters and "new since my last visit", its members, settings and activity."""

import uuid
from datetime import UTC, datetime

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.duplicates import may_review_space
from domain.errors import NotFound
from domain.spaces import SpaceAction
from services import runtime, spaces
from services.accounts import Actor
from services.spaces import SpaceDetail, SpaceFilters, SpaceSummary, Visit
from ui.components.local_date import LocalDate
from ui.components.selection_bar import SelectionAction, SelectionBar
from ui.components.space_filters import SpaceFiltersPanel, active_count, filter_query
from ui.components.timeline_grid import TimelineGrid
from ui.downloads import download_space, may_download_space
from ui.frame import frame
from ui.map_page import MapTab, MapView
from ui.session import require_sign_in
from ui.space_activity import ActivityFeed
from ui.space_dialogs import AddingDialog, ChooseFromLibraryDialog, LeaveDialog, LibrariesDialog
from ui.space_members import MembersDialog, with_article
from ui.spaces import SpaceDialog, member_avatars
from ui.theme import ask, attempt, confirm, plural

EVER = datetime(1970, 1, 1, tzinfo=UTC)  # "new since" on a first visit: whatever others ever added


async def space_page(space_id: str):
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    hearth = runtime.current()
    try:
        visit = await spaces.record_visit(hearth, actor, uuid.UUID(space_id))
        detail = await spaces.get_space(hearth, actor, uuid.UUID(space_id))
    except (ValueError, NotFound):
        return RedirectResponse('/spaces')
    SpaceView(actor, detail, visit)


class SpaceView:
    def __init__(self, actor: Actor, detail: SpaceDetail, visit: Visit):
        self.actor, self.hearth, self.detail, self.visit = actor, runtime.current(), detail, visit
        self.space_id = detail.space.id
        self.selected: list[uuid.UUID] = []
        with frame(actor, detail.space.name, current='/spaces', fill=True):
            with ui.column().classes('w-full flex-1 min-h-0 gap-0 no-wrap'):
                self.header = ui.column().classes('w-full px-3 sm:px-4 pt-2 gap-1')
                self._toolbar()
                self._new_banner()
                with ui.element('div').classes('relative flex-1 min-h-0 w-full'):
                    self._photos()
                    self.activity = ActivityFeed(self)
                    self.places = MapTab(self._map).classes('absolute inset-0')
            self.members_dialog = MembersDialog(self)
            self.libraries_dialog = LibrariesDialog(self)
        self._render_header()
        self._show_empty(detail.space.asset_count)

    @property
    def actions(self) -> tuple[SpaceAction, ...]:
        return self.detail.space.actions

    async def act(self, service, *args, done: str | None = None, **kwargs):
        """Call a space service as me on this space (see `run`)."""
        return await self.run(service(self.hearth, self.actor, self.space_id, *args, **kwargs), done)

    async def run(self, operation, done: str | None = None):
        """Await a service call (see `ui.theme.attempt`)."""
        return await attempt(operation, done)

    async def reload_space(self) -> None:
        try:
            self.detail = await spaces.get_space(self.hearth, self.actor, self.space_id)
        except NotFound:
            ui.notify('You are no longer in this space', type='warning')
            ui.navigate.to('/spaces')
            return
        self._render_header()

    # ---- header ----------------------------------------------------------------------------------------------------

    def _render_header(self) -> None:
        space = self.detail.space
        ui.page_title(f'{space.name} · Hearth')
        self.header.clear()
        with self.header:
            self._title_row(space)
            if space.description:
                ui.label(space.description).classes('text-stone-600 text-sm line-clamp-2 whitespace-pre-line').mark(
                    'space-description'
                )
            self._facts_row(space)

    def _title_row(self, space: SpaceSummary) -> None:
        with ui.row().classes('w-full items-center no-wrap gap-1'):
            ui.button(icon='arrow_back', on_click=lambda: ui.navigate.to('/spaces')).props(
                'flat round dense aria-label="All spaces"'
            )
            ui.element('span').classes('w-3 h-3 rounded-full shrink-0 mx-1').style(f'background: {space.color}')
            ui.label(space.name).classes(
                'text-xl sm:text-2xl font-semibold line-clamp-2 break-words min-w-0 flex-1 leading-tight'
            ).mark('space-title')
            if SpaceAction.ADD_ASSETS in self.actions:
                self._add_menu()
            ui.button(icon='group', on_click=self.open_members).props(
                'flat round aria-label="Members" data-testid=space-members'
            ).classes('max-sm:hidden').tooltip('Members').mark('space-members')  # phones: the avatars open it
            if may_download_space(space):
                ui.button(icon='download', on_click=lambda: download_space(self.actor, self.space_id)).props(
                    'flat round aria-label="Download all" data-testid=space-download-all'
                ).tooltip('Download all').mark('space-download-all')
            self._more_menu()

    def _facts_row(self, space: SpaceSummary) -> None:
        with ui.row().classes('w-full items-center gap-x-3 gap-y-0 flex-wrap'):
            members = ui.element('div').classes('cursor-pointer').props('role=button aria-label="Members"')
            with members.on('click', self.open_members):
                member_avatars(space.member_names, size='sm')
            facts = [plural(space.asset_count, 'item'), plural(space.member_count, 'member')]
            ui.label(' · '.join(facts)).classes('text-sm text-stone-500').mark('space-facts')
            ui.label(f'You are {with_article(space.my_role.label.lower())}').classes('text-sm text-stone-500').mark(
                'space-role'
            )
            ui.space()
            ui.switch('Show on my timeline', value=space.show_in_timeline, on_change=self.show_in_timeline).props(
                'dense'
            ).classes('text-sm').mark('space-timeline-switch')

    def _add_menu(self) -> None:
        button = ui.button(icon='add_photo_alternate').props(
            'unelevated color=primary aria-label="Add photos" data-testid=space-add'
        )
        with button.mark('space-add'):
            ui.label('Add photos').classes('ml-2 max-sm:hidden')  # icon only on phones, where the name needs room
            with ui.menu():
                ui.menu_item('Add all my photos', self.add_all_mine).mark('space-add-all').props(
                    'data-testid=space-add-all'
                )
                ui.menu_item('Choose from my library', self.choose_from_library).mark('space-add-chosen')

    def _more_menu(self) -> None:
        with (
            ui.button(icon='more_vert').props('flat round aria-label="More" data-testid=space-more').mark('space-more'),
            ui.menu(),
        ):
            ui.menu_item('Members', self.open_members)
            ui.menu_item('Connected libraries', self.open_libraries).mark('space-libraries')
            if SpaceAction.MANAGE in self.actions:
                ui.menu_item('Space settings', self.edit_settings).mark('space-settings')
            if may_review_space(self.detail.space.my_role):
                ui.menu_item('Duplicates', lambda: ui.navigate.to(f'/spaces/{self.space_id}/duplicates')).props(
                    'data-testid=space-duplicates'
                ).mark('space-duplicates')
            ui.separator()
            ui.menu_item('Leave space', self.leave).mark('space-leave')
            if SpaceAction.MANAGE in self.actions:
                ui.menu_item('Delete space', self.delete).classes('text-negative').mark('space-delete')

    # ---- toolbar, banner and selection -----------------------------------------------------------------------------

    def _toolbar(self) -> None:
        with ui.row().classes('w-full items-center no-wrap gap-2 px-1 sm:px-2 border-b border-stone-200 min-h-[48px]'):
            with ui.tabs(value='photos', on_change=self._switch_tab).props('dense no-caps inline-label') as self.tabs:
                ui.tab('photos', 'Photos', icon='photo_library').mark('tab-photos')
                ui.tab('activity', 'Activity', icon='history').mark('tab-activity').props('data-testid=tab-activity')
                ui.tab('map', 'Map', icon='map').mark('tab-map').props('data-testid=tab-map')
            ui.space()
            self.shown = ui.label().classes('text-sm text-stone-500 max-sm:hidden').mark('space-shown')
            self.search_button = (
                ui.button(icon='search', on_click=lambda: ui.navigate.to(f'/search?space={self.space_id}'))
                .props('flat no-caps dense aria-label="Search this space" data-testid=space-search')
                .tooltip('Search this space')
                .mark('space-search')
            )
            with self.search_button:
                ui.label('Search').classes('ml-1 max-sm:hidden')
            self.filter_button = (
                ui.button('Filters', icon='tune', on_click=lambda: self.filter_panel.toggle())
                .props('flat no-caps dense data-testid=space-filters')
                .mark('space-filters')
            )
            self.selection_bar = self._selection_bar()

    def _selection_bar(self) -> SelectionBar:
        cover = SelectionAction('Set as cover', 'wallpaper', self.set_cover, 'set-cover', shown=self._may_set_cover)
        remove = SelectionAction(
            'Remove from space', 'remove_circle_outline', self.remove_selected, 'remove-from-space', self._may_remove
        )
        actions = [cover, remove]
        if may_download_space(self.detail.space):
            actions.append(SelectionAction('Download', 'download', self.download_selected, 'download-selected'))
        bar = SelectionBar(actions, on_clear=lambda: self.grid.clear_selection())
        return bar.classes('no-wrap gap-0 px-1', remove='gap-1 px-2')  # on a phone it shares a line with the tabs

    def _may_set_cover(self, count: int) -> bool:
        return SpaceAction.SET_COVER in self.actions and count == 1

    def _may_remove(self, count: int) -> bool:
        return bool({SpaceAction.ADD_ASSETS, SpaceAction.REMOVE_ANY_ASSET} & set(self.actions))

    def _new_banner(self) -> None:
        visit = self.visit
        with ui.row().classes(
            'self-stretch mx-2 sm:mx-4 mt-2 items-center no-wrap gap-2 rounded-lg px-3 py-1 bg-amber-50 text-amber-900'
        ) as self.banner:
            ui.icon('fiber_new').classes('text-2xl')
            if visit.previous_visit_at:
                since = LocalDate(visit.previous_visit_at, 'since', f'{visit.new_count} new since {{}}')
            else:
                since = ui.label(f'{visit.new_count} new: your first visit')
            since.classes('font-medium flex-1 min-w-0').mark('new-since').props('data-testid=new-since')
            self.new_button = (
                ui.button('Show only new', on_click=self.toggle_new)
                .props('flat dense no-caps color=primary data-testid=new-only')
                .mark('new-only')
            )
        self.banner.visible = visit.new_count > 0

    def _selection(self, event) -> None:
        self.selected = [uuid.UUID(value) for value in event.args.get('ids', [])]
        self.selection_bar.show(len(self.selected))
        self.filter_button.visible = not self.selected
        self.search_button.visible = not self.selected

    async def _switch_tab(self, event) -> None:
        showing_photos = event.value == 'photos'
        self.photos.visible = showing_photos
        self.activity.visible = event.value == 'activity'
        self.places.show(event.value == 'map')
        self.filter_button.visible = showing_photos and not self.selected
        self.shown.visible = showing_photos
        self.banner.visible = showing_photos and self.visit.new_count > 0
        if event.value == 'activity':
            await self.activity.reload()

    # ---- the timeline ------------------------------------------------------------------------------------------------

    def _photos(self) -> None:
        with ui.row().classes('absolute inset-0 no-wrap gap-0') as self.photos:
            self.filter_panel = SpaceFiltersPanel(
                self.actor, self.space_id, lambda: self.detail.space.name, on_change=self._filtered
            )
            with ui.element('div').classes('relative flex-1 min-w-0 h-full'):
                self.grid = TimelineGrid(api_base=f'/api/spaces/{self.space_id}/timeline', query={})
                self.grid.style('width: 100%; height: 100%').mark('timeline-grid')
                self.grid.on('open', self._open)
                self.grid.on('selection', self._selection)
                self.grid.on('buckets', lambda event: self._show_empty(event.args.get('total', 0)))
                self.empty = ui.column().classes('absolute inset-0 items-center justify-center gap-2 text-center p-6')
                self.empty.classes('bg-white')

    def _show_empty(self, total: int) -> None:
        filtered = self.filter_panel.filters != SpaceFilters()
        self.shown.text = f'{plural(total, "item")} match' if filtered else ''
        self.empty.visible = total == 0
        self.empty.clear()
        with self.empty:
            if filtered:
                ui.icon('filter_alt_off').classes('text-6xl text-stone-300')
                ui.label('Nothing matches these filters').classes('text-lg font-medium').mark('space-empty')
                ui.button('Clear filters', on_click=self.filter_panel.clear).props('flat color=primary')
                return
            ui.icon('diversity_3').classes('text-6xl text-stone-300')
            ui.label('This space is empty').classes('text-lg font-medium').mark('space-empty')
            can_add = SpaceAction.ADD_ASSETS in self.actions
            hint = 'Add your photos, and invite the people who were there.' if can_add else 'Photos added show here.'
            ui.label(hint).classes('text-stone-500')
            if can_add:
                ui.button('Add all my photos', icon='add_photo_alternate', on_click=self.add_all_mine).props(
                    'unelevated color=primary'
                )

    def _open(self, event) -> None:
        ui.navigate.to(f'/photo/{event.args["id"]}?space={self.space_id}')

    def _map(self) -> MapView:
        return MapView(
            f'/api/spaces/{self.space_id}/map',
            lambda asset_id: ui.navigate.to(f'/photo/{asset_id}?space={self.space_id}'),
        )

    def _filtered(self, filters: SpaceFilters) -> None:
        self.grid.props['query'] = filter_query(filters)
        active = active_count(filters)
        self.filter_button.text = f'Filters · {active}' if active else 'Filters'
        self.new_button.text = 'Show all' if filters.added_since else 'Show only new'

    def toggle_new(self) -> None:
        self.filter_panel.toggle_new(self.visit.previous_visit_at or EVER)

    # ---- adding and removing photos --------------------------------------------------------------------------------

    async def add_all_mine(self) -> None:
        name = self.detail.space.name
        if not await confirm(
            f'Add all your photos to “{name}”?',
            'Every photo and video in your library (not archived or in trash) joins the space. Nothing is copied, '
            'and you can take them out again.',
            'Add all',
            danger=False,
        ):
            return
        progress = AddingDialog()
        progress.open()
        try:
            added = await self.act(spaces.add_all_my_assets)
        finally:
            progress.close()
        if added is None:
            return
        ui.notify(f'Added {plural(added, "photo")}' if added else 'All your photos are already here', type='positive')
        await self.after_change()

    async def choose_from_library(self) -> None:
        ChooseFromLibraryDialog().open()

    async def remove_selected(self) -> None:
        n = plural(len(self.selected), 'item')
        if not await confirm(
            f'Remove {n} from this space?', 'They stay in their owners’ libraries; nothing is deleted.', 'Remove'
        ):
            return
        if await self.act(spaces.remove_assets, self.selected):
            ui.notify(f'{n} removed from the space', type='positive')
            await self.after_change()

    async def download_selected(self) -> None:
        await download_space(self.actor, self.space_id, self.selected)

    async def set_cover(self) -> None:
        (asset_id,) = self.selected
        if await self.act(spaces.update_space, cover_asset_id=asset_id, done='Cover set'):
            await self.after_change()

    async def after_change(self) -> None:
        self.grid.clear_selection()
        self.grid.reload()
        self.filter_panel.forget_choices()
        await self.reload_space()

    def open_members(self) -> None:
        self.members_dialog.show()

    async def open_libraries(self) -> None:
        await self.libraries_dialog.show()

    # ---- settings, leaving, deleting -------------------------------------------------------------------------------

    async def edit_settings(self) -> None:
        values = await ask(SpaceDialog('Space settings', self.detail.space))
        if values and await self.act(spaces.update_space, **values, done='Space saved'):
            await self.reload_space()

    async def show_in_timeline(self, event) -> None:
        where = 'on' if event.value else 'off'
        await self.act(spaces.show_in_timeline, bool(event.value), done=f'This space is {where} your timeline')

    async def leave(self) -> None:
        mine = await self.act(spaces.count_my_photos)
        if mine is None:
            return
        answer = await ask(LeaveDialog(self.detail.space.name, mine))
        if answer is None:
            return
        taken = await self.act(spaces.leave_space, take_my_photos=answer)
        if taken is not None:
            took = f' and took {plural(taken, "photo")} with you' if answer else ''
            ui.notify(f'You left “{self.detail.space.name}”{took}', type='positive')
            ui.navigate.to('/spaces')

    async def delete(self) -> None:
        name = self.detail.space.name
        if await confirm(
            f'Delete the space “{name}”?',
            f'No photo is deleted: all {plural(self.detail.space.asset_count, "item")} stay in their owners’ '
            'libraries. The space, its members and its activity go, for everyone.',
            'Delete space',
        ) and await self.act(spaces.delete_space, done=f'Space “{name}” deleted'):
            ui.navigate.to('/spaces')
