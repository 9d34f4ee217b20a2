"""Identify an uploaded photo or video from its bytes, read its metadata and render its thumbnail and preview.

Accepted: JPEG, PNG, WebP, HEIC/HEIF photos and MP4/MOV videos. Everything else (GIF, TIFF, camera RAW, AVIF, PDF,
archives, text...) is refused with UnsupportedMediaType; a file with a supported signature that does not decode is
refused with InvalidInput.
"""

import math
import os
import re
import struct
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import av
import pillow_heif
from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

from domain.assets import plausible_taken_at
from domain.errors import InvalidInput, UnsupportedMediaType

MAX_PIXELS = 120_000_000
PREVIEW_LONG_SIDE = 1440
THUMBNAIL_SHORT_SIDE = 250
THUMBNAIL_LONG_SIDE_CAP = 750
JPEG_QUALITY = 82
POSTER_AT_SECONDS = 1.0

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
ORIENTATION = 0x0112
ACCEPTED = 'Hearth accepts JPEG, PNG, WebP and HEIC photos and MP4 and MOV videos.'

pillow_heif.register_heif_opener()
# Pillow warns about oddities (corrupt EXIF, malformed chunks) that an ingest pipeline can do nothing about.
warnings.filterwarnings('ignore', module=r'PIL\.')
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, RuntimeError, av.FFmpegError)


@dataclass(frozen=True)
class MediaFacts:
    media_type: str
    mime_type: str
    extension: str
    width: int
    height: int
    taken_at: datetime | None = None
    utc_offset_minutes: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    lens_model: str | None = None
    exposure_time: str | None = None
    f_number: float | None = None
    iso: int | None = None
    focal_length_mm: float | None = None
    orientation: int | None = None
    duration_seconds: float | None = None


@dataclass(frozen=True)
class _Kind:
    label: str  # as used in messages: 'a JPEG photo'
    mime_type: str
    extension: str
    opener: Callable[[str], ImageFile.ImageFile] | None = None  # None for videos

    @property
    def media_type(self) -> str:
        return 'video' if self.opener is None else 'image'


JPEG = _Kind('a JPEG photo', 'image/jpeg', '.jpg', JpegImagePlugin.JpegImageFile)
PNG = _Kind('a PNG image', 'image/png', '.png', PngImagePlugin.PngImageFile)
WEBP = _Kind('a WebP image', 'image/webp', '.webp', WebPImagePlugin.WebPImageFile)
HEIC = _Kind('a HEIC photo', 'image/heic', '.heic', pillow_heif.HeifImageFile)
HEIF = _Kind('a HEIF image', 'image/heif', '.heif', pillow_heif.HeifImageFile)
MP4 = _Kind('an MP4 video', 'video/mp4', '.mp4')
MOV = _Kind('a QuickTime (MOV) video', 'video/quicktime', '.mov')

_HEIC_BRANDS = {b'heic', b'heix', b'heim', b'heis', b'hevc', b'hevx'}
_HEIF_BRANDS = {b'mif1', b'msf1', b'heif'}
_MP4_BRANDS = {
    b'isom',
    b'iso2',
    b'iso4',
    b'iso5',
    b'iso6',
    b'mp41',
    b'mp42',
    b'avc1',
    b'M4V ',
    b'MSNV',
    b'3gp4',
    b'3gp5',
}
_OTHER_SIGNATURES = {
    b'%PDF': 'a PDF document',
    b'PK\x03\x04': 'a ZIP archive or office document',
    b'GIF8': 'a GIF image',
    b'II*\x00': 'a TIFF image or camera RAW file',
    b'MM\x00*': 'a TIFF image or camera RAW file',
    b'BM': 'a BMP image',
    b'\x1a\x45\xdf\xa3': 'a WebM or MKV video',
}
_TRANSPOSES = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
ROTATIONS = (0, 90, 180, 270)
# Each EXIF orientation as (mirrored first, then turned clockwise by degrees), to add a rotation to it.
_MIRROR_AND_TURN = {1: (False, 0), 6: (False, 90), 3: (False, 180), 8: (False, 270)}
_MIRROR_AND_TURN |= {2: (True, 0), 7: (True, 90), 4: (True, 180), 5: (True, 270)}
_ORIENTATION_OF = {turn: orientation for orientation, turn in _MIRROR_AND_TURN.items()}
_ISO6709 = re.compile(r'([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?')
_UTC_OFFSET = re.compile(r'([+-])(\d{2}):?(\d{2})')


def analyse_and_render(source: Path, thumbnail_dest: Path, preview_dest: Path, rotation: int = 0) -> MediaFacts:
    """Read what Hearth needs to know about the file and write its JPEG thumbnail and preview (atomically); a photo's
    renditions are turned `rotation` degrees clockwise past its own orientation (the facts stay the file's)."""
    kind = _sniff(source)
    if kind.opener is None:
        return _analyse_video(source, kind, thumbnail_dest, preview_dest)
    return _analyse_image(source, kind, thumbnail_dest, preview_dest, rotation)


