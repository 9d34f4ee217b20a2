"""Where photos were taken: the Map page of my timeline, and the map of a space, an album or a public link.

The map fills its place; a chosen cluster's photos show as the timeline grid beside it (a bottom sheet on a phone),
and the years slider filters both."""

from collections.abc import Callable
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from ui.components.place_map import PlaceMap
from ui.components.timeline_grid import TimelineGrid
from ui.frame import frame
from ui.session import require_sign_in
from ui.theme import plural

# A bottom sheet over the map on a phone (above Leaflet's panes and controls, up to 1000); from sm up, a panel
# beside it, so that the map keeps the chosen place in its middle.
PANEL_CLASSES = (
    'absolute z-[1001] inset-x-0 bottom-0 h-[58%] rounded-t-2xl bg-white shadow-2xl gap-0 no-wrap overflow-hidden'
    ' sm:static sm:shrink-0 sm:h-full sm:w-[380px] lg:w-[460px] sm:rounded-none sm:shadow-none'
    ' sm:border-l sm:border-stone-200'
)
HINT_MINE = (
    'Photos get a place from the GPS position that phones and many cameras save in them. '
    'Turn on location in your camera app, and new photos show up here.'
)
HINT_SHARED = 'Photos with a GPS position show up here.'


async def map_page():
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    with frame(actor, 'Map', current='/map', fill=True):
        MapView('/api/map', on_open=lambda asset_id: ui.navigate.to(f'/photo/{asset_id}'), hint=HINT_MINE)


class MapView:
    """One scope's map (`api`: its map prefix) with its photos panel; `on_open(asset_id)` opens a photo."""

    def __init__(
        self,
        api: str,
        on_open: Callable[[str], Any],
        thumb: str = '/api/assets/{id}/thumbnail',
        query: dict[str, Any] | None = None,
        hint: str = HINT_SHARED,
    ):
        self.api, self.on_open, self.query, self.thumb = api, on_open, query or {}, thumb
        self.cell: str | None = None
        self.years: dict[str, int] = {}
        self.grid: TimelineGrid | None = None
        with ui.element('div').classes('relative w-full h-full overflow-hidden flex no-wrap') as self.root:
            with ui.element('div').classes('relative flex-1 min-w-0 h-full'):
                self.map = PlaceMap(api, thumb, self.query).classes('absolute inset-0').mark('place-map')
                self.empty = _empty_state(hint)
            self.panel = self._panel()
        self.map.on('summary', self._summary)
        self.map.on('cluster', self._cluster)
        self.map.on('years', self._years)

    def _panel(self) -> ui.column:
        with ui.column().classes(PANEL_CLASSES).props('data-testid=map-photos') as panel:
            ui.element('div').classes('sm:hidden self-center w-10 h-1 mt-2 rounded-full bg-stone-300')
            with ui.row().classes('w-full items-center no-wrap px-4 py-1 gap-2'):
                self.title = ui.label().classes('text-base font-medium flex-1').mark('map-photos-title')
                ui.button(icon='close', on_click=self.close).props(
                    'flat round dense aria-label="Close the photos" data-testid=map-photos-close'
                ).mark('map-photos-close')
            self.grid_place = ui.element('div').classes('relative w-full flex-1 min-h-0')
        panel.mark('map-photos').visible = False
        return panel

    def _summary(self, event) -> None:
        self.empty.visible = not event.args.get('count')

    def _cluster(self, event) -> None:
        self.cell = event.args['cell']
        self.title.text = plural(event.args['count'], 'photo')
        if self.grid is None:
            with self.grid_place:  # made on the first cluster: the grid cannot ask for photos of no place
                self.grid = TimelineGrid(api_base=self.api, query=self._grid_query(), thumb=self.thumb)
                self.grid.classes('absolute inset-0').style('height: 100%').mark('map-grid')
                self.grid.on('open', lambda e: self.on_open(e.args['id']))
                self.grid.on('buckets', lambda e: self.title.set_text(plural(e.args.get('total', 0), 'photo')))
        else:
            self.grid.set_query(self._grid_query())
        self.panel.visible = True

    def _years(self, event) -> None:
        self.years = {'from_year': event.args['from_year'], 'to_year': event.args['to_year']}
        if self.grid is not None:
            self.grid.set_query(self._grid_query())

    def _grid_query(self) -> dict[str, Any]:
        return {**self.query, 'cell': self.cell, **self.years}

    def close(self) -> None:
        self.panel.visible = False


def _empty_state(hint: str) -> ui.column:
    with ui.column().classes(
        'absolute z-[1001] left-1/2 top-1/2 -translate-x-1/2 -translate-y-1/2 w-[min(92%,26rem)] items-center'
        ' text-center gap-2 rounded-2xl bg-white shadow-xl px-6 py-8'
    ) as empty:
        ui.icon('location_off').classes('text-5xl text-stone-300')
        ui.label('No photos with a place yet').classes('text-lg font-medium').mark('map-empty')
        ui.label(hint).classes('text-stone-500 text-sm')
    empty.props('data-testid=map-empty').visible = False
    return empty


class MapTab(ui.element):
    """A place for a scope's map in a tabbed page, built the first time it shows (Leaflet needs its size)."""

    def __init__(self, build: Callable[[], MapView]):
        super().__init__('div')
        self.build, self.view = build, None
        self.visible = False

    def show(self, visible: bool) -> None:
        if visible and self.view is None:
            with self:
                self.view = self.build()
        self.visible = visible


def photos_or_map(on_change: Callable) -> ui.tabs:
    """The Photos / Map tabs of an album or a public link."""
    with ui.tabs(value='photos', on_change=on_change).props('dense no-caps inline-label align=left') as tabs:
        ui.tab('photos', 'Photos', icon='photo_library').mark('tab-photos').props('data-testid=tab-photos')
        ui.tab('map', 'Map', icon='map').mark('tab-map').props('data-testid=tab-map')
    return tabs


def public_photo(url: str) -> None:
    """A guest's photo from the map, on its own over the page."""
    with ui.dialog().props('maximized') as dialog, ui.element('div').classes('w-full h-full bg-black flex flex-col'):
        ui.button(icon='close', on_click=dialog.close).props(
            'flat round color=white aria-label="Close" data-testid=public-viewer-close'
        ).classes('self-start m-1')
        ui.image(url).props('fit=contain no-spinner data-testid=public-preview').classes('flex-1 w-full')
    dialog.on('hide', dialog.delete)
    dialog.open()
