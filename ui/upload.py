"""The upload dialog: many files, drag and drop, per-file and overall progress, a result per file.

Files go to the REST endpoint (POST /api/assets), so the browser, scripts and the API share one ingest path."""

import json
from collections.abc import Callable

from nicegui import ui

from ui.theme import plural

# Quasar's uploader hands the XHR of each finished file to this handler; only what the server said is sent back.
_REPORT = """(info) => emit({
  names: info.files.map(f => f.name), status: info.xhr.status, body: info.xhr.responseText })"""


class UploadDialog:
    def __init__(self, on_done: Callable[[], None]):
        self.on_done = on_done
        self.outcomes: dict[str, list[str]] = {'created': [], 'duplicate': [], 'failed': []}
        with ui.dialog().props('persistent') as self.dialog, ui.card().classes('w-[36rem] max-w-full gap-3'):
            ui.label('Upload photos and videos').classes('text-lg font-semibold')
            ui.label('Drop files here or choose them. JPEG, PNG, WebP, HEIC, MP4 and MOV.').classes(
                'text-sm text-stone-500'
            )
            self.uploader = (
                ui.element('q-uploader')
                .props('url=/api/assets field-name=file multiple auto-upload with-credentials flat bordered')
                .props('accept="image/*,video/*,.heic,.heif" label="Files" color=primary')
                .props('data-testid=uploader')
                .classes('w-full')
                .mark('uploader')
            )
            self.uploader.on('uploaded', self._finished, js_handler=_REPORT)
            self.uploader.on('failed', self._finished, js_handler=_REPORT)
            self.summary = ui.label().classes('text-sm').mark('upload-summary')
            self.problems = ui.column().classes('gap-1 text-sm text-negative w-full')
            with ui.row().classes('w-full justify-end'):
                ui.button('Done', on_click=self.close).props('unelevated color=primary').mark('upload-done')

    def open(self) -> None:
        self.outcomes = {'created': [], 'duplicate': [], 'failed': []}
        self.summary.text = ''
        self.problems.clear()
        self.uploader.run_method('reset')
        self.dialog.open()

    def close(self) -> None:
        self.dialog.close()
        if self.outcomes['created']:
            self.on_done()

    def _finished(self, event) -> None:
        report = event.args
        for name in report['names']:
            outcome, problem = _outcome(report['status'], report['body'])
            self.outcomes[outcome].append(name)
            if problem:
                with self.problems:
                    ui.label(f'{name}: {problem}')
        self.summary.text = _summary(self.outcomes)


def _outcome(status: int, body: str) -> tuple[str, str | None]:
    try:
        data = json.loads(body or '{}')
    except ValueError:
        data = {}
    if status in (200, 201):
        return data.get('status', 'created'), None
    detail = data.get('detail')
    if not isinstance(detail, str):
        detail = 'The upload failed' if status else 'The connection was lost'
    return 'failed', detail


def _summary(outcomes: dict[str, list[str]]) -> str:
    parts = [f'{plural(len(outcomes["created"]), "file")} added']
    if outcomes['duplicate']:
        parts.append(f'{len(outcomes["duplicate"])} already in your library')
    if outcomes['failed']:
        parts.append(f'{len(outcomes["failed"])} failed')
    return ', '.join(parts) + '.'