def turned_orientation(orientation: int | None, rotation: int) -> int:
    """The EXIF orientation that shows a file as its own `orientation` followed by `rotation` degrees clockwise."""
    mirrored, turn = _MIRROR_AND_TURN[orientation or 1]
    return _ORIENTATION_OF[(mirrored, (turn + rotation) % 360)]


def turned_size(size: tuple[int, int], rotation: int) -> tuple[int, int]:
    """A shown (width, height) after a further rotation: a quarter turn swaps them."""
    return (size[1], size[0]) if rotation % 180 else size


# --- identification -------------------------------------------------------------------------------------------------


def _sniff(source: Path) -> _Kind:
    with source.open('rb') as file:
        head = file.read(64)
    if head.startswith(b'\xff\xd8\xff'):
        return JPEG
    if head.startswith(b'\x89PNG\r\n\x1a\n'):
        return PNG
    if head[:4] == b'RIFF' and head[8:12] == b'WEBP':
        return WEBP
    if head[4:8] == b'ftyp':
        return _sniff_iso_media(head)
    if head[4:8] in (b'moov', b'mdat', b'wide', b'free'):  # QuickTime files from before ftyp existed
        return MOV
    raise _unsupported(_describe_other(head))


def _sniff_iso_media(head: bytes) -> _Kind:
    major = head[8:12]
    compatible = {head[i : i + 4] for i in range(16, min(int.from_bytes(head[:4], 'big'), len(head)), 4)}
    if major in _HEIC_BRANDS or (major in _HEIF_BRANDS and compatible & _HEIC_BRANDS):
        return HEIC
    if major in _HEIF_BRANDS and b'avif' not in compatible:
        return HEIF
    if major == b'qt  ':
        return MOV
    if major in _MP4_BRANDS or compatible & _MP4_BRANDS:
        return MP4
    name = 'an AVIF image' if b'avif' in compatible | {major} else f'an unsupported "{major.decode("latin-1")}" file'
    raise _unsupported(name)


def _describe_other(head: bytes) -> str:
    for signature, description in _OTHER_SIGNATURES.items():
        if head.startswith(signature):
            return description
    text = head.decode('utf-8', 'ignore')  # 'ignore' tolerates a character cut off at the end of the sample
    if head and len(text.encode()) >= len(head) - 3 and all(c.isprintable() or c in '\t\r\n' for c in text):
        return 'a text file'
    return 'an unrecognised file'


