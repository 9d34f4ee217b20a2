import hashlib
import random
import resource
import time
import warnings
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import av
import pytest
from PIL import Image, ImageChops, ImageStat

from domain.errors import InvalidInput, UnsupportedMediaType
from ml import media
from ml.media import MediaFacts, analyse_and_render
from tests.factories.media_files import (
    SUPPORTED_FORMATS,
    make_bomb_png,
    make_corrupt_jpeg,
    make_heic,
    make_jpeg,
    make_mp4,
    make_png,
    make_png_16bit,
    make_png_with_alpha,
    make_text_file,
    photo_like_image,
)


def analyse(tmp_path: Path, source: Path) -> tuple[MediaFacts, Image.Image, Image.Image]:
    out = tmp_path / 'out'
    out.mkdir(exist_ok=True)
    facts = analyse_and_render(source, out / 'thumb.jpg', out / 'preview.jpg')
    return facts, opened(out / 'thumb.jpg'), opened(out / 'preview.jpg')


def opened(path: Path) -> Image.Image:
    with Image.open(path) as image:
        image.load()
    return image


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a.convert('RGB'), b.convert('RGB').resize(a.size))).mean) / 3


@pytest.mark.parametrize(('make', 'extension', 'mime_type', 'media_type'), SUPPORTED_FORMATS)
def test_each_supported_format_is_identified_from_content_and_rendered(
    tmp_path, make, extension, mime_type, media_type
):
    source = make(tmp_path / 'upload.bin')  # a meaningless name, as the caller's temp file has

    facts, thumbnail, preview = analyse(tmp_path, source)

    assert (facts.media_type, facts.mime_type, facts.extension) == (media_type, mime_type, extension)
    assert thumbnail.format == preview.format == 'JPEG'
    assert thumbnail.mode == preview.mode == 'RGB'
    assert (facts.width, facts.height) == preview.size
    assert max(thumbnail.size) <= max(preview.size)


def test_large_photo_gets_a_1440_preview_and_a_thumbnail_with_a_250_short_side(tmp_path):
    facts, thumbnail, preview = analyse(tmp_path, make_jpeg(tmp_path / 'a', size=(3000, 2000)))

    assert (facts.width, facts.height) == (3000, 2000)
    assert preview.size == (1440, 960)
    assert thumbnail.size == (375, 250)
    assert mean_difference(preview, photo_like_image((3000, 2000), (200, 120, 40))) < 4


def test_panorama_thumbnail_long_side_is_capped(tmp_path):
    _, thumbnail, preview = analyse(tmp_path, make_png(tmp_path / 'a', size=(6000, 1000)))

    assert preview.size == (1440, 240)
    assert thumbnail.size == (750, 125)


def test_small_images_are_never_upscaled(tmp_path):
    _, thumbnail, preview = analyse(tmp_path, make_jpeg(tmp_path / 'a', size=(120, 90)))

    assert thumbnail.size == preview.size == (120, 90)


def test_renditions_carry_no_exif(tmp_path):
    source = make_jpeg(tmp_path / 'a', taken_at=datetime(2024, 1, 1), gps=(51.5, -0.12))

    _, thumbnail, preview = analyse(tmp_path, source)

    assert not thumbnail.getexif() and not preview.getexif()


def test_exif_camera_and_exposure_are_read(tmp_path):
    source = make_jpeg(tmp_path / 'a', make='Fujifilm', model='X-T5', lens='XF23mmF1.4 R LM WR', exposure=(1, 4000))

    facts, _, _ = analyse(tmp_path, source)

    assert (facts.camera_make, facts.camera_model, facts.lens_model) == ('Fujifilm', 'X-T5', 'XF23mmF1.4 R LM WR')
    assert (facts.exposure_time, facts.f_number, facts.iso, facts.focal_length_mm) == ('1/4000', 2.8, 200, 35.0)


@pytest.mark.parametrize(
    ('exposure', 'expected'), [((1, 125), '1/125'), ((10, 1250), '1/125'), ((2, 1), '2'), ((5, 2), '2.5')]
)
def test_exposure_time_is_shown_the_way_cameras_show_it(tmp_path, exposure, expected):
    facts, _, _ = analyse(tmp_path, make_jpeg(tmp_path / 'a', exposure=exposure))

    assert facts.exposure_time == expected


