"""Generators of small, realistic media files for tests. Everything is synthesised locally; nothing is downloaded."""

import random
import struct
import zlib
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import av
import pillow_heif
from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

EXIF_IFD = 0x8769
GPS_IFD = 0x8825


def make_jpeg(
    path: Path,
    *,
    size: tuple[int, int] = (640, 480),
    color: tuple[int, int, int] = (200, 120, 40),
    taken_at: datetime | None = None,
    utc_offset: str | None = None,
    gps: tuple[float, float] | None = None,
    make: str | None = 'Hearthcam',
    model: str | None = 'HC-1',
    lens: str | None = 'Hearth 35mm',
    orientation: int = 1,
    exposure: tuple[int, int] | None = (1, 125),
    f_number: float | None = 2.8,
    iso: int | None = 200,
    focal_length: float | None = 35.0,
    noise: bool = False,
    altitude: float | None = None,
) -> Path:
    """A photo-like JPEG; None leaves a tag out. noise=True gives camera-like file sizes (~4 MB at 12 MP)."""
    exif = Image.Exif()
    _set_if(exif, 0x010F, make)
    _set_if(exif, 0x0110, model)
    exif[0x0112] = orientation
    details = exif.get_ifd(EXIF_IFD)
    _set_if(details, 0x9003, taken_at and taken_at.strftime('%Y:%m:%d %H:%M:%S'))
    _set_if(details, 0x9011, utc_offset)
    _set_if(details, 0xA434, lens)
    _set_if(details, 0x829A, exposure and IFDRational(*exposure))
    _set_if(details, 0x829D, f_number and _rational(f_number))
    _set_if(details, 0x8827, iso)
    _set_if(details, 0x920A, focal_length and _rational(focal_length))
    if gps is not None:
        exif.get_ifd(GPS_IFD).update(_gps_tags(gps[0], gps[1], altitude))
    photo_like_image(size, color, noise).save(path, 'JPEG', quality=92, exif=exif.tobytes())
    return path


def make_png(path: Path, size: tuple[int, int] = (320, 240), color: tuple[int, int, int] = (40, 160, 90)) -> Path:
    photo_like_image(size, color).save(path, 'PNG')
    return path


def make_png_with_alpha(path: Path, size: tuple[int, int] = (320, 240)) -> Path:
    image = photo_like_image(size, (90, 40, 200)).convert('RGBA')
    image.putalpha(Image.linear_gradient('L').resize(size))
    image.save(path, 'PNG')
    return path


def make_png_16bit(path: Path, size: tuple[int, int] = (320, 240)) -> Path:
    """A 16-bit greyscale PNG (Pillow mode I;16), the kind scanners and some editors export."""
    gradient = Image.linear_gradient('L').resize(size).convert('I').point(lambda v: v * 257)
    gradient.convert('I;16').save(path, 'PNG')
    return path


def make_webp(path: Path, size: tuple[int, int] = (320, 240), color: tuple[int, int, int] = (30, 90, 180)) -> Path:
    photo_like_image(size, color).save(path, 'WEBP', quality=85)
    return path


def make_heic(
    path: Path,
    size: tuple[int, int] = (320, 240),
    taken_at: datetime | None = None,
    color: tuple[int, int, int] = (180, 60, 120),
) -> Path:
    exif = Image.Exif()
    exif[0x010F] = 'Hearthphone'
    _set_if(exif.get_ifd(EXIF_IFD), 0x9003, taken_at and taken_at.strftime('%Y:%m:%d %H:%M:%S'))
    heif = pillow_heif.from_pillow(photo_like_image(size, color))
    heif.save(path, format='HEIF', quality=80, exif=exif.tobytes())
    return path


def make_mp4(
    path: Path,
    seconds: float = 2.0,
    size: tuple[int, int] = (320, 240),
    fps: int = 10,
    container: str = 'mp4',
    *,
    creation_time: str | None = None,
    rotation: int = 0,
) -> Path:
    """H.264 (libx264, bundled in PyAV's wheel) in MP4 or MOV. creation_time like '2024-05-01T10:00:00.000000Z'.

    rotation is the display-matrix angle (counter-clockwise degrees), as phones write for portrait clips.
    """
    with av.open(str(path), 'w', format=container) as output:
        if creation_time:
            output.metadata['creation_time'] = creation_time
        stream = output.add_stream('libx264', rate=fps, options={'preset': 'ultrafast'})
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], 'yuv420p'
        if rotation:
            stream.set_display_rotation(rotation)
        for index in range(round(seconds * fps)):
            frame = av.VideoFrame.from_image(photo_like_image(size, (index * 20 % 256, 100, 200 - index % 200)))
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return path


