"""Uploads from the browser with a floating progress panel (see upload_panel.js for what the page does)."""

from nicegui import ui


class UploadPanel(ui.element, component='upload_panel.js'):
    """A hidden multi-file picker, the whole page as a drop target, and a collapsible panel in the bottom corner.

    Every file is posted on its own to `url`; nothing is filtered in the browser except files over `max_bytes`, so
    the server's answer says why a file was refused. A click on any element with the `data-upload-picker` attribute
    opens the picker. Event: ``finished`` {'added', 'duplicate', 'refused'} once every file has its answer.
    """

    def __init__(self, url: str, max_bytes: int):
        super().__init__()
        self._props['url'] = url
        self._props['max_bytes'] = max_bytes

    def open(self) -> None:
        """Open the file picker (a click on a `data-upload-picker` element already did, inside the click itself)."""
        self.run_method('open')
