"""Light or dark: the system's setting unless this browser chose otherwise (kept in its localStorage)."""

from nicegui import ui

MODES = {'auto': 'System', 'light': 'Light', 'dark': 'Dark'}


class ThemeMode(ui.element, component='theme_mode.js'):
    def __init__(self):
        super().__init__()
        self.mode = 'auto'
        self.switches: list[ui.toggle] = []
        self.on('mode', lambda event: self._show(event.args))

    def switch(self) -> ui.toggle:
        """A System / Light / Dark toggle that changes and shows this browser's choice."""
        toggle = ui.toggle(MODES, value=self.mode, on_change=lambda event: self.choose(event.value))
        self.switches.append(toggle.props('no-caps unelevated spread padding="4px 12px"').mark('theme-switch'))
        return toggle

    def choose(self, mode: str | None) -> None:
        if mode in MODES and mode != self.mode:
            self.mode = mode
            self.run_method('choose', mode)

    def _show(self, mode: str) -> None:
        self.mode = mode if mode in MODES else 'auto'
        for toggle in self.switches:
            toggle.value = self.mode
