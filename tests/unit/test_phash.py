"""The picture hash of duplicates (SPEC §9) on real photos, rendered as Hearth renders them: copies a family makes
hash within `SAME_PICTURE_DISTANCE`, different photos of one scene far apart; and the band index finds every hash
within its reach, 7 bits, so every one within the distance (pigeonhole over four 16-bit bands, each searched one bit
around)."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.duplicates import BURST_DISTANCE, SAME_PICTURE_DISTANCE
from ml import duplicates, media
from tests.factories import duplicate_photos
from tests.factories.face_photos import face_photo
from tests.factories.search_photos import search_photo

PHOTOS = ('ultralytics-bus.jpg', 'palapeli-castle-maintenon.jpg', 'skimage-coffee.png', 'opencv-fruits.jpg')


def thumbnail_hash(photo: Path, folder: Path) -> int:
    """The hash of the thumbnail Hearth renders for the photo (upright, ~250 px)."""
    thumbnail, preview = folder / 'thumbnail.jpg', folder / 'preview.jpg'
    media.analyse_and_render(photo, thumbnail, preview)
    return duplicates.photo_hash(thumbnail)


@pytest.mark.parametrize('name', PHOTOS)
@pytest.mark.parametrize('copy', duplicate_photos.COPIES)
def test_a_copy_a_family_makes_hashes_as_the_same_picture(tmp_path, name, copy):
    source = search_photo(name)
    original = thumbnail_hash(duplicate_photos.original(source, tmp_path / 'original.jpg'), tmp_path)
    made = duplicate_photos.COPIES[copy](source, tmp_path / 'copy.jpg')

    assert duplicates.distance(original, thumbnail_hash(made, tmp_path)) <= SAME_PICTURE_DISTANCE


@pytest.mark.parametrize(
    'pair', [*duplicate_photos.SAME_SCENE, ('obama.jpg', 'obama2.jpg'), ('obama2.jpg', 'obama3.jpg')]
)
def test_different_photos_of_one_scene_are_too_far_apart_even_for_a_burst(tmp_path, pair):
    first, second = (face_photo(name) if name.startswith('obama') else search_photo(name) for name in pair)

    assert duplicates.distance(thumbnail_hash(first, tmp_path), thumbnail_hash(second, tmp_path)) > BURST_DISTANCE


def test_the_hash_is_the_upright_pictures_whatever_the_tag(tmp_path):
    source = search_photo('ultralytics-bus.jpg')
    upright = duplicates.photo_hash(duplicate_photos.original(source, tmp_path / 'upright.jpg'))
    sideways = duplicates.photo_hash(duplicate_photos.turned_by_tag(source, tmp_path / 'sideways.jpg'))

    assert duplicates.distance(upright, sideways) <= SAME_PICTURE_DISTANCE


def test_hashes_are_signed_64_bit_integers_that_round_trip():
    for value in (0, 1, 2**63 - 1, 2**63, 2**64 - 1):
        signed = duplicates.to_signed(value)
        assert -(2**63) <= signed < 2**63
        assert duplicates.to_unsigned(signed) == value
    assert duplicates.distance(-1, 0) == 64


hashes = st.integers(min_value=0, max_value=2**64 - 1)
RADIUS = duplicates.band_radius(SAME_PICTURE_DISTANCE)


def test_the_bands_reach_every_hash_within_the_same_picture_distance():
    assert duplicates.band_reach(RADIUS) >= SAME_PICTURE_DISTANCE


@given(hashes, st.sets(st.integers(min_value=0, max_value=63), max_size=duplicates.band_reach(RADIUS)))
def test_every_hash_within_the_reach_shares_a_band_within_the_radius(value, flipped):
    other = value ^ sum(1 << bit for bit in flipped)

    neighbours = zip(duplicates.bands(value), duplicates.bands(other), strict=True)
    assert any(theirs in duplicates.band_neighbours(mine, RADIUS) for mine, theirs in neighbours)


def test_a_bands_neighbours_are_itself_and_one_bit_away():
    neighbours = duplicates.band_neighbours(0b1010, 1)

    assert neighbours[0] == 0b1010
    assert len(set(neighbours)) == 1 + duplicates.BAND_BITS
    assert all((neighbour ^ 0b1010).bit_count() <= 1 for neighbour in neighbours)
