"""The search evaluation set is consistent: every photo is fetched, names are unique, queries name real photos."""

from collections import Counter

import pytest

from tests.eval.search_set import KINDS, PHOTOS, QUERIES
from tests.factories import search_photos
from tests.factories.search_photos import search_photo

NAMES = {photo.name for photo in PHOTOS}


def test_photo_names_are_unique_and_match_the_fetched_table():
    assert len(NAMES) == len(PHOTOS)
    assert {name for *_, name in search_photos.PHOTOS} == NAMES


def test_set_is_large_enough_and_covers_every_kind_of_query():
    assert len(PHOTOS) >= 60
    assert len(QUERIES) >= 50
    assert set(Counter(query.kind for query in QUERIES)) == set(KINDS)


def test_every_query_names_existing_photos():
    for query in QUERIES:
        assert query.relevant, query.text
        assert query.relevant <= NAMES, query.text


def test_query_texts_are_unique():
    assert len({query.text for query in QUERIES}) == len(QUERIES)


def test_every_photo_is_on_disk_after_fetching():
    if not all((search_photos.FOLDER / name).is_file() for name in NAMES):
        pytest.skip(
            f'search photos not fetched into {search_photos.FOLDER}: '
            'run `.venv/bin/python -m tests.factories.search_photos` once'
        )
    for name in NAMES:
        assert search_photo(name).stat().st_size > 0
