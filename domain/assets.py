"""Rules about assets that do not depend on how they are stored."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.errors import InvalidInput

MAX_DESCRIPTION = 4000
MAX_TAGS = 50
MAX_TAG_LENGTH = 64
MAX_FILENAME = 200


FIRST_PHOTOGRAPH = datetime(1826, 1, 1)  # Niépce's view from Le Gras, the oldest surviving photograph


def plausible_taken_at(taken_at: datetime, now: datetime | None = None) -> bool:
    """Whether a capture time (local, naive) can be right: not before photography, and at most a day ahead of now
    (local clocks run up to 14 hours ahead of UTC). A file's date outside is taken as absent, not believed: a
    9999-12-31 from a broken camera would sit at the top of every timeline."""
    latest = (now or datetime.now(UTC)).replace(tzinfo=None) + timedelta(days=1)
    return FIRST_PHOTOGRAPH <= taken_at <= latest


def month_key(taken_at: datetime) -> int:
    """Timeline buckets are calendar months of the local time the photo was taken: 2024-05 -> 202405."""
    return taken_at.year * 100 + taken_at.month


def month_label(key: int) -> str:
    return f'{key // 100:04d}-{key % 100:02d}'


def parse_month(label: str) -> int:
    match = re.fullmatch(r'(\d{4})-(\d{2})', label or '')
    if not match or not 1 <= int(match[2]) <= 12:
        raise InvalidInput(f'Month must look like 2024-05, not {label!r}')
    return int(match[1]) * 100 + int(match[2])


def validate_rating(rating: int) -> int:
    if not isinstance(rating, int) or isinstance(rating, bool) or not 0 <= rating <= 5:
        raise InvalidInput('Rating must be a whole number from 0 to 5')
    return rating


def clean_description(text: str | None) -> str | None:
    text = (text or '').strip()
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(f'Description is limited to {MAX_DESCRIPTION} characters')
    return text or None


def clean_tags(tags: list[str]) -> list[str]:
    """Trimmed, without empties and case-insensitive duplicates, in the order given."""
    seen: dict[str, str] = {}
    for raw in tags:
        tag = ' '.join(str(raw).split())
        if len(tag) > MAX_TAG_LENGTH:
            raise InvalidInput(f'A tag is limited to {MAX_TAG_LENGTH} characters')
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    if len(seen) > MAX_TAGS:
        raise InvalidInput(f'An asset can carry at most {MAX_TAGS} tags')
    return list(seen.values())


def validate_position(latitude: float | None, longitude: float | None) -> tuple[float | None, float | None]:
    if (latitude is None) != (longitude is None):
        raise InvalidInput('Give both latitude and longitude, or neither')
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput('Latitude must be within ±90 and longitude within ±180')
    return latitude, longitude


def validate_utc_offset(minutes: int | None) -> int | None:
    if minutes is not None and not -14 * 60 <= minutes <= 14 * 60:
        raise InvalidInput('UTC offset must be within ±14 hours')
    return minutes


def display_filename(name: str | None) -> str:
    """The name a user sees; never used as a path. Drops folders, control characters and NULs."""
    base = re.split(r'[\\/]', name or '')[-1]
    base = ''.join(ch for ch in base if unicodedata.category(ch)[0] != 'C').strip().lstrip('.')
    return base[:MAX_FILENAME] or 'unnamed'


@dataclass(frozen=True)
class TrashPolicy:
    retention_days: int = 30

    def purge_cutoff(self, now: datetime) -> datetime:
        """Assets trashed before this moment are due for permanent deletion."""
        return now - timedelta(days=self.retention_days)

    def purges_on(self, trashed_at: datetime) -> datetime:
        return trashed_at + timedelta(days=self.retention_days)


def utcnow() -> datetime:
    return datetime.now(UTC)
