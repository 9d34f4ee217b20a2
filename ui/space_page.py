"""One Shared Space: its timeline with filters and "new since my last visit", its members, settings and activity."""

import uuid
from dataclasses import astuple, replace
from datetime import UTC, date, datetime

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import HearthError, NotFound
from domain.spaces import SpaceAction, SpaceRole
from services import identities, libraries, people, runtime, spaces
from services.accounts import Actor, DirectoryEntry
from services.identities import IdentityView
from services.people import PersonView
from services.spaces import ActivityEntry, FilterChoices, MemberView, SpaceDetail, SpaceFilters, Visit
from ui.components.local_date import LocalDate
from ui.components.member_picker import MemberPicker, lowers
from ui.components.timeline_grid import TimelineGrid
from ui.downloads import download_space, may_download_space
from ui.frame import frame
from ui.people import face
from ui.session import require_sign_in
from ui.spaces import SpaceDialog, member_avatars, person_avatar
from ui.theme import ask, confirm, plural

ACTIVITY_PAGE = 30
EVER = datetime(1970, 1, 1, tzinfo=UTC)  # "new since" on a first visit: whatever others ever added
ROLE_HELP = {
    SpaceRole.OWNER: 'Manage members and settings, delete the space',
    SpaceRole.EDITOR: 'Add their photos, remove any photo, set the cover, connect libraries',
    SpaceRole.CONTRIBUTOR: 'Add their own photos and take out what they added',
    SpaceRole.VIEWER: 'See the photos and favorite them for themselves',
}
MEDIA = {'': 'All', 'photo': 'Photos', 'video': 'Videos'}


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
        self.filters = SpaceFilters()
        self.choices: FilterChoices | None = None
        self.people: list[PersonView] = []
        self.identities: dict[uuid.UUID, IdentityView] = {}  # each of the space's people as I know them
        self.selected: list[uuid.UUID] = []
        self.activity_before: datetime | None = None
        with frame(actor, detail.space.name, current='/spaces'):
            page = ui.column().classes('w-full gap-0 no-wrap')
            with page.style('height: calc(100dvh - 57px - var(--hearth-bottom-nav, 0px))'):
                self.header = ui.column().classes('w-full px-3 sm:px-4 pt-2 gap-1')
                self._toolbar()
                self._new_banner()
                with ui.element('div').classes('relative flex-1 min-h-0 w-full'):
                    self._photos()
                    self._activity()
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
        """Await a service call: its result (True when it returns nothing), or None after saying why it was refused."""
        try:
            result = await operation
        except HearthError as error:
            ui.notify(str(error), type='negative', multi_line=True)
            return None
        if done:
            ui.notify(done, type='positive')
        return result if result is not None else True

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
            if space.description:
                ui.label(space.description).classes('text-stone-600 text-sm line-clamp-2 whitespace-pre-line').mark(
                    'space-description'
                )
            with ui.row().classes('w-full items-center gap-x-3 gap-y-0 flex-wrap'):
                members = ui.element('div').classes('cursor-pointer').props('role=button aria-label="Members"')
                with members.on('click', self.open_members):
                    member_avatars(space.member_names, size='sm')
                facts = [plural(space.asset_count, 'item'), plural(space.member_count, 'member')]
                ui.label(' · '.join(facts)).classes('text-sm text-stone-500').mark('space-facts')
                ui.label(f'You are {_with_article(space.my_role.label.lower())}').classes(
                    'text-sm text-stone-500'
                ).mark('space-role')
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
            ui.space()
            self.shown = ui.label().classes('text-sm text-stone-500 max-sm:hidden').mark('space-shown')
            self.filter_button = (
                ui.button('Filters', icon='tune', on_click=self.toggle_filters)
                .props('flat no-caps dense data-testid=space-filters')
                .mark('space-filters')
            )
            self._selection_bar()

    def _selection_bar(self) -> None:
        bar = ui.row().classes('items-center no-wrap gap-0 bg-amber-50 rounded-full px-1')
        with bar as self.selection_bar:
            ui.button(icon='close', on_click=lambda: self.grid.clear_selection()).props(
                'flat round dense aria-label="Clear selection"'
            )
            self.selection_label = ui.label().classes('font-medium mx-1 whitespace-nowrap').mark('selection-count')
            self.cover_button = (
                ui.button(icon='wallpaper', on_click=self.set_cover)
                .props('flat round aria-label="Set as cover"')
                .tooltip('Set as cover')
                .mark('set-cover')
            )
            self.remove_button = (
                ui.button(icon='remove_circle_outline', on_click=self.remove_selected)
                .props('flat round aria-label="Remove from space"')
                .tooltip('Remove from space')
                .mark('remove-from-space')
            )
            ui.button(icon='download', on_click=lambda: download_space(self.actor, self.space_id, self.selected)).props(
                'flat round aria-label="Download"'
            ).tooltip('Download').mark('download-selected').set_visibility(may_download_space(self.detail.space))
        bar.visible = False

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
        can_remove = {SpaceAction.ADD_ASSETS, SpaceAction.REMOVE_ANY_ASSET} & set(self.actions)
        self.selection_bar.visible = bool(self.selected)
        self.filter_button.visible = not self.selected
        self.selection_label.text = f'{len(self.selected)} selected'
        self.cover_button.visible = SpaceAction.SET_COVER in self.actions and len(self.selected) == 1
        self.remove_button.visible = bool(can_remove)

    async def _switch_tab(self, event) -> None:
        showing_photos = event.value == 'photos'
        self.photos.visible = showing_photos
        self.activity.visible = not showing_photos
        self.filter_button.visible = showing_photos and not self.selected
        self.shown.visible = showing_photos
        self.banner.visible = showing_photos and self.visit.new_count > 0
        if not showing_photos:
            self.feed.clear()
            self.activity_before = None
            await self.load_activity()

    # ---- the timeline ------------------------------------------------------------------------------------------------

    def _photos(self) -> None:
        with ui.row().classes('absolute inset-0 no-wrap gap-0') as self.photos:
            self._filters_panel()
            with ui.element('div').classes('relative flex-1 min-w-0 h-full'):
                self.grid = TimelineGrid(api_base=f'/api/spaces/{self.space_id}/timeline', query={})
                self.grid.style('width: 100%; height: 100%').mark('timeline-grid')
                self.grid.on('open', self._open)
                self.grid.on('selection', self._selection)
                self.grid.on('buckets', lambda event: self._show_empty(event.args.get('total', 0)))
                self.empty = ui.column().classes('absolute inset-0 items-center justify-center gap-2 text-center p-6')
                self.empty.classes('bg-white')

    def _show_empty(self, total: int) -> None:
        filtered = self.filters != SpaceFilters()
        self.shown.text = f'{plural(total, "item")} match' if filtered else ''
        self.empty.visible = total == 0
        self.empty.clear()
        with self.empty:
            if filtered:
                ui.icon('filter_alt_off').classes('text-6xl text-stone-300')
                ui.label('Nothing matches these filters').classes('text-lg font-medium').mark('space-empty')
                ui.button('Clear filters', on_click=self.clear_filters).props('flat color=primary')
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

    def apply(self, filters: SpaceFilters) -> None:
        self.filters = filters
        self.grid.props['query'] = filter_query(filters)
        active = _active_count(filters)
        self.filter_button.text = f'Filters · {active}' if active else 'Filters'
        self.new_button.text = 'Show all' if filters.added_since else 'Show only new'

    def toggle_new(self) -> None:
        since = None if self.filters.added_since else (self.visit.previous_visit_at or EVER)
        self.apply(replace(self.filters, added_since=since))

    def clear_filters(self) -> None:
        self.apply(SpaceFilters())
        self._render_filters()
        self._render_people()

    # ---- the filters panel -----------------------------------------------------------------------------------------

    def _filters_panel(self) -> None:
        # A side panel from `sm` up; on phones the same element is a bottom sheet over a dimmed grid.
        self.scrim = ui.element('div').classes('fixed inset-0 z-[2999] bg-black/40 sm:hidden')
        self.scrim.on('click', self.toggle_filters)
        self.panel = ui.column().classes(
            'fixed inset-x-0 bottom-0 z-[3000] max-h-[80dvh] rounded-t-2xl shadow-2xl bg-white p-4 gap-3 '
            'overflow-y-auto no-wrap sm:static sm:inset-auto sm:z-auto sm:max-h-none sm:h-full sm:w-72 sm:shrink-0 '
            'sm:rounded-none sm:shadow-none sm:border-r sm:border-stone-200'
        )
        self.panel.props('data-testid=filters-panel').mark('filters-panel')
        self.scrim.visible = self.panel.visible = False

    async def toggle_filters(self) -> None:
        opening = not self.panel.visible
        if opening and self.choices is None:
            self.choices = await self.act(spaces.filter_choices)
            if self.choices is None:
                return
            self._render_filters()
        if opening:
            self.people = await self.run(people.list_space_people(self.hearth, self.actor, self.space_id)) or []
            ids = [person.id for person in self.people]
            self.identities = await self.run(identities.identities_of(self.hearth, self.actor, ids)) or {}
            self._render_people()
        self.scrim.visible = self.panel.visible = opening

    def _render_people(self) -> None:
        """The space's people with their counts: tap to see only the photos with them (all those tapped)."""
        self.people_slot.clear()
        with self.people_slot:
            with ui.row().classes('w-full items-center no-wrap'):
                ui.label('People').classes('text-sm text-stone-500 flex-1')
                if self.filters.people:
                    ui.button('Everyone', on_click=lambda: self._filter_people(())).props('flat dense no-caps')
            if not self.people:
                ui.label('Faces found in the photos gather here.').classes('text-sm text-stone-400')
            for person in self.people:
                self._person_row(person)

    def _person_row(self, person: PersonView) -> None:
        """A person of the space by the name I know them by (mine wins), the space's own name on hover; the arrow
        opens the real person across everything I see."""
        identity = self.identities.get(person.id)
        name = identity.name if identity and identity.name else person.name
        chosen = person.id in self.filters.people
        row = ui.row().classes('w-full items-center no-wrap gap-2 rounded-lg px-1 py-0.5 cursor-pointer')
        row.classes('bg-amber-100' if chosen else 'hover:bg-stone-100').mark(f'space-person-{person.id}')
        row.props(f'data-testid=space-person-{person.id}')
        with row:
            face(person, 'w-9 h-9 rounded-full shrink-0')
            with ui.column().classes('flex-1 min-w-0 gap-0'):
                ui.label(name or 'Unnamed').classes('truncate max-w-full' + ('' if name else ' text-stone-500'))
                if person.name and person.name != name:  # touch screens have no hover: say it here too
                    ui.label(f'{person.name} in this space').classes('text-xs text-stone-500 truncate max-w-full')
            ui.label(str(person.photo_count)).classes('text-sm text-stone-500')
            opened = identity.id if identity else person.id
            ui.button(icon='chevron_right', on_click=lambda: ui.navigate.to(f'/people/{opened}')).props(
                f'flat round dense size=sm aria-label="Open {name or "this person"}"'
            ).on('click.stop', lambda: None)
            space = self.detail.space.name
            ui.tooltip(f'Called {person.name} in {space}' if person.name else f'Not named in {space} yet')
        others = tuple(person_id for person_id in self.filters.people if person_id != person.id)
        row.on('click', lambda: self._filter_people(others if chosen else (*others, person.id)))

    def _filter_people(self, person_ids: tuple) -> None:
        self.apply(replace(self.filters, people=person_ids))
        self._render_people()

    def _render_filters(self) -> None:
        if self.choices is None:
            return
        f, choices = self.filters, self.choices
        self.panel.clear()
        with self.panel:
            with ui.row().classes('w-full items-center no-wrap'):
                ui.label('Filters').classes('text-lg font-semibold flex-1')
                ui.button('Clear all', on_click=self.clear_filters).props('flat dense no-caps').mark('filters-clear')
                ui.button(icon='close', on_click=self.toggle_filters).props('flat round dense aria-label="Close"')
            with ui.element('div').classes('w-full grid grid-cols-2 sm:grid-cols-1 gap-2'):
                taken_from = _date_input('From', f.taken_from).mark('filter-from')
                taken_to = _date_input('To', f.taken_to).mark('filter-to')
            contributors = {str(user_id): f'{name} ({count})' for user_id, name, count in choices.contributors}
            owners = _multi_select('Contributors', contributors, [str(i) for i in f.owner_ids]).mark(
                'filter-contributors'
            )
            ui.label('Media type').classes('text-sm text-stone-500 -mb-2')
            media = ui.toggle(MEDIA, value=f.media_type or '').props('no-caps unelevated spread').classes('w-full')
            media.mark('filter-media')
            camera = (
                ui.select(choices.cameras, value=f.camera, label='Camera', clearable=True)
                .props('outlined dense')
                .classes('w-full')
                .mark('filter-camera')
            )
            camera.enabled = bool(choices.cameras)
            tags = _multi_select('Tags', choices.tags, list(f.tags)).mark('filter-tags')
            tags.enabled = bool(choices.tags)
            favorites = ui.checkbox('Only my favorites', value=f.favorites).mark('filter-favorites')
            self.people_slot = ui.column().classes('w-full gap-1').mark('space-people')  # the people sidebar's place

            def done() -> None:
                try:
                    chosen = SpaceFilters(
                        taken_from=_parse_date(taken_from.value),
                        taken_to=_parse_date(taken_to.value),
                        owner_ids=tuple(uuid.UUID(i) for i in owners.value or ()),
                        media_type=media.value or None,
                        camera=camera.value or None,
                        favorites=bool(favorites.value),
                        tags=tuple(tags.value or ()),
                        added_since=self.filters.added_since,
                        people=self.filters.people,
                    )
                except ValueError:
                    ui.notify('Enter dates like 2024-06-01', type='negative')
                    return
                self.apply(chosen)
                self.scrim.visible = self.panel.visible = False

            ui.button('Show photos', on_click=done).props('unelevated color=primary').classes('w-full mt-1').mark(
                'filters-apply'
            )

    # ---- activity --------------------------------------------------------------------------------------------------

    def _activity(self) -> None:
        self.activity = ui.element('div').classes('absolute inset-0 overflow-y-auto')
        with self.activity, ui.column().classes('w-full max-w-2xl mx-auto px-3 sm:px-4 py-3 gap-0'):
            self.feed = ui.column().classes('w-full gap-0').props('data-testid=activity-feed').mark('activity')
            self.more_button = (
                ui.button('Show more', on_click=self.load_activity)
                .props('flat no-caps color=primary')
                .classes('self-center')
                .mark('activity-more')
            )
        self.activity.visible = False

    async def load_activity(self) -> None:
        entries = await self.act(spaces.list_activity, self.activity_before, ACTIVITY_PAGE)
        if entries is None:
            return
        now = datetime.now(UTC)
        with self.feed:
            for entry in entries:
                self._activity_entry(entry, now)
        if entries:
            self.activity_before = entries[-1].created_at
        self.more_button.visible = len(entries) == ACTIVITY_PAGE

    def _activity_entry(self, entry: ActivityEntry, now: datetime) -> None:
        with ui.row().classes('w-full no-wrap items-start gap-3 py-3 border-b border-stone-100'):
            person_avatar(entry.actor_name or 'Someone', 'md').classes('shrink-0')
            with ui.column().classes('gap-1 flex-1 min-w-0'):
                ui.label(activity_sentence(entry, self.actor)).classes('text-[15px] break-words').mark(
                    f'activity-{entry.kind}'
                )
                recent = ago(entry.created_at, now)
                when = ui.label(recent) if recent else LocalDate(entry.created_at)
                with when.classes('text-xs text-stone-500'), ui.tooltip():
                    LocalDate(entry.created_at, 'datetime')
                if entry.asset_ids:
                    with ui.element('div').classes('grid grid-cols-6 gap-1 w-full max-w-md mt-1'):
                        for asset_id in entry.asset_ids:
                            self._activity_thumbnail(asset_id)

    def _activity_thumbnail(self, asset_id: uuid.UUID) -> None:
        ui.element('img').props(f'src=/api/assets/{asset_id}/thumbnail loading=lazy alt="Photo"').classes(
            'aspect-square w-full object-cover rounded cursor-pointer bg-stone-100'
        ).on('click', lambda: ui.navigate.to(f'/photo/{asset_id}?space={self.space_id}'))

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
        with ui.dialog().props('persistent') as progress, ui.card().classes('items-center gap-3 px-8 py-6'):
            ui.spinner(size='lg')
            ui.label('Adding your photos…').mark('adding-progress')
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
        with ui.dialog() as dialog, ui.card().classes('w-[26rem] max-w-full gap-3'):
            ui.label('Choose from your library').classes('text-lg font-semibold')
            ui.label(
                'Select photos on your Photos timeline, then choose “Add to space” in the selection bar. '
                'Only photos of your own library can go in.'
            ).classes('text-stone-600')
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=dialog.close).props('flat')
                ui.button('Go to Photos', on_click=lambda: ui.navigate.to('/')).props('unelevated color=primary')
        dialog.open()

    async def remove_selected(self) -> None:
        n = plural(len(self.selected), 'item')
        if not await confirm(
            f'Remove {n} from this space?', 'They stay in their owners’ libraries; nothing is deleted.', 'Remove'
        ):
            return
        if await self.act(spaces.remove_assets, self.selected):
            ui.notify(f'{n} removed from the space', type='positive')
            await self.after_change()

    async def set_cover(self) -> None:
        (asset_id,) = self.selected
        if await self.act(spaces.update_space, cover_asset_id=asset_id, done='Cover set'):
            await self.after_change()

    async def after_change(self) -> None:
        self.grid.clear_selection()
        self.grid.reload()
        self.choices = None  # contributors, cameras and tags may have changed
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
        await self.act(
            spaces.show_in_timeline,
            bool(event.value),
            done=f'This space is {where} your timeline',
        )

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