def test_photo_without_exif_has_no_metadata(tmp_path):
    source = make_jpeg(
        tmp_path / 'a', make=None, model=None, lens=None, exposure=None, f_number=None, iso=None, focal_length=None
    )

    facts, _, _ = analyse(tmp_path, source)

    assert facts == MediaFacts('image', 'image/jpeg', '.jpg', 640, 480, orientation=1)


@pytest.mark.parametrize(('offset', 'minutes'), [('+02:00', 120), ('-05:30', -330), ('+00:00', 0), (None, None)])
def test_exif_date_is_local_wall_clock_time_with_its_offset(tmp_path, offset, minutes):
    source = make_jpeg(tmp_path / 'a', taken_at=datetime(2023, 7, 14, 18, 45, 12), utc_offset=offset)

    facts, _, _ = analyse(tmp_path, source)

    assert facts.taken_at == datetime(2023, 7, 14, 18, 45, 12)
    assert facts.utc_offset_minutes == minutes


@pytest.mark.parametrize(
    'written',
    [datetime(9999, 12, 31, 23, 59, 59), datetime.now() + timedelta(days=3), datetime(1801, 1, 1)],
    ids=['9999-12-31', 'three days ahead', 'before photography'],
)
def test_a_date_that_cannot_be_right_is_taken_as_absent(tmp_path, written):
    facts, _, _ = analyse(tmp_path, make_jpeg(tmp_path / 'a', taken_at=written))

    assert facts.taken_at is None


def test_a_date_from_a_camera_a_few_hours_ahead_of_utc_is_believed(tmp_path):
    later_today = datetime.now().replace(microsecond=0) + timedelta(hours=12)

    facts, _, _ = analyse(tmp_path, make_jpeg(tmp_path / 'a', taken_at=later_today))

    assert facts.taken_at == later_today


@pytest.mark.parametrize(
    ('latitude', 'longitude'),
    [(48.858222, 2.2945), (-33.856784, 151.215297), (40.689247, -74.044502), (-22.951916, -43.210487)],
)
def test_gps_position_is_read_in_decimal_degrees_with_hemisphere_signs(tmp_path, latitude, longitude):
    facts, _, _ = analyse(tmp_path, make_jpeg(tmp_path / 'a', gps=(latitude, longitude)))

    assert facts.latitude == pytest.approx(latitude, abs=1e-6)
    assert facts.longitude == pytest.approx(longitude, abs=1e-6)
    assert facts.altitude is None


def test_altitude_below_sea_level_is_negative(tmp_path):
    facts, _, _ = analyse(tmp_path, make_jpeg(tmp_path / 'a', gps=(31.5, 35.5), altitude=-430.5))

    assert facts.altitude == -430.5


def test_portrait_orientation_is_applied_to_renditions_and_dimensions(tmp_path):
    source = make_jpeg(tmp_path / 'a', size=(2000, 1500), orientation=6)

    facts, thumbnail, preview = analyse(tmp_path, source)

    assert (facts.width, facts.height, facts.orientation) == (1500, 2000, 6)
    assert preview.size == (1080, 1440)
    assert thumbnail.size == (250, 333)
    stored = photo_like_image((2000, 1500), (200, 120, 40))
    assert mean_difference(preview, stored.transpose(Image.Transpose.ROTATE_270)) < 4
    assert mean_difference(preview, stored.transpose(Image.Transpose.ROTATE_90)) > 20


def test_upside_down_orientation_keeps_dimensions_but_turns_the_pixels(tmp_path):
    facts, _, preview = analyse(tmp_path, make_jpeg(tmp_path / 'a', orientation=3))

    assert (facts.width, facts.height, facts.orientation) == (640, 480, 3)
    stored = photo_like_image((640, 480), (200, 120, 40))
    assert mean_difference(preview, stored.rotate(180)) < 4


def test_heic_date_and_camera_are_read(tmp_path):
    facts, _, _ = analyse(tmp_path, make_heic(tmp_path / 'a', taken_at=datetime(2022, 12, 24, 20, 0)))

    assert facts.taken_at == datetime(2022, 12, 24, 20, 0)
    assert facts.camera_make == 'Hearthphone'


