"""Sentence embeddings: the real all-MiniLM-L6-v2 int8 model and the vendored tokenizer, loaded once."""

import hashlib
import threading

import numpy as np
import pytest

from ml.data.build_minilm_tokenizer import SOURCE_SHA256
from ml.text_embedding import DIMENSIONS, MODEL_VERSION, TOKENIZER, TextEmbedder


@pytest.fixture(scope='module')
def embedder() -> TextEmbedder:
    return TextEmbedder()


def similarity(embedder: TextEmbedder, first: str, second: str) -> float:
    one, other = embedder.embed([first, second])
    return float(one @ other)


@pytest.mark.parametrize(
    ('query', 'related', 'unrelated'),
    [
        ('puppy', 'dog', 'car'),
        ('seaside', 'beach', 'kitchen'),
        ('snow', 'winter', 'birthday cake'),
        ('birthday party', 'cake with candles', 'railway station'),
        ('grandma at the beach', 'grandmother by the sea', 'a red car in the garage'),
    ],
)
def test_a_related_text_is_nearer_than_an_unrelated_one(embedder, query, related, unrelated):
    assert similarity(embedder, query, related) > similarity(embedder, query, unrelated) + 0.1


def test_rows_are_384_float32_numbers_of_unit_length(embedder):
    vectors = embedder.embed(['dog', 'a family picnic in the park', ''])

    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_batches_give_the_same_vectors_as_one_text_at_a_time(embedder):
    texts = ['dog', 'Happy birthday, Grandma!', 'the kids building a snowman in the garden', 'x', 'Station Road']
    in_batches_of_two = TextEmbedder(batch_size=2).embed(texts)
    one_by_one = np.vstack([embedder.embed([text]) for text in texts])

    assert np.allclose(in_batches_of_two, one_by_one, atol=1e-5)
    assert np.allclose(embedder.embed(texts), one_by_one, atol=1e-5)


def test_no_texts_give_no_rows(embedder):
    assert embedder.embed([]).shape == (0, DIMENSIONS)


def test_a_long_text_is_cut_at_128_tokens(embedder):
    # [CLS] + 126 words + [SEP]: both texts read the same first 126 words.
    longer, long = embedder.embed(['word ' * 300, 'word ' * 126])

    assert np.allclose(longer, long, atol=1e-6)


def test_threads_that_load_the_model_together_get_the_same_vectors(embedder):
    fresh = TextEmbedder()
    results = [None] * 4

    def embed(number: int) -> None:
        results[number] = fresh.embed(['a dog on the beach'])

    threads = [threading.Thread(target=embed, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    expected = embedder.embed(['a dog on the beach'])
    assert all(np.allclose(result, expected, atol=1e-6) for result in results)


def test_the_vendored_tokenizer_is_the_file_its_build_script_copies():
    assert hashlib.sha256(TOKENIZER.read_bytes()).hexdigest() == SOURCE_SHA256
    assert MODEL_VERSION
