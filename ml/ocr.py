"""Text in photos, offline: RapidOCR (PaddleOCR's PP-OCRv4 detection and recognition models) on onnxruntime.

`rapidocr-onnxruntime` ships its three models in the wheel (det 4.7 MB, rec 10.9 MB, direction cls 0.6 MB) and
downloads nothing; Hearth points it at those files explicitly. It declares `opencv-python`, which would clash with
the `opencv-contrib-python-headless` DeepFace brings (both provide `cv2`): the lock is installed `--no-deps` and pins
the packages RapidOCR uses (pyclipper, shapely, PyYAML, six) next to the OpenCV Hearth already has.

A photo is reduced to LONG_SIDE pixels on its long side first: the detector runs at that size (never under 736 px
on the short side, which it upscales to), and its memory and time grow with the pixels. Lines read with a confidence
under MIN_SCORE, or with fewer than two letters or digits, are dropped: on photos without text it found only single
characters ('O' in round shapes at up to 0.77, '★' at 0.64) and scraps under 0.25; drawn words read at 0.95 or more.

LONG_SIDE is 1280, measured on a 12 MP photo and its 1440 px preview with words drawn at known sizes: the peak
memory of a process reading the 12 MP photo was 670-770 MB at 1600 px, 490-530 MB at 1280 and 430-520 MB at 1024
(the models alone: 250-300 MB). At 1024 px words under about 13 px high in the preview were lost; at 1280 words of
9 px were still read, for 20-40% more time than at 1024.

Memory over many photos (a worker reads one after another, each of its own size): onnxruntime's memory patterns
are turned off (RapidOCR already turns its CPU arena off, but offers no option for the patterns) and the memory
freed is given back to the system after each photo (glibc's malloc_trim). Measured in one process reading the 12 MP
photo, its preview, then the 100 previews of bench/responsiveness.py (real photos, 600-1440 px; two cores shared
with other work): the peak went from 720-750 MB to 570 MB (patterns off alone: 610-650), and the resident memory
between photos from 550-580 MB to 115-120 MB. The lines read are the same; the CPU time about 10% more (0.89 s a
preview before, 1.0 after). One 12 MP photo alone still peaks at 500-520 MB: the decoded photo, not the models'
leftovers. At 1024 px the 100 previews, most under 1280 px already, gained little (660 MB, 610 with the patterns
off), so LONG_SIDE stays. With the image tagger in the same process (as in Hearth's search worker): a peak of
575 MB, 170 MB between photos. The tagger's arena is off too (`ml.tagger`): alone that saved nothing at its peak,
but beside the text reader the arena held the tagger's last run through the reader's peak (40 previews: 512-526 MB
instead of 548-574, 153 between photos instead of 180-200).

The recogniser (a Chinese-and-English model) often drops the space between English words: 'StationRoad',
'FreshBakery'. A lowercase letter or digit followed by a capitalised word gets its space back ('Station Road'),
at the price of splitting a few brand names ('i Phone'); words in capitals stay joined ('HAPPYBIRTHDAY').

RapidOCR (github.com/RapidAI/RapidOCR) and PaddleOCR's models, Apache-2.0.
"""

import contextlib
import importlib
import importlib.util
import logging
import re
import threading
import unicodedata
from pathlib import Path

from PIL import Image

from ml.memory import give_back_freed_memory

# Derived text carries this: a change of model or of the reading rules below means reading the photos again.
MODEL_VERSION = 'rapidocr-1.4.4-ppocrv4-v2'  # v2: words run together are split
LONG_SIDE = 1280
MIN_SCORE = 0.6
MIN_ALNUM = 2
LOST_SPACE = re.compile(r'(?<=[a-z0-9])(?=[A-Z][a-z])')
# Found without importing RapidOCR (and OpenCV): the Jobs page reads MODEL_VERSION in the web app.
MODELS = Path(importlib.util.find_spec('rapidocr_onnxruntime').origin).parent / 'models'
DETECTOR, RECOGNISER, CLASSIFIER = (
    'ch_PP-OCRv4_det_infer.onnx',
    'ch_PP-OCRv4_rec_infer.onnx',
    'ch_ppocr_mobile_v2.0_cls_infer.onnx',
)


class TextReader:
    """Reads the lines of text in a photo; the models load on first use (about a second). One photo at a time:
    calls from several threads wait their turn (RapidOCR keeps per-call state on itself)."""

    def __init__(self, long_side: int = LONG_SIDE, min_score: float = MIN_SCORE):
        self.long_side = long_side
        self.min_score = min_score
        self._engine = None
        self._lock = threading.Lock()

    def read(self, image: Image.Image) -> list[str]:
        """The lines found, top to bottom, cleaned; an empty list for a photo without text."""
        pixels = reduced(image, self.long_side)
        with self._lock:
            found, _ = self._loaded()(pixels)
            del pixels
            give_back_freed_memory()
        lines = [clean(text) for _, text, _ in found or []]
        return list(dict.fromkeys(line for line in lines if sum(map(str.isalnum, line)) >= MIN_ALNUM))

    def _loaded(self):
        # Called with the lock held.
        if self._engine is None:
            engine_module = importlib.import_module('rapidocr_onnxruntime')
            with _without_memory_patterns(importlib.import_module('rapidocr_onnxruntime.utils.infer_engine')):
                self._engine = engine_module.RapidOCR(
                    max_side_len=self.long_side,
                    text_score=self.min_score,
                    det_model_path=str(MODELS / DETECTOR),
                    rec_model_path=str(MODELS / RECOGNISER),
                    cls_model_path=str(MODELS / CLASSIFIER),
                )
            for name in ('RapidOCR', 'OrtInferSession'):  # its loggers print to stderr at DEBUG level
                logging.getLogger(name).setLevel(logging.ERROR)
        return self._engine


@contextlib.contextmanager
def _without_memory_patterns(infer_engine):
    """RapidOCR's sessions, made meanwhile, without onnxruntime's memory patterns. RapidOCR already turns the CPU
    arena off but offers no option for this one, so its session options are amended while the engine is built.
    Patterns plan one block for every tensor of a run and keep a plan per input shape; every photo has its own."""
    original = infer_engine.OrtInferSession.__dict__['_init_sess_opts']

    def session_options(config):
        options = original.__func__(config)
        options.enable_mem_pattern = False
        return options

    infer_engine.OrtInferSession._init_sess_opts = staticmethod(session_options)
    try:
        yield
    finally:
        infer_engine.OrtInferSession._init_sess_opts = original


def reduced(image: Image.Image, long_side: int) -> Image.Image:
    """An RGB copy no larger than long_side on its long side (transparent areas on white)."""
    if image.mode in ('RGBA', 'LA', 'PA') or (image.mode == 'P' and 'transparency' in image.info):
        image = image.convert('RGBA')
        image = Image.alpha_composite(Image.new('RGBA', image.size, 'white'), image)
    image = image.convert('RGB')  # a copy, even of an RGB image
    if max(image.size) > long_side:
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


def clean(text: str) -> str:
    return ' '.join(LOST_SPACE.sub(' ', unicodedata.normalize('NFKC', text)).split())


_reader: TextReader | None = None  # one per worker process


def read_file(path: Path) -> list[str]:
    """`TextReader.read` of an image file (a preview), with the worker process's reader, made on first use."""
    global _reader
    if _reader is None:
        _reader = TextReader()
    with Image.open(path) as image:
        return _reader.read(image)
