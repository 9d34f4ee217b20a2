"""The search box: what someone types, with people, places, albums and spaces suggested as they type; and the search
as the page's address says it (`SearchContext`), shared by the results page and the viewer stepping through them."""

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from nicegui import background_tasks, ui

from domain.errors import InvalidInput
from services import runtime, search
from services.accounts import Actor
from services.search import Narrowing, Suggestion

DEBOUNCE_SECONDS = 0.25
KINDS = {  # kind: heading, icon
    'person': ('People', 'face'),
    'place': ('Places', 'place'),
    'album': ('Albums', 'photo_album'),
    'space': ('Spaces', 'diversity_3'),
}


@dataclass(frozen=True)
class SearchContext:
    """A search as its address holds it: /search?q=...&space=...&year=...&place=...&media=...&camera=..."""

    q: str = ''
    space_id: uuid.UUID | None = None
    year: int | None = None
    place: str | None = None
    media: str | None = None
    camera: str | None = None
    more: bool = False  # also what only looks like a word asked for

    @classmethod
    def parse(
        cls,
        q: str = '',
        space: str = '',
        year: str = '',
        place: str = '',
        media: str = '',
        camera: str = '',
        more: str = '',
    ) -> 'SearchContext':
        """From the address's parameters; a value that makes no sense is dropped, as a typo in an address would be."""
        year_ = int(year) if year.isdigit() else None
        context = cls(
            q.strip(), _uuid(space), year_, place or None, media or None, camera[:100] or None, more == 'true'
        )
        try:
            context.narrowing()
        except InvalidInput:
            return replace(context, place=None, media=None)
        return context

    def narrowing(self) -> Narrowing:
        return Narrowing(self.year, self.place, self.media, self.camera)

    @property
    def asked(self) -> bool:
        """Whether there is anything to search for: words, or a facet alone (a place picked from the suggestions)."""
        return bool(self.q) or self.narrowing() != Narrowing()

    def with_(self, **changes) -> 'SearchContext':
        return replace(self, **changes)

    def query(self) -> search.Query:
        return search.Query(self.q, self.space_id, self.narrowing(), self.more)

    def params(self) -> dict[str, str]:
        """As URL parameters (the timeline grid's `query` too), leaving out what is not set."""
        values = {
            'q': self.q,
            'space': self.space_id,
            'year': self.year,
            'place': self.place,
            'media': self.media,
            'camera': self.camera,
            'more': 'true' if self.more else None,
        }
        return {key: str(value) for key, value in values.items() if value not in (None, '')}

    def encoded(self) -> str:
        return urlencode(self.params())

    def url(self) -> str:
        return f'/search?{self.encoded()}' if self.params() else '/search'


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


class SearchBox(ui.element):
    """An input that searches on Enter (or its search button) and suggests while typing. `on_search` gets the text;
    without it the box opens /search?q=... (within `space_id` when given)."""

    def __init__(
        self,
        actor: Actor,
        value: str = '',
        space_id: uuid.UUID | None = None,
        large: bool = False,
        on_search: Callable[[str], None] | None = None,
    ):
        super().__init__('div')
        self.actor, self.space_id, self.on_search = actor, space_id, on_search
        self._pending: asyncio.Task | None = None
        self.classes('relative min-w-0')
        with self:
            self.input = ui.input(placeholder='Search photos', value=value).classes('w-full')
            self.input.props(f'{"" if large else "dense"} outlined rounded clearable type=search')
            self.input.props('aria-label="Search photos" autocomplete=off input-class=min-w-0')
            self.input.props('data-testid=search-input' if large else 'data-testid=header-search')
            self.input.mark('search-input' if large else 'header-search')
            with self.input.add_slot('append'):
                ui.button(icon='search', on_click=self.submit).props(
                    'flat round dense aria-label="Search" data-testid=search-go'
                ).mark('search-go')
            self.menu = ui.menu().props('no-parent-event no-focus no-refocus fit max-height=70vh')
            self.menu.props('data-testid=suggestions').mark('suggestions')
        self.input.on('keydown.enter', self.submit)
        self.input.on_value_change(self._typed)

    def submit(self) -> None:
        self._cancel()
        self.menu.close()
        text = (self.input.value or '').strip()
        if self.on_search:
            self.on_search(text)
        else:
            ui.navigate.to(SearchContext(text, self.space_id).url())

    # ---- suggestions -----------------------------------------------------------------------------------------------

    def _cancel(self) -> None:
        if self._pending:
            self._pending.cancel()

    def _typed(self, event) -> None:
        self._cancel()
        self._pending = background_tasks.create(self._suggest(event.value or ''), name='search suggestions')

    async def _suggest(self, typed: str) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(DEBOUNCE_SECONDS)
            if self.is_deleted:
                return
            kept, found = await self._lookup(typed)
            if not self.is_deleted and typed == (self.input.value or ''):
                self._show(kept, found)

    async def _lookup(self, typed: str) -> tuple[str, list[Suggestion]]:
        """Suggestions for all that was typed; else for its last word, keeping the words before ("beach gra")."""
        hearth = runtime.current()
        found = await search.suggestions(hearth, self.actor, typed)
        kept, _, last = typed.strip().rpartition(' ')
        if found or not kept:
            return '', found
        return kept.strip(), await search.suggestions(hearth, self.actor, last)

    def _show(self, kept: str, found: list[Suggestion]) -> None:
        self.menu.clear()
        if not found:
            self.menu.close()
            return
        with self.menu, ui.list().props('dense').classes('w-full'):
            for kind, (heading, icon) in KINDS.items():
                shown = [suggestion for suggestion in found if suggestion.kind == kind]
                if shown:
                    ui.item_label(heading).props('header').classes('text-xs uppercase text-stone-500 py-1')
                for suggestion in shown:
                    self._item(kept, suggestion, icon)
        self.menu.open()

    def _item(self, kept: str, suggestion: Suggestion, icon: str) -> None:
        item = ui.item(on_click=lambda: self._pick(kept, suggestion)).props('clickable')
        with item.mark(f'suggestion-{suggestion.kind}-{suggestion.value}'):
            with ui.item_section().props('avatar').classes('min-w-0 pr-2'):
                ui.icon(icon).classes('text-xl text-stone-500')
            with ui.item_section():
                ui.label(suggestion.label).classes('truncate')
        item.props(f'data-testid=suggestion-{suggestion.kind}')

    def _pick(self, kept: str, suggestion: Suggestion) -> None:
        self.menu.close()
        if suggestion.kind == 'album':
            ui.navigate.to(f'/albums/{suggestion.value}')
        elif suggestion.kind == 'space':
            ui.navigate.to(f'/spaces/{suggestion.value}')
        elif suggestion.kind == 'person':
            self.input.value = f'{kept} {suggestion.label}'.strip()
            self.submit()
        else:
            ui.navigate.to(SearchContext(kept, self.space_id, place=suggestion.value).url())
