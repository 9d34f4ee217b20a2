"""Dates written by the browser, in the reader's language and time zone (Intl.DateTimeFormat)."""

from datetime import date, datetime

from nicegui import ui

# The server's own rendering: what the simulated user of the tests reads, and the browser's fallback.
_FALLBACK = {
    'date': '%-d %b %Y',
    'datetime': '%-d %B %Y, %H:%M',
    'day': '%a %-d %b',
    'time': '%H:%M',
    'moment': '%a %-d %b %Y, %H:%M',
    'long': '%A %-d %B %Y, %H:%M',
}


class LocalDate(ui.element, component='local_date.js'):
    """`moment` in `style` ('date', 'datetime', 'day', 'time' or 'since': today/yesterday/a short date) placed where
    `template` has '{}'. Aware datetimes show in the reader's time zone; dates and naive times as they are."""

    def __init__(self, moment: date | datetime, style: str = 'date', template: str = '{}'):
        super().__init__()
        self._props.update(format=style, template=template)
        self._set(moment)

    def show(self, moment: date | datetime) -> None:
        """Another moment in the same style (the viewer's title as it steps)."""
        self._set(moment)
        self.update()

    def _set(self, moment: date | datetime) -> None:
        text = self._props['template'].replace('{}', server_text(moment, self._props['format']))
        if isinstance(moment, datetime):
            moment = moment.replace(microsecond=0)  # not every browser parses six fractional digits
        self._props.update(iso=moment.isoformat(), fallback=text)

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [self._props['fallback']]


def server_text(moment: date | datetime, style: str) -> str:
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        moment = moment.astimezone()
    return _since(moment) if style == 'since' else moment.strftime(_FALLBACK[style])


def _since(moment: date | datetime) -> str:
    today = datetime.now().astimezone().date()
    day = moment.date() if isinstance(moment, datetime) else moment
    if isinstance(moment, datetime) and (today - day).days in (0, 1):
        return f'{"today" if day == today else "yesterday"}, {moment:%H:%M}'
    return f'{moment:%-d %b}' if day.year == today.year else f'{moment:%-d %b %Y}'