def _unsupported(description: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(
        f'This file is not a photo or video Hearth can read (it looks like {description}). {ACCEPTED}'
    )


@contextmanager
def _damaged_unless_decodes(kind: _Kind) -> Iterator[None]:
    try:
        yield
    except _DECODE_ERRORS as error:
        raise InvalidInput(
            f'The file looks like {kind.label} but is damaged or incomplete, so Hearth cannot read it.'
        ) from error


def _check_pixel_count(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise InvalidInput(
            f"The image is {width} x {height} pixels, more than Hearth's limit of {MAX_PIXELS // 1_000_000} megapixels."
        )


# --- photos ---------------------------------------------------------------------------------------------------------


def _analyse_image(source: Path, kind: _Kind, thumbnail_dest: Path, preview_dest: Path, rotation: int) -> MediaFacts:
    with _damaged_unless_decodes(kind):
        # Opening the plugin class directly reads only the header and skips Pillow's own bomb check and its warning.
        image = kind.opener(str(source))
    with image:
        _check_pixel_count(*image.size)
        width, height = image.size  # before draft() shrinks it to the decoded scale
        with _damaged_unless_decodes(kind):
            exif = image.getexif()
            pixels = _decode_for_preview(image)
        if 'original_orientation' in image.info:  # pillow_heif has already rotated the pixels and reset the tag
            orientation, to_apply = _orientation(image.info['original_orientation']), None
        else:
            orientation = to_apply = _orientation(exif.get(ORIENTATION))
        transpose = _TRANSPOSES.get(turned_orientation(to_apply, rotation))
        _render(pixels, transpose, thumbnail_dest, preview_dest, image.info.get('icc_profile'))
    if to_apply is not None and to_apply >= 5:
        width, height = height, width
    return MediaFacts(
        kind.media_type, kind.mime_type, kind.extension, width, height, **_exif_facts(exif), orientation=orientation
    )


def _decode_for_preview(image: ImageFile.ImageFile) -> Image.Image:
    """Decode once, at the smallest JPEG DCT scale that still covers the preview (other formats ignore draft)."""
    image.draft('RGB', _fit(image.size, PREVIEW_LONG_SIDE))
    image.load()
    return _to_rgb(image)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode.startswith('I'):  # 16/32-bit greyscale: scale to 8 bits, a plain convert would clip
        image = image.convert('I').point(lambda value: value / 256).convert('L')
    if image.has_transparency_data:
        rgba = image.convert('RGBA')
        flattened = Image.new('RGB', rgba.size, 'white')
        flattened.paste(rgba, mask=rgba.getchannel('A'))
        return flattened
    return image if image.mode == 'RGB' else image.convert('RGB')


# --- EXIF -----------------------------------------------------------------------------------------------------------


def _exif_facts(exif: Image.Exif) -> dict[str, object]:
    details, gps = exif.get_ifd(EXIF_IFD), exif.get_ifd(GPS_IFD)
    latitude, longitude, altitude = _gps_position(gps)
    return {
        'taken_at': _first_date(details.get(0x9003), details.get(0x9004), exif.get(0x0132)),
        'utc_offset_minutes': _offset_minutes(details.get(0x9011) or details.get(0x9010)),
        'latitude': latitude,
        'longitude': longitude,
        'altitude': altitude,
        'camera_make': _text(exif.get(0x010F)),
        'camera_model': _text(exif.get(0x0110)),
        'lens_model': _text(details.get(0xA434)),
        'exposure_time': _exposure(_number(details.get(0x829A))),
        'f_number': _rounded(_number(details.get(0x829D)), 1),
        'iso': _iso(details.get(0x8827)),
        'focal_length_mm': _rounded(_number(details.get(0x920A)), 1),
    }


def _first_date(*values: object) -> datetime | None:
    """The first of these EXIF dates that is a date and can be right (a broken camera's 9999:12:31 cannot)."""
    for value in values:
        try:
            date = datetime.strptime(str(value).strip(' \x00')[:19], '%Y:%m:%d %H:%M:%S')
        except ValueError:  # absent, blank or '0000:00:00 00:00:00'
            continue
        if plausible_taken_at(date):
            return date
    return None


def _offset_minutes(value: object) -> int | None:
    match = _UTC_OFFSET.fullmatch(str(value).strip(' \x00')) if value else None
    if match is None:
        return None
    minutes = int(match[2]) * 60 + int(match[3])
    return (-minutes if match[1] == '-' else minutes) if minutes <= 14 * 60 else None


def _gps_position(gps: dict) -> tuple[float | None, float | None, float | None]:
    latitude = _signed(_degrees(gps.get(2)), gps.get(1), 'S')
    longitude = _signed(_degrees(gps.get(4)), gps.get(3), 'W')
    if latitude is None or longitude is None or abs(latitude) > 90 or abs(longitude) > 180:
        return None, None, None
    altitude = _number(gps.get(6))
    if altitude is not None and gps.get(5) in (1, b'\x01', '1'):
        altitude = -altitude
    return round(latitude, 7), round(longitude, 7), _rounded(altitude, 1)


def _degrees(value: object) -> float | None:
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    parts = [_number(part) for part in value]
    if None in parts:
        return None
    return parts[0] + parts[1] / 60 + parts[2] / 3600


def _signed(value: float | None, ref: object, negative_ref: str) -> float | None:
    if value is None:
        return None
    ref_text = ref.decode('ascii', 'replace') if isinstance(ref, bytes) else str(ref)
    return -value if ref_text.strip(' \x00').upper() == negative_ref else value


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode('utf-8', 'replace')
    text = str(value).strip(' \x00') if value is not None else ''
    return text or None


def _exposure(seconds: float | None) -> str | None:
    if seconds is None or seconds <= 0:
        return None
    return f'{round(seconds, 1):g}' if seconds >= 1 else f'1/{round(1 / seconds)}'


def _iso(value: object) -> int | None:
    if isinstance(value, tuple):
        value = value[0] if value else None
    number = _number(value)
    return int(number) if number and number > 0 else None


def _orientation(value: object) -> int | None:
    return value if isinstance(value, int) and 1 <= value <= 8 else None


# --- videos ---------------------------------------------------------------------------------------------------------


def _analyse_video(source: Path, kind: _Kind, thumbnail_dest: Path, preview_dest: Path) -> MediaFacts:
    with _damaged_unless_decodes(kind), av.open(str(source)) as container:
        if not container.streams.video:
            raise UnsupportedMediaType(f'This file has no video track (it may be an audio recording). {ACCEPTED}')
        stream = container.streams.video[0]
        _check_pixel_count(stream.codec_context.width, stream.codec_context.height)
        duration = _duration(container, stream)
        frame = _poster_frame(container, stream, duration)
        poster = frame.to_image().rotate(frame.rotation, expand=True) if frame.rotation else frame.to_image()
        metadata = dict(container.metadata)
    _render(poster, None, thumbnail_dest, preview_dest, None)
    taken_at, utc_offset_minutes = _video_taken_at(metadata)
    latitude, longitude, altitude = _iso6709(metadata)
    return MediaFacts(
        kind.media_type,
        kind.mime_type,
        kind.extension,
        width=poster.size[0],
        height=poster.size[1],
        taken_at=taken_at,
        utc_offset_minutes=utc_offset_minutes,
        latitude=latitude,
        longitude=longitude,
        altitude=altitude,
        camera_make=_text(metadata.get('com.apple.quicktime.make')),
        camera_model=_text(metadata.get('com.apple.quicktime.model')),
        duration_seconds=duration,
    )


def _duration(container: av.container.InputContainer, stream: av.VideoStream) -> float | None:
    if container.duration:
        return round(container.duration / av.time_base, 3)
    if stream.duration and stream.time_base:
        return round(float(stream.duration * stream.time_base), 3)
    return None


def _poster_frame(
    container: av.container.InputContainer, stream: av.VideoStream, duration: float | None
) -> av.VideoFrame:
    """The frame at POSTER_AT_SECONDS (past a dark or blurry opening), or the first frame of shorter clips."""
    target = POSTER_AT_SECONDS if duration and duration > POSTER_AT_SECONDS else 0.0
    if target and stream.time_base:
        container.seek(int(target / stream.time_base), stream=stream)  # lands on the keyframe before the target
    frame = None
    for frame in container.decode(stream):
        if frame.time is None or frame.time >= target:
            break
    if frame is None:
        raise InvalidInput('The video contains no picture Hearth can decode.')
    return frame


def _video_taken_at(metadata: dict[str, str]) -> tuple[datetime | None, int | None]:
    # Apple writes the local time with its offset; the generic creation_time is UTC.
    local = _parse_iso(metadata.get('com.apple.quicktime.creationdate'))
    if local is not None and local.utcoffset() is not None and plausible_taken_at(local.replace(tzinfo=None)):
        return local.replace(tzinfo=None), int(local.utcoffset().total_seconds() // 60)
    created = _parse_iso(metadata.get('creation_time'))
    if created is None or created.year <= 1970:  # zeroed QuickTime (1904) / Unix epoch fields mean "unknown"
        return None, None
    if created.tzinfo is not None:
        created = created.astimezone(UTC).replace(tzinfo=None)
    return (created, 0) if plausible_taken_at(created) else (None, None)


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _iso6709(metadata: dict[str, str]) -> tuple[float | None, float | None, float | None]:
    value = metadata.get('com.apple.quicktime.location.ISO6709') or metadata.get('location')
    match = _ISO6709.match(value or '')
    if match is None or abs(float(match[1])) > 90 or abs(float(match[2])) > 180:
        return None, None, None
    return float(match[1]), float(match[2]), float(match[3]) if match[3] else None


# --- renditions -----------------------------------------------------------------------------------------------------


def _render(
    pixels: Image.Image,
    transpose: Image.Transpose | None,
    thumbnail_dest: Path,
    preview_dest: Path,
    icc_profile: bytes | None,
) -> None:
    preview = _shrink(pixels, _fit(pixels.size, PREVIEW_LONG_SIDE))
    if transpose is not None:
        preview = preview.transpose(transpose)
    thumbnail = _shrink(preview, _thumbnail_size(preview.size))
    _save_jpeg(preview, preview_dest, icc_profile)
    _save_jpeg(thumbnail, thumbnail_dest, icc_profile)


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    return _scaled(size, min(1.0, long_side / max(size)))


def _thumbnail_size(size: tuple[int, int]) -> tuple[int, int]:
    # The short side fills a square grid cell; the cap keeps panoramas from producing huge "thumbnails".
    return _scaled(size, min(1.0, THUMBNAIL_SHORT_SIDE / min(size), THUMBNAIL_LONG_SIDE_CAP / max(size)))


def _scaled(size: tuple[int, int], scale: float) -> tuple[int, int]:
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _shrink(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if size == image.size:
        return image
    # Measured on 12 MP JPEGs: bicubic is ~30% faster than Lanczos here with no visible difference at these ratios.
    return image.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)


def _save_jpeg(image: Image.Image, dest: Path, icc_profile: bytes | None) -> None:
    descriptor, temp_name = tempfile.mkstemp(dir=dest.parent, prefix=f'.{dest.name}.', suffix='.tmp')
    try:
        with os.fdopen(descriptor, 'wb') as file:
            image.save(file, 'JPEG', quality=JPEG_QUALITY, icc_profile=icc_profile)
        os.replace(temp_name, dest)
    finally:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
