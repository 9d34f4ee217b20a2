"""People of my library (SPEC §7): faces grouped into people, named, merged and corrected by me for me; a person's
photos on the timeline grid; the timeline's people filter."""

import uuid
from collections.abc import Awaitable, Callable, Collection

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import HearthError, NotFound
from domain.identities import MERGED, Link
from services import identities, people, runtime
from services.accounts import Actor
from services.identities import IdentityView, Member
from services.people import FaceView, PersonView
from ui.components.timeline_grid import TimelineGrid
from ui.frame import frame
from ui.session import require_sign_in
from ui.theme import ask, confirm, plural, undo_notice

GRID = 'w-full grid grid-cols-3 sm:grid-cols-4 md:grid-cols-6 xl:grid-cols-8 gap-x-3 gap-y-4'
FACES_SHOWN = 120  # a first screenful to review; "Show more" adds as many again
CHOSEN = 'ring-4 ring-amber-500'
PICKER_GRID = 'w-full grid grid-cols-3 sm:grid-cols-5 gap-3 max-h-[60vh] overflow-y-auto p-1'
SORTS = {'count': 'Most photos', 'name': 'Name'}


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
    PersonPage(actor, person, await _identity_of(actor, person))


async def _identity_of(actor: Actor, person: PersonView) -> IdentityView | None:
    """The real person this person is part of for me; None for a person of a space I keep off my timeline (their
    page is then the space's view alone)."""
    try:
        return await identities.get_identity(runtime.current(), actor, person.id)
    except NotFound:
        return None


class PeopleView:
    def __init__(self, actor: Actor):
        self.actor, self.hearth = actor, runtime.current()
        self.hidden, self.found = False, []
        with frame(actor, 'People', current='/people'), ui.column().classes('w-full p-3 sm:p-4 gap-4'):
            with ui.row().classes('w-full items-center gap-2'):
                self.title = ui.label('People').classes('text-2xl font-semibold')
                self.count = ui.label().classes('text-stone-500').mark('people-count')
                ui.space()
                self.switch = ui.button('Hidden people', on_click=self.toggle_hidden).props('flat no-caps')
                self.switch.mark('toggle-hidden')
            with ui.row().classes('w-full items-center gap-2 no-wrap') as self.tools:
                self.search = ui.input(placeholder='Search by name', on_change=self.show).classes('flex-1 min-w-0')
                self.search.props('outlined dense clearable aria-label="Search people by name"').mark('people-search')
                with self.search.add_slot('prepend'):
                    ui.icon('search')
                self.sort = ui.toggle(SORTS, value='count', on_change=self.show).mark('people-sort')
                self.sort.props('no-caps dense unelevated toggle-color=primary').classes('shrink-0')
            self.content = ui.column().classes('w-full gap-4')

    async def toggle_hidden(self) -> None:
        self.hidden = not self.hidden
        self.title.text = 'Hidden people' if self.hidden else 'People'
        self.switch.text = 'Back to people' if self.hidden else 'Hidden people'
        await self.refresh()

    async def refresh(self) -> None:
        self.found = await identities.list_identities(self.hearth, self.actor, hidden=self.hidden)
        count = len(self.found)
        self.count.text = (f'{count} people' if count != 1 else '1 person') if count else ''
        self.show()

    def show(self) -> None:
        """The cards of the people found whose name holds what is typed, in the order chosen."""
        self.tools.visible = bool(self.found)
        typed = (self.search.value or '').strip()
        shown = _sorted(_named_like(self.found, typed), self.sort.value)
        self.content.clear()
        with self.content:
            if not self.found:
                _nobody_hidden() if self.hidden else _empty_state()
                return
            if not shown:
                _nobody_called(typed)
                return
            with ui.element('div').classes(GRID).props('data-testid=people-grid').mark('people-grid'):
                for identity in shown:
                    self._card(identity)

    def _card(self, identity: IdentityView) -> None:
        """One real person: my name for them (or a space's, saying which), their photos I may see, hide."""
        with ui.column().classes('items-center gap-1 min-w-0').mark(f'person-{identity.id}'):
            with ui.link(target=f'/people/{identity.id}').classes('block w-full no-underline'):
                face(identity, 'w-full aspect-square rounded-full')
            label = ui.label(identity.name or 'Add a name').classes(
                'font-medium truncate max-w-full cursor-pointer ' + ('' if identity.name else 'text-amber-800')
            )
            label.on('click', lambda i=identity: self.rename(i)).mark(f'name-{identity.id}')
            if identity.name_from:
                ui.label(f'named in {identity.name_from}').classes('text-xs text-stone-500 truncate max-w-full -mt-1')
            with ui.row().classes('items-center gap-0 no-wrap'):
                ui.label(plural(identity.photo_count, 'photo')).classes('text-sm text-stone-500')
                if _own(identity):  # hiding is mine to do on my own people
                    icon, action = ('visibility', 'Show again') if identity.hidden else ('visibility_off', 'Hide')
                    ui.button(icon=icon, on_click=lambda i=identity: self.set_hidden(i, not i.hidden)).props(
                        f'flat round dense size=sm aria-label="{action} {identity.name or "this person"}"'
                    ).mark(f'hide-{identity.id}')

    async def set_hidden(self, identity: IdentityView, hidden: bool) -> None:
        for member in _own(identity):
            await people.set_hidden(self.hearth, self.actor, member.id, hidden)
        ui.notify(f'{identity.name or "Person"} hidden' if hidden else f'{identity.name or "Person"} shown again')
        await self.refresh()

    async def rename(self, identity: IdentityView) -> None:
        if await name_identity(self.actor, identity, self.refresh):
            await self.refresh()


