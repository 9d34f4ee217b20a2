"""People of my library (SPEC §7): faces grouped into people, named, merged and corrected by me for me; a person's
photos on the timeline grid; the timeline's people filter."""

import uuid
from collections.abc import Awaitable, Callable, Collection

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import HearthError
from services import people, runtime
from services.accounts import Actor
from services.people import FaceView, PersonView
from ui.albums import TextDialog
from ui.components.timeline_grid import TimelineGrid
from ui.frame import frame
from ui.session import require_sign_in
from ui.theme import ask, confirm, plural, undo_notice

GRID = 'w-full grid grid-cols-3 sm:grid-cols-4 md:grid-cols-6 xl:grid-cols-8 gap-x-3 gap-y-4'
FACES_SHOWN = 120  # a first screenful to review; "Show more" adds as many again
CHOSEN = 'ring-4 ring-amber-500'
PICKER_GRID = 'w-full grid grid-cols-3 sm:grid-cols-5 gap-3 max-h-[60vh] overflow-y-auto p-1'


async def people_page():
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    view = PeopleView(actor)
    await view.refresh()


async def person_page(person_id: str):
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    try:
        person = await people.get_person(runtime.current(), actor, uuid.UUID(person_id))
    except (ValueError, HearthError):
        return RedirectResponse('/people')
    PersonPage(actor, person)


class PeopleView:
    def __init__(self, actor: Actor):
        self.actor, self.hearth = actor, runtime.current()
        self.hidden = False
        with frame(actor, 'People', current='/people'), ui.column().classes('w-full p-3 sm:p-4 gap-4'):
            with ui.row().classes('w-full items-center gap-2'):
                self.title = ui.label('People').classes('text-2xl font-semibold')
                self.count = ui.label().classes('text-stone-500').mark('people-count')
                ui.space()
                self.switch = ui.button('Hidden people', on_click=self.toggle_hidden).props('flat no-caps')
                self.switch.mark('toggle-hidden')
            self.content = ui.column().classes('w-full gap-4')

    async def toggle_hidden(self) -> None:
        self.hidden = not self.hidden
        self.title.text = 'Hidden people' if self.hidden else 'People'
        self.switch.text = 'Back to people' if self.hidden else 'Hidden people'
        await self.refresh()

    async def refresh(self) -> None:
        found = await people.list_people(self.hearth, self.actor, hidden=self.hidden)
        self.count.text = (f'{len(found)} people' if len(found) != 1 else '1 person') if found else ''
        self.content.clear()
        with self.content:
            if not found:
                _nobody_hidden() if self.hidden else _empty_state()
                return
            with ui.element('div').classes(GRID).props('data-testid=people-grid'):
                for person in found:
                    self._card(person)

    def _card(self, person: PersonView) -> None:
        with ui.column().classes('items-center gap-1 min-w-0').mark(f'person-{person.id}'):
            with ui.link(target=f'/people/{person.id}').classes('block w-full no-underline'):
                face(person, 'w-full aspect-square rounded-full')
            label = ui.label(person.name or 'Add a name').classes(
                'font-medium truncate max-w-full cursor-pointer ' + ('' if person.name else 'text-amber-800')
            )
            label.on('click', lambda p=person: self.rename(p)).mark(f'name-{person.id}')
            with ui.row().classes('items-center gap-0 no-wrap'):
                ui.label(plural(person.photo_count, 'photo')).classes('text-sm text-stone-500')
                icon, action = ('visibility', 'Show again') if person.hidden else ('visibility_off', 'Hide')
                ui.button(icon=icon, on_click=lambda p=person: self.set_hidden(p, not p.hidden)).props(
                    f'flat round dense size=sm aria-label="{action} {person.name or "this person"}"'
                ).mark(f'hide-{person.id}')

    async def set_hidden(self, person: PersonView, hidden: bool) -> None:
        await people.set_hidden(self.hearth, self.actor, person.id, hidden)
        ui.notify(f'{person.name or "Person"} hidden' if hidden else f'{person.name or "Person"} shown again')
        await self.refresh()

    async def rename(self, person: PersonView) -> None:
        if await name_person(self.actor, person, self.refresh):
            await self.refresh()


