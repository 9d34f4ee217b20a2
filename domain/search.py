"""Search (SPEC §8): words folded the same way when a photo's words are stored and when someone asks, and a query
understood as filters -- when (years, months, seasons, holidays, "last year"), who (the names of the people I see),
videos, favorites -- and the words that remain, which the full-text index matches (places and cameras among them:
a photo's place names and camera are words of its own, so "Paris" finds photos taken in Paris, never photos that
merely look French)."""

import re
import unicodedata
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8  # more words than this are not a search but a paste
MAX_TOKEN_LENGTH = 40
MIN_JOINED, MAX_JOINED = 6, 3  # words run together: at least this long, of at most this many words
# Endings that make a word from a word ('segment', 'segmentation'), and the shortest word they are added to.
WORD_ENDINGS = ('ation', 'ations', 'ment', 'ments', 'ness', 'ing', 'ings', 'ers', 'er', 'ed', 'es', 's', 'ly')
MIN_STEM = 4
MIN_NAME_PART = 3  # "Al" of "Al Smith" is too short to stand for him alone
STOP_WORDS = frozenset(
    {
        'a',
        'an',
        'and',
        'any',
        'are',
        'at',
        'by',
        'for',
        'from',
        'in',
        'into',
        'is',
        'it',
        'me',
        'my',
        'of',
        'on',
        'or',
        'our',
        's',  # of "Grandma's": the possessive, read and stored as a word of its own
        'show',
        'the',
        'their',
        'to',
        'was',
        'were',
        'with',
    }
)
TOKEN = re.compile(r'[^\W_]+')
LETTERS_OR_DIGITS = re.compile(r'[^\W\d_]+|\d+')
YEAR = re.compile(r'(19|20)\d\d')
FIRST_YEAR, LAST_YEAR = 1900, 2099

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ('january', 'jan'),
            ('february', 'feb'),
            ('march', 'mar'),
            ('april', 'apr'),
            ('may',),
            ('june', 'jun'),
            ('july', 'jul'),
            ('august', 'aug'),
            ('september', 'sep', 'sept'),
            ('october', 'oct'),
            ('november', 'nov'),
            ('december', 'dec'),
        ),
        start=1,
    )
    for name in names
}
# Seasons of the northern hemisphere, where most families using Hearth live; a southern family's "summer" photos
# are found by the month names.
SEASONS = {
    'spring': (3, 4, 5),
    'summer': (6, 7, 8),
    'autumn': (9, 10, 11),
    'fall': (9, 10, 11),
    'winter': (12, 1, 2),
}
# Holidays on fixed days, with the days around them when families take their photos.
HOLIDAYS = {
    ('christmas',): ((12, 24), (12, 25), (12, 26)),
    ('xmas',): ((12, 24), (12, 25), (12, 26)),
    ('christmas', 'eve'): ((12, 24),),
    ('new', 'year'): ((12, 31), (1, 1)),
    ('new', 'years', 'eve'): ((12, 31),),
    ('new', 'year', 's', 'eve'): ((12, 31),),
    ('halloween',): ((10, 31),),
    ('valentine',): ((2, 14),),
    ('valentines',): ((2, 14),),
    ('valentine', 's', 'day'): ((2, 14),),
}
# Other names people use for a country than the one its photos' places carry: searched as the place too.
COUNTRY_ALIASES = {
    'GB': ('UK', 'Britain', 'Great Britain'),
    'US': ('USA', 'America', 'United States of America'),
    'NL': ('Holland',),
    'AE': ('UAE', 'Emirates'),
    'CZ': ('Czech Republic',),
    'KR': ('Korea',),
    'CH': ('Schweiz', 'Suisse', 'Svizzera'),
    'DE': ('Deutschland',),
    'ES': ('España',),
    'IT': ('Italia',),
}
VIDEO_WORDS = frozenset({'video', 'videos', 'movie', 'movies', 'clip', 'clips', 'film', 'films'})
FAVORITE_WORDS = frozenset({'favorite', 'favorites', 'favourite', 'favourites', 'starred', 'loved'})