def _named_like(found: list[IdentityView], typed: str) -> list[IdentityView]:
    wanted = typed.casefold()
    return [identity for identity in found if wanted in (identity.name or '').casefold()] if wanted else found


def _sorted(found: list[IdentityView], order: str) -> list[IdentityView]:
    """By name A to Z (unnamed last), else as found: most photos first."""
    if order != 'name':
        return found
    return sorted(found, key=lambda identity: (identity.name is None, (identity.name or '').casefold()))


def _own(identity: IdentityView) -> list:
    return [member for member in identity.people if member.space_id is None]


async def name_identity(actor: Actor, identity: IdentityView, after_undo: Callable[[], Awaitable[None]]) -> bool:
    """My name for a real person (written on my own person for them, and on their people of the spaces I choose among
    those where I may name people); when another of my people already has it, offer to merge the two. True when
    something changed."""
    hearth = runtime.current()
    spaces = _nameable_spaces(identity)

    async def peers() -> list[IdentityView]:
        return [other for other in await identities.list_identities(hearth, actor) if other.id != identity.id]

    async def save(name: str, in_spaces: list[uuid.UUID]) -> str:
        await identities.rename(hearth, actor, identity.id, name, in_spaces=in_spaces)
        if not in_spaces:
            return 'Only you see the names you give'
        return f'Also renamed in {", ".join(spaces[space_id] for space_id in in_spaces)}: everyone there sees it'

    return await _ask_name(
        identity.name, peers, lambda namesake: merge_identities(actor, namesake, [identity], after_undo), save, spaces
    )


def _nameable_spaces(identity: IdentityView) -> dict[uuid.UUID, str]:
    """The spaces (id → name) holding one of the identity's people that I may name there."""
    return {m.space_id: m.space_name or 'the space' for m in identity.people if m.space_id and m.can_name}


