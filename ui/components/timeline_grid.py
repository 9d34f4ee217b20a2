"""Browser-virtualised photo timeline (see timeline_grid.js for the HTTP contract it consumes)."""

from typing import Any

from nicegui import ui

# Under the header and above the phone's bottom navigation.
DEFAULT_STYLE = 'width: 100%; height: calc(100vh - 64px - var(--hearth-bottom-nav, 0px))'


class TimelineGrid(ui.element, component='timeline_grid.js', default_style=DEFAULT_STYLE):
    """Scrollable month/day grid of thumbnails that loads its buckets itself over HTTP.

    Photos keep their shape in justified rows; days flow side by side. Density (a control, Ctrl+wheel, pinch) is
    remembered per browser. Events (subscribe with ``.on(name, handler)``; the payload is in ``e.args``):
    ``open`` {'id', 'month'}, ``selection`` {'ids'}, ``buckets`` {'months': [{'month', 'count'}], 'total'}.
    """

    def __init__(
        self,
        api_base: str = '/api/timeline',
        view: str = 'timeline',
        query: dict[str, Any] | None = None,
        thumb: str = '/api/assets/{id}/thumbnail',
    ):
        super().__init__()
        self._props['api_base'] = api_base
        self._props['thumb'] = thumb
        self._props['view'] = view
        self._props['query'] = query or {}
        self.props('data-testid=timeline-grid')

    def set_query(self, query: dict[str, Any]) -> None:
        """Filter by other query parameters (the grid refetches from the top)."""
        self._props['query'] = query
        self.update()

    def reload(self) -> None:
        """Refetch buckets and visible months (keeps the scroll position, clears the selection)."""
        self.run_method('reload')

    def clear_selection(self) -> None:
        self.run_method('clearSelection')
