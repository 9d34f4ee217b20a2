"""Face embeddings in Chroma: embedded (a PersistentClient in the data folder) by default, a Chroma server by URL
for larger installs. One collection per model and version, so embeddings of different models are never compared.

Chroma is thread-safe but not process-safe, so only the process that runs the job runner opens the embedded store;
calls are blocking and made from a thread (`asyncio.to_thread`).
"""

import threading
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

COLLECTION_PREFIX = 'faces_'


class FaceVectors:
    def __init__(self, folder: Path, server_url: str | None, model_version: str):
        self._folder, self._server_url = folder, server_url
        self.collection_name = COLLECTION_PREFIX + model_version.replace('-', '_')
        self._collection = None
        self._lock = threading.Lock()

    def _faces(self):
        with self._lock:
            if self._collection is None:
                client = self._client()
                self._collection = client.get_or_create_collection(
                    self.collection_name, embedding_function=None, metadata={'hnsw:space': 'l2'}
                )
            return self._collection

    def _client(self):
        return chroma_client(self._folder, self._server_url)

    # Chroma's embedded store answers one SQLite statement per call, with a variable per id: a library's 40,000
    # faces in one call fail ("too many SQL variables"), so calls go in batches.
    def put(self, ids: Sequence[str], embeddings: Sequence[Sequence[float]], asset_ids: Sequence[str]) -> None:
        vectors = np.asarray(embeddings, dtype=np.float32)
        for batch in _batches(len(ids)):
            metadatas = [{'asset_id': asset_id} for asset_id in asset_ids[batch]]
            self._faces().upsert(ids=list(ids[batch]), embeddings=vectors[batch], metadatas=metadatas)

    def get(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        vectors = {}
        for batch in _batches(len(ids)):
            found = self._faces().get(ids=list(ids[batch]), include=['embeddings'])
            pairs = zip(found['ids'], found['embeddings'], strict=True)
            vectors.update((id, np.asarray(vector, dtype=np.float32)) for id, vector in pairs)
        return vectors

    def delete(self, ids: Sequence[str]) -> None:
        for batch in _batches(len(ids)):
            self._faces().delete(ids=list(ids[batch]))

    def count(self) -> int:
        return self._faces().count()


def chroma_client(folder: Path, server_url: str | None):
    """The embedded store in `folder`, or the Chroma server at `server_url`."""
    import chromadb  # imported on first use: it takes a second, and only the runner's process needs it
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if server_url:
        url = urlparse(server_url)
        return chromadb.HttpClient(
            host=url.hostname, port=url.port or 8000, ssl=url.scheme == 'https', settings=settings
        )
    folder.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(folder), settings=settings)


BATCH = 5000


def _batches(count: int) -> list[slice]:
    return [slice(start, start + BATCH) for start in range(0, count, BATCH)]