async def merge_identities(
    actor: Actor, identity: IdentityView, others: list[IdentityView], after_undo: Callable[[], Awaitable[None]]
) -> None:
    """The others are this real person: my own people merge (their faces join), people of spaces are linked for me
    alone; offering to undo it for a while."""
    hearth = runtime.current()
    own_only = all(len(_own(each)) == len(each.people) for each in (identity, *others))
    if own_only:
        await merge_into(actor, identity, others, after_undo)
        return
    await identities.merge(hearth, actor, identity.id, [other.id for other in others])

    async def undo() -> None:
        await identities.undo_merge(hearth, actor, identity.id, [other.id for other in others])
        ui.notify('Merge undone')
        await after_undo()

    undo_notice(_merged_text(identity, others), undo)


async def name_person(actor: Actor, person: PersonView, after_undo: Callable[[], Awaitable[None]]) -> bool:
    """Name one person of my library or of a space; when another of its people already has the name, offer to merge
    them (with undo). True when something changed."""
    hearth = runtime.current()

    async def save(name: str, _: list[uuid.UUID]) -> str:
        await people.rename_person(hearth, actor, person.id, name)
        return 'Every member of the space sees this name' if person.space_id else 'Only you see the names you give'

    return await _ask_name(
        person.name,
        lambda: people.peers_of(hearth, actor, person),
        lambda namesake: merge_into(actor, namesake, [person], after_undo),
        save,
    )


async def _ask_name(current: str | None, peers, merge, save, spaces: dict[uuid.UUID, str] | None = None) -> bool:
    """Ask for a name (and in which of `spaces` to write it too); when one of `peers()` already has it and the member
    says it is them, `merge(namesake)`; else `save(name, space ids)`, which says what naming means. True when
    something changed."""
    answer = await ask(NameDialog(current, spaces or {}))
    if answer is None:
        return False
    name, in_spaces = answer
    wanted = name.strip().casefold()
    namesake = next((other for other in await peers() if other.name and other.name.casefold() == wanted), None)
    if namesake and await confirm(
        f'Is this {namesake.name}?', f'You already have a person named {namesake.name}.', 'Same person', danger=False
    ):
        await merge(namesake)
        return True
    try:
        said = await save(name, in_spaces)
    except HearthError as error:
        ui.notify(str(error), type='negative')
        return False
    ui.notify(said, type='positive')
    return True


class NameDialog(ui.dialog):
    """Asks for a person's name and, for each of `spaces` (id → name), whether to write it there too: resolves to
    (name, chosen space ids), or None when cancelled."""

    def __init__(self, current: str | None, spaces: dict[uuid.UUID, str]):
        super().__init__()
        with self, ui.card().classes('w-[28rem] max-w-full gap-3').props('data-testid=text-dialog'):
            ui.label('Name this person').classes('text-lg font-semibold')
            self.text = ui.input('Name', value=current or '').props('outlined autofocus').classes('w-full')
            self.text.on('keydown.enter', self._done).mark('dialog-text')
            also = 'Also rename in {} (everyone in the space sees it)'
            self.spaces = {
                space_id: ui.checkbox(also.format(name)).mark(f'rename-in-{space_id}')
                for space_id, name in spaces.items()
            }
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
                ui.button('Save', on_click=self._done).props('unelevated color=primary data-testid=dialog-ok').mark(
                    'dialog-ok'
                )

    def _done(self) -> None:
        self.submit((self.text.value or '', [space_id for space_id, box in self.spaces.items() if box.value]))


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

    undo_notice(_merged_text(person, others), undo)
    return merged


def _merged_text(person, others: list) -> str:
    what = plural(len(others), 'person') if len(others) > 1 else (others[0].name or 'That person')
    return f'{what} merged into {person.name or "this person"}'


