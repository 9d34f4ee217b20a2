"""Query words matched by meaning to the words the image tagger writes (SPEC §8, "semantic"): a photo of a dog is
indexed as "dog", "pet", "animal" and its breed; someone searching "puppy" means it too. MiniLM sentence embeddings
(`ml.text_embedding`) of the tagger's one-word terms are compared with the query word; the closest few above
NEAREST are searched among what the tagger saw.

Measured on the label words: puppy → dog 0.80, kitten → cat 0.79, automobile → car 0.86, seaside → beach 0.73,
flowers → flower 0.89; unrelated pairs stay under 0.6 (kids → people 0.54, river → lake 0.57). Phrases (a breed,
"river horse") are left out of the comparison: their parts drag them close to words they do not mean ("river"
→ "river horse", a hippopotamus, 0.76).

The model loads on the first search that needs it (about half a second, 76 MB with the label words), in a thread,
never on the event loop; the label words are embedded once per process (1,032 one-word terms, with the model under a
second). Its graph is kept in the instance's models folder (`ml.text_embedding.model_path`)."""

import asyncio
import threading
from pathlib import Path

import numpy as np

from domain.search import tokens
from ml import tagger
from ml.memory import give_back_freed_memory
from ml.text_embedding import TextEmbedder
from services import runtime

NEAREST = 0.7
MOST = 3


class LabelMeaning:
    def __init__(self):
        self._lock = threading.Lock()
        self._embedder: TextEmbedder | None = None
        self._known: frozenset[str] = frozenset()
        self._words: list[str] = []
        self._vectors: np.ndarray | None = None

    def near(self, word: str) -> list[str]:
        """The tagger's words that mean about what `word` means (none when the tagger writes `word` itself)."""
        with self._lock:
            self._load()
        if word in self._known:
            return []
        similarity = self._vectors @ self._embedder.embed([word])[0]
        best = np.argsort(-similarity, kind='stable')[:MOST]
        return [self._words[index] for index in best if similarity[index] >= NEAREST]

    def _load(self) -> None:
        if self._vectors is not None:
            return
        phrases = {
            ' '.join(tokens(text)) for label in tagger.LABELS for text in (label.name, *label.synonyms, *label.broader)
        }
        self._words = sorted(phrase for phrase in phrases if phrase and ' ' not in phrase)
        self._known = frozenset(self._words)
        self._embedder = TextEmbedder(models_dir=_models_dir())
        self._vectors = self._embedder.embed(self._words)
        give_back_freed_memory()  # the batches' working memory, 20 MB


def _models_dir() -> Path | None:
    """The running instance's models folder; None where none runs (a script, a test of this module alone)."""
    try:
        return runtime.current().settings.models_dir
    except RuntimeError:
        return None


_meaning = LabelMeaning()


async def near(word: str) -> list[str]:
    return await asyncio.to_thread(_meaning.near, word)
