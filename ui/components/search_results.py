"""Pieces of the search page: what the search understood, a facet to narrow it by, and the ranked grid of results."""

from collections.abc import Awaitable, Callable

from nicegui import ui

from domain.search import Kind
from services.search import Facet, Results
from storage.assets import TimelineItem

KINDS = {
    Kind.PERSON: 'person',
    Kind.YEAR: 'year',
    Kind.MONTH: 'month',
    Kind.SEASON: 'season',
    Kind.HOLIDAY: 'holiday',
}
ONLY = {Kind.VIDEOS: 'Only videos', Kind.FAVORITES: 'Only favorites'}


def understood_row(found: Results) -> None:
    """Chips for the parts taken as filters ("Grandma · person"), and a plain note for the words left out."""
    for part in found.understood.recognised:
        text = ONLY.get(part.kind) or f'{part.text.title()} · {KINDS[part.kind]}'
        ui.chip(text, icon='check').props('dense outline color=primary').classes('m-0').mark('understood')
    if found.unmatched:
        words = ' or '.join(f'“{word}”' for word in found.unmatched)
        left_out = 'it was' if len(found.unmatched) == 1 else 'they were'
        note = ui.label(f'No photo has {words}, so {left_out} left out.').classes('text-sm text-stone-500')
        note.mark('left-out')


def facet_menu(
    title: str, icon: str, facets: list[Facet], chosen: str, on_choose: Callable[[Facet | None], None]
) -> None:
    """A button naming what is chosen (or the facet), with a menu of the values and their counts. A facet with one
    value and nothing chosen narrows nothing, so it is not shown."""
    if not chosen and len(facets) < 2:
        return
    label = next((facet.label for facet in facets if facet.value == chosen), chosen.rpartition('/')[2] or title)
    button = ui.button(label if chosen else title, icon=icon).props(
        f'{"unelevated color=primary" if chosen else "outline"} rounded no-caps dense icon-right=expand_more'
    )
    with button.classes('px-3').mark(f'facet-{title.split()[0].lower()}'), ui.menu().props('max-height=60vh'):
        if chosen:
            ui.menu_item(f'Any {title.lower()}', lambda: on_choose(None)).mark('facet-any')
            ui.separator()
        for facet in facets:
            item = ui.menu_item(on_click=lambda facet=facet: on_choose(facet)).mark(f'facet-value-{facet.value}')
            item.props('data-testid=facet-value')
            with item, ui.row().classes('w-full no-wrap items-center gap-4'):
                ui.label(facet.label).classes('flex-1 font-medium' if facet.value == chosen else 'flex-1')
                ui.label(str(facet.count)).classes('text-stone-500 text-sm')


class RankedGrid(ui.element):
    """Results best first, a page at a time, as square thumbnails that open in the viewer (`context`: the search's
    URL parameters, for the viewer to step through the results)."""

    def __init__(self, found: Results, more: Callable[[int], Awaitable[Results]], context: str):
        super().__init__('div')
        self.total, self.at_least, self.more, self.context, self.shown = found.total, found.at_least, more, context, 0
        self.classes('overflow-y-auto overscroll-contain').mark('search-results')
        with self:
            self.grid = ui.element('div').classes('grid gap-1 px-1 sm:px-4 max-w-4xl mx-auto')
            self.grid.style('grid-template-columns: repeat(auto-fill, minmax(112px, 1fr))')
            self.more_button = ui.button('Show more', icon='expand_more', on_click=self.show_more)
            self.more_button.props('flat no-caps color=primary').classes('block mx-auto my-4').mark('search-more')
        self._add(found.items)

    def _add(self, items: list[TimelineItem]) -> None:
        with self.grid:
            for item in items:
                self._tile(item)
        self.shown += len(items)
        self.more_button.visible = bool(items) and (self.shown < self.total or self.at_least)

    def _tile(self, item: TimelineItem) -> None:
        link = ui.link(target=f'/photo/{item.id}?{self.context}').classes('relative block aspect-square')
        with link.props('data-testid=search-result').mark('search-result'):
            ui.element('img').props(f'src=/api/assets/{item.id}/thumbnail loading=lazy alt=""').classes(
                'w-full h-full object-cover rounded bg-stone-100'
            )
            if item.media_type == 'video':
                ui.icon('play_circle').classes('absolute bottom-1 right-1 text-2xl text-white drop-shadow')

    async def show_more(self) -> None:
        self.more_button.props('loading')
        found = await self.more(self.shown)
        self.more_button.props(remove='loading')
        self._add(found.items)
