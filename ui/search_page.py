"""The search page: a large box, what the search understood and left out, facets that narrow it, and the results --
best match first (a ranked grid) or newest first (the timeline grid over /api/search)."""

import uuid

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import HearthError, NotFound
from services import assets, runtime, search, spaces
from services.accounts import Actor
from services.search import Facet, Facets, Results
from ui.albums import add_to_album
from ui.components.search_box import SearchBox, SearchContext
from ui.components.search_results import RankedGrid, facet_menu, understood_row
from ui.components.selection_bar import SelectionAction, SelectionBar
from ui.components.timeline_grid import TimelineGrid
from ui.downloads import download_selection
from ui.frame import frame
from ui.session import require_sign_in
from ui.theme import plural

EXAMPLES = ('Grandma at the beach', '2019', 'Paris', 'birthday', 'videos')
ORDERS = {'relevance': 'Best match', 'date': 'Newest first'}
PAGE = 60


async def search_page(
    q: str = '',
    space: str = '',
    year: str = '',
    place: str = '',
    media: str = '',
    camera: str = '',
    more: str = '',
    order: str = '',
):
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    context = SearchContext.parse(q, space, year, place, media, camera, more)
    space_name = None
    if space:
        try:
            space_name = (await spaces.get_space_summary(runtime.current(), actor, uuid.UUID(space))).name
        except (ValueError, NotFound):
            return RedirectResponse('/spaces')  # as the space's own page does for someone not in it
    SearchView(actor, context, order if order in ORDERS else 'relevance', space_name)