class MembersDialog(ui.dialog):
    """Who is in the space and with what role; owners invite, change roles and take people out here."""

    def __init__(self, page: 'SpaceView'):
        super().__init__()
        self.page = page
        with self:
            self.body = ui.card().classes('w-[34rem] max-w-full gap-3').props('data-testid=members-dialog')

    def show(self) -> None:
        self.render()
        self.open()

    def render(self) -> None:
        manage = SpaceAction.MANAGE in self.page.actions
        members = self.page.detail.members
        self.body.clear()
        with self.body:
            with ui.row().classes('w-full items-center no-wrap'):
                ui.label(f'Members · {len(members)}').classes('text-lg font-semibold flex-1')
                ui.button(icon='close', on_click=self.close).props('flat round dense aria-label="Close"')
            if manage:
                self._invite_area(members)
                ui.label('In this space').classes('text-sm font-medium text-stone-500 pt-1')
            with ui.list().props('separator').classes('w-full max-h-[50vh] overflow-y-auto').mark('member-list'):
                for member in members:
                    self._member_row(member, manage)
            with ui.expansion('What each role can do').classes('w-full text-sm').mark('role-help'):
                for role, text in ROLE_HELP.items():
                    with ui.row().classes('no-wrap gap-2 items-baseline'):
                        ui.label(role.label).classes('font-medium w-24 shrink-0')
                        ui.label(text).classes('text-stone-600')

    def _invite_area(self, members: list[MemberView]) -> None:
        """Apart from the members' own role menus, so that choosing a newcomer's role never touches theirs."""
        area = ui.column().classes('w-full gap-2 rounded-lg border border-amber-200 bg-amber-50 p-3')
        with area.props('data-testid=invite-area').mark('invite-area'):
            ui.label('Invite someone').classes('font-medium')
            picker = MemberPicker(self.page.actor, exclude=[member.user_id for member in members])
            with ui.row().classes('w-full items-center gap-2 no-wrap') as joining:
                role = (
                    ui.select(_role_options(), value=SpaceRole.CONTRIBUTOR.value, label='Joins as')
                    .props('outlined dense options-dense bg-color=white data-testid=invite-role')
                    .classes('flex-1 min-w-0')
                    .mark('invite-role')
                )
                ui.button('Invite', on_click=lambda: self.invite(picker.picked, role.value)).props(
                    'unelevated color=primary data-testid=invite-send'
                ).mark('invite-send')
            joining.set_visibility(False)
            picker.on_pick = lambda entry: joining.set_visibility(entry is not None)

    def _member_row(self, member: MemberView, manage: bool) -> None:
        me = member.user_id == self.page.actor.id
        with ui.item().classes('px-1 gap-3').props('data-testid=member-row').mark(f'member-{member.email}'):
            with ui.item_section().props('avatar').classes('min-w-0 pr-0'):  # the item's gap spaces it
                person_avatar(member.name, 'md')
            with ui.item_section().classes('min-w-0'):
                ui.item_label(f'{member.name} (you)' if me else member.name).classes('truncate')
                ui.item_label(member.email).props('caption').classes('truncate')
            with ui.item_section().props('side'), ui.row().classes('items-center no-wrap gap-1'):
                if not manage:
                    ui.label(member.role.label).classes('text-sm text-stone-600').mark(f'role-{member.email}')
                    return
                ui.select(
                    _role_options(), value=member.role.value, on_change=lambda e: self.change_role(member, e.value)
                ).props(
                    f'dense borderless options-dense aria-label="Role of {member.name}" data-testid=member-role'
                ).classes('w-28').mark(f'role-{member.email}')
                if not me:
                    ui.button(icon='person_remove', on_click=lambda: self.remove_member(member)).props(
                        f'flat round dense aria-label="Remove {member.name}"'
                    ).mark(f'remove-{member.email}')

    async def invite(self, entry: DirectoryEntry, role: str) -> None:
        """`entry` is who the picker holds: the Invite button shows only once someone is picked."""
        member = await self.page.act(spaces.add_member, entry.email, role)
        if member:
            ui.notify(f'{member.name} joined as {member.role.label}', type='positive')
            await self._changed()

    async def change_role(self, member: MemberView, role: str) -> None:
        new = SpaceRole(role)
        if new != member.role and (not lowers(member.role, new) or await self._fewer_rights_ok(member, new)):
            changed = await self.page.act(spaces.change_role, member.user_id, role)
            if changed:
                ui.notify(f'{member.name} is now {changed.role.label}', type='positive')
        await self._changed()  # also puts a refused or cancelled choice back

    async def _fewer_rights_ok(self, member: MemberView, new: SpaceRole) -> bool:
        if member.user_id == self.page.actor.id:
            return await confirm(
                f'Make yourself {_with_article(new.label.lower())}?',
                'You will no longer manage this space’s members and settings; only another owner can make you an '
                'owner again.',
                f'Make me {_with_article(new.label.lower())}',
            )
        can = ROLE_HELP[new][0].lower() + ROLE_HELP[new][1:]
        owner = ' They will no longer manage members and settings.' if member.role is SpaceRole.OWNER else ''
        return await confirm(
            f'Make {member.name} {_with_article(new.label.lower())}?',
            f'{member.name} will only be able to {can}.{owner}',
            f'Make {new.label}',
        )

    async def remove_member(self, member: MemberView) -> None:
        if await confirm(
            f'Remove {member.name} from this space?',
            f'{member.name} loses access at once. The photos they added stay; their connected libraries leave.',
            'Remove',
        ) and await self.page.act(
            spaces.remove_member,
            member.user_id,
            done=f'{member.name} is no longer in this space',
        ):
            await self._changed()

    async def _changed(self) -> None:
        await self.page.reload_space()
        if SpaceAction.VIEW in self.page.actions:
            self.render()


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