async def name_person(actor: Actor, person: PersonView, after_undo: Callable[[], Awaitable[None]]) -> bool:
    """Ask for the person's name; when another of my people already has it, offer to merge them (with undo).
    True when something changed."""
    hearth = runtime.current()
    name = await ask(TextDialog('Name this person', 'Name', person.name or '', action='Save'))
    if name is None:
        return False
    namesake = next(
        (
            other
            for other in await people.peers_of(hearth, actor, person)
            if other.name and other.name.casefold() == name.strip().casefold()
        ),
        None,
    )
    if namesake and await confirm(
        f'Is this {namesake.name}?', f'You already have a person named {namesake.name}.', 'Same person', danger=False
    ):
        await merge_into(actor, namesake, [person], after_undo)
        return True
    try:
        await people.rename_person(hearth, actor, person.id, name)
    except HearthError as error:
        ui.notify(str(error), type='negative')
        return False
    ui.notify(
        'Every member of the space sees this name' if person.space_id else 'Only you see the names you give',
        type='positive',
    )
    return True


async def merge_into(
    actor: Actor, person: PersonView, others: list[PersonView], after_undo: Callable[[], Awaitable[None]]
) -> PersonView:
    """Merge the others into the person, offering to undo it for a while."""
    hearth = runtime.current()
    merged = await people.merge_people(hearth, actor, person.id, [other.id for other in others])

    async def undo() -> None:
        for other in others:
            await people.undo_merge(hearth, actor, other.id)
        ui.notify('Merge undone')
        await after_undo()

    what = plural(len(others), 'person') if len(others) > 1 else (others[0].name or 'That person')
    undo_notice(f'{what} merged into {person.name or "this person"}', undo)
    return merged


