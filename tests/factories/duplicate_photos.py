"""Copies of real photos as families make them, for duplicate detection (SPEC §9): resized, recompressed ("sent
through WhatsApp"), re-saved without EXIF, stored sideways with an orientation tag, cropped by a hair, and a burst's
next frame (the camera moved a little, same camera, a second later). The photos are the packaged ones of
`tests.factories.search_photos` and `face_photos`, read offline."""

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageOps

from tests.factories.face_photos import ANOTHER_PERSON, GROUP_OF_SIX, ONE_PERSON, face_photo
from tests.factories.search_photos import PHOTOS, search_photo

EXIF_IFD, ORIENTATION, MAKE, MODEL, TAKEN = 0x8769, 0x0112, 0x010F, 0x0110, 0x9003
CAMERA = ('Hearthcam', 'HC-1')
TAKEN_AT = datetime(2024, 7, 14, 15, 30, 12)
# Different photos of one scene, each pair taken apart: they must never group.
SAME_SCENE = (('opencv-aero1.jpg', 'opencv-aero3.jpg'), ('opencv-hfs-000.jpg', 'opencv-hfs-001.jpg'))
FACE_PHOTOS = (*ONE_PERSON, ANOTHER_PERSON, GROUP_OF_SIX)


def upright(source: Path) -> Image.Image:
    with Image.open(source) as image:
        return ImageOps.exif_transpose(image).convert('RGB')


def save(image: Image.Image, path: Path, quality: int = 92, camera=CAMERA, taken_at=TAKEN_AT, orientation=None) -> Path:
    """A JPEG with the EXIF a phone writes (camera, time taken, orientation); camera=None writes none at all."""
    exif = Image.Exif()
    if camera is not None:
        exif[MAKE], exif[MODEL] = camera
        exif.get_ifd(EXIF_IFD)[TAKEN] = taken_at.strftime('%Y:%m:%d %H:%M:%S')
    if orientation is not None:
        exif[ORIENTATION] = orientation
    image.save(path, 'JPEG', quality=quality, exif=exif.tobytes())
    return path


def original(source: Path, path: Path, **exif) -> Path:
    return save(upright(source), path, **exif)


def resized(source: Path, path: Path) -> Path:
    image = upright(source)
    return save(image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS), path, quality=90)


def recompressed(source: Path, path: Path) -> Path:
    """As a messenger sends it: at most 1600 px, quality 60."""
    image = upright(source)
    image.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
    return save(image, path, quality=60)


def without_exif(source: Path, path: Path) -> Path:
    return save(upright(source), path, quality=88, camera=None)


def turned_by_tag(source: Path, path: Path) -> Path:
    """Stored sideways, as a phone held upright stores it, with the tag that turns it back (6: a quarter clockwise)."""
    return save(upright(source).transpose(Image.Transpose.ROTATE_90), path, orientation=6)


def cropped(source: Path, path: Path, share: float = 0.01) -> Path:
    image = upright(source)
    dx, dy = round(image.width * share), round(image.height * share)
    return save(image.crop((dx, dy, image.width - dx, image.height - dy)), path, quality=90)


def burst_neighbour(source: Path, path: Path, shift: float = 0.03, seconds: float = 1, camera=CAMERA) -> Path:
    """The next frame of a burst: the view moved by `shift` of the width, taken `seconds` later."""
    image = upright(source)
    dx, dy = round(image.width * shift), round(image.height * 0.01)
    frame = image.crop((2 * dx, dy, image.width, image.height - dy))
    return save(frame, path, quality=90, camera=camera, taken_at=TAKEN_AT + timedelta(seconds=seconds))


COPIES: dict[str, Callable[[Path, Path], Path]] = {
    'resized': resized,
    'recompressed': recompressed,
    'without EXIF': without_exif,
    'turned by its orientation tag': turned_by_tag,
    'cropped by 1%': cropped,
}


def packaged_photos() -> list[Path]:
    """Every packaged photo, once."""
    return [search_photo(name) for *_, name in PHOTOS] + [face_photo(name) for name in FACE_PHOTOS]
