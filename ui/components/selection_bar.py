"""The bar shown while photos are selected: clear the selection, how many are selected, what to do with them."""

from collections.abc import Callable
from dataclasses import dataclass

from nicegui import ui


@dataclass(frozen=True)
class SelectionAction:
    """One thing to do with the selected photos. `shown` decides from how many are selected whether it is offered;
    without it, it always is."""

    label: str
    icon: str
    handler: Callable
    marker: str
    shown: Callable[[int], bool] | None = None


class SelectionBar(ui.row):
    """Hidden until `show` is told of a selection. Its actions are round icon buttons named by tooltip, or with
    `labelled`, buttons that carry their name."""

    def __init__(self, actions: list[SelectionAction], on_clear: Callable, labelled: bool = False):
        super().__init__()
        self.actions = actions
        with self.classes('items-center gap-1 bg-amber-50 rounded-full px-2'):
            ui.button(icon='close', on_click=on_clear).props('flat round dense aria-label="Clear selection"')
            self.count = ui.label().classes('font-medium mx-1 whitespace-nowrap').mark('selection-count')
            self.buttons = [_labelled(action) if labelled else _icon(action) for action in actions]
        self.visible = False

    def show(self, count: int) -> None:
        self.visible = count > 0
        self.count.text = f'{count} selected'
        for action, button in zip(self.actions, self.buttons, strict=True):
            if action.shown:
                button.visible = action.shown(count)


def _icon(action: SelectionAction) -> ui.button:
    button = ui.button(icon=action.icon, on_click=action.handler).props(f'flat round aria-label="{action.label}"')
    return button.tooltip(action.label).mark(action.marker)


def _labelled(action: SelectionAction) -> ui.button:
    button = ui.button(action.label, icon=action.icon, on_click=action.handler).props('flat dense no-caps')
    return button.mark(action.marker)
