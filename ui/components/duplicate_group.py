"""One group of duplicates as the review page shows it: its copies side by side (a scroller on phones), each with what
tells them apart, the suggested keeper marked, the picked copy ringed, and what to do with the group."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from nicegui import ui

from domain.duplicates import format_name
from services.accounts import Actor
from services.duplicates import CopyView, DuplicateGroup
from ui.components.local_date import LocalDate
from ui.theme import human_size

PICKED = 'ring-4 ring-amber-500'
TILE = 'shrink-0 w-[78%] sm:w-72 snap-start rounded-xl border border-stone-200 bg-white p-2 gap-1 cursor-pointer'


@dataclass(frozen=True)
class ShownCopy:
    id: uuid.UUID
    owner_name: str
    mine: bool
    width: int
    height: int
    size: int
    format: str
    taken_at: datetime
    place: str | None
    albums: tuple[str, ...]
    spaces: tuple[str, ...]
    can_trash: bool
    note: str | None

    @property
    def whose(self) -> str:
        return 'your copy' if self.mine else f"{self.owner_name}'s copy"


@dataclass(frozen=True)
class ShownGroup:
    why: str
    similarity: float
    copies: tuple[ShownCopy, ...]
    keeper_id: uuid.UUID
    keeper_reason: str

    @property
    def ids(self) -> list[uuid.UUID]:
        return [copy.id for copy in self.copies]

    @property
    def suggested(self) -> int:
        return self.ids.index(self.keeper_id)

    def copy_of(self, asset_id: uuid.UUID) -> ShownCopy | None:
        return next((copy for copy in self.copies if copy.id == asset_id), None)


def group_view(group: DuplicateGroup, actor: Actor) -> ShownGroup:
    """The group with its suggested copy first: in view on a phone, and key 1."""
    views = sorted(group.copies, key=lambda view: view.copy.asset_id != group.keeper_id)
    copies = tuple(_shown_copy(view, actor) for view in views)
    return ShownGroup(group.why, group.similarity, copies, group.keeper_id, group.keeper_reason)


def _shown_copy(view: CopyView, actor: Actor) -> ShownCopy:
    copy = view.copy
    return ShownCopy(
        id=copy.asset_id,
        owner_name=copy.owner_name,
        mine=copy.owner_id == actor.id,
        width=copy.width,
        height=copy.height,
        size=copy.file_size,
        format=format_name(copy.mime_type),
        taken_at=copy.taken_at,
        place=copy.place,
        albums=tuple(name for _, name in view.albums),
        spaces=tuple(name for _, name in view.spaces),
        can_trash=view.can_trash,
        note=view.note,
    )


@dataclass(frozen=True)
class GroupActions:
    """What the group's buttons do; `keep` gets the index of the copy to keep."""

    pick: Callable[[int], None]
    keep: Callable[[int], object]
    keep_suggested: Callable[[], object]
    dismiss: Callable[[], object]
    skip: Callable[[], object]


class GroupCard:
    """The group's reason and likeness, its copies as tiles, and its actions."""

    def __init__(self, group: ShownGroup, actions: GroupActions):
        self.group, self.tiles = group, []
        with ui.column().classes('w-full gap-3').mark('duplicate-group').props('data-testid=duplicate-group'):
            with ui.row().classes('items-baseline gap-x-3 gap-y-0 flex-wrap'):
                ui.label(group.why[:1].upper() + group.why[1:]).classes('text-lg font-medium').mark('group-why')
                ui.label(f'{group.similarity:.0%} alike').classes('text-sm text-stone-500').mark('group-similarity')
            row = ui.element('div').classes(
                'w-full flex flex-nowrap sm:flex-wrap gap-3 overflow-x-auto snap-x snap-mandatory p-1'
            )
            with row.props('data-testid=duplicate-copies'):
                for index, copy in enumerate(group.copies):
                    self.tiles.append(_tile(index, copy, group, actions))
            _group_buttons(group, actions)

    def pick(self, index: int) -> None:
        """Ring the picked copy and make its Keep button the strong one (Enter presses it)."""
        for number, (tile, keep) in enumerate(self.tiles):
            picked = number == index
            tile.classes(add=PICKED if picked else None, remove=None if picked else PICKED)
            tile.props(f'aria-selected={"true" if picked else "false"}')
            keep.props('unelevated' if picked else 'outline', remove='outline' if picked else 'unelevated')


def _tile(index: int, copy: ShownCopy, group: ShownGroup, actions: GroupActions) -> tuple[ui.column, ui.button]:
    tile = ui.column().classes(TILE).props(f'data-testid=duplicate-copy role=option aria-label="{copy.whose}"')
    with tile.mark(f'duplicate-copy copy-{index + 1}').on('click', lambda: actions.pick(index)):
        with ui.element('div').classes('relative w-full'):
            ui.element('img').props(f'src="/api/assets/{copy.id}/thumbnail" alt="{copy.whose}" loading=lazy').classes(
                'w-full h-44 sm:h-48 object-contain rounded-lg bg-stone-100'
            )
            ui.label(str(index + 1)).classes(
                'absolute top-1 left-1 rounded-full bg-stone-800/70 text-white text-xs w-6 h-6 text-center leading-6'
            ).classes('max-sm:hidden')
        if copy.id == group.keeper_id:
            ui.label(f'Suggested: {group.keeper_reason}').classes(
                'self-start rounded-full bg-amber-100 text-amber-900 text-xs font-medium px-2 py-0.5'
            ).mark('suggested-keeper').props('data-testid=suggested-keeper')
        _facts(copy)
        keep = ui.button('Keep this', on_click=lambda: actions.keep(index)).props(
            'outline no-caps dense color=primary data-testid=keep-this'
        )
        keep.classes('w-full mt-auto').mark(f'keep-this-{index + 1}')
    return tile, keep


def _facts(copy: ShownCopy) -> None:
    ui.label(f'{copy.width} × {copy.height} · {human_size(copy.size)} · {copy.format}').classes(
        'text-sm font-medium tabular-nums'
    ).mark('copy-facts')
    LocalDate(copy.taken_at, 'datetime').classes('text-sm text-stone-600')
    ui.label(copy.whose[:1].upper() + copy.whose[1:]).classes('text-sm text-stone-600').mark('copy-owner')
    for icon, text in (
        ('place', copy.place),
        ('photo_album', ', '.join(copy.albums)),
        ('diversity_3', ', '.join(copy.spaces)),
    ):
        if text:
            with ui.row().classes('items-start no-wrap gap-1 text-sm text-stone-600'):
                ui.icon(icon).classes('text-base mt-0.5')
                ui.label(text).classes('min-w-0 break-words')
    if copy.note:
        ui.label(copy.note).classes('text-sm text-amber-800').mark('copy-note')


def _group_buttons(group: ShownGroup, actions: GroupActions) -> None:
    with ui.row().classes('w-full items-center gap-2'):
        ui.button('Keep suggested', icon='check', on_click=actions.keep_suggested).props(
            'unelevated no-caps color=primary data-testid=keep-suggested'
        ).mark('keep-suggested')
        ui.button('Not duplicates', icon='call_split', on_click=actions.dismiss).props(
            'outline no-caps data-testid=not-duplicates'
        ).mark('not-duplicates')
        ui.button('Skip', icon='skip_next', on_click=actions.skip).props('flat no-caps data-testid=skip').mark('skip')