def test_png_with_alpha_is_flattened_onto_white(tmp_path):
    _, thumbnail, preview = analyse(tmp_path, make_png_with_alpha(tmp_path / 'a'))

    assert preview.mode == 'RGB'
    assert min(preview.getpixel((5, 2))) > 240  # the top row is fully transparent
    assert thumbnail.size == (320, 240)


def test_16_bit_png_is_scaled_not_clipped(tmp_path):
    _, _, preview = analyse(tmp_path, make_png_16bit(tmp_path / 'a'))

    top, middle, bottom = (preview.getpixel((160, y))[0] for y in (2, 120, 237))
    assert top < 10 and 110 < middle < 145 and bottom > 245


def test_cmyk_jpeg_is_converted_to_rgb(tmp_path):
    source = tmp_path / 'a'
    Image.new('CMYK', (300, 200), (0, 255, 255, 0)).save(source, 'JPEG')

    _, _, preview = analyse(tmp_path, source)

    red, green, blue = preview.getpixel((150, 100))
    assert red > 200 and green < 60 and blue < 60


def test_video_duration_dimensions_date_and_poster_are_read(tmp_path):
    source = make_mp4(tmp_path / 'a', seconds=3.0, size=(640, 360), creation_time='2024-05-01T10:00:00.000000Z')

    facts, thumbnail, preview = analyse(tmp_path, source)

    assert facts.duration_seconds == pytest.approx(3.0, abs=0.15)
    assert (facts.width, facts.height) == (640, 360)
    assert (facts.taken_at, facts.utc_offset_minutes) == (datetime(2024, 5, 1, 10, 0), 0)
    assert preview.size == (640, 360) and thumbnail.size == (444, 250)


def test_video_poster_is_taken_about_one_second_in(tmp_path):
    source = make_mp4(tmp_path / 'a', seconds=3.0, fps=10)

    _, _, preview = analyse(tmp_path, source)

    frame_at_one_second = photo_like_image((320, 240), (10 * 20 % 256, 100, 190))
    assert mean_difference(preview, frame_at_one_second) < 6


def test_short_video_uses_its_first_frame_and_has_no_date(tmp_path):
    facts, _, preview = analyse(tmp_path, make_mp4(tmp_path / 'a', seconds=0.5))

    assert facts.duration_seconds == pytest.approx(0.5, abs=0.15)
    assert facts.taken_at is None and facts.utc_offset_minutes is None
    assert mean_difference(preview, photo_like_image((320, 240), (0, 100, 200))) < 6


def test_portrait_phone_video_rotation_is_applied(tmp_path):
    source = make_mp4(tmp_path / 'a', size=(320, 240), container='mov', rotation=-90)

    facts, thumbnail, preview = analyse(tmp_path, source)

    assert (facts.width, facts.height) == (240, 320)
    assert preview.size == (240, 320) and thumbnail.size == (240, 320)
    poster_frame = photo_like_image((320, 240), (10 * 20 % 256, 100, 190))  # a -90 degree matrix means turn clockwise
    assert mean_difference(preview, poster_frame.transpose(Image.Transpose.ROTATE_270)) < 6


def test_truncated_jpeg_is_rejected_as_damaged(tmp_path):
    with pytest.raises(InvalidInput, match='looks like a JPEG photo but is damaged'):
        analyse(tmp_path, make_corrupt_jpeg(tmp_path / 'a'))


@pytest.mark.parametrize(
    ('header', 'label'),
    [
        (b'\x89PNG\r\n\x1a\n', 'PNG'),
        (b'RIFF\x00\x10\x00\x00WEBPVP8 ', 'WebP'),
        (b'\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic', 'HEIC'),
        (b'\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2', 'MP4'),
    ],
)
def test_garbage_behind_a_valid_signature_is_rejected_as_damaged(tmp_path, header, label):
    source = tmp_path / 'a'
    source.write_bytes(header + random.Random(7).randbytes(5000))

    with pytest.raises(InvalidInput, match=f'looks like an? .*{label}.* but is damaged'):
        analyse(tmp_path, source)


