"""Where files live. Originals and renditions sit under generated paths (never a user-supplied name); every
write goes to a temporary file in the same filesystem first and is then renamed into place."""

import hashlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from domain.errors import PayloadTooLarge

if TYPE_CHECKING:
    from storage.models import Asset

CHUNK = 1024 * 1024


@dataclass
class StagedFile:
    """An upload received in full into the staging folder, with its checksum."""

    path: Path
    checksum: str
    size: int
    filename: str
    source_mtime: float | None = None

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class AssetFiles:
    original: Path
    thumbnail: Path
    preview: Path

    def all(self) -> tuple[Path, ...]:
        return self.original, self.thumbnail, self.preview


class FileStore:
    def __init__(self, media_dir: Path, tmp_dir: Path):
        self.media_dir, self.tmp_dir = media_dir, tmp_dir

    def files_for(self, owner_id: uuid.UUID, asset_id: uuid.UUID, extension: str) -> AssetFiles:
        shard = f'{owner_id.hex}/{asset_id.hex[:2]}'
        return AssetFiles(
            original=self.media_dir / 'originals' / shard / f'{asset_id.hex}{extension}',
            thumbnail=self.media_dir / 'thumbs' / shard / f'{asset_id.hex}.jpg',
            preview=self.media_dir / 'previews' / shard / f'{asset_id.hex}.jpg',
        )

    def files_of(self, asset: 'Asset') -> AssetFiles:
        """The files of a stored asset."""
        return self.files_for(asset.owner_id, asset.id, Path(asset.original_path).suffix)

    def paths_of(self, assets: Iterable['Asset']) -> tuple[Path, ...]:
        return tuple(path for asset in assets for path in self.files_of(asset).all())

    def relative(self, path: Path) -> str:
        return path.relative_to(self.media_dir).as_posix()

    def absolute(self, relative: str) -> Path:
        path = (self.media_dir / relative).resolve()
        if not path.is_relative_to(self.media_dir.resolve()):
            raise ValueError(f'{relative!r} points outside the media folder')
        return path

    def new_staging_path(self) -> Path:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        return self.tmp_dir / f'upload-{uuid.uuid4().hex}'

    async def stage_stream(self, chunks: AsyncIterator[bytes], filename: str, limit: int) -> StagedFile:
        """Write chunks to staging while hashing; stop and clean up as soon as `limit` bytes are exceeded."""
        path, digest, size = self.new_staging_path(), hashlib.sha1(usedforsecurity=False), 0
        try:
            with path.open('wb') as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise PayloadTooLarge(f'The file is larger than the upload limit of {limit // 1024**2} MB')
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return StagedFile(path, digest.hexdigest(), size, filename)

    def stage_copy(self, source: Path, limit: int) -> StagedFile:
        """Copy a local file (CLI import) into staging, hashing it on the way."""
        if source.stat().st_size > limit:
            raise PayloadTooLarge(f'The file is larger than the upload limit of {limit // 1024**2} MB')
        path, digest, size = self.new_staging_path(), hashlib.sha1(usedforsecurity=False), 0
        try:
            with source.open('rb') as src, path.open('wb') as out:
                while chunk := src.read(CHUNK):
                    size += len(chunk)
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return StagedFile(path, digest.hexdigest(), size, source.name, source.stat().st_mtime)

    @staticmethod
    def place(source: Path, destination: Path) -> None:
        """Atomically move a finished file into its final place (same filesystem, so rename is atomic)."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        with source.open('rb') as handle:
            os.fsync(handle.fileno())
        os.replace(source, destination)

    @staticmethod
    def remove(paths: tuple[Path, ...]) -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    def stored_originals(self) -> list[Path]:
        root = self.media_dir / 'originals'
        return [path for path in root.rglob('*') if path.is_file()] if root.exists() else []

    def clear_staging(self, older_than_seconds: float, now: float) -> int:
        """Remove staging leftovers of interrupted uploads."""
        removed = 0
        for path in self.tmp_dir.glob('*') if self.tmp_dir.exists() else ():
            if now - path.stat().st_mtime > older_than_seconds:
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
                removed += 1
        return removed
