"""Narrowing a space's timeline: dates, contributors, media type, camera, tags, place, my favorites, its people, and
what is new since my last visit."""

import uuid
from collections.abc import Callable
from dataclasses import astuple, replace
from datetime import date, datetime

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

from services import identities, people, runtime, spaces
from services.accounts import Actor
from services.identities import IdentityView
from services.people import PersonView
from services.spaces import FilterChoices, SpaceFilters
from ui.components.place_select import place_select
from ui.people import face
from ui.theme import attempt

MEDIA = {'': 'All', 'photo': 'Photos', 'video': 'Videos'}


class SpaceFiltersPanel:
    """The filters as a side panel from `sm` up; on phones the same element is a bottom sheet over a dimmed grid.
    `filters` holds the choice, and `on_change` hears of every change."""

    def __init__(
        self,
        actor: Actor,
        space_id: uuid.UUID,
        space_name: Callable[[], str],
        on_change: Callable[[SpaceFilters], None],
    ):
        self.actor, self.space_id, self.space_name, self.on_change = actor, space_id, space_name, on_change
        self.filters = SpaceFilters()
        self.choices: FilterChoices | None = None
        self.people: list[PersonView] = []
        self.identities: dict[uuid.UUID, IdentityView] = {}  # each of the space's people as I know them
        self.people_slot: ui.column | None = None
        self.scrim = ui.element('div').classes('fixed inset-0 z-[2999] bg-black/40 sm:hidden')
        self.scrim.on('click', self.toggle)
        self.panel = ui.column().classes(
            'fixed inset-x-0 bottom-0 z-[3000] max-h-[80dvh] rounded-t-2xl shadow-2xl bg-white p-4 gap-3 '
            'overflow-y-auto no-wrap sm:static sm:inset-auto sm:z-auto sm:max-h-none sm:h-full sm:w-72 sm:shrink-0 '
            'sm:rounded-none sm:shadow-none sm:border-r sm:border-stone-200'
        )
        self.panel.props('data-testid=filters-panel').mark('filters-panel')
        self._set_open(False)

    def apply(self, filters: SpaceFilters) -> None:
        self.filters = filters
        self.on_change(filters)

    def clear(self) -> None:
        self.apply(SpaceFilters())
        self._render_filters()
        self._render_people()

    def toggle_new(self, since: datetime) -> None:
        """Show only what others added since `since`, or everything again."""
        self.apply(replace(self.filters, added_since=None if self.filters.added_since else since))

    def forget_choices(self) -> None:
        """Contributors, cameras and tags may have changed: ask again on the next opening."""
        self.choices = None

    async def toggle(self) -> None:
        opening = not self.panel.visible
        if opening and self.choices is None:
            self.choices = await attempt(spaces.filter_choices(runtime.current(), self.actor, self.space_id))
            if self.choices is None:
                return
            self._render_filters()
        if opening:
            await self._load_people()
            self._render_people()
        self._set_open(opening)

    def _set_open(self, shown: bool) -> None:
        self.scrim.visible = self.panel.visible = shown

    async def _load_people(self) -> None:
        hearth = runtime.current()
        self.people = await attempt(people.list_space_people(hearth, self.actor, self.space_id)) or []
        ids = [person.id for person in self.people]
        self.identities = await attempt(identities.identities_of(hearth, self.actor, ids)) or {}

    # ---- the space's people ----------------------------------------------------------------------------------------

    def _render_people(self) -> None:
        """The space's people with their counts: tap to see only the photos with them (all those tapped)."""
        if self.people_slot is None:  # the panel was never opened
            return
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
            space = self.space_name()
            ui.tooltip(f'Called {person.name} in {space}' if person.name else f'Not named in {space} yet')
        others = tuple(person_id for person_id in self.filters.people if person_id != person.id)
        row.on('click', lambda: self._filter_people(others if chosen else (*others, person.id)))

    def _filter_people(self, person_ids: tuple) -> None:
        self.apply(replace(self.filters, people=person_ids))
        self._render_people()

    # ---- the form --------------------------------------------------------------------------------------------------

    def _render_filters(self) -> None:
        if self.choices is None:
            return
        self.panel.clear()
        with self.panel:
            with ui.row().classes('w-full items-center no-wrap'):
                ui.label('Filters').classes('text-lg font-semibold flex-1')
                ui.button('Clear all', on_click=self.clear).props('flat dense no-caps').mark('filters-clear')
                ui.button(icon='close', on_click=self.toggle).props('flat round dense aria-label="Close"')
            form = self._form(self.choices)
            self.people_slot = ui.column().classes('w-full gap-1').mark('space-people')  # the people sidebar's place
            ui.button('Show photos', on_click=lambda: self._show_photos(form)).props(
                'unelevated color=primary'
            ).classes('w-full mt-1').mark('filters-apply')

    def _form(self, choices: FilterChoices) -> dict[str, ValueElement]:
        """The inputs, holding the filters as they are, by the name of the filter each sets."""
        f = self.filters
        with ui.element('div').classes('w-full grid grid-cols-2 sm:grid-cols-1 gap-2'):
            taken_from = _date_input('From', f.taken_from).mark('filter-from')
            taken_to = _date_input('To', f.taken_to).mark('filter-to')
        contributors = {str(user_id): f'{name} ({count})' for user_id, name, count in choices.contributors}
        owners = _multi_select('Contributors', contributors, [str(i) for i in f.owner_ids]).mark('filter-contributors')
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
        place = place_select(choices.places, f.place).classes('w-full')
        favorites = ui.checkbox('Only my favorites', value=f.favorites).mark('filter-favorites')
        return {
            'taken_from': taken_from,
            'taken_to': taken_to,
            'owner_ids': owners,
            'media_type': media,
            'camera': camera,
            'tags': tags,
            'favorites': favorites,
            'place': place,
        }

    def _show_photos(self, form: dict[str, ValueElement]) -> None:
        values = {name: element.value for name, element in form.items()}
        try:
            chosen = SpaceFilters(
                taken_from=_parse_date(values['taken_from']),
                taken_to=_parse_date(values['taken_to']),
                owner_ids=tuple(uuid.UUID(i) for i in values['owner_ids'] or ()),
                media_type=values['media_type'] or None,
                camera=values['camera'] or None,
                favorites=bool(values['favorites']),
                tags=tuple(values['tags'] or ()),
                added_since=self.filters.added_since,  # "only new" and the people are chosen elsewhere
                people=self.filters.people,
                place=values['place'] or None,
            )
        except ValueError:
            ui.notify('Enter dates like 2024-06-01', type='negative')
            return
        self.apply(chosen)
        self._set_open(False)


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
        'place': filters.place,
    }
    return {key: value for key, value in query.items() if value}


def active_count(filters: SpaceFilters) -> int:
    """How many filters narrow the timeline, "only new" aside: it has its own button."""
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