def fold(text: str) -> str:
    """Lowercase without accents: 'Zürich' and 'zurich', 'Straße' and 'strasse' are the same word."""
    decomposed = unicodedata.normalize('NFKD', text)
    return ''.join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def tokens(text: str | None) -> list[str]:
    """The words of a text, folded, in order; punctuation and underscores separate them."""
    return [token[:MAX_TOKEN_LENGTH] for token in TOKEN.findall(fold(text or ''))]


def split_joined(token: str, known: Collection[str]) -> list[str]:
    """A token the text reader ran together ('happybirthday', 'stationroad') as the fewest known words it is made
    of, two to MAX_JOINED; [] when it is a known word itself, too short, or not made of known words. A known word
    with a common ending is known too ('segment' + 'ation': 'basedsegmentation' is 'based segmentation'): a
    vocabulary of whole words (the meaning model's) keeps few derived ones."""
    if len(token) < MIN_JOINED or _is_word(token, known):
        return []
    fewest: dict[int, list[str]] = {0: []}
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - MAX_TOKEN_LENGTH), end - 1):
            piece = token[start:end]
            if start in fewest and _is_word(piece, known) and len(fewest[start]) + 1 < len(fewest.get(end, token)):
                fewest[end] = [*fewest[start], piece]
    found = fewest.get(len(token), [])
    return found if 1 < len(found) <= MAX_JOINED else []


def _is_word(piece: str, known: Collection[str]) -> bool:
    if piece in known:
        return True
    return any(
        piece.endswith(ending) and len(piece) - len(ending) >= MIN_STEM and piece[: -len(ending)] in known
        for ending in WORD_ENDINGS
    )


# English plurals that no rule makes, both ways.
IRREGULAR_PLURALS = {
    'child': 'children',
    'foot': 'feet',
    'goose': 'geese',
    'man': 'men',
    'mouse': 'mice',
    'person': 'people',
    'tooth': 'teeth',
    'woman': 'women',
}
IRREGULAR_SINGULARS = {plural: singular for singular, plural in IRREGULAR_PLURALS.items()}
# Words ending in s that are no plural of the word without it ('news' is not more than one 'new').
NOT_PLURALS = frozenset({'always', 'christmas', 'lens', 'news', 'perhaps', 'physics', 'series', 'species', 'swiss'})
MIN_FORM = 3  # 'bus', 'car': shorter words have no forms ('us' is no plural of 'u')


def word_forms(word: str) -> tuple[str, ...]:
    """The singular and plural of a folded query word, besides the word itself, to search for as well ('books':
    'book'; 'church': 'churches'; 'leaves': 'leaf'; 'puppy': 'puppies'): a photo whose words say 'book' is a
    photo of books. English only, by the spelling rules and the few irregular nouns families use; a rule that can
    go two ways gives both ('houses': 'house' and 'hous'), the wrong one matching nothing. Words with digits and
    short words have none."""
    if len(word) < MIN_FORM or not word.isalpha() or word in NOT_PLURALS:
        return ()
    if word in IRREGULAR_PLURALS:
        return (IRREGULAR_PLURALS[word],)
    if word in IRREGULAR_SINGULARS:
        return (IRREGULAR_SINGULARS[word],)
    forms = _singulars(word) or _plurals(word)  # a word that looks plural is taken for one
    return tuple(form for form in dict.fromkeys(forms) if form != word and len(form) >= MIN_FORM)


def _singulars(word: str) -> list[str]:
    if not word.endswith('s') or word.endswith(('ss', 'us', 'is')):
        return []
    if word.endswith('ies'):
        return [word[:-3] + 'y', word[:-1]]  # puppies, movies
    if word.endswith('ves'):
        return [word[:-3] + 'f', word[:-3] + 'fe', word[:-1]]  # leaves, knives, caves
    if word.endswith(('ches', 'shes', 'xes', 'zes', 'sses', 'oes', 'ses')):
        return [word[:-2], word[:-1]]  # churches, boxes, glasses, potatoes, buses; shoes, houses
    return [word[:-1]]


