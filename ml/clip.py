"""Image–text search with a CLIP model that an administrator installs (`main.py models install clip <source>`).

Nothing of it ships with Hearth and nothing is downloaded at run time: without an installed model this module is
never asked for anything. The model runs on onnxruntime (one thread per session: Hearth's ML steps run in a pool of
processes), so a CLIP exported to ONNX works without PyTorch.

An installed model lives in `<data>/models/clip/<name>-<version>-<digest>/`, and `<data>/models/clip/current` names
that folder; `install` writes the folder beside the old one and then replaces `current` (temp file + rename), so a
model is switched in one atomic step and a half-copied one is never used. The folder holds:

    image.onnx      float32 [N, 3, S, S]: RGB scaled to 0..1, then normalised with `mean` and `std` -> [N, D]
    text.onnx       token ids [N, context_length] (int64 or int32, as the graph declares; an input named like
                    '*mask*' gets the attention mask) -> [N, D] (its first output of rank 2)
    tokenizer.json  a HuggingFace `tokenizers` file (CLIP's BPE, whose post-processor adds the start and end tokens)
    model.json      {"name", "version", "digest", "image_size", "context_length", "mean", "std", "pad_id",
                    "dimensions"}

`install` accepts a folder, or a .zip or .tar(.gz) of one, or an http(s) URL of such an archive, in either layout:
Hearth's own (the four files above; model.json may give only what differs from CLIP ViT-B/32's defaults), or that
of the two-part exports published for Immich, e.g. `immich-app/ViT-B-32__openai`: `visual/model.onnx`,
`visual/preprocess_cfg.json` (size, mean, std), `textual/model.onnx`, `textual/tokenizer.json`,
`textual/tokenizer_config.json` (pad token) and `config.json` (context length). The model is checked before it is
put in place: one image and one text go through it and both must give vectors of the same length.

Photos are resized (bicubic) so the shorter side is S, centre-cropped to S x S, as CLIP was trained. Embeddings are
scaled to unit length: a dot product is the cosine similarity. `ClipModel.version` (name, version and the first
digits of the files' SHA-256) names the vector collection, so vectors of two models are never compared.
"""

import hashlib
import json
import re
import shutil
import tarfile
import threading
import urllib.request
import uuid
import zipfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from PIL import Image

FOLDER = 'clip'
POINTER = 'current'
# CLIP ViT-B/32 (OpenAI) preprocessing, the default for a model.json that does not say otherwise.
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
DOWNLOAD_TIMEOUT_SECONDS = 60


class InstallError(Exception):
    """The source is not a CLIP model Hearth can use; the message says why."""


@dataclass(frozen=True)
class ClipSpec:
    """What model.json says of an installed model."""

    name: str
    version: str = '1'
    digest: str = ''
    image_size: int = 224
    context_length: int = 77
    mean: tuple[float, ...] = CLIP_MEAN
    std: tuple[float, ...] = CLIP_STD
    pad_id: int = 0
    dimensions: int = 0

    @classmethod
    def read(cls, path: Path) -> 'ClipSpec':
        data = json.loads(path.read_text(encoding='utf-8'))
        known = {name: value for name, value in data.items() if name in cls.__dataclass_fields__}
        for name in ('mean', 'std'):
            if name in known:
                known[name] = tuple(known[name])
        return cls(**known)

    @property
    def identity(self) -> str:
        return re.sub(r'[^A-Za-z0-9._-]+', '_', f'{self.name}-{self.version}-{self.digest[:8]}')


