"""Duplicates (SPEC §9): review groups of copies one at a time, among everything I see or, for a space's Owners and
Editors, among what the space holds; keep one copy, say they are not duplicates, or skip; by click or by key."""

import uuid
from contextlib import asynccontextmanager

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.duplicates import MAX_PAGE
from domain.errors import HearthError, NotFound
from services import duplicates, runtime, spaces
from services.accounts import Actor
from services.spaces import SpaceSummary
from ui.components.duplicate_group import GroupActions, GroupCard, ShownGroup, group_view
from ui.components.duplicate_resolve import resolve_group
from ui.components.resolve_all import resolve_all_suggested
from ui.frame import frame
from ui.session import require_sign_in
from ui.theme import attempt

KEYS_HINT = 'Keys: ← → or 1–9 pick a copy · Enter keep it · N not duplicates · J or Space next · K back'


async def duplicates_page():
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    await DuplicatesView(actor).load()


async def space_duplicates_page(space_id: str):
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    try:
        detail = await spaces.get_space(runtime.current(), actor, uuid.UUID(space_id))
    except (ValueError, NotFound):
        return RedirectResponse('/spaces')
    await DuplicatesView(actor, detail.space).load()


class DuplicatesView:
    def __init__(self, actor: Actor, space: SpaceSummary | None = None):
        self.actor, self.hearth, self.space = actor, runtime.current(), space
        self.client = ui.context.client  # the buttons that act are redrawn while they act
        self.space_id = space.id if space else None
        self.groups: list[ShownGroup] = []
        self.total = self.index = self.picked = 0
        self.card: GroupCard | None = None
        self.busy = False
        title = f'Duplicates in {space.name}' if space else 'Duplicates'
        page = ui.column().classes('w-full max-w-5xl mx-auto p-3 sm:p-4 gap-3')
        with frame(actor, title, current='/spaces' if space else '/duplicates'), page:
            self._header(title)
            self.body = ui.column().classes('w-full gap-3').mark('duplicates-body')
        ui.keyboard(on_key=self._key)

    def _header(self, title: str) -> None:
        with ui.row().classes('w-full items-center gap-2'):
            if self.space:
                ui.button(icon='arrow_back', on_click=lambda: ui.navigate.to(f'/spaces/{self.space_id}')).props(
                    'flat round dense aria-label="Back to the space"'
                )
            with ui.column().classes('gap-0 flex-1 min-w-[12rem]'):
                ui.label(title).classes('text-2xl font-semibold break-words').mark('duplicates-title')
                self.position = ui.label().classes('text-sm text-stone-500').mark('group-position')
            self.resolve_all = ui.button('Resolve all suggested', icon='done_all', on_click=self.resolve_all_groups)
            self.resolve_all.props('outline no-caps data-testid=resolve-all').mark('resolve-all')
        self.hint = ui.label(KEYS_HINT).classes('text-xs text-stone-500 max-sm:hidden').mark('keys-hint')

    # ---- loading and showing ---------------------------------------------------------------------------------------

    async def load(self) -> None:
        self.groups, self.total, self.index = [], 0, 0
        self._show_loading()
        if await self._fetch_more():
            self.show()

    async def _fetch_more(self) -> bool:
        try:
            page = await duplicates.list_groups(self.hearth, self.actor, self.space_id, MAX_PAGE, len(self.groups))
        except HearthError as error:
            self._show_refusal(str(error))
            return False
        self.groups += [group_view(group, self.actor) for group in page.groups]
        self.total = page.total
        return True

    def show(self) -> None:
        self.body.clear()
        self.card = None
        if not self.groups:
            self._show_empty()
            return
        group = self.groups[self.index]
        self.position.set_text(f'Group {self.index + 1} of {self.total}')
        with self.body:
            self.card = GroupCard(group, self._actions())
        self.pick(group.suggested)
        self._show_header(True)

    def _actions(self) -> GroupActions:
        return GroupActions(self.pick, self.keep, self.keep_suggested, self.dismiss, lambda: self.step(1))

    def _show_loading(self) -> None:
        self._show_header(False)
        self.body.clear()
        with self.body:
            ui.spinner(size='lg').classes('self-center mt-8').mark('duplicates-loading')

    def _show_empty(self) -> None:
        self._show_header(False)
        with self.body, ui.column().classes('w-full items-center text-center gap-2 py-12').mark('duplicates-empty'):
            ui.icon('done_all').classes('text-5xl text-stone-400')
            ui.label('No duplicates found').classes('text-xl font-medium')
            ui.label(
                'Hearth looks for copies of every photo as it arrives: the same file, the same picture resized or '
                'sent again, and bursts taken within a second.'
            ).classes('text-stone-500 max-w-md')
            if self.actor.is_admin:
                jobs = ui.link('Check all photos again on the Jobs page', '/admin/jobs').classes('text-primary')
                jobs.mark('jobs-link')

    def _show_refusal(self, message: str) -> None:
        self._show_header(False)
        self.body.clear()
        with self.body, ui.column().classes('w-full items-center text-center gap-2 py-12').mark('duplicates-refused'):
            ui.icon('block').classes('text-5xl text-stone-400')
            ui.label(message).classes('text-lg')
            if self.space:
                ui.link(f'Back to {self.space.name}', f'/spaces/{self.space_id}').classes('text-primary')

    def _show_header(self, reviewing: bool) -> None:
        for element in (self.position, self.resolve_all, self.hint):
            element.set_visibility(reviewing)

    # ---- acting on the group ---------------------------------------------------------------------------------------

    def pick(self, index: int) -> None:
        if self.card and 0 <= index < len(self.card.group.copies):
            self.picked = index
            self.card.pick(index)

    async def step(self, delta: int) -> None:
        if not self.groups:
            return
        if self.index + delta >= len(self.groups) and len(self.groups) < self.total:
            await self._fetch_more()
        self.index = (self.index + delta) % len(self.groups)
        self.show()

    async def keep(self, index: int) -> None:
        group = self.groups[self.index]
        async with self._acting():
            if await resolve_group(self.hearth, self.actor, group, group.copies[index], self.load):
                await self._done_with(group)

    async def keep_suggested(self) -> None:
        await self.keep(self.groups[self.index].suggested)

    async def dismiss(self) -> None:
        group = self.groups[self.index]
        async with self._acting():
            if await attempt(duplicates.dismiss_group(self.hearth, self.actor, group.ids), 'Marked as not duplicates'):
                await self._done_with(group)

    async def _done_with(self, group: ShownGroup) -> None:
        self.groups.remove(group)
        self.total -= 1
        if self.index >= len(self.groups) and len(self.groups) < self.total:
            await self._fetch_more()
        self.index = self.index if self.index < len(self.groups) else 0
        self.show()

    async def resolve_all_groups(self) -> None:
        async with self._acting():
            await resolve_all_suggested(self.hearth, self.actor, self.space_id, self.total, self.load)

    @asynccontextmanager
    async def _acting(self):
        """One act at a time: keys pressed while a dialog is open or the service is working are not acted on."""
        self.busy = True
        try:
            yield
        finally:
            self.busy = False
            self.client.run_javascript('document.activeElement?.blur()')  # a focused button would swallow the next key

    async def _key(self, event) -> None:
        if not event.action.keydown or self.busy or not self.card or any(event.modifiers):
            return
        key, name = event.key, event.key.name.lower()
        if key.arrow_left or key.arrow_right:
            self.pick(self.picked + (1 if key.arrow_right else -1))
        elif key.number and key.number > 0:
            self.pick(key.number - 1)
        elif key.enter:
            await self.keep(self.picked)
        elif name == 'n':
            await self.dismiss()
        elif name == 'j' or key.space:
            await self.step(1)
        elif name == 'k':
            await self.step(-1)
