"""Perceptual hashes for near duplicates (SPEC §9): a 64-bit pHash of a photo's thumbnail, which Hearth renders with
the photo's orientation applied, so a copy turned by its EXIF tag hashes like the upright one.

Hashes are kept as signed 64-bit integers (what both databases store in a BIGINT). Near copies are found by
multi-index hashing (Norouzi et al.): the 64 bits are split into `BANDS` bands of 16; two hashes within `distance` of
each other have, by pigeonhole, at least one band within `distance // BANDS` bits, so a lookup asks each band's index
for the band's value and its neighbours within that radius, then checks the whole hash.
"""

from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import imagehash
from PIL import Image, ImageOps

MODEL_VERSION = 'phash-imagehash-4.3.2-64'  # stored hashes depend on it: another value means hash again
BITS = 64
BANDS = 4
BAND_BITS = BITS // BANDS
_BAND_MASK = (1 << BAND_BITS) - 1


def photo_hash(path: Path) -> int:
    """The pHash of the picture at `path` (turned upright by its EXIF orientation, if it has one), signed."""
    with Image.open(path) as image:
        image.draft('L', (64, 64))  # a JPEG decodes at the smallest DCT scale still above pHash's 32 x 32
        upright = ImageOps.exif_transpose(image)
        return to_signed(int(str(imagehash.phash(upright)), 16))


def to_signed(value: int) -> int:
    return value - (1 << BITS) if value >= 1 << (BITS - 1) else value


def to_unsigned(value: int) -> int:
    return value & ((1 << BITS) - 1)


def distance(first: int, second: int) -> int:
    """Hamming distance between two hashes, signed or not."""
    return (to_unsigned(first) ^ to_unsigned(second)).bit_count()


def bands(value: int) -> tuple[int, ...]:
    """The hash's bands, lowest bits first, each an integer below 2**16."""
    unsigned = to_unsigned(value)
    return tuple((unsigned >> (BAND_BITS * index)) & _BAND_MASK for index in range(BANDS))


def band_radius(threshold: int) -> int:
    """How far each band is searched so that every hash within `threshold` is found (pigeonhole over the bands)."""
    return threshold // BANDS


def band_reach(radius: int) -> int:
    """The distance within which every hash is found when each band is searched `radius` bits around: one missed
    differs by more than `radius` bits in every band, so by at least `BANDS * (radius + 1)` bits in all."""
    return BANDS * (radius + 1) - 1


def band_neighbours(band: int, radius: int) -> list[int]:
    """Every band value within `radius` bits of `band`, itself first."""
    return [band ^ mask for mask in _masks(radius)]


def _masks(radius: int) -> Iterator[int]:
    for flipped in range(radius + 1):
        for bits in combinations(range(BAND_BITS), flipped):
            yield sum(1 << bit for bit in bits)
