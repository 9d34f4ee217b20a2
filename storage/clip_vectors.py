"""Photos' CLIP embeddings in Chroma, in the same store as the faces' (`storage.vectors`): one collection per model
and version (`clip_<name>_<version>_<digest>`), one vector per photo, with its asset id, owner and library as
metadata so that a search passes its scope into the query (a `where` on them) rather than filtering afterwards.
And, in the database, which model embedded each photo (`search_documents.clip_model`, migration 0022).

Calls to Chroma are blocking: make them from a thread (`asyncio.to_thread`)."""

import re
import threading
import uuid
from collections.abc import Sequence

import numpy as np
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SearchDocument
from storage.vectors import chroma_client

COLLECTION_PREFIX = 'clip_'
# Chroma's embedded store puts a variable per value of an `$in` in one SQLite statement: at most this many per query.
BATCH = 5000


def collection_name(model_version: str) -> str:
    return COLLECTION_PREFIX + re.sub(r'[^A-Za-z0-9]+', '_', model_version).strip('_')


class ClipVectors:
    def __init__(self, folder, server_url: str | None, model_version: str):
        self._folder, self._server_url = folder, server_url
        self.collection_name = collection_name(model_version)
        self._collection = None
        self._lock = threading.Lock()

    def _photos(self):
        with self._lock:
            if self._collection is None:
                client = chroma_client(self._folder, self._server_url)
                self._collection = client.get_or_create_collection(
                    self.collection_name, embedding_function=None, metadata={'hnsw:space': 'cosine'}
                )
            return self._collection

    def put(self, asset_id: uuid.UUID, owner_id: uuid.UUID, library_id: uuid.UUID, vector: Sequence[float]) -> None:
        metadata = {'asset_id': str(asset_id), 'owner_id': str(owner_id), 'library_id': str(library_id)}
        embedding = np.asarray([vector], dtype=np.float32)
        self._photos().upsert(ids=[str(asset_id)], embeddings=embedding, metadatas=[metadata])

    def count(self) -> int:
        return self._photos().count()

    def nearest(
        self, vector: np.ndarray, field: str, values: Sequence[str], limit: int
    ) -> list[tuple[uuid.UUID, float]]:
        """The `limit` photos closest to `vector` among those whose metadata `field` (asset_id, owner_id or library_id)
        is one of `values`, with their cosine similarity, closest first."""
        found: dict[uuid.UUID, float] = {}
        for start in range(0, len(values), BATCH):
            where = {field: {'$in': list(values[start : start + BATCH])}}
            answer = self._photos().query(
                query_embeddings=[np.asarray(vector, np.float32)], n_results=limit, where=where, include=['distances']
            )
            found.update(
                (uuid.UUID(id), 1.0 - distance)
                for id, distance in zip(answer['ids'][0], answer['distances'][0], strict=True)
            )
        return sorted(found.items(), key=lambda pair: -pair[1])[:limit]


# ---- which photos are embedded -------------------------------------------------------------------------------------


async def save_embedded(session: AsyncSession, asset_id: uuid.UUID, model: str) -> None:
    """Which model embedded the photo."""
    insert = postgresql_insert if session.bind.dialect.name == 'postgresql' else sqlite_insert
    statement = insert(SearchDocument).values(asset_id=asset_id, clip_model=model)
    await session.execute(statement.on_conflict_do_update(index_elements=['asset_id'], set_={'clip_model': model}))
