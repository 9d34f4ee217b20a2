"""What makes two assets copies, how copies form groups and who reviews a space's (SPEC §9), as plain rules."""

import uuid

import pytest

from domain.duplicates import (
    BURST_DISTANCE,
    SAME_PICTURE_DISTANCE,
    Link,
    Reason,
    explain,
    groups_of,
    link_reason,
    require_space_review,
    similarity,
)
from domain.errors import Forbidden, NotFound
from domain.jobs import JobState, Outcome, PhotoState, Queue, outcome
from domain.spaces import SpaceRole

A, B, C, D, E = sorted(uuid.uuid4() for _ in range(5))


@pytest.mark.parametrize(
    ('same_checksum', 'distance', 'same_burst', 'reason'),
    [
        (True, None, False, Reason.FILE),  # a video: no picture hash, but the same file
        (True, 0, True, Reason.FILE),
        (False, SAME_PICTURE_DISTANCE, False, Reason.PICTURE),
        (False, SAME_PICTURE_DISTANCE + 1, False, None),  # alike, but nothing else agrees
        (False, SAME_PICTURE_DISTANCE + 1, True, Reason.BURST),
        (False, BURST_DISTANCE, True, Reason.BURST),
        (False, BURST_DISTANCE + 1, True, None),  # the same second and camera, another picture
        (False, None, True, None),
    ],
)
def test_two_assets_are_copies_for_one_stated_reason(same_checksum, distance, same_burst, reason):
    assert link_reason(same_checksum, distance, same_burst) == reason


def test_copies_linked_through_one_another_form_one_group_that_says_its_weakest_reason():
    links = [Link(A, B, Reason.FILE, 0), Link(B, C, Reason.BURST, 14), Link(D, E, Reason.PICTURE, 2)]

    groups = {group.asset_ids: group for group in groups_of(links)}

    assert set(groups) == {(A, B, C), (D, E)}
    assert (groups[(A, B, C)].reason, groups[(A, B, C)].distance) == (Reason.BURST, 14)
    assert (groups[(D, E)].reason, groups[(D, E)].similarity) == (Reason.PICTURE, 0.97)


def test_no_links_no_groups():
    assert groups_of([]) == []


def test_each_reason_is_said_in_words():
    assert explain(Reason.FILE) == 'same file'
    assert explain(Reason.PICTURE) == 'same picture'
    assert explain(Reason.PICTURE, resized=True) == 'same picture, resized'
    assert explain(Reason.BURST) == 'taken within 1 s on the same camera'
    assert similarity(0) == 1.0


@pytest.mark.parametrize(
    ('role', 'refusal'),
    [
        (SpaceRole.OWNER, None),
        (SpaceRole.EDITOR, None),
        (SpaceRole.CONTRIBUTOR, Forbidden),
        (SpaceRole.VIEWER, Forbidden),
        (None, NotFound),
    ],
)
def test_a_spaces_duplicates_are_reviewed_by_its_owners_and_editors(role, refusal):
    if refusal is None:
        require_space_review(role)
    else:
        with pytest.raises(refusal):
            require_space_review(role)


def test_the_jobs_page_counts_a_photo_done_once_hashed_by_the_current_model():
    assert outcome(Queue.DUPLICATES, PhotoState(None)) is Outcome.NOT_STARTED
    assert outcome(Queue.DUPLICATES, PhotoState(None, hashed=True)) is Outcome.DONE
    assert outcome(Queue.DUPLICATES, PhotoState(None, duplicates=JobState.RUNNING)) is Outcome.RUNNING
