"""Grouping faces into people with injected vectors: people whose photos are close form one group each, strangers
wait until enough of their faces come, new faces join the nearest person within the threshold."""

import numpy as np
import pytest

from ml import clustering
from ml.clustering import MIN_FACES, THRESHOLD, assign, cluster


def people(count: int, faces_each: int, spread: float = 0.2, seed: int = 7) -> tuple[np.ndarray, list[int]]:
    """Faces of `count` people, 128 numbers each: a person's faces lie about 0.2–0.35 apart (like Dlib's photos of
    one person), different people about 1 apart. Returns the faces, shuffled, and whose each is."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 0.06, (count, 128))
    faces = np.concatenate([centre + rng.normal(0, spread / np.sqrt(128), (faces_each, 128)) for centre in centres])
    owners = np.repeat(np.arange(count), faces_each)
    order = rng.permutation(len(faces))
    return faces[order], owners[order].tolist()


def as_sets(groups: list[list[int]], owners: list[int]) -> list[set[int]]:
    return [{owners[index] for index in group} for group in groups]


def test_three_photos_of_one_person_are_one_person_and_a_single_stranger_waits():
    faces, owners = people(2, 3)
    stranger = faces[[i for i, owner in enumerate(owners) if owner == 1][:1]]
    one_person = faces[[i for i, owner in enumerate(owners) if owner == 0]]

    grouping = cluster(np.vstack([one_person, stranger]))

    assert grouping.groups == [[0, 1, 2]] and grouping.waiting == [3]


def test_many_people_each_become_exactly_one_group():
    faces, owners = people(25, 8)

    grouping = cluster(faces)

    assert len(grouping.groups) == 25 and grouping.waiting == []
    assert all(len(whose) == 1 for whose in as_sets(grouping.groups, owners))  # no group mixes two people
    assert sorted(next(iter(whose)) for whose in as_sets(grouping.groups, owners)) == list(range(25))


def test_fewer_than_the_minimum_wait_for_more():
    faces, owners = people(3, MIN_FACES - 1)

    grouping = cluster(faces)

    assert grouping.groups == [] and grouping.waiting == list(range(len(faces)))


def test_one_person_split_across_chunks_is_merged_back(monkeypatch):
    monkeypatch.setattr(clustering, 'CHUNK', 4)  # the leader pass sees the faces four at a time
    faces, owners = people(3, 10, spread=0.25)

    grouping = cluster(faces)

    assert len(grouping.groups) == 3
    assert all(len(whose) == 1 for whose in as_sets(grouping.groups, owners))


def test_new_faces_join_the_nearest_person_within_the_threshold_or_wait():
    faces, owners = people(3, 6)
    grouping = cluster(faces)
    centres = np.array([faces[group].mean(0) for group in grouping.groups])
    newcomers, new_owners = people(4, 1, seed=7)  # the same three people, and one nobody has seen
    rng = np.random.default_rng(1)
    newcomers = newcomers + rng.normal(0, 0.01, newcomers.shape)

    assigned = assign(newcomers, centres)

    for index, person in enumerate(assigned):
        if new_owners[index] == 3:
            assert person is None
        else:
            assert person is not None and owners[grouping.groups[person][0]] == new_owners[index]


@pytest.mark.parametrize('threshold', [0.3, THRESHOLD, 0.6])
def test_distances_match_numpy_and_respect_the_threshold(threshold):
    faces, _ = people(2, 4)
    expected = np.linalg.norm(faces[:, None, :] - faces[None, :, :], axis=2)
    assert np.allclose(clustering.distances(faces, faces), expected, atol=1e-6)
    nearest = assign(faces[:1] + 10, faces, threshold)
    assert nearest == [None]


def test_nothing_in_nothing_out():
    assert cluster(np.zeros((0, 128))) == clustering.Grouping([], [])
    assert assign(np.zeros((0, 128)), np.zeros((3, 128))) == []
    assert assign(np.ones((2, 128)), np.zeros((0, 128))) == [None, None]