@dataclass
class ClipModel:
    """An installed model; its two ONNX sessions load on first use, each in the process that needs it (the image
    encoder in a worker, the text encoder where searches are answered)."""

    folder: Path
    spec: ClipSpec
    _sessions: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def version(self) -> str:
        return self.spec.identity

    def embed_images(self, images: list[Image.Image]) -> np.ndarray:
        """One unit vector per image (n x D, float32)."""
        if not images:
            return np.zeros((0, self.spec.dimensions), dtype=np.float32)
        session = self._session('image.onnx')
        batch = np.stack([self.pixels(image) for image in images])
        return _unit(_first_matrix(session.run(None, {session.get_inputs()[0].name: batch})))

    def embed_text(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text (n x D, float32)."""
        if not texts:
            return np.zeros((0, self.spec.dimensions), dtype=np.float32)
        session = self._session('text.onnx')
        encodings = self._tokenizer().encode_batch(texts)
        ids = np.array([encoding.ids for encoding in encodings])
        mask = np.array([encoding.attention_mask for encoding in encodings])
        feed = {}
        for model_input in session.get_inputs():
            dtype = np.int32 if model_input.type == 'tensor(int32)' else np.int64
            feed[model_input.name] = (mask if 'mask' in model_input.name.lower() else ids).astype(dtype)
        return _unit(_first_matrix(session.run(None, feed)))

    def pixels(self, image: Image.Image) -> np.ndarray:
        """What the image encoder is given for a photo: 3 x S x S, normalised."""
        size = self.spec.image_size
        width, height = image.size
        scale = size / min(width, height)
        resized = image.convert('RGB').resize(
            (max(size, round(width * scale)), max(size, round(height * scale))), Image.Resampling.BICUBIC
        )
        left, top = (resized.width - size) // 2, (resized.height - size) // 2
        pixels = np.asarray(resized.crop((left, top, left + size, top + size)), dtype=np.float32) / 255.0
        normalised = (pixels - np.array(self.spec.mean, np.float32)) / np.array(self.spec.std, np.float32)
        return normalised.transpose(2, 0, 1)

    def _session(self, name: str):
        with self._lock:
            if name not in self._sessions:
                self._sessions[name] = _onnx_session(self.folder / name)
            return self._sessions[name]

    def _tokenizer(self):
        with self._lock:
            if 'tokenizer' not in self._sessions:
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(self.folder / 'tokenizer.json'))
                tokenizer.enable_truncation(self.spec.context_length)
                tokenizer.enable_padding(length=self.spec.context_length, pad_id=self.spec.pad_id)
                self._sessions['tokenizer'] = tokenizer
            return self._sessions['tokenizer']


def _onnx_session(path: Path):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=['CPUExecutionProvider'])


def _first_matrix(outputs: list[np.ndarray]) -> np.ndarray:
    """The first output of rank 2 (an export may also give the hidden states)."""
    matrix = next((output for output in outputs if np.ndim(output) == 2), None)
    if matrix is None:
        raise InstallError('the model gives no [N, D] output')
    return np.asarray(matrix, dtype=np.float32)


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


# ---- what is installed ---------------------------------------------------------------------------------------------

_loaded: dict[Path, ClipModel] = {}  # per process, by folder: sessions are loaded once
_loaded_lock = threading.Lock()


def installed(models_dir: Path) -> ClipModel | None:
    """The model installed in the models folder, or None."""
    root = Path(models_dir) / FOLDER
    try:
        folder = root / (root / POINTER).read_text(encoding='utf-8').strip()
    except FileNotFoundError:
        return None
    with _loaded_lock:
        if folder not in _loaded:
            if not (folder / 'model.json').is_file():
                return None
            _loaded[folder] = ClipModel(folder, ClipSpec.read(folder / 'model.json'))
        return _loaded[folder]


def embed_image_file(path: Path, models_dir: Path) -> tuple[str, list[float]]:
    """The installed model's version and its embedding of an image file (a preview): for a worker process."""
    model = installed(models_dir)
    if model is None:
        raise LookupError('no CLIP model is installed')
    with Image.open(path) as image:
        image.draft('RGB', (2 * model.spec.image_size, 2 * model.spec.image_size))
        return model.version, model.embed_images([image])[0].tolist()


# ---- installing ----------------------------------------------------------------------------------------------------

OWN_FILES = ('image.onnx', 'text.onnx', 'tokenizer.json')
IMMICH_FILES = ('visual/model.onnx', 'textual/model.onnx', 'textual/tokenizer.json')


def install(source: str, models_dir: Path) -> ClipModel:
    """Check the model at `source` (a folder, an archive, or an http(s) URL of one, which is downloaded) and make it
    the installed one. Raises InstallError, leaving the installed model as it was, when it is not usable."""
    root = Path(models_dir) / FOLDER
    root.mkdir(parents=True, exist_ok=True)
    work = root / f'.install-{uuid.uuid4().hex}'
    work.mkdir()
    try:
        fetched = _fetched(source, work)
        unpacked = _unpack(fetched, work / 'unpacked')
        files = _layout_root(unpacked)
        staged = _staged(files, work / 'model', (files if files != unpacked else fetched).name.split('.')[0])
        spec = _checked(staged)
        target = root / spec.identity
        if not target.exists():
            staged.rename(target)
        _point_to(root, target.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _remove_others(root, target.name)
    return installed(models_dir)


def _fetched(source: str, work: Path) -> Path:
    if urlparse(source).scheme not in ('http', 'https'):
        path = Path(source).expanduser()
        if not path.exists():
            raise InstallError(f'{source} does not exist')
        return path
    target = work / (Path(urlparse(source).path).name or 'download')
    try:
        with urllib.request.urlopen(source, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response, target.open('wb') as file:
            shutil.copyfileobj(response, file, 1024 * 1024)
    except OSError as error:
        raise InstallError(f'could not download {source}: {error}') from error
    return target


def _unpack(path: Path, into: Path) -> Path:
    if path.is_dir():
        return path
    into.mkdir()
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                archive.extractall(into)
            return into
        if tarfile.is_tarfile(path):
            with tarfile.open(path) as archive:
                archive.extractall(into, filter='data')
            return into
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as error:
        raise InstallError(f'{path.name} could not be unpacked: {error}') from error
    raise InstallError(f'{path.name} is neither a folder nor a .zip or .tar archive of a CLIP model')


def _layout_root(folder: Path) -> Path:
    """The folder that holds the model's files: the given one, or one inside it (an archive's top folder)."""
    for candidate in (folder, *sorted(path for path in folder.iterdir() if path.is_dir())):
        if any(all((candidate / name).is_file() for name in files) for files in (OWN_FILES, IMMICH_FILES)):
            return candidate
    wanted = ', '.join(OWN_FILES)
    raise InstallError(
        f'no CLIP model found: expected {wanted} and model.json, or an Immich export (visual/, textual/)'
    )


def _staged(source: Path, into: Path, name: str) -> Path:
    """The model's files copied into Hearth's layout, with the model.json they describe (less the dimensions, which
    the check adds)."""
    into.mkdir()
    own = all((source / name).is_file() for name in OWN_FILES)
    for target, found in zip(OWN_FILES, OWN_FILES if own else IMMICH_FILES, strict=True):
        shutil.copyfile(source / found, into / target)
    settings = _own_settings(source) if own else _immich_settings(source, into / 'tokenizer.json')
    settings.setdefault('name', name or 'clip')
    settings['digest'] = _digest(into)
    (into / 'model.json').write_text(json.dumps(settings, indent=2), encoding='utf-8')
    return into


def _own_settings(source: Path) -> dict:
    path = source / 'model.json'
    try:
        return json.loads(path.read_text(encoding='utf-8')) if path.is_file() else {}
    except ValueError as error:
        raise InstallError(f'model.json is not valid JSON: {error}') from error


def _immich_settings(source: Path, tokenizer: Path) -> dict:
    preprocess = _json_or_empty(source / 'visual' / 'preprocess_cfg.json')
    config = _json_or_empty(source / 'config.json')
    pad_token = _json_or_empty(source / 'textual' / 'tokenizer_config.json').get('pad_token')
    settings = {}
    size = preprocess.get('size')
    if size:
        settings['image_size'] = size[0] if isinstance(size, list) else size
    settings.update({name: preprocess[name] for name in ('mean', 'std') if name in preprocess})
    if length := config.get('text_cfg', {}).get('context_length'):
        settings['context_length'] = length
    if isinstance(pad_token, str):
        from tokenizers import Tokenizer

        settings['pad_id'] = Tokenizer.from_file(str(tokenizer)).token_to_id(pad_token) or 0
    return settings


def _json_or_empty(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding='utf-8')) if path.is_file() else {}
    except ValueError as error:
        raise InstallError(f'{path.name} is not valid JSON: {error}') from error


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in OWN_FILES:
        with (folder / name).open('rb') as file:
            while chunk := file.read(1024 * 1024):
                digest.update(chunk)
    return digest.hexdigest()


def _checked(folder: Path) -> ClipSpec:
    """Run one image and one text through the model; its spec, with the vectors' length, when both agree."""
    try:
        spec = ClipSpec.read(folder / 'model.json')
    except (TypeError, ValueError) as error:
        raise InstallError(f'model.json does not describe a CLIP model: {error}') from error
    try:
        model = ClipModel(folder, _sized_by_the_graphs(folder, spec))
        image = model.embed_images([Image.new('RGB', (64, 48), (128, 128, 128))])
        text = model.embed_text(['a photo'])
    except InstallError:
        raise
    except Exception as error:  # onnxruntime and tokenizers raise their own kinds for a file they cannot use
        raise InstallError(f'the model could not embed a test image and text: {error}') from error
    if image.shape[1] != text.shape[1] or not (np.isfinite(image).all() and np.isfinite(text).all()):
        raise InstallError(
            f'not a CLIP pair: image.onnx gives {image.shape[1]} numbers per image, text.onnx {text.shape[1]} per text'
        )
    checked = replace(model.spec, dimensions=int(image.shape[1]))
    (folder / 'model.json').write_text(json.dumps(asdict(checked), indent=2), encoding='utf-8')
    return checked


def _sized_by_the_graphs(folder: Path, spec: ClipSpec) -> ClipSpec:
    """The image size and the text length the graphs fix, where they fix them, over what model.json says."""
    image_shape = _onnx_session(folder / 'image.onnx').get_inputs()[0].shape
    text_shape = _onnx_session(folder / 'text.onnx').get_inputs()[0].shape
    sized = {}
    if isinstance(image_shape[-1], int):
        sized['image_size'] = image_shape[-1]
    if isinstance(text_shape[-1], int):
        sized['context_length'] = text_shape[-1]
    return replace(spec, **sized)


def _point_to(root: Path, name: str) -> None:
    partial = root / f'.{POINTER}.{uuid.uuid4().hex}'
    partial.write_text(name, encoding='utf-8')
    partial.replace(root / POINTER)


def _remove_others(root: Path, keep: str) -> None:
    for path in root.iterdir():
        if path.is_dir() and path.name != keep and not path.name.startswith('.'):
            shutil.rmtree(path, ignore_errors=True)
