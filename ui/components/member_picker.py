"""Choosing whom to invite among this Hearth's members, by name and avatar, as you type."""

import uuid
from collections.abc import Callable, Collection
from enum import Enum

from nicegui import ui

from services import accounts, runtime
from services.accounts import Actor, DirectoryEntry
from ui.components.avatar import person_avatar
from ui.theme import confirm


class MemberPicker(ui.column):
    """A search box over the members of this Hearth (part of a name, or a whole email address) and the people it
    finds, each by avatar and name; a tap picks one. Never lists me or anyone in `exclude` (those already in).
    `picked` holds the choice, and `on_pick` hears of every change (None when it is undone)."""

    def __init__(
        self,
        actor: Actor,
        exclude: Collection[uuid.UUID] = (),
        on_pick: Callable[[DirectoryEntry | None], None] | None = None,
    ):
        super().__init__()
        self.actor, self.exclude, self.on_pick = actor, list(exclude), on_pick
        self.picked: DirectoryEntry | None = None
        self._asked = ''
        self._shown: dict[uuid.UUID, ui.item] = {}  # by member, so a tap during a new search still lands
        with self.classes('w-full gap-1').mark('member-picker'):
            self.search = ui.input('Find someone by name').props(
                'outlined dense clearable debounce=250 autocomplete=off data-testid=member-search'
            )
            self.search.classes('w-full').mark('member-search').on_value_change(self.find)
            with self.search.add_slot('prepend'):
                ui.icon('search')
            self.results = ui.list().props('dense').classes('w-full max-h-52 overflow-y-auto').mark('member-results')
            self.choice = ui.row().classes('w-full items-center no-wrap gap-3 rounded-lg bg-white px-2 py-1')
            self.choice.props('data-testid=member-picked').mark('member-picked').set_visibility(False)
            ui.timer(0, self.find, once=True)

    async def find(self) -> None:
        query = self.search.value or ''
        self._asked = query
        found = await accounts.member_directory(runtime.current(), self.actor, query, self.exclude)
        if query == self._asked and not self.is_deleted:  # else a newer search is on its way
            self._show(found, query.strip())

    def _show(self, found: list[DirectoryEntry], query: str) -> None:
        """Show what a search found, keeping the rows of people still found: a row replaced while the person taps
        it would swallow the tap."""
        wanted = {entry.id for entry in found}
        for gone in [member for member in self._shown if member not in wanted]:
            self._shown.pop(gone).delete()
        for none in [child for child in self.results if child not in self._shown.values()]:
            none.delete()
        for index, entry in enumerate(found):
            if entry.id not in self._shown:
                with self.results:
                    self._shown[entry.id] = self._candidate(entry)
            self._shown[entry.id].move(self.results, target_index=index)
        if not found:
            with self.results:
                missing = f'No one called “{query}”' if query else 'No one else to choose'
                ui.label(missing).classes('text-sm text-stone-500 px-2 py-2').mark('member-none')

    def _candidate(self, entry: DirectoryEntry) -> ui.item:
        item = ui.item(on_click=lambda: self.pick(entry)).props('clickable data-testid=member-candidate')
        with item.classes('rounded-lg px-2').mark(f'candidate-{entry.id}'):
            with ui.item_section().props('avatar').classes('min-w-0 pr-3'):
                person_avatar(entry.name, 'md')
            with ui.item_section():
                ui.item_label(entry.name).classes('truncate')
        return item

    def pick(self, entry: DirectoryEntry | None) -> None:
        self.picked = entry
        self.search.set_visibility(entry is None)
        self.results.set_visibility(entry is None)
        self.choice.set_visibility(entry is not None)
        self.choice.clear()
        if entry is not None:
            with self.choice:
                person_avatar(entry.name, 'md')
                ui.label(entry.name).classes('font-medium flex-1 min-w-0 truncate')
                ui.button('Change', on_click=lambda: self.pick(None)).props(
                    f'flat dense no-caps aria-label="Choose someone else than {entry.name}"'
                ).mark('member-change')
        if self.on_pick:
            self.on_pick(entry)


def lowers(current: Enum, new: Enum) -> bool:
    """True when `new` gives fewer rights: roles and trust levels are listed from the most rights to the fewest."""
    order = list(type(current))
    return order.index(new) > order.index(current)


async def confirm_fewer_rights(name: str, new_label: str, lost: list[str]) -> bool:
    """Ask before someone's trust level goes down, saying in plain words what they will no longer be able to do."""
    article = 'an' if new_label[:1].lower() in 'aeiou' else 'a'
    lines = '; '.join(line[:1].lower() + line[1:] for line in lost)
    return not lost or await confirm(
        f'Make {name} {article} {new_label.lower()}?',
        f'{name} will no longer be able to: {lines}.',
        f'Lower to {new_label}',
    )