class PersonPage:
    """One person of my library or of a space: their name and cover, merging, their faces to correct (for who may),
    and the timeline of their photos (a space's person: in the space)."""

    def __init__(self, actor: Actor, person: PersonView):
        self.actor, self.hearth, self.person = actor, runtime.current(), person
        self.chosen_faces: set[uuid.UUID] = set()
        self.faces_shown = FACES_SHOWN
        space = person.space_id
        self.back = f'/spaces/{space}' if space else '/people'
        with frame(actor, person.name or 'Unnamed person', current='/spaces' if space else '/people'):
            with ui.column().classes('w-full px-3 sm:px-4 pt-3 gap-3'):
                self.header = ui.row().classes('w-full items-center gap-1 sm:gap-3 no-wrap')
                self.faces_panel = ui.column().classes('w-full gap-2').mark('faces-panel')
                self.faces_panel.visible = False
            api_base = f'/api/spaces/{space}/timeline' if space else '/api/timeline'
            self.grid = TimelineGrid(api_base, query={'person': [str(person.id)]}).classes('w-full')
            self.grid.style('height: calc(100vh - 150px)').mark('person-photos')
            context = f'space={space}' if space else f'person={person.id}'
            self.grid.on('open', lambda event: ui.navigate.to(f'/photo/{event.args["id"]}?{context}'))
        self._header()

    def _header(self) -> None:
        person = self.person
        self.header.clear()
        with self.header:
            ui.button(icon='arrow_back', on_click=lambda: ui.navigate.to(self.back)).props(
                'flat round dense aria-label="Back"'
            )
            face(person, 'w-12 h-12 sm:w-14 sm:h-14 rounded-full shrink-0')
            with ui.column().classes('gap-0 min-w-0 flex-1'):
                title = ui.label(person.name or ('Add a name' if person.editable else 'Unnamed person'))
                title.classes('text-xl sm:text-2xl font-semibold truncate max-w-full').mark('person-name')
                count = ui.label(plural(person.photo_count, 'photo')).classes('text-stone-500 whitespace-nowrap')
                count.mark('person-count')
            if person.editable:
                title.classes('cursor-pointer').on('click', self.rename)
                _action('edit', 'Name', self.rename, 'rename-person')
                _action('call_merge', 'Merge', self.merge, 'merge-person')
                _action('face_retouching_natural', 'Faces', self.toggle_faces, 'review-faces')

    async def reload(self) -> None:
        try:
            self.person = await people.get_person(self.hearth, self.actor, self.person.id)
        except HearthError:
            ui.navigate.to(self.back)
            return
        self._header()
        self.grid.reload()
        if self.faces_panel.visible:
            await self.show_faces()

    async def rename(self) -> None:
        if await name_person(self.actor, self.person, self.reload):
            await self.reload()

    async def merge(self) -> None:
        others = await people.peers_of(self.hearth, self.actor, self.person)
        title = f'Who else is {self.person.name or "this person"}?'
        chosen = await ask(PeoplePicker(title, 'Merge', others))
        if not chosen:
            return
        await merge_into(self.actor, self.person, [other for other in others if other.id in chosen], self.reload)
        await self.reload()

    # ---- faces ---------------------------------------------------------------------------------------------------

    async def toggle_faces(self) -> None:
        self.faces_panel.visible = not self.faces_panel.visible
        if self.faces_panel.visible:
            await self.show_faces()

    async def show_faces(self) -> None:
        found = await people.faces_of(self.hearth, self.actor, self.person.id)
        self.chosen_faces &= {face.id for face in found}
        self.faces_panel.clear()
        with self.faces_panel:
            with ui.row().classes('w-full items-center gap-2'):
                ui.label(f'Faces of {self.person.name or "this person"}').classes('font-medium')
                ui.label(f'· {len(found)}').classes('text-stone-500')
                ui.label('Tap faces to choose them').classes('text-sm text-stone-500 max-sm:hidden')
                ui.space()
                self.face_actions = ui.row().classes('items-center gap-1')
            with ui.element('div').classes('w-full grid grid-cols-5 sm:grid-cols-8 lg:grid-cols-12 gap-2'):
                self.face_tiles = {face.id: self._face_tile(face) for face in found[: self.faces_shown]}
            if len(found) > self.faces_shown:
                ui.button('Show more faces', on_click=self._more_faces).props('flat no-caps').mark('more-faces')
        self._face_actions()

    def _face_tile(self, found: FaceView) -> ui.element:
        selected = CHOSEN if found.id in self.chosen_faces else ''
        tile = ui.element('div').classes(f'aspect-square rounded-full overflow-hidden cursor-pointer {selected}')
        with tile:
            ui.element('img').props(f'src=/api/faces/{found.id}/thumbnail alt="" loading=lazy').classes(
                'w-full h-full object-cover'
            )
        tile.on('click', lambda face_id=found.id: self._choose_face(face_id)).mark(f'face-{found.id}')
        return tile

    async def _more_faces(self) -> None:
        self.faces_shown += FACES_SHOWN
        await self.show_faces()

    def _choose_face(self, face_id: uuid.UUID) -> None:
        self.chosen_faces ^= {face_id}
        tile = self.face_tiles[face_id]
        (tile.classes(add=CHOSEN) if face_id in self.chosen_faces else tile.classes(remove=CHOSEN))
        self._face_actions()

    def _face_actions(self) -> None:
        self.face_actions.clear()
        count = len(self.chosen_faces)
        with self.face_actions:
            if not count:
                return
            ui.label(f'{count} chosen').classes('text-sm font-medium mr-1').mark('faces-chosen')
            if count == 1:
                _action('account_circle', 'Cover', self.use_as_cover, 'use-as-cover')
            _action('drive_file_move', 'Move to…', self.move_faces, 'move-faces')
            _action('person_remove', f'Not {self.person.name or "this person"}', self.not_this_person, 'not-person')

    async def use_as_cover(self) -> None:
        [face_id] = self.chosen_faces
        await people.update_person(self.hearth, self.actor, self.person.id, cover_face_id=face_id)
        self.chosen_faces.clear()
        ui.notify('Cover changed', type='positive')
        await self.reload()

    async def move_faces(self) -> None:
        others = await people.peers_of(self.hearth, self.actor, self.person)
        chosen = await ask(PeoplePicker('Whose faces are these?', 'Move', others, multiple=False))
        if chosen:
            [target] = chosen
            await self._move(target, next(other.name for other in others if other.id == target) or 'that person')

    async def not_this_person(self) -> None:
        await self._move(None, 'nobody')

    async def _move(self, target: uuid.UUID | None, to_whom: str) -> None:
        moved = await people.move_faces(self.hearth, self.actor, self.person.id, self.chosen_faces, target)
        self.chosen_faces.clear()
        ui.notify(f'{plural(moved, "face")} moved to {to_whom}', type='positive')
        await self.reload()


