"""People of my library (SPEC §7): faces grouped into people, named by me for me; a person's photos."""

import uuid

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import HearthError
from services import people, runtime
from services.accounts import Actor
from services.people import PersonView
from ui.albums import TextDialog
from ui.frame import frame
from ui.session import require_sign_in
from ui.theme import ask, plural

GRID = 'w-full grid grid-cols-3 sm:grid-cols-4 md:grid-cols-6 xl:grid-cols-8 gap-x-3 gap-y-4'


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
        name = await ask(TextDialog('Name this person', 'Name', person.name or '', action='Save'))
        if name is None:
            return
        try:
            await people.rename_person(self.hearth, self.actor, person.id, name)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        ui.notify('Only you see the names you give', type='positive')
        await self.refresh()


class PersonPage:
    """One person's photos, newest first."""

    def __init__(self, actor: Actor, person: PersonView):
        self.actor, self.hearth, self.person = actor, runtime.current(), person
        title = person.name or 'Unnamed person'
        with frame(actor, title, current='/people'), ui.column().classes('w-full p-3 sm:p-4 gap-4'):
            with ui.row().classes('w-full items-center gap-3 no-wrap'):
                ui.button(icon='arrow_back', on_click=lambda: ui.navigate.to('/people')).props(
                    'flat round aria-label="Back to people"'
                )
                face(person, 'w-14 h-14 rounded-full shrink-0')
                with ui.column().classes('gap-0 min-w-0'):
                    ui.label(title).classes('text-2xl font-semibold truncate').mark('person-name')
                    ui.label(plural(person.photo_count, 'photo')).classes('text-stone-500')
            self.photos = (
                ui.element('div')
                .classes('w-full grid grid-cols-3 sm:grid-cols-4 md:grid-cols-6 xl:grid-cols-8 gap-1')
                .props('data-testid=person-photos')
            )
        ui.timer(0, self.load, once=True)

    async def load(self) -> None:
        asset_ids = await people.photos_of(self.hearth, self.actor, self.person.id)
        with self.photos:
            for asset_id in asset_ids:
                with ui.link(target=f'/photo/{asset_id}').classes('block aspect-square bg-stone-100'):
                    ui.element('img').props(f'src=/api/assets/{asset_id}/thumbnail alt="" loading=lazy').classes(
                        'w-full h-full object-cover'
                    )


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
