"""The phone's bottom bar (below 640 px, where the side drawer is hidden): the main places, and More for the rest."""

from collections.abc import Callable

from nicegui import ui

NavItem = tuple[str, str, str]  # label, icon, target


def bottom_nav(tabs: list[NavItem], more: list[NavItem], current: str, more_extras: Callable[[], None]) -> None:
    """`tabs` sit in the bar; More opens a sheet with `more` and whatever `more_extras` adds (account, appearance)."""
    sheet = _more_sheet(more, current, more_extras)
    bar = ui.footer().classes('hearth-bottom-nav sm:hidden p-0 gap-0 no-wrap bg-white border-t border-stone-200')
    with bar.props('data-testid=bottom-nav role=navigation aria-label="Main"').mark('bottom-nav'):
        for label, icon, target in tabs:
            _tab(label, icon, target, active=target == current)
        more_tab = ui.element('button').classes('hearth-tab').props('type=button data-testid=bottom-nav-more')
        with more_tab.props('aria-haspopup=dialog').mark('bottom-nav-more').on('click', sheet.open):
            ui.icon('menu')
            ui.label('More')
        if current in {target for _, _, target in more}:
            more_tab.props('aria-current=page')


def _tab(label: str, icon: str, target: str, active: bool) -> None:
    link = ui.link(target=target).classes('hearth-tab').props(f'data-testid=bottom-nav-{label.lower()}')
    with link.mark(f'bottom-nav-{label.lower()}'):
        ui.icon(icon)
        ui.label(label)
    if active:
        link.props('aria-current=page')


def _more_sheet(more: list[NavItem], current: str, more_extras: Callable[[], None]) -> ui.dialog:
    with ui.dialog().props('position=bottom') as sheet, ui.card().classes('w-screen max-w-full rounded-t-2xl') as card:
        card.props('data-testid=more-sheet').mark('more-sheet')
        with ui.element('div').classes('w-full grid grid-cols-3 gap-1'):
            for label, icon, target in more:
                _sheet_item(label, icon, target, active=target == current)
        ui.separator().classes('my-1')
        more_extras()
    return sheet


def _sheet_item(label: str, icon: str, target: str, active: bool) -> None:
    link = ui.link(target=target).classes('hearth-tab rounded-xl py-2').props(f'data-testid=more-{label.lower()}')
    with link.mark(f'more-{label.lower()}'):
        ui.icon(icon)
        ui.label(label).classes('text-center')
    if active:
        link.props('aria-current=page')
