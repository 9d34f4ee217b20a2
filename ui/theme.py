"""Colours, light or dark, and small shared widgets."""

from pathlib import Path

from nicegui import ui

from domain.errors import HearthError
from ui.components.theme_mode import ThemeMode

CSS = (Path(__file__).parent / 'static' / 'hearth.css').read_text(encoding='utf-8')


def apply_theme() -> ThemeMode:
    """Every page's colours; light or dark follows the system unless this browser chose (see ThemeMode)."""
    ui.colors(primary='#b4532a', secondary='#78716c', accent='#f59e0b', positive='#15803d', negative='#b91c1c')
    ui.add_css(CSS)
    return ThemeMode()


async def ask(dialog: ui.dialog):
    """Open a dialog, wait for its answer, and empty it (NiceGUI deletes the shell with its context)."""
    try:
        return await dialog
    finally:
        if not dialog.is_deleted:
            dialog.clear()


async def confirm(title: str, message: str, action_label: str, danger: bool = True) -> bool:
    """True only when the user presses the action button."""
    with ui.dialog() as dialog, ui.card().classes('w-96 max-w-full').props('data-testid=confirm-dialog'):
        ui.label(title).classes('text-lg font-semibold')
        ui.label(message).classes('text-stone-600')
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat').mark('confirm-cancel')
            ui.button(action_label, on_click=lambda: dialog.submit(True)).props(
                f'unelevated color={"negative" if danger else "primary"} data-testid=confirm-ok'
            ).mark('confirm-ok')
    return bool(await ask(dialog))


async def attempt(operation, done: str | None = None):
    """Await a service call: its result (True when it returns nothing), or None after saying why it was refused."""
    try:
        result = await operation
    except HearthError as error:
        ui.notify(str(error), type='negative', multi_line=True)
        return None
    if done:
        ui.notify(done, type='positive')
    return result if result is not None else True


def plural(count: int, noun: str) -> str:
    return f'{count} {noun}' if count == 1 else f'{count} {noun}s'


def human_size(size: int) -> str:
    for unit in ('bytes', 'KB', 'MB', 'GB'):
        if size < 1024 or unit == 'GB':
            return f'{size:.0f} {unit}' if unit == 'bytes' else f'{size:.1f} {unit}'
        size /= 1024
    return f'{size:.1f} TB'


def undo_notice(message: str, on_undo, seconds: float = 10) -> None:
    """A bar at the bottom for a while, with an Undo button (for acts that are easy to regret, like a merge)."""
    classes = 'fixed left-1/2 -translate-x-1/2 z-50 max-w-[95vw] bg-stone-800 text-white rounded-lg shadow-lg'
    with ui.context.client.content:  # not inside what the act may rebuild
        bar = ui.row().classes(f'{classes} items-center no-wrap gap-3 pl-4 pr-2 py-1').mark('undo-notice')
    bar.style('bottom: calc(1rem + var(--hearth-bottom-nav, 0px))')  # above the phone's bottom bar
    with bar:
        ui.label(message).classes('truncate')

        async def undo() -> None:
            bar.delete()
            await on_undo()

        ui.button('Undo', on_click=undo).props('flat no-caps color=amber').mark('undo')
    with bar:
        ui.timer(seconds, bar.delete, once=True)
