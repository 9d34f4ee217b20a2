"""The running instance: settings, database, files and in-process state, created at start-up, never at import."""

from dataclasses import dataclass, field
from typing import Any

from domain.accounts import LoginThrottle
from ml import faces
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

    @classmethod
    def create(cls, settings: Settings) -> 'Hearth':
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            files=FileStore(settings.media_dir, settings.tmp_dir),
            vectors=FaceVectors(settings.vector_dir, settings.chroma_url, faces.MODEL_VERSION),
            throttle=LoginThrottle(settings.login_attempts, settings.login_window_seconds),
        )

    async def start(self) -> None:
        self.settings.ensure_folders()
        await self.db.migrate()

    def wake(self, queue) -> None:
        """New work for a queue: the runner, if this process has one, need not wait for its next poll."""
        if self.runner is not None:
            self.runner.wake(queue)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
            self.runner = None
        await self.db.dispose()


_current: Hearth | None = None


def install(hearth: Hearth | None) -> None:
    global _current
    _current = hearth


def current() -> Hearth:
    if _current is None:
        raise RuntimeError('Hearth has not been started')
    return _current