class PeoplePicker(ui.dialog):
    """Choose among my people by face and name: several (resolves to their ids when confirmed), or with `multiple`
    off one (resolves at the first tap). None when cancelled."""

    def __init__(
        self,
        title: str,
        action: str,
        choices: list[PersonView],
        chosen: Collection[uuid.UUID] = (),
        multiple: bool = True,
    ):
        super().__init__()
        self.multiple, self.chosen, self.tiles = multiple, set(chosen), {}
        with self, ui.card().classes('w-[40rem] max-w-full gap-3').props('data-testid=people-picker'):
            ui.label(title).classes('text-lg font-semibold')
            if not choices:
                ui.label('No other people yet.').classes('text-stone-500')
            with ui.element('div').classes(
                'w-full grid grid-cols-3 sm:grid-cols-5 gap-3 max-h-[60vh] overflow-y-auto p-1'
            ):
                for person in choices:
                    self.tiles[person.id] = self._tile(person)
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
                if multiple:
                    self.ok = ui.button(action, on_click=lambda: self.submit(list(self.chosen)))
                    self.ok.props('unelevated color=primary').mark('picker-ok')

    def _tile(self, person: PersonView) -> ui.element:
        with ui.column().classes('items-center gap-1 min-w-0 cursor-pointer') as tile:
            face(person, 'w-full aspect-square rounded-full ' + (CHOSEN if person.id in self.chosen else ''))
            ui.label(person.name or 'Unnamed').classes('text-sm truncate max-w-full')
        tile.on('click', lambda person_id=person.id: self._choose(person_id)).mark(f'pick-{person.id}')
        return tile

    def _choose(self, person_id: uuid.UUID) -> None:
        if not self.multiple:
            self.submit([person_id])
            return
        self.chosen ^= {person_id}
        circle = self.tiles[person_id].default_slot.children[0]
        circle.classes(add=CHOSEN) if person_id in self.chosen else circle.classes(remove=CHOSEN)


class PeopleFilter:
    """The timeline's filter by people: a button to choose them and a chip for each chosen one. `on_change` gets the
    chosen people (photos with all of them are shown)."""

    def __init__(self, actor: Actor, on_change: Callable[[list[PersonView]], None]):
        self.actor, self.on_change, self.chosen = actor, on_change, []
        self.button = _action('face', 'People', self.choose, 'filter-people')
        self.chips = ui.row().classes('items-center gap-1').mark('people-chips')

    async def choose(self) -> None:
        choices = await people.list_people(runtime.current(), self.actor)
        if not choices:
            ui.notify('No people yet: Hearth groups faces once a person is in three photos')
            return
        already = [person.id for person in self.chosen]
        chosen = await ask(PeoplePicker('Photos with…', 'Show', choices, already))
        if chosen is not None:
            self._set([person for person in choices if person.id in chosen])

    def _set(self, chosen: list[PersonView]) -> None:
        self.chosen = chosen
        self.chips.clear()
        with self.chips:
            for person in chosen:
                with ui.row().classes('items-center gap-1 no-wrap bg-amber-50 rounded-full pl-1 pr-0 py-0.5'):
                    face(person, 'w-6 h-6 rounded-full')
                    ui.label(person.name or 'Unnamed').classes('text-sm max-w-[8rem] truncate')
                    ui.button(icon='close', on_click=lambda p=person: self._remove(p)).props(
                        f'flat round dense size=xs aria-label="Stop filtering by {person.name or "this person"}"'
                    ).mark(f'unfilter-{person.id}')
        self.on_change(chosen)

    def _remove(self, person: PersonView) -> None:
        self._set([other for other in self.chosen if other.id != person.id])


def _action(icon: str, label: str, handler, marker: str) -> ui.button:
    """A flat button: icon and label from tablets up, the icon alone on phones."""
    button = ui.button(icon=icon, on_click=handler).props(f'flat no-caps aria-label="{label}"').mark(marker)
    with button.classes('max-sm:px-2'):
        ui.label(label).classes('ml-1 max-sm:hidden')
    return button


def face(person: PersonView, classes: str) -> None:
    with ui.element('div').classes(f'{classes} overflow-hidden bg-stone-100 flex items-center justify-center'):
        if person.cover_face_id:
            ui.element('img').props(
                f'src=/api/faces/{person.cover_face_id}/thumbnail alt="{person.name or "Unnamed person"}" loading=lazy'
            ).classes('w-full h-full object-cover')
        else:
            ui.icon('face').classes('text-4xl text-stone-300')


def _nobody_hidden() -> None:
    with ui.column().classes('w-full items-center py-16 gap-2 text-center').mark('people-empty'):
        ui.label('Nobody is hidden').classes('text-lg font-medium')
        ui.label('People you hide leave your People page; their photos stay in your library.').classes(
            'text-stone-500 max-w-md'
        )


def _empty_state() -> None:
    with ui.column().classes('w-full items-center py-16 gap-2 text-center').mark('people-empty'):
        ui.icon('face').classes('text-6xl text-stone-300')
        ui.label('No people yet').classes('text-lg font-medium')
        ui.label(
            'Hearth looks for faces in your photos in the background and groups them once a person is in three of them.'
        ).classes('text-stone-500 max-w-md')
