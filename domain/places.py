"""A photo's place, in names: the town and the regions around it, as the offline geocoder or a person gives them.

`county` (GeoNames admin2: a county, municipality or district) is kept only where it helps to recognise the place:
the geocoder sets it for villages and small towns and leaves it empty for larger ones, because 'Cambridge,
Cambridgeshire' says nothing 'Cambridge' does not, while 'Haslingfield' alone means little to most. The choice is
made at lookup time, not in `label()`, so the stored names are what is shown and a person can add or remove a
county by hand. `label()` then shows every part that is set and not already said.
"""

from dataclasses import dataclass, fields

from domain.errors import InvalidInput

MAX_NAME_LENGTH = 200  # as the place columns store them


@dataclass(frozen=True)
class Place:
    city: str | None = None
    county: str | None = None
    state: str | None = None
    country: str | None = None
    country_code: str | None = None

    def label(self) -> str:
        """'Edinburgh, Scotland, United Kingdom': the names from small to large, each once; '' when there are none."""
        shown: list[str] = []
        for part in (self.city, self.county, self.state, self.country):
            if part and part.casefold() not in {name.casefold() for name in shown}:
                shown.append(part)
        return ', '.join(shown)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, field.name) for field in fields(self))


def clean_place_name(value: str | None, what: str, max_length: int = MAX_NAME_LENGTH) -> str | None:
    """Whitespace collapsed to single spaces, None when nothing is left; `what` ('Town names') names it in the error."""
    name = ' '.join((value or '').split())
    if len(name) > max_length:
        raise InvalidInput(f'{what} are at most {max_length} characters')
    return name or None