class PersonPage:
    """One person of my library or of a space: their name and cover, merging, their faces to correct (for who may),
    and the timeline of the real person's photos (a person of a space off my timeline: in the space)."""

    def __init__(self, actor: Actor, person: PersonView, identity: IdentityView | None = None):
        self.actor, self.hearth, self.person, self.identity = actor, runtime.current(), person, identity
        self.chosen_faces: set[uuid.UUID] = set()
        self.faces_shown = FACES_SHOWN
        space = person.space_id
        self.back = f'/spaces/{space}' if space else '/people'
        with frame(actor, person.name or 'Unnamed person', current='/spaces' if space else '/people'):
            with ui.column().classes('w-full px-3 sm:px-4 pt-3 gap-3'):
                self.header = ui.row().classes('w-full items-center gap-1 sm:gap-3 no-wrap')
                self.links = ui.row().classes('w-full items-center gap-2').mark('person-links')
                self.faces_panel = ui.column().classes('w-full gap-2').mark('faces-panel')
                self.faces_panel.visible = False
            # The real person's photos across my timeline (own, partners', spaces'); else the space's alone.
            api_base = f'/api/spaces/{space}/timeline' if space and identity is None else '/api/timeline'
            self.grid = TimelineGrid(api_base, query={'person': [str(person.id)]}).classes('w-full')
            self.grid.style('height: calc(100vh - 150px - var(--hearth-bottom-nav, 0px))').mark('person-photos')
            context = f'space={space}' if space and identity is None else f'person={person.id}'
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
            shown = self.identity or person  # my own person: as the real person, across my library and spaces
            with ui.column().classes('gap-0 min-w-0 flex-1'):
                title = ui.label(shown.name or ('Add a name' if person.editable else 'Unnamed person'))
                title.classes('text-xl sm:text-2xl font-semibold truncate max-w-full').mark('person-name')
                count = ui.label(plural(shown.photo_count, 'photo')).classes('text-stone-500 whitespace-nowrap')
                count.mark('person-count')
                if self.identity and self.identity.name_from:
                    ui.label(f'named in {self.identity.name_from}').classes('text-xs text-stone-500')
            if person.editable:
                title.classes('cursor-pointer').on('click', self.rename)
                _action('edit', 'Name', self.rename, 'rename-person')
                _action('call_merge', 'Merge', self.merge, 'merge-person')
                _action('face_retouching_natural', 'Faces', self.toggle_faces, 'review-faces')
        self._links()

    def _links(self) -> None:
        """The names this real person has elsewhere for me (spaces, or my own library), a "not the same person" for
        each, and why we think they are one."""
        self.links.clear()
        others = [m for m in self.identity.people if m.id != self.person.id] if self.identity else []
        self.links.visible = bool(others)
        with self.links:
            for member in others:
                if member.name:  # an unnamed one adds no name to know them by; the "why" dialog still lists it
                    self._also_known_as(member)
            ui.button('Why we think this is the same person', icon='help_outline', on_click=self.why_linked).props(
                'flat dense no-caps color=primary'
            ).classes('text-sm px-2').mark('why-linked')

    def _also_known_as(self, member: Member) -> None:
        with ui.row().classes('items-center gap-x-3 gap-y-1 bg-stone-100 rounded-xl pl-3 pr-1 py-1'):
            ui.label(f'Also known as {member.name} in {_where(member)}').classes('text-sm').mark('also-known-as')
            ui.button('Not the same person', on_click=lambda: self.split(member)).props(
                'outline rounded dense no-caps color=primary'
            ).classes('text-sm px-3').mark(f'split-{member.id}')

    async def why_linked(self) -> None:
        member = await ask(LinksDialog(self.identity, self.person.id))
        if member:
            await self.split(member)

    async def split(self, member) -> None:
        await identities.split(self.hearth, self.actor, member.id)
        ui.notify(f'{member.name or "That person"} is no longer linked here', type='positive')
        await self.reload()

    async def reload(self) -> None:
        try:
            self.person = await people.get_person(self.hearth, self.actor, self.person.id)
            self.identity = await _identity_of(self.actor, self.person)
        except HearthError:
            ui.navigate.to(self.back)
            return
        self._header()
        self.grid.reload()
        if self.faces_panel.visible:
            await self.show_faces()

    async def rename(self) -> None:
        if self.identity:
            changed = await name_identity(self.actor, self.identity, self.reload)
        else:
            changed = await name_person(self.actor, self.person, self.reload)
        if changed:
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
        await self.reload()
        ui.notify('Cover changed', type='positive')

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
        await self.reload()
        ui.notify(f'{plural(moved, "face")} moved to {to_whom}', type='positive')