class SearchView:
    def __init__(self, actor: Actor, context: SearchContext, order: str, space_name: str | None):
        self.actor, self.context, self.order, self.hearth = actor, context, order, runtime.current()
        self.selected: list[str] = []
        with (
            frame(actor, context.q or 'Search', current='/search', fill=True),
            ui.column().classes('w-full flex-1 min-h-0 gap-0 no-wrap'),
        ):
            with ui.column().classes('w-full max-w-4xl self-center px-3 sm:px-4 pt-3 pb-1 gap-2'):
                if space_name:
                    self._scope(space_name)
                box = SearchBox(actor, context.q, context.space_id, large=True, on_search=self._search)
                box.classes('w-full')
                self.understood = ui.row().classes('w-full items-center gap-1 empty:hidden')
                self.facets = ui.row().classes('w-full items-center gap-2 empty:hidden').mark('facets')
                self.summary = ui.row().classes('w-full items-center no-wrap gap-2 min-h-[40px]')
            self.results = ui.element('div').classes('relative flex-1 min-h-0 w-full')
            if context.asked:
                ui.timer(0, self._load, once=True)  # outside the results, which it clears before the facets
        with self.results:
            if context.asked:
                ui.spinner(size='lg').classes('absolute left-1/2 top-12 -translate-x-1/2').mark('search-loading')
            else:
                self._examples()

    def _scope(self, space_name: str) -> None:
        with ui.row().classes('w-full items-center gap-2 text-stone-600').mark('search-scope'):
            ui.icon('diversity_3').classes('text-xl')
            ui.label(f'Searching {space_name}').classes('font-medium')
            everywhere = self.context.with_(space_id=None, year=None, place=None, media=None, camera=None)
            ui.link('Search everything instead', everywhere.url()).classes('text-primary').mark('search-everything')

    def _search(self, text: str) -> None:
        ui.navigate.to(SearchContext(text, self.context.space_id).url())

    def _to(self, context: SearchContext, order: str | None = None) -> None:
        order = order or self.order
        ui.navigate.to(f'{context.url()}{"&" if context.params() else "?"}order={order}')

    # ---- states ----------------------------------------------------------------------------------------------------

    def _examples(self) -> None:
        with ui.column().classes('w-full items-center py-12 px-4 gap-3 text-center').mark('search-empty'):
            ui.icon('image_search').classes('text-6xl text-stone-300')
            ui.label('What are you looking for?').classes('text-lg font-medium')
            ui.label('Type who, where, when or what is in the photo.').classes('text-stone-500')
            with ui.row().classes('justify-center items-center gap-2'):
                ui.label('Try:').classes('text-stone-500')
                for example in EXAMPLES:
                    target = self.context.with_(q=example).url()
                    ui.link(example, target).classes(
                        'no-underline rounded-full px-3 py-1 bg-amber-50 text-amber-900'
                    ).mark(f'example-{example}')

    def _nothing(self) -> None:
        with ui.column().classes('w-full items-center py-12 px-4 gap-2 text-center').mark('search-nothing'):
            ui.icon('search_off').classes('text-6xl text-stone-300')
            said = f'Nothing found for “{self.context.q}”' if self.context.q else 'Nothing found'
            ui.label(said).classes('text-lg font-medium break-words max-w-full')
            narrowed = self.context.year or self.context.place or self.context.media or self.context.camera
            hint = 'Try fewer words, or take away a choice above.' if narrowed else 'Try fewer words, or other ones.'
            ui.label(hint).classes('text-stone-500')

    # ---- results ---------------------------------------------------------------------------------------------------

    async def _load(self) -> None:
        query = self.context.query()
        try:
            found = await search.search(self.hearth, self.actor, query, self.order, PAGE)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            found = None
        if self.results.is_deleted:
            return
        self._show_results(found)
        # The results show first: tallying facets reads every match, which takes longer when a word is in many.
        facets = await search.facets(self.hearth, self.actor, query) if found and found.total else None
        if not self.results.is_deleted:
            self._show_facets(facets or Facets([], [], [], []))

    def _show_results(self, found: Results | None) -> None:
        self.results.clear()
        if found is not None:
            with self.understood:
                understood_row(found)
        total = found.total if found else 0
        self._summary(total, found.more if found else 0, found is not None and found.at_least)
        with self.results:
            if not total:
                self._nothing()
            elif self.order == 'date':
                self._timeline()
            else:
                RankedGrid(found, self._more, self.context.encoded()).classes('absolute inset-0')

    async def _more(self, offset: int) -> Results:
        return await search.search(self.hearth, self.actor, self.context.query(), 'relevance', PAGE, offset)

    def _summary(self, total: int, look_alikes: int = 0, at_least: bool = False) -> None:
        with self.summary:
            noun = 'video' if self.context.media == 'video' else 'photo'
            counted = f'More than {total:,} {noun}s' if at_least else plural(total, noun) if total else ''
            ui.label(counted).classes('text-stone-600 font-medium').mark('search-count')
            if look_alikes:  # the tagger's look-alikes of a word ("puppy": dogs), shown when asked for
                wider = self.context.with_(more=True).url()
                link = ui.link(f'+ {look_alikes} more that look like it', wider).classes('text-primary text-sm')
                link.mark('look-alikes')
            ui.space()
            if total:
                self.selection_bar = SelectionBar(self._actions(), on_clear=lambda: self.grid.clear_selection())
                self.toggle = ui.toggle(ORDERS, value=self.order, on_change=lambda e: self._to(self.context, e.value))
                self.toggle.props('no-caps rounded unelevated toggle-color=primary dense').classes(
                    'border border-stone-200'
                ).mark('search-order')

    def _show_facets(self, facets: Facets) -> None:
        context = self.context
        with self.facets:
            facet_menu('Years', 'event', facets.years, str(context.year or ''), self._narrow('year', int))
            facet_menu('Places', 'place', facets.places, context.place or '', self._narrow('place', str))
            facet_menu('Cameras', 'photo_camera', facets.cameras, context.camera or '', self._narrow('camera', str))
            facet_menu('Photos and videos', 'perm_media', facets.media, context.media or '', self._narrow('media', str))

    def _narrow(self, name: str, kind: type):
        def choose(facet: Facet | None) -> None:
            self._to(self.context.with_(**{name: kind(facet.value) if facet else None}))

        return choose

    # ---- newest first, with a selection ----------------------------------------------------------------------------

    def _timeline(self) -> None:
        self.grid = TimelineGrid(api_base='/api/search', query=self.context.params()).classes('absolute inset-0')
        self.grid.style('width: 100%; height: 100%').mark('search-timeline')
        self.grid.on('open', lambda e: ui.navigate.to(f'/photo/{e.args["id"]}?{self.context.encoded()}'))
        self.grid.on('selection', self._selection)

    def _actions(self) -> list[SelectionAction]:
        return [
            SelectionAction('Add to album', 'library_add', self._add_to_album, 'add-to-album-selected'),
            SelectionAction('Add to favorites', 'favorite', self._favorite, 'favorite-selected'),
            SelectionAction('Download', 'download', self._download, 'download-selected'),
        ]

    def _selection(self, event) -> None:
        self.selected = list(event.args.get('ids', []))
        self.selection_bar.show(len(self.selected))
        self.toggle.visible = not self.selected  # a phone's line holds one or the other

    def _ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(value) for value in self.selected]

    async def _add_to_album(self) -> None:
        if await add_to_album(self.actor, self._ids()):
            self.grid.clear_selection()

    async def _favorite(self) -> None:
        try:
            count = await assets.set_state(self.hearth, self.actor, self._ids(), favorite=True)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        ui.notify(f'{plural(count, "item")} added to favorites', type='positive')
        self.grid.clear_selection()

    async def _download(self) -> None:
        await download_selection(self.actor, self._ids())