# ---- presentation helpers -------------------------------------------------------------------------------------------


def filter_query(filters: SpaceFilters) -> dict:
    """The filters as the space timeline API's query parameters (lists repeat the parameter)."""
    query = {
        'taken_from': filters.taken_from.isoformat() if filters.taken_from else None,
        'taken_to': filters.taken_to.isoformat() if filters.taken_to else None,
        'owner': [str(owner_id) for owner_id in filters.owner_ids],
        'media_type': filters.media_type,
        'camera': filters.camera,
        'favorites': 'true' if filters.favorites else None,
        'tag': list(filters.tags),
        'added_since': filters.added_since.isoformat() if filters.added_since else None,
        'person': [str(person_id) for person_id in filters.people],
    }
    return {key: value for key, value in query.items() if value}


def _active_count(filters: SpaceFilters) -> int:
    return sum(bool(value) for value in astuple(replace(filters, added_since=None)))


def _date_input(label: str, value: date | None) -> ui.input:
    return ui.input(label, value=value.isoformat() if value else '').props('outlined dense type=date stack-label')


def _multi_select(label: str, options, value: list) -> ui.select:
    return (
        ui.select(options, value=value, label=label, multiple=True, clearable=True)
        .props('outlined dense use-chips options-dense')
        .classes('w-full')
    )


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _role_options() -> dict[str, str]:
    return {role.value: role.label for role in SpaceRole}