class LinksDialog(ui.dialog):
    """Why these people are one real person for me: each of them (where from, how many photos) and each link as a
    sentence. Resolves to the member I say is not the same (not the page's own person), or None."""

    def __init__(self, identity: IdentityView, shown_id: uuid.UUID):
        super().__init__()
        with self, ui.card().classes('w-[32rem] max-w-full gap-3').props('data-testid=links-dialog'):
            ui.label('Why we think this is the same person').classes('text-lg font-semibold')
            with ui.column().classes('w-full gap-1'):
                for member in identity.people:
                    self._member(member, may_split=member.id != shown_id)
            with ui.column().classes('w-full gap-1').mark('link-reasons'):
                for sentence in _link_sentences(identity):
                    ui.label(sentence).classes('text-sm')
            ui.label('Only you see these links; taking someone out changes nothing for anyone else.').classes(
                'text-xs text-stone-500'
            )
            with ui.row().classes('w-full justify-end'):
                ui.button('Close', on_click=lambda: self.submit(None)).props('flat').mark('links-close')

    def _member(self, member: Member, may_split: bool) -> None:
        with ui.row().classes('w-full items-center gap-2 no-wrap'):
            with ui.column().classes('gap-0 min-w-0 flex-1'):
                ui.label(member.name or 'Unnamed').classes('font-medium truncate max-w-full')
                where = f'{_where(member)} · {plural(member.photo_count, "photo")}'
                ui.label(where).classes('text-sm text-stone-500 truncate max-w-full')
            if may_split:
                ui.button('Not the same person', on_click=lambda: self.submit(member)).props(
                    'flat dense no-caps color=primary'
                ).classes('shrink-0').mark(f'why-split-{member.id}')


def _link_sentences(identity: IdentityView) -> list[str]:
    """Each link between the identity's people, the own library's first: 'Dad (your library) and Grandpa (Lake
    trip): 3 faces in common'."""
    members = {member.id: member for member in identity.people}
    rank = {member_id: index for index, member_id in enumerate(members)}
    sentences = []
    for link in identity.links:
        if link.person_id in members and link.other_id in members:
            ends = sorted((link.person_id, link.other_id), key=rank.__getitem__)
            pair = ' and '.join(f'{members[end].name or "Unnamed"} ({_where(members[end])})' for end in ends)
            sentences.append(_because(pair, link))
    return list(dict.fromkeys(sentences))


def _because(pair: str, link: Link) -> str:
    if link.reason == MERGED:
        return f'{pair}: you merged them'
    return f'{pair}: {link.detail or link.reason}'


def _where(member: Member) -> str:
    return member.space_name or 'your library'


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
        choices = await identities.list_identities(runtime.current(), self.actor)
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


def _nobody_called(typed: str) -> None:
    with ui.column().classes('w-full items-center py-16 gap-2 text-center').mark('people-no-match'):
        ui.icon('search_off').classes('text-6xl text-stone-300')
        ui.label(f'No one called “{typed}”').classes('text-lg font-medium break-words max-w-full')
        ui.label('Search looks through names: people without one yet are not found.').classes('text-stone-500 max-w-md')


def _empty_state() -> None:
    with ui.column().classes('w-full items-center py-16 gap-2 text-center').mark('people-empty'):
        ui.icon('face').classes('text-6xl text-stone-300')
        ui.label('No people yet').classes('text-lg font-medium')
        ui.label(
            'Hearth looks for faces in your photos in the background and groups them once a person is in three of them.'
        ).classes('text-stone-500 max-w-md')
