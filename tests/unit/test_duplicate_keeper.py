"""Which copy to keep and what it takes from the others (domain.duplicates): the suggestion's criteria in order, and
the merge rules for shared fields and each member's own state."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.duplicates import CopyFacts, SharedFields, UserState, merged_fields, merged_state, suggest_keeper

EARLY = datetime(2024, 5, 1, tzinfo=UTC)


def copy(**facts) -> CopyFacts:
    defaults = {
        'asset_id': uuid.uuid4(),
        'width': 4032,
        'height': 3024,
        'mime_type': 'image/jpeg',
        'file_size': 3_000_000,
        'has_date': True,
        'has_place': True,
        'uploaded_at': EARLY,
    }
    return CopyFacts(**{**defaults, **facts})


@pytest.mark.parametrize(
    ('better', 'worse', 'reason'),
    [
        ({}, {'width': 1600, 'height': 1200, 'file_size': 9_000_000}, 'most pixels'),
        ({'mime_type': 'image/heic', 'file_size': 1_500_000}, {}, 'the original format'),  # not the larger JPEG
        ({'has_place': False}, {'has_date': False}, 'has the date it was taken'),
        ({'file_size': 10}, {'has_place': False}, 'has its place'),
        ({}, {'uploaded_at': EARLY + timedelta(days=1), 'file_size': 9_000_000}, 'uploaded first'),
        ({'file_size': 3_000_001}, {}, 'largest file'),
    ],
    ids=['pixels', 'heic over its jpeg', 'date', 'place', 'earliest', 'size'],
)
def test_the_first_criterion_the_copies_differ_on_decides(better, worse, reason):
    keep, other = copy(**better), copy(**worse)

    assert suggest_keeper([other, keep]) == (keep.asset_id, reason)
    assert suggest_keeper([keep, other]) == (keep.asset_id, reason)


def test_copies_alike_in_every_way_still_get_one_keeper_whatever_their_order():
    first = copy()
    twins = [first, replace(first, asset_id=uuid.uuid4()), replace(first, asset_id=uuid.uuid4())]

    chosen = {suggest_keeper(order)[0] for order in (twins, twins[::-1], twins[1:] + twins[:1])}

    assert len(chosen) == 1
    assert suggest_keeper(twins)[1] == 'alike in every way: the first one'


def fields(description=None, tags=(), taken_at=None, position=None) -> SharedFields:
    return SharedFields(description, frozenset(tags), taken_at, position)


def test_the_keepers_own_values_win_and_only_its_gaps_are_filled():
    keeper = fields('At the lake', ['lake'], datetime(2020, 1, 1), (1.0, 2.0))
    other = fields('Something else', ['lake', 'grandma'], datetime(2019, 1, 1), (5.0, 6.0))

    assert merged_fields(keeper, [other]) == {'tags': ['grandma', 'lake']}


def test_an_empty_keeper_takes_the_first_description_and_place_and_the_earliest_file_date():
    others = [
        fields(None, [], datetime(2021, 6, 1), None),
        fields('Grandma at the lake', ['grandma'], datetime(2021, 5, 31), (55.9, -3.2)),
        fields('Later words', [], None, (1.0, 1.0)),
    ]

    assert merged_fields(fields(), others) == {
        'description': 'Grandma at the lake',
        'tags': ['grandma'],
        'taken_at': datetime(2021, 5, 31),
        'position': (55.9, -3.2),
    }
    assert merged_fields(fields(), [fields()]) == {}


def test_a_members_favorite_and_archive_carry_over_and_their_own_rating_on_the_keeper_stands():
    assert merged_state(None, [UserState(favorite=True, rating=3)]) == UserState(True, 3, False)
    assert merged_state(UserState(rating=2), [UserState(rating=5, archived=True)]) == UserState(False, 2, True)
    assert merged_state(UserState(), [UserState(rating=1), UserState(rating=4)]) == UserState(False, 4, False)
