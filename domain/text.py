"""Cleaning what people type: names on one line, longer texts kept as written; both bounded."""

from domain.errors import InvalidInput


def clean_title(value: str | None, kind: str, max_length: int) -> str:
    """A required name on one line, whitespace collapsed; `kind` ('album', 'space') names it in the errors."""
    name = ' '.join((value or '').split())
    if not name:
        article = 'An' if kind[0] in 'aeiou' else 'A'
        raise InvalidInput(f'{article} {kind} needs a name')
    if len(name) > max_length:
        raise InvalidInput(f'{kind.capitalize()} names are at most {max_length} characters')
    return name


def clean_long_text(value: str | None, what: str, max_length: int) -> str | None:
    """An optional text, trimmed, None when empty; `what` ('Album descriptions') names it in the error."""
    text = (value or '').strip()
    if len(text) > max_length:
        raise InvalidInput(f'{what} are at most {max_length} characters')
    return text or None
