"""Shared Spaces: the list of mine, the dialog that creates and edits one, and "Add to space" for my own photos."""

import uuid
from collections.abc import Collection, Sequence

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import HearthError
from domain.spaces import DEFAULT_COLOR, SpaceAction
from services import runtime, spaces
from services.accounts import Actor
from services.spaces import SpaceSummary
from ui.components.avatar import person_avatar
from ui.frame import frame
from ui.session import require_sign_in
from ui.theme import ask, plural

SWATCHES = ('#b45309', '#b91c1c', '#be185d', '#7c3aed', '#1d4ed8', '#0e7490', '#15803d', '#4d7c0f', '#57534e')
MAX_AVATARS = 4


async def spaces_page():
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    page = SpacesView(actor)
    await page.refresh()


class SpacesView:
    def __init__(self, actor: Actor):
        self.actor, self.hearth = actor, runtime.current()
        with frame(actor, 'Spaces', current='/spaces'), ui.column().classes('w-full p-3 sm:p-4 gap-4'):
            with ui.row().classes('w-full items-center gap-2'):
                ui.label('Spaces').classes('text-2xl font-semibold')
                self.count = ui.label().classes('text-stone-500').mark('space-count')
                ui.space()
                ui.button('New space', icon='add', on_click=self.new_space).props(
                    'unelevated color=primary data-testid=new-space'
                ).mark('new-space')
            self.content = ui.column().classes('w-full gap-4')

    async def refresh(self) -> None:
        mine = await spaces.list_spaces(self.hearth, self.actor)
        self.count.text = plural(len(mine), 'space') if mine else ''
        self.content.clear()
        with self.content:
            if not mine:
                _empty_state(self.new_space)
                return
            grid = 'w-full grid grid-cols-1 min-[480px]:grid-cols-2 lg:grid-cols-3 2xl:grid-cols-4 gap-x-4 gap-y-5'
            with ui.element('div').classes(grid).props('data-testid=space-grid'):
                for space in mine:
                    _space_card(space)

    async def new_space(self) -> None:
        values = await ask(SpaceDialog('New space', action='Create'))
        if values is None:
            return
        try:
            space = await spaces.create_space(self.hearth, self.actor, **values)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        ui.navigate.to(f'/spaces/{space.id}')


def _empty_state(on_new) -> None:
    with ui.column().classes('w-full items-center py-16 gap-2 text-center max-w-xl self-center'):
        ui.icon('diversity_3').classes('text-6xl text-stone-300')
        ui.label('No spaces yet').classes('text-lg font-medium').mark('empty-title')
        ui.label(
            'A space is one shared timeline for a trip, a wedding or the whole family. Everyone who was there adds '
            'photos from their own library, and everyone sees them all, in order — nothing is copied.'
        ).classes('text-stone-500')
        ui.button('New space', icon='add', on_click=on_new).props('unelevated color=primary')


def _space_card(space: SpaceSummary) -> None:
    link = ui.link(target=f'/spaces/{space.id}').classes('no-underline text-stone-800 block min-w-0')
    with link.mark(f'space-card-{space.id}').props('data-testid=space-card'):
        with ui.element('div').classes('relative'):
            cover(space, 'aspect-[4/3] w-full rounded-xl')
            if space.new_count:
                ui.label(f'{space.new_count} new').classes(
                    'absolute top-2 left-2 rounded-full bg-primary text-white text-xs font-semibold px-2.5 py-1 shadow'
                ).mark(f'space-new-{space.id}').props('data-testid=space-new-badge')
        with ui.row().classes('w-full items-center no-wrap gap-2 mt-2'):
            ui.label(space.name).classes('font-medium truncate flex-1 min-w-0')
            member_avatars(space.member_names, size='sm')
        ui.label(plural(space.asset_count, 'item')).classes('text-sm text-stone-500')


def cover(space: SpaceSummary, classes: str) -> None:
    """The cover photo, or a tint of the space's colour when it holds nothing yet."""
    box = ui.element('div').classes(f'{classes} overflow-hidden flex items-center justify-center')
    with box:
        if space.cover_asset_id:
            ui.element('img').props(
                f'src=/api/assets/{space.cover_asset_id}/thumbnail alt="Cover of {space.name}" loading=lazy'
            ).classes('w-full h-full object-cover')
        else:
            box.style(f'background: {space.color}26')  # the colour at 15 % opacity
            ui.icon('diversity_3').classes('text-5xl').style(f'color: {space.color}')


