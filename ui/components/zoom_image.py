"""Full-screen viewer image with wheel/pinch zoom, pan and swipe (see zoom_image.js)."""

from nicegui import ui


class ZoomImage(ui.element, component='zoom_image.js', default_style='width: 100%; height: 100%'):
    """Fitted image; wheel/pinch zoom 1-8x, double-click/tap toggles 2.5x, drag pans, swipe at 1x navigates.

    Events: ``swipe`` {'direction': 'left'|'right'} (left = next), ``zoom`` {'scale': float}.
    """

    def __init__(self, src: str, alt: str = ''):
        super().__init__()
        self._props['src'] = src
        self._props['alt'] = alt
        self.props('data-testid=zoom-image')

    def set_source(self, src: str, alt: str | None = None) -> None:
        """Show another image; zoom resets in the browser."""
        self._props['src'] = src
        if alt is not None:
            self._props['alt'] = alt
        self.update()

    def reset(self) -> None:
        """Back to 1x, centred."""
        self.run_method('reset')
