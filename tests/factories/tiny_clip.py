"""A tiny CLIP-like model with the interface `ml.clip` expects, built by the tests with numpy, `onnx` and `tokenizers`
(no download): the image encoder averages the normalised colour of the image and projects it to DIMENSIONS numbers;
the text encoder averages the embeddings of the tokens (padding, start and end embed as zero) and projects them.

Seeded, so the same model every time, and arranged so that each colour word means its colour: the text of "red"
embeds exactly as the average colour of a plain red photo does. `TinyClip` also computes both encoders in numpy, to
check Hearth's ranking against the model's own."""

import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ml.clip import CLIP_MEAN, CLIP_STD

DIMENSIONS = 16
IMAGE_SIZE = 32
CONTEXT = 16
SPECIAL = ('[PAD]', '[UNK]', '<start>', '<end>')
COLOURS = {
    'red': (220, 30, 30),
    'green': (30, 200, 40),
    'blue': (30, 40, 220),
    'yellow': (230, 220, 30),
    'white': (245, 245, 245),
}
OTHER_WORDS = ('a', 'photo', 'of', 'the', 'sea', 'dog')


@dataclass(frozen=True)
class TinyClip:
    image_weights: np.ndarray  # 3 x D
    token_embeddings: np.ndarray  # vocabulary x D
    text_weights: np.ndarray  # D x D
    vocabulary: dict[str, int]

    @classmethod
    def seeded(cls, seed: int = 7) -> 'TinyClip':
        rng = np.random.default_rng(seed)
        image_weights = rng.normal(size=(3, DIMENSIONS)).astype(np.float32)
        text_weights = (rng.normal(size=(DIMENSIONS, DIMENSIONS)) + 4 * np.eye(DIMENSIONS)).astype(np.float32)
        words = (*SPECIAL, *COLOURS, *OTHER_WORDS)
        vocabulary = {word: number for number, word in enumerate(words)}
        tokens = rng.normal(size=(len(words), DIMENSIONS)).astype(np.float32)
        tokens[: len(SPECIAL)] = 0
        inverse = np.linalg.inv(text_weights.astype(np.float64))
        for word, colour in COLOURS.items():  # the word's embedding is its colour's, through the text projection
            tokens[vocabulary[word]] = (_normalised(colour) @ image_weights @ inverse).astype(np.float32)
        return cls(image_weights, tokens, text_weights, vocabulary)

    def image_vector(self, pixels: np.ndarray) -> np.ndarray:
        """The image encoder in numpy, on the normalised pixels (3 x S x S) ml.clip feeds the model."""
        return _unit(pixels.mean(axis=(1, 2)) @ self.image_weights)

    def text_vector(self, text: str) -> np.ndarray:
        ids = [self.vocabulary.get(word, self.vocabulary['[UNK]']) for word in text.lower().split()]
        return _unit(self.token_embeddings[ids].sum(axis=0) / CONTEXT @ self.text_weights)

    def write(self, folder: Path) -> Path:
        """The model in Hearth's layout: image.onnx, text.onnx, tokenizer.json, model.json."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / 'image.onnx').write_bytes(self._image_graph().SerializeToString())
        (folder / 'text.onnx').write_bytes(self._text_graph().SerializeToString())
        self._tokenizer().save(str(folder / 'tokenizer.json'))
        spec = {'name': 'tiny-clip', 'version': '1', 'image_size': IMAGE_SIZE, 'context_length': CONTEXT}
        (folder / 'model.json').write_text(json.dumps(spec), encoding='utf-8')
        return folder

    def _image_graph(self):
        from onnx import TensorProto, helper, numpy_helper

        nodes = [
            helper.make_node('GlobalAveragePool', ['image'], ['pooled']),
            helper.make_node('Flatten', ['pooled'], ['colour']),
            helper.make_node('MatMul', ['colour', 'projection'], ['embedding']),
        ]
        weights = [numpy_helper.from_array(self.image_weights, 'projection')]
        image = helper.make_tensor_value_info('image', TensorProto.FLOAT, ['batch', 3, IMAGE_SIZE, IMAGE_SIZE])
        outputs = [_embedding(self.image_weights.shape[1])]
        return _model(helper.make_graph(nodes, 'tiny_clip_image', [image], outputs, weights))

    def _text_graph(self):
        from onnx import TensorProto, helper, numpy_helper

        nodes = [
            helper.make_node('Gather', ['tokens', 'text'], ['embedded'], axis=0),
            helper.make_node('ReduceMean', ['embedded'], ['averaged'], axes=[1], keepdims=0),
            helper.make_node('MatMul', ['averaged', 'projection'], ['embedding']),
        ]
        weights = [
            numpy_helper.from_array(self.token_embeddings, 'tokens'),
            numpy_helper.from_array(self.text_weights, 'projection'),
        ]
        text = helper.make_tensor_value_info('text', TensorProto.INT64, ['batch', CONTEXT])
        outputs = [_embedding(self.text_weights.shape[1])]
        return _model(helper.make_graph(nodes, 'tiny_clip_text', [text], outputs, weights))

    def _tokenizer(self):
        from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

        tokenizer = Tokenizer(models.WordLevel(self.vocabulary, unk_token='[UNK]'))
        tokenizer.normalizer = normalizers.Lowercase()
        tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
        start, end = self.vocabulary['<start>'], self.vocabulary['<end>']
        tokenizer.post_processor = processors.TemplateProcessing(
            single='<start> $A <end>', special_tokens=[('<start>', start), ('<end>', end)]
        )
        return tokenizer


def _embedding(dimensions: int):
    from onnx import TensorProto, helper

    return helper.make_tensor_value_info('embedding', TensorProto.FLOAT, ['batch', dimensions])


def _model(graph):
    import onnx
    from onnx import helper

    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='hearth-tests')
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _normalised(colour: tuple[int, int, int]) -> np.ndarray:
    return (np.array(colour, np.float64) / 255 - np.array(CLIP_MEAN)) / np.array(CLIP_STD)


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


def colour_photo(path: Path, colour: tuple[int, int, int], seed: int = 0, size: tuple[int, int] = (96, 72)) -> Path:
    """A plain photo of a colour, shifted a little and grainy by `seed`: photos of one colour are different files whose
    embeddings are close but not equal."""
    grain = random.Random(seed)
    shifted = [channel + grain.randint(-25, 25) for channel in colour]
    pixels = bytes(
        max(0, min(255, channel + grain.randint(-8, 8))) for _ in range(size[0] * size[1]) for channel in shifted
    )
    Image.frombytes('RGB', size, pixels).save(path, 'JPEG', quality=95)
    return path
