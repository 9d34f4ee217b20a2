"""Text in photos: the real RapidOCR models on photo-like pictures with words drawn by Pillow, loaded once.

The words are drawn with Pillow's own FreeType font (`ImageFont.load_default(size=...)`), so no system font is
needed.
"""

import socket

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ml.ocr import LONG_SIDE, MODEL_VERSION, TextReader, clean, reduced


def photo_like(width: int, height: int, seed: int = 1) -> Image.Image:
    """Sky over ground with sensor noise and soft round shapes: edges and blobs, no text."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width] / max(width, height)
    sky = np.stack([120 + 80 * y, 160 + 60 * y, 220 - 40 * y], axis=-1)
    ground = np.stack([90 + 30 * x, 120 + 20 * x, 60 + 10 * x], axis=-1)
    pixels = np.where((y > 0.55 * height / max(width, height))[..., None], ground, sky)
    pixels += rng.normal(0, 12, pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        cx, cy, radius = rng.integers(0, width), rng.integers(0, height), rng.integers(10, width // 12)
        colour = tuple(int(channel) for channel in rng.integers(30, 230, 3))
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colour)
    return image.filter(ImageFilter.GaussianBlur(1.5))


def with_words(image: Image.Image, *words: tuple[tuple[int, int], str, int, str, str]) -> Image.Image:
    """Each (position, text, size, colour, plate colour): a banner or a sign."""
    image = image.copy()
    draw = ImageDraw.Draw(image)
    for position, text, size, colour, plate in words:
        font = ImageFont.load_default(size=size)
        left, top, right, bottom = draw.textbbox(position, text, font=font)
        draw.rectangle((left - 15, top - 15, right + 15, bottom + 15), fill=plate)
        draw.text(position, text, font=font, fill=colour)
    return image


@pytest.fixture(scope='module')
def reader() -> TextReader:
    return TextReader()


@pytest.fixture(scope='module')
def background() -> Image.Image:
    return photo_like(1920, 1440)  # larger than LONG_SIDE, so it is reduced first


def squashed(lines: list[str]) -> str:
    return ''.join(''.join(lines).split()).casefold()


def test_reads_a_banner_and_a_street_sign(reader, background):
    photo = with_words(
        background,
        ((150, 150), 'HAPPY BIRTHDAY', 110, 'crimson', 'lightyellow'),
        ((1000, 1100), 'Station Road', 80, 'white', 'navy'),
    )

    lines = reader.read(photo)

    assert 'happybirthday' in squashed(lines)  # the recogniser may drop the space between capitals
    assert 'Station Road' in lines


def test_a_photo_without_text_gives_nothing(reader, background):
    assert reader.read(background) == []


def test_reads_a_small_transparent_picture(reader):
    sticker = Image.new('RGBA', (400, 120), (0, 0, 0, 0))
    ImageDraw.Draw(sticker).text((20, 30), 'Hello', font=ImageFont.load_default(size=60), fill='black')

    assert reader.read(sticker) == ['Hello']


def test_loads_quietly_without_the_network(capfd, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError('OCR tried to open a network connection')

    monkeypatch.setattr(socket, 'socket', no_network)
    monkeypatch.setattr(socket, 'create_connection', no_network)
    fresh = TextReader()

    assert fresh.read(with_words(Image.new('RGB', (500, 200), 'white'), ((30, 50), 'Quiet', 60, 'black', 'white')))
    assert capfd.readouterr() == ('', '')
    assert MODEL_VERSION


def test_its_sessions_keep_no_memory_patterns_or_arena(reader, background):
    reader.read(background)  # loaded
    engine = reader._engine
    for wrapped in (engine.text_det.infer, engine.text_cls.infer, engine.text_rec.session):
        options = wrapped.session.get_session_options()
        assert (options.enable_mem_pattern, options.enable_cpu_mem_arena) == (False, False)


@pytest.mark.parametrize('mode', ['RGB', 'RGBA', 'L', 'P', 'CMYK', 'I;16'])
def test_a_picture_of_any_mode_becomes_rgb_within_the_long_side(mode):
    picture = Image.new('RGB', (3000, 2000), 'white').convert(mode)

    result = reduced(picture, LONG_SIDE)

    assert result.mode == 'RGB'
    assert result.size == (LONG_SIDE, 853)


def test_a_picture_within_the_long_side_keeps_its_size():
    assert reduced(Image.new('RGB', (800, 600)), LONG_SIDE).size == (800, 600)


@pytest.mark.parametrize(
    ('read', 'cleaned'),
    [
        ('StationRoad', 'Station Road'),
        ('Platform4Cambridge', 'Platform4 Cambridge'),
        ('  HAPPY   BIRTHDAY ', 'HAPPY BIRTHDAY'),
        ('ＣＡＦＥ', 'CAFE'),  # full-width letters
        ('McDonald', 'Mc Donald'),  # the price of putting spaces back
    ],
)
def test_cleaning_normalises_and_puts_back_lost_spaces(read, cleaned):
    assert clean(read) == cleaned
