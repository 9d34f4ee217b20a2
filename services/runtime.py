"""The running instance: settings, database, files and in-process state, created at start-up, never at import."""

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from domain.accounts import LoginThrottle
from ml import faces
from ml.memory import give_back_freed_memory, share_arenas
from settings import Settings
from storage.db import Database
from storage.files import FileStore
from storage.vectors import FaceVectors


@dataclass
class Hearth:
    settings: Settings
    db: Database
    files: FileStore
    vectors: FaceVectors
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    runner: Any = None  # the background job runner (services.pipeline.JobRunner) once the app has started it
    renderer: Any = None  # the web app's upload rendering processes (services.pipeline.WorkerPools), if any
    _giving_back: asyncio.Task | None = field(default=None, repr=False)

    @classmethod
    def create(cls, settings: Settings) -> 'Hearth':
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            files=FileStore(settings.media_dir, settings.tmp_dir),
            vectors=FaceVectors(settings.vector_dir, settings.chroma_url, faces.MODEL_VERSION),
            throttle=LoginThrottle(settings.login_attempts, settings.login_window_seconds),
        )

    async def start(self, migrate: bool = True) -> None:
        share_arenas(MALLOC_ARENAS)
        self.settings.ensure_folders()
        if migrate:
            await self.db.migrate()
        self._giving_back = asyncio.create_task(_give_back_freed_memory_now_and_then())

    def wake(self, queue) -> None:
        """New work for a queue: the runner, if this process has one, need not wait for its next poll."""
        if self.runner is not None:
            self.runner.wake(queue)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
            self.runner = None
        if self.renderer is not None:
            self.renderer.shutdown()
            self.renderer = None
        if self._giving_back is not None:
            self._giving_back.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._giving_back
            self._giving_back = None
        await self.db.dispose()


GIVE_BACK_EVERY_SECONDS = 60
# The process's threads (a thread per SQLite connection, requests and lookups run in threads, onnxruntime) share two
# malloc arenas rather than glibc's up to 8 per core, each keeping its own freed memory: 4 arenas' heaps instead of 18
# in the web app, which peaked at 453 MB over 300 photos instead of 476.
MALLOC_ARENAS = 2


async def _give_back_freed_memory_now_and_then() -> None:
    """A long-running process's threads (requests, queries, jobs) free memory in scattered pieces that glibc keeps:
    the web app grew from 500 to 650 MB over 1,000 photos, and one trim of it after 13 minutes of such a run gave back
    43 MB. A trim takes about 10 ms, in a thread."""
    while True:
        await asyncio.sleep(GIVE_BACK_EVERY_SECONDS)
        await asyncio.to_thread(give_back_freed_memory)


_current: Hearth | None = None


def install(hearth: Hearth | None) -> None:
    global _current
    _current = hearth


def current() -> Hearth:
    if _current is None:
        raise RuntimeError('Hearth has not been started')
    return _current
