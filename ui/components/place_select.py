"""Choosing a place to filter photos by: countries, each followed by its towns, with how many photos each has."""

from collections.abc import Callable

from nicegui import ui

from services.places import PlaceChoice


def place_options(choices: list[PlaceChoice]) -> dict[str, str]:
    """Filter values to what a person reads: 'United Kingdom (3)', then its towns indented under it."""
    options = {}
    for country in choices:
        options[country.value] = f'{country.name} ({country.count})'
        for city in country.cities:
            options[city.value] = f'\u2003{city.name} ({city.count})'
    return options


def place_select(
    choices: list[PlaceChoice], value: str | None = None, on_change: Callable[[str | None], None] | None = None
) -> ui.select:
    select = ui.select(
        place_options(choices),
        value=value if value in place_options(choices) else None,
        label='Place',
        clearable=True,
        on_change=(lambda event: on_change(event.value or None)) if on_change else None,
    )
    select.props('outlined dense options-dense').mark('filter-place')
    select.enabled = bool(choices)
    return select