def member_avatars(names: Sequence[str], size: str = 'md') -> None:
    """Overlapping initials of the first members, then "+N" for the rest."""
    with ui.row().classes('items-center no-wrap gap-0 shrink-0').mark('member-avatars'):
        for name in names[:MAX_AVATARS]:
            person_avatar(name, size).classes('-ml-1.5 first:ml-0 ring-2 ring-white').tooltip(name)
        if len(names) > MAX_AVATARS:
            rest = f'+{len(names) - MAX_AVATARS}'
            person_avatar(rest, size, text=rest, color='stone-500').classes('-ml-1.5 ring-2 ring-white')


class SpaceDialog(ui.dialog):
    """Name, description and colour of a space; resolves to them as service keyword arguments, or None."""

    def __init__(self, title: str, space: SpaceSummary | None = None, action: str = 'Save'):
        super().__init__()
        self.color = space.color if space else DEFAULT_COLOR
        with self, ui.card().classes('w-[30rem] max-w-full gap-3').props('data-testid=space-dialog'):
            ui.label(title).classes('text-lg font-semibold')
            self.name = (
                ui.input('Name', value=space.name if space else '', placeholder='Summer in Brittany')
                .props('outlined autofocus')
                .classes('w-full')
                .mark('space-name')
            )
            self.description = (
                ui.textarea('Description (optional)', value=(space.description or '') if space else '')
                .props('outlined autogrow')
                .classes('w-full')
                .mark('space-description')
            )
            ui.label('Colour').classes('text-sm text-stone-500')
            self.swatches = ui.row().classes('gap-2')
            self._render_swatches()
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
                ui.button(action, on_click=self._done).props('unelevated color=primary data-testid=space-save').mark(
                    'space-save'
                )

    def _render_swatches(self) -> None:
        self.swatches.clear()
        choices = SWATCHES if self.color in SWATCHES else (*SWATCHES, self.color)
        with self.swatches:
            for color in choices:
                chosen = color == self.color
                ui.button(icon='check' if chosen else None, on_click=lambda color=color: self._pick(color)).props(
                    f'round unelevated size=sm text-color=white aria-label="Colour {color}" aria-pressed={chosen}'
                ).style(f'background: {color} !important').mark(f'swatch-{color}')

    def _pick(self, color: str) -> None:
        self.color = color
        self._render_swatches()

    def _done(self) -> None:
        name = (self.name.value or '').strip()
        if not name:
            ui.notify('Give the space a name', type='warning')
            return
        self.submit({'name': name, 'description': self.description.value or '', 'color': self.color})


# ---- putting my photos in a space -----------------------------------------------------------------------------------


async def add_to_space(actor: Actor, asset_ids: Collection[uuid.UUID]) -> bool:
    """Ask which space and add the photos (my own only: the service says so otherwise); True when they went in."""
    hearth, ids = runtime.current(), list(asset_ids)
    choices = [space for space in await spaces.list_spaces(hearth, actor) if SpaceAction.ADD_ASSETS in space.actions]
    choice = await ask(AddToSpaceDialog(choices, len(ids)))
    if choice is None:
        return False
    name = next(space.name for space in choices if space.id == choice)
    try:
        added = await spaces.add_assets(hearth, actor, choice, ids)
    except HearthError as error:
        ui.notify(str(error), type='negative')
        return False
    ui.notify(f'{plural(added, "item")} added to {name}' if added else f'Already in {name}', type='positive')
    return True


class AddToSpaceDialog(ui.dialog):
    """Pick a space I may add to; resolves to its id, or None."""

    def __init__(self, choices: list[SpaceSummary], count: int):
        super().__init__()
        with self, ui.card().classes('w-[28rem] max-w-full gap-3').props('data-testid=add-to-space-dialog'):
            ui.label(f'Add {plural(count, "item")} to a space').classes('text-lg font-semibold')
            if not choices:
                ui.label('You are in no space where you may add photos. Create one on the Spaces page.').classes(
                    'text-stone-500'
                )
            with ui.list().props('separator').classes('w-full max-h-80 overflow-y-auto'):
                for space in choices:
                    self._choice(space)
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')

    def _choice(self, space: SpaceSummary) -> None:
        item = ui.item(on_click=lambda: self.submit(space.id)).props('clickable')
        with item.mark(f'space-option-{space.id}').classes('px-1 gap-3'):
            with ui.item_section().props('avatar'):
                cover(space, 'w-12 h-12 rounded-lg')
            with ui.item_section():
                ui.item_label(space.name)
                ui.item_label(f'{plural(space.asset_count, "item")} · {plural(space.member_count, "member")}').props(
                    'caption'
                )
