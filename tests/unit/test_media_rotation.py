"""A rotation on top of a file's own EXIF orientation is one orientation: the same pixels as doing one after the
other, for every orientation (mirrored ones too) and every quarter turn."""

import pytest
from PIL import Image, ImageOps

from ml import media


def asymmetric() -> Image.Image:
    """A 3 x 2 image whose every pixel differs, so any mirror or turn shows."""
    image = Image.new('L', (3, 2))
    image.putdata([10, 20, 30, 40, 50, 60])
    return image


def shown(image: Image.Image, orientation: int) -> Image.Image:
    tagged = image.copy()
    tagged.getexif()[0x0112] = orientation
    return ImageOps.exif_transpose(tagged)


@pytest.mark.parametrize('rotation', media.ROTATIONS)
@pytest.mark.parametrize('orientation', range(1, 9))
def test_a_rotation_composes_with_every_exif_orientation(orientation, rotation):
    one_after_the_other = shown(asymmetric(), orientation).rotate(-rotation, expand=True)

    combined = shown(asymmetric(), media.turned_orientation(orientation, rotation))

    assert combined.tobytes() == one_after_the_other.tobytes()
    assert (
        combined.size == one_after_the_other.size == media.turned_size(shown(asymmetric(), orientation).size, rotation)
    )


def test_no_orientation_is_upright():
    assert media.turned_orientation(None, 90) == 6
    assert media.turned_orientation(None, 0) == 1
