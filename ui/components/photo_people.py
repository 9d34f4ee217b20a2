""" "In this photo": the faces of the photo in the viewer, each with the name I know them by. Tapping a face lets me
say who it is (one of my people, or a new name); "Add someone" lets me draw a box around someone Hearth missed and
name them. Who may name them is the services' decision; this only offers what they allow."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nicegui import ui

from domain.faces import Box, box_problem
from services import faces, people, runtime
from services.accounts import Actor
from services.assets import AssetView
from services.faces import FaceView
from services.people import PersonView
from ui.theme import ask, attempt, confirm

MAX_CHOICES = 8
BOX_COLOUR = '#f59e0b'


@dataclass(frozen=True)
class Who:
    """The answer of the "Who is this?" dialog: a person, a new name, "not them", or "remove this face"."""

    person_id: uuid.UUID | None = None
    name: str | None = None
    not_them: bool = False
    remove: bool = False


class PhotoPeople:
    """The "In this photo" row of the viewer's details panel. `with_dialog` awaits a dialog while the viewer's own
    keys wait."""

    def __init__(
        self,
        actor: Actor,
        asset: AssetView,
        space_id: uuid.UUID | None,
        with_dialog: Callable[[Awaitable], Awaitable],
    ):
        self.actor, self.asset, self.space_id, self.with_dialog = actor, asset, space_id, with_dialog
        self.hearth = runtime.current()
        self.container = ui.column().classes('w-full gap-2').mark('photo-people')
        self.container.props('data-testid=photo-people')
        ui.timer(0, self.load, once=True)

    async def load(self) -> None:
        found = await attempt(faces.faces_in_asset(self.hearth, self.actor, self.asset.id, self.space_id))
        may_name = await attempt(faces.may_name_people(self.hearth, self.actor, self.asset.id, self.space_id))
        if self.container.is_deleted or found is None:
            return
        self.container.clear()
        if not found and not may_name:
            return
        with self.container:
            with ui.row().classes('w-full items-center gap-2'):
                ui.icon('group').classes('text-xl text-stone-500')
                ui.label('In this photo').classes('text-sm font-semibold')
            with ui.row().classes('w-full gap-3 items-start'):
                for face in found:
                    self._face(face)
                if may_name and not self.asset.trashed_at:
                    self._add_button()

    def _face(self, face: FaceView) -> None:
        named = face.name is not None
        tile = ui.column().classes('items-center gap-1 w-16 cursor-pointer select-none')
        tile.props(f'role=button tabindex=0 aria-label="{face.name or "Add a name"}" data-testid=photo-face')
        with tile.mark('photo-face'):
            ring = 'ring-2 ring-amber-500' if face.added_by_hand else ''
            crop = ui.element('img').classes(f'w-14 h-14 rounded-full object-cover bg-stone-200 {ring}')
            crop.props(f'src=/api/faces/{face.id}/thumbnail alt="" draggable=false')
            label = ui.label(face.name or ('Add a name' if face.can_name else 'Unknown'))
            label.classes('text-xs text-center leading-tight line-clamp-2 w-full break-words')
            label.classes('' if named else 'text-primary italic' if face.can_name else 'text-stone-500')
            label.mark('photo-face-name')
        if face.can_name:
            tile.on('click', lambda: self.choose(face))
            tile.on('keydown.enter', lambda: self.choose(face))

    def _add_button(self) -> None:
        with ui.column().classes('items-center gap-1 w-16'):
            ui.button(icon='person_add', on_click=self.add_someone).props(
                'round unelevated color=grey-3 text-color=grey-9 size=lg aria-label="Add someone"'
                ' data-testid=photo-add-someone'
            ).mark('photo-add-someone')
            ui.label('Add someone').classes('text-xs text-center leading-tight text-stone-600')

    # ---- naming ----------------------------------------------------------------------------------------------------

    async def choose(self, face: FaceView) -> None:
        """Ask who this face is, and say so."""
        choices = await attempt(people.people_to_choose(self.hearth, self.actor, self.asset.id, self.space_id))
        if choices is None:
            return
        who = await self.with_dialog(ask(WhoDialog(face.id, choices, face)))
        if who is None:
            return
        if who.remove:
            await self._remove(face)
        elif who.not_them:
            done = f'{face.name} is no longer named here'
            if await attempt(people.move_faces(self.hearth, self.actor, face.person_id, [face.id], None), done):
                await self.load()
        else:
            await self._name(face.id, who)

    async def _name(self, face_id: uuid.UUID, who: Who) -> None:
        named = people.name_face(self.hearth, self.actor, face_id, who.person_id, who.name, self.space_id)
        person = await attempt(named)
        if person:
            ui.notify(f'Named {person.name}', type='positive')
            await self.load()

    async def _remove(self, face: FaceView) -> None:
        question = confirm(
            'Remove this face?', f'The box around {face.name or "this face"} is taken away from the photo.', 'Remove'
        )
        if not await self.with_dialog(question):
            return
        if await attempt(faces.remove_face(self.hearth, self.actor, face.id), 'Face removed'):
            await self.load()

    # ---- adding someone Hearth missed ------------------------------------------------------------------------------

    async def add_someone(self) -> None:
        box = await self.with_dialog(ask(DrawDialog(self.asset)))
        if box is None:
            return
        choices = await attempt(people.people_to_choose(self.hearth, self.actor, self.asset.id, self.space_id))
        if choices is None:
            return
        who = await self.with_dialog(ask(WhoDialog(None, choices, None)))
        if who is None or who.not_them or who.remove:
            return
        added = faces.add_face(self.hearth, self.actor, self.asset.id, box, who.person_id, who.name, self.space_id)
        face = await attempt(added)
        if face:
            ui.notify(f'Added {face.name}', type='positive')
            await self.load()


class WhoDialog(ui.dialog):
    """Who is this? One of my people (searchable as I type), or a new name. Resolves to a `Who`, or None."""

    def __init__(self, face_id: uuid.UUID | None, choices: list[PersonView], face: FaceView | None):
        super().__init__()
        self.choices = choices
        with self, ui.card().classes('w-[24rem] max-w-full gap-3').mark('who-dialog'):
            with ui.row().classes('w-full no-wrap items-center gap-3'):
                if face_id:
                    crop = ui.element('img').classes('w-14 h-14 rounded-full object-cover shrink-0')
                    crop.props(f'src=/api/faces/{face_id}/thumbnail alt=""')
                ui.label('Who is this?').classes('text-lg font-semibold')
            self.typed = ui.input('Name', placeholder='Type a name').props('outlined autofocus clearable')
            self.typed.classes('w-full').mark('who-name')
            self.typed.on_value_change(lambda: self.matches.refresh())
            self.typed.on('keydown.enter', self._enter)
            self.matches()
            with ui.row().classes('w-full items-center gap-1'):
                if face and face.person_id:
                    ui.button(f'Not {face.name}', on_click=lambda: self.submit(Who(not_them=True))).props(
                        'flat no-caps color=grey-8'
                    ).mark('who-not-them')
                if face and face.can_remove:
                    ui.button('Remove face', on_click=lambda: self.submit(Who(remove=True))).props(
                        'flat no-caps color=negative'
                    ).mark('who-remove')
                ui.space()
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat no-caps').mark('who-cancel')

    def _wanted(self) -> str:
        return ' '.join((self.typed.value or '').split())

    @ui.refreshable_method
    def matches(self) -> None:
        wanted = self._wanted()
        shown = [person for person in self.choices if wanted.casefold() in person.name.casefold()][:MAX_CHOICES]
        with ui.column().classes('w-full gap-1 max-h-72 overflow-y-auto'):
            if wanted and not any(person.name.casefold() == wanted.casefold() for person in self.choices):
                ui.button(f'Add “{wanted}”', icon='person_add', on_click=lambda: self.submit(Who(name=wanted))).props(
                    'unelevated no-caps color=primary align=left'
                ).classes('w-full').mark('who-new')
            for person in shown:
                self._person(person)
            if not shown and not wanted:
                ui.label('Type their name').classes('text-sm text-stone-500')

    def _person(self, person: PersonView) -> None:
        row = ui.item(on_click=lambda: self.submit(Who(person_id=person.id))).classes('w-full rounded-lg')
        with row.props('clickable dense').mark('who-person'):
            with ui.item_section().props('avatar'):
                if person.cover_face_id:
                    crop = ui.element('img').classes('w-10 h-10 rounded-full object-cover')
                    crop.props(f'src=/api/faces/{person.cover_face_id}/thumbnail alt=""')
                else:
                    ui.icon('person').classes('text-3xl text-stone-400')
            with ui.item_section():
                ui.item_label(person.name)
                ui.item_label(f'{person.photo_count} photo{"s" if person.photo_count != 1 else ""}').props('caption')

    def _enter(self) -> None:
        wanted = self._wanted()
        same = [person for person in self.choices if person.name.casefold() == wanted.casefold()]
        if same:
            self.submit(Who(person_id=same[0].id))
        elif wanted:
            self.submit(Who(name=wanted))


class DrawDialog(ui.dialog):
    """The photo, on which I drag a box around a face (mouse or finger). Resolves to the `Box`, or None."""

    def __init__(self, asset: AssetView):
        super().__init__()
        self.start: tuple[float, float] | None = None
        self.box: Box | None = None
        self.size = (asset.width or 1, asset.height or 1)
        self.props('maximized')
        with self, ui.card().classes('w-full h-full items-center gap-2 p-2 sm:p-4').mark('draw-dialog'):
            with ui.row().classes('w-full items-center no-wrap gap-2'):
                ui.label('Drag a box around their face').classes('text-lg font-semibold flex-1 min-w-0')
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat no-caps').mark('draw-cancel')
                self.next = ui.button('Next', on_click=self._done).props('unelevated no-caps color=primary')
                self.next.mark('draw-next').disable()
            # As wide as the screen allows while the whole photo fits under the title.
            width = f'min(100%, calc((100dvh - 7rem) * {self.size[0] / self.size[1]:.4f}))'
            self.image = ui.interactive_image(
                f'/api/assets/{asset.id}/preview?r={asset.rotation}',
                events=['pointerdown', 'pointermove', 'pointerup'],
                size=self.size,
            ).style(f'width: {width}; touch-action: none; cursor: crosshair')
            self.image.mark('draw-image').props('data-testid=draw-image')
            self.image.on('mouse', self._pointer)  # not throttled: a throttle may swallow the pointerdown
            self.image.on('loaded', self._loaded)
            self.hint = ui.label('Start at one corner of the face and drag to the opposite corner').classes(
                'text-sm text-stone-500'
            )

    def _pointer(self, event) -> None:
        args = event.args
        width, height = self._image_size()
        point = (args['image_x'] / width, args['image_y'] / height)
        kind = args['mouse_event_type']
        if kind == 'pointerdown' or (self.start is None and args.get('buttons')):
            self.start = point
        elif self.start and (kind == 'pointerup' or args.get('buttons')):
            self.show_box(Box(*_corners(self.start, point)))
            if kind == 'pointerup':
                self.start = None

    def _loaded(self, event) -> None:
        """Pointer positions and the drawing are in the preview's own pixels once it is in."""
        self.size = (event.args['width'], event.args['height'])
        if self.box:
            self.show_box(self.box)

    def _image_size(self) -> tuple[float, float]:
        return self.size

    def show_box(self, box: Box) -> None:
        """Show the box drawn so far (also what tests call, as a finger would draw it)."""
        self.box = box
        width, height = self._image_size()
        self.image.content = (
            f'<rect x="{box.x * width}" y="{box.y * height}" width="{box.width * width}" height="{box.height * height}"'
            f' fill="none" stroke="{BOX_COLOUR}" stroke-width="{max(width, height) / 200:.1f}" rx="4" />'
        )
        problem = box_problem(box)
        self.hint.text = problem or 'Press Next to say who this is'
        self.next.enabled = problem is None

    def _done(self) -> None:
        if self.box and box_problem(self.box) is None:
            self.submit(self.box)


def _corners(start: tuple[float, float], end: tuple[float, float]) -> tuple[float, float, float, float]:
    """The box between two corners dragged in any direction, kept inside the photo."""
    left, right = sorted(min(max(value, 0.0), 1.0) for value in (start[0], end[0]))
    top, bottom = sorted(min(max(value, 0.0), 1.0) for value in (start[1], end[1]))
    return left, top, right - left, bottom - top