def _plurals(word: str) -> list[str]:
    if word.endswith(('s', 'x', 'z', 'ch', 'sh')):
        return [word + 'es']
    if word.endswith('y') and word[-2] not in 'aeiou':
        return [word[:-1] + 'ies']
    if word.endswith('f'):
        return [word[:-1] + 'ves', word + 's']
    if word.endswith('fe'):
        return [word[:-2] + 'ves', word + 's']
    return [word + 's']


def run_together(words: Sequence[str], index: int) -> tuple[str, ...]:
    """The query word at `index` run together with the word before it and with the word after ('us' of 'let us
    c': 'letus', 'usc'), to search for as well: the text reader misses spaces ('LET USC' on a book cover), and
    signs and models are written both ways ('GM125'). Searched as an alternative to each of the two words, so a
    photo has both words or the two as one."""
    pairs = [words[start : start + 2] for start in (index - 1, index) if start >= 0 and start + 1 < len(words)]
    return tuple(joined for joined in map(''.join, pairs) if len(joined) <= MAX_TOKEN_LENGTH)


def document_text(*texts: str | None) -> str:
    """Texts as the index stores them: folded words, each once, in order of first appearance; a word of letters and
    digits is stored with its parts too ('gm125': 'gm', '125'), so that a sign or a model number read or written
    without its space ('GM125', 'M6', 'A38') is found as people type it ('GM 125')."""
    words = (token for text in texts for token in tokens(text))
    return ' '.join(dict.fromkeys(part for token in words for part in (token, *letters_and_digits(token))))


def letters_and_digits(token: str) -> list[str]:
    """The runs of letters and of digits a token is made of, when it has both: 'gm125' is 'gm', '125'; a letter
    alone is left out ('m6': '6'), as a query word it would be found nearly everywhere."""
    parts = LETTERS_OR_DIGITS.findall(token)
    return [part for part in parts if len(part) > 1 or part.isdigit()] if len(parts) > 1 else []


class Kind(StrEnum):
    """What a part of a query was understood as."""

    PERSON = 'person'
    YEAR = 'year'
    MONTH = 'month'
    SEASON = 'season'
    HOLIDAY = 'holiday'
    VIDEOS = 'videos'
    FAVORITES = 'favorites'


@dataclass(frozen=True)
class Recognised:
    """A part of the query taken as a filter, as the person wrote it, for the page to show ("Grandma · person")."""

    text: str
    kind: Kind


@dataclass(frozen=True)
class When:
    """Photos taken in any of `years` (None: any), in any of `months`, on any of `days` ((month, day) pairs)."""

    years: frozenset[int] | None = None
    months: frozenset[int] | None = None
    days: frozenset[tuple[int, int]] | None = None

    @property
    def anytime(self) -> bool:
        return self.years is None and self.months is None and self.days is None


@dataclass(frozen=True)
class Understood:
    """A query as filters and words. People are by the ids of the people I see (each name one person: all must be in
    the photo); `words` are matched by the full-text index, all of them."""

    words: tuple[str, ...] = ()
    people: tuple[tuple[uuid.UUID, ...], ...] = ()
    when: When = field(default_factory=When)
    videos: bool = False
    favorites: bool = False
    recognised: tuple[Recognised, ...] = ()

    @property
    def empty(self) -> bool:
        filters = self.people or self.videos or self.favorites or not self.when.anytime
        return not (self.words or filters)