def _with_article(noun: str) -> str:
    return f'an {noun}' if noun[:1] in 'aeiou' else f'a {noun}'


def _role(value: str) -> str:
    return SpaceRole(value).label if value in set(SpaceRole) else value


_SENTENCES = {
    'created': lambda who, d: f'{who} created the space',
    'renamed': lambda who, d: f'{who} renamed the space to “{d.get("new")}”',
    'assets_added': lambda who, d: f'{who} added {plural(d.get("count", 0), "photo")}',
    'assets_removed': lambda who, d: f'{who} removed {plural(d.get("count", 0), "photo")}',
    'member_added': lambda who, d: f'{who} added {d.get("name")} as {_role(d.get("role", ""))}',
    'role_changed': lambda who, d: f'{who} changed {d.get("name")}’s role to {_role(d.get("new", ""))}',
    'member_removed': lambda who, d: f'{who} removed {d.get("name")} from the space',
    'member_left': lambda who, d: (
        f'{d.get("name") or who} left' + (f' and took {plural(d["taken"], "photo")}' if d.get('taken') else '')
    ),
    'cover_changed': lambda who, d: f'{who} changed the cover',
    'library_connected': lambda who, d: f'{who} connected the library “{d.get("name")}”',
    'library_disconnected': lambda who, d: f'{who} disconnected the library “{d.get("name")}”',
    'link_created': lambda who, d: f'{who} shared the space by link' + (f' “{d["label"]}”' if d.get('label') else ''),
}


def _who(entry: ActivityEntry, reader: Actor | None) -> str:
    if reader is not None and entry.actor_id == reader.id:
        return 'You'
    return entry.actor_name or 'Someone'


def activity_sentence(entry: ActivityEntry, reader: Actor | None = None) -> str:
    who = _who(entry, reader)
    sentence = _SENTENCES.get(entry.kind)
    return sentence(who, entry.details) if sentence else f'{who}: {entry.kind.replace("_", " ")}'


def ago(moment: datetime, now: datetime) -> str | None:
    """How long ago, for the last week; None when a date reads better."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return 'just now'
    if seconds < 3600:
        return f'{plural(int(seconds // 60), "minute")} ago'
    if seconds < 86400:
        return f'{plural(int(seconds // 3600), "hour")} ago'
    days = int(seconds // 86400)
    if days < 2:
        return 'yesterday'
    if days < 7:
        return f'{days} days ago'
    return None
