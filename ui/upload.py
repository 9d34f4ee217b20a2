"""Uploading to my library: the browser posts each file to POST /api/assets, so the browser, scripts and the API
share one ingest path, and the panel floats above the timeline while it works."""

from collections.abc import Callable

from services import runtime
from ui.components.upload_panel import UploadPanel

PICKER = 'data-upload-picker'  # the prop that makes a button open the picker inside its own click


def upload_panel(on_added: Callable[[], None]) -> UploadPanel:
    """The page's upload panel; `on_added` runs when a batch is done and added at least one file."""
    panel = UploadPanel('/api/assets', runtime.current().settings.max_upload_bytes).mark('upload-panel')
    panel.on('finished', lambda event: on_added() if event.args.get('added') else None)
    return panel