def understand(query: str, people: Mapping[str, tuple[uuid.UUID, ...]], today: date) -> Understood:
    """Read a query. `people` maps the folded names of the people I see to their ids (a name may stand for several
    of my people: all of them are that person). Longest names first, so "Aunt May" is a person before May is a
    month."""
    words = [word for word in tokens(query[:MAX_QUERY_LENGTH])]
    parts = _Parts(today)
    longest_name = max((len(name.split()) for name in people), default=0)
    index = 0
    while index < len(words):
        index += parts.take(words, index, people, longest_name)
    return parts.understood()


class _Parts:
    def __init__(self, today: date):
        self.today = today
        self.words: list[str] = []
        self.people: list[tuple[uuid.UUID, ...]] = []
        self.years: set[int] = set()
        self.months: set[int] = set()
        self.days: set[tuple[int, int]] = set()
        self.videos = self.favorites = False
        self.recognised: list[Recognised] = []

    def take(self, words: list[str], index: int, people: Mapping[str, tuple], longest_name: int) -> int:
        """Take what starts at words[index]; how many words it used."""
        for size in range(min(longest_name, len(words) - index), 0, -1):
            name = ' '.join(words[index : index + size])
            if name in people:
                self.people.append(people[name])
                self.recognised.append(Recognised(name, Kind.PERSON))
                return size
        for size in (4, 3, 2, 1):
            phrase = tuple(words[index : index + size])
            if len(phrase) == size and phrase in HOLIDAYS:
                self.days.update(HOLIDAYS[phrase])
                self.recognised.append(Recognised(' '.join(phrase), Kind.HOLIDAY))
                return size
        pair = tuple(words[index : index + 2])
        if pair in (('last', 'year'), ('this', 'year')):
            self.years.add(self.today.year - (pair[0] == 'last'))
            self.recognised.append(Recognised(' '.join(pair), Kind.YEAR))
            return 2
        self._one(words[index])
        return 1

    def _one(self, word: str) -> None:
        if YEAR.fullmatch(word) and FIRST_YEAR <= int(word) <= LAST_YEAR:
            self.years.add(int(word))
            self.recognised.append(Recognised(word, Kind.YEAR))
        elif word in MONTHS:
            self.months.add(MONTHS[word])
            self.recognised.append(Recognised(word, Kind.MONTH))
        elif word in SEASONS:
            self.months.update(SEASONS[word])
            self.recognised.append(Recognised(word, Kind.SEASON))
        elif word in VIDEO_WORDS:
            self.videos = True
            self.recognised.append(Recognised(word, Kind.VIDEOS))
        elif word in FAVORITE_WORDS:
            self.favorites = True
            self.recognised.append(Recognised(word, Kind.FAVORITES))
        elif word not in STOP_WORDS and word not in self.words and len(self.words) < MAX_WORDS:
            self.words.append(word)

    def understood(self) -> Understood:
        when = When(
            frozenset(self.years) or None,
            frozenset(self.months) or None,
            frozenset(self.days) or None,
        )
        return Understood(
            tuple(self.words), tuple(self.people), when, self.videos, self.favorites, tuple(self.recognised)
        )


def people_names(named: Iterable[tuple[str, uuid.UUID]]) -> dict[str, tuple[uuid.UUID, ...]]:
    """(name, person id) pairs as `understand` takes them: folded names, each with every id that bears it; and each
    part of a name that no other name has ("Messi" for Lionel Messi), as people say a surname or a first name."""
    found: dict[str, list[uuid.UUID]] = {}
    for name, person_id in named:
        key = ' '.join(tokens(name))
        if key:
            found.setdefault(key, []).append(person_id)
    parts: dict[str, set[str]] = {}
    for name in found:
        words = name.split()
        for part in words if len(words) > 1 else ():
            parts.setdefault(part, set()).add(name)
    for part, names in parts.items():
        if len(names) == 1 and part not in found and part not in STOP_WORDS and len(part) >= MIN_NAME_PART:
            found[part] = found[next(iter(names))]
    return {name: tuple(ids) for name, ids in found.items()}
