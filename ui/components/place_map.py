"""The photos of one scope as clusters on an offline world map, and the viewer's small map (see place_map.js)."""

from pathlib import Path
from typing import Any

import nicegui.elements.leaflet as nicegui_leaflet  # registers the Leaflet module that place_map.js imports
from nicegui import ui

LEAFLET_FILES = Path(nicegui_leaflet.__file__).parent / 'dist'  # leaflet.css, served from the wheel


class PlaceMap(ui.element, component='place_map.js', default_style='width: 100%; height: 100%'):
    """Clusters of a scope's geotagged photos over the countries (and the admin's tiles), with a years slider.

    `api` is the scope's map prefix (`/api/map`, `/api/spaces/<id>/map`, ...); `thumb` a thumbnail URL with `{id}`;
    `query` extra parameters for every request (a public link's key). Events (payload in ``e.args``):
    ``summary`` {'count', 'years', 'bounds'}, ``cluster`` {'cell', 'count', 'lat', 'lon'} when a cluster's photos
    should show, ``years`` {'from_year', 'to_year'} when the slider moved.
    """

    def __init__(self, api: str, thumb: str = '/api/assets/{id}/thumbnail', query: dict[str, Any] | None = None):
        super().__init__()
        self.add_resource(LEAFLET_FILES)
        self._props['api'] = api
        self._props['thumb'] = thumb
        self._props['query'] = query or {}
        self.props('data-testid=place-map')


def mini_map(latitude: float, longitude: float) -> PlaceMap:
    """A small map of one position (the viewer's details): the same offline ground, one pin, no clusters."""
    place = PlaceMap(api='').classes('rounded-lg overflow-hidden').style('height: 160px')
    place._props['mini'] = True
    place._props['point'] = [latitude, longitude]
    return place.props('data-testid=mini-map').mark('mini-map')