def test_jpeg_with_garbage_after_the_header_is_rejected_as_damaged(tmp_path):
    data = make_jpeg(tmp_path / 'a').read_bytes()
    (tmp_path / 'b').write_bytes(data[:400] + random.Random(3).randbytes(len(data) - 400))

    with pytest.raises(InvalidInput, match='damaged'):
        analyse(tmp_path, tmp_path / 'b')


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('holiday.jpg', b'not really')
    return path


def _gif(path: Path) -> Path:
    Image.new('P', (10, 10)).save(path, 'GIF')
    return path


def _random(path: Path) -> Path:
    path.write_bytes(b'\x00\x01' + random.Random(5).randbytes(4096))
    return path


def _pdf(path: Path) -> Path:
    path.write_bytes(b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n')
    return path


@pytest.mark.parametrize(
    ('make', 'detected'),
    [
        (make_text_file, 'a text file'),
        (_zip, 'a ZIP archive'),
        (_gif, 'a GIF image'),
        (_random, 'an unrecognised file'),
        (_pdf, 'a PDF'),
    ],
)
def test_files_that_are_not_photos_or_videos_are_unsupported(tmp_path, make, detected):
    with pytest.raises(UnsupportedMediaType, match=f'not a photo or video Hearth can read \\(it looks like {detected}'):
        analyse(tmp_path, make(tmp_path / 'a'))


def test_audio_only_mp4_is_unsupported(tmp_path):
    source = tmp_path / 'a'
    with av.open(str(source), 'w', format='mp4') as output:
        stream = output.add_stream('aac', rate=44100, layout='mono')
        silence = av.AudioFrame(format='fltp', layout='mono', samples=44100)
        silence.planes[0].update(bytes(44100 * 4))
        silence.sample_rate = 44100
        output.mux(stream.encode(silence))
        output.mux(stream.encode(None))

    with pytest.raises(UnsupportedMediaType, match='no video track'):
        analyse(tmp_path, source)


def test_decompression_bomb_is_rejected_from_its_header_quickly_and_without_allocating(tmp_path):
    source = make_bomb_png(tmp_path / 'a', width=100_000, height=100_000)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()

    with warnings.catch_warnings():
        warnings.simplefilter('error')
        with pytest.raises(InvalidInput, match='100000 x 100000 pixels'):
            analyse(tmp_path, source)

    assert time.perf_counter() - started < 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 50_000  # KiB
    assert source.stat().st_size < 200


def test_pixel_limit_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setattr(media, 'MAX_PIXELS', 640 * 480 - 1)

    with pytest.raises(InvalidInput, match='640 x 480 pixels'):
        analyse(tmp_path, make_jpeg(tmp_path / 'a'))


def test_no_temporary_files_are_left_after_success_or_failure(tmp_path, monkeypatch):
    out = tmp_path / 'out'
    out.mkdir()
    analyse_and_render(make_jpeg(tmp_path / 'a'), out / 'thumb.jpg', out / 'preview.jpg')
    with pytest.raises(InvalidInput):
        analyse_and_render(make_corrupt_jpeg(tmp_path / 'b'), out / 'thumb2.jpg', out / 'preview2.jpg')

    def failing_save(*args, **kwargs):
        raise OSError('disk full')

    monkeypatch.setattr(Image.Image, 'save', failing_save)
    with pytest.raises(OSError, match='disk full'):
        analyse_and_render(tmp_path / 'a', out / 'thumb3.jpg', out / 'preview3.jpg')

    assert sorted(path.name for path in out.iterdir()) == ['preview.jpg', 'thumb.jpg']


def test_factory_photos_with_different_colours_are_different_files(tmp_path):
    first = make_jpeg(tmp_path / 'a', color=(200, 120, 40))
    second = make_jpeg(tmp_path / 'b', color=(201, 120, 40))
    again = make_jpeg(tmp_path / 'c', color=(200, 120, 40))

    digests = [hashlib.sha1(path.read_bytes()).hexdigest() for path in (first, second, again)]
    assert digests[0] != digests[1] and digests[0] == digests[2]