def make_corrupt_jpeg(path: Path) -> Path:
    """A valid JPEG truncated to about half: the header is intact, the entropy-coded data is not."""
    make_jpeg(path, size=(800, 600), noise=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_bomb_png(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A few-hundred-byte PNG whose IHDR declares width x height (its pixel data is for a 1x1 image)."""
    Image.new('RGB', (1, 1)).save(path, 'PNG')
    data = bytearray(path.read_bytes())
    ihdr_start = 8 + 4  # signature, then the IHDR chunk's length field
    body = b'IHDR' + struct.pack('>II', width, height) + bytes(data[ihdr_start + 12 : ihdr_start + 17])
    data[ihdr_start : ihdr_start + 21] = body + struct.pack('>I', zlib.crc32(body))
    path.write_bytes(bytes(data))
    return path


def make_text_file(path: Path) -> Path:
    path.write_text('Shopping list:\n- flour\n- eggs\n', encoding='utf-8')
    return path


def photo_like_image(size: tuple[int, int], color: tuple[int, int, int], noise: bool = False) -> Image.Image:
    """A sky-to-ground gradient with a sun and a house tinted by color: cheap, yet compresses like a photo."""
    width, height = size
    image = _gradient(color).resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    r, g, b = color
    draw.ellipse((width * 0.65, height * 0.1, width * 0.85, height * 0.1 + width * 0.2), fill=(255, 230, b // 2))
    draw.rectangle((width * 0.15, height * 0.5, width * 0.45, height * 0.85), fill=(g, b, r))
    draw.polygon(
        [(width * 0.12, height * 0.5), (width * 0.3, height * 0.3), (width * 0.48, height * 0.5)], fill=(b, r, g)
    )
    if noise:
        grain = random.Random(f'{size}{color}').randbytes(width * height * 3)
        image = Image.blend(image, Image.frombytes('RGB', size, grain), 0.12)
    return image


def _gradient(color: tuple[int, int, int]) -> Image.Image:
    small = Image.new('RGB', (8, 6))
    for y in range(6):
        for x in range(8):
            small.putpixel((x, y), tuple(min(255, c * (y + 2) // 5 + x * 6) for c in color))
    return small


def _set_if(tags: Image.Exif | dict, tag: int, value: object) -> None:
    if value is not None:
        tags[tag] = value


def _rational(value: float) -> IFDRational:
    fraction = Fraction(value).limit_denominator(10_000)
    return IFDRational(fraction.numerator, fraction.denominator)


def _gps_tags(latitude: float, longitude: float, altitude: float | None) -> dict[int, object]:
    tags: dict[int, object] = {
        0: b'\x02\x02\x00\x00',
        1: 'N' if latitude >= 0 else 'S',
        2: _degrees_minutes_seconds(abs(latitude)),
        3: 'E' if longitude >= 0 else 'W',
        4: _degrees_minutes_seconds(abs(longitude)),
    }
    if altitude is not None:
        tags[5] = b'\x00' if altitude >= 0 else b'\x01'
        tags[6] = _rational(abs(altitude))
    return tags


def _degrees_minutes_seconds(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(round(seconds * 10_000), 10_000)


def make_mov(path: Path) -> Path:
    return make_mp4(path, seconds=1.0, container='mov')


# Every format Hearth accepts: (maker, canonical extension, MIME type, media type).
SUPPORTED_FORMATS = [
    (make_jpeg, '.jpg', 'image/jpeg', 'image'),
    (make_png, '.png', 'image/png', 'image'),
    (make_webp, '.webp', 'image/webp', 'image'),
    (make_heic, '.heic', 'image/heic', 'image'),
    (make_mp4, '.mp4', 'video/mp4', 'video'),
    (make_mov, '.mov', 'video/quicktime', 'video'),
]
