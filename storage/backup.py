"""Copying a Hearth's data safely while it runs: the database (SQLite's online backup; pg_dump on an exported
snapshot), files with their SHA-256, the Chroma folder, and what a database snapshot holds. Blocking calls are
meant for a thread, except the PostgreSQL ones, which are async."""

import asyncio
import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from storage.db import MIGRATIONS
from storage.files import CHUNK
from storage.models import Album, Asset, Face, Person, Space, User

COUNTED = {'users': User, 'assets': Asset, 'albums': Album, 'spaces': Space, 'people': Person, 'faces': Face}


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why in words a person understands."""


# ---- files ----------------------------------------------------------------------------------------------------------


def copy_hashing(source: Path, destination: Path) -> tuple[int, str]:
    """Copy a file through a temporary name (a reader never sees half a file), keeping its modification time;
    returns the size and SHA-256 of the bytes copied. FileNotFoundError when the source is gone."""
    partial = destination.with_name(destination.name + '.partial')
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    try:
        with source.open('rb') as src, partial.open('wb') as out:
            stat = os.fstat(src.fileno())
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        os.utime(partial, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest()


def size_and_sha256(path: Path) -> tuple[int, str] | None:
    """None when the file is missing."""
    try:
        with path.open('rb') as handle:
            return os.fstat(handle.fileno()).st_size, hashlib.file_digest(handle, 'sha256').hexdigest()
    except FileNotFoundError:
        return None


def files_under(root: Path, *folders: str) -> dict[str, os.stat_result]:
    """Every file under the given folders of `root`, by '/'-separated path relative to it, with its stat."""
    found = {}
    for folder in folders:
        for path in (root / folder).rglob('*') if (root / folder).is_dir() else ():
            with contextlib.suppress(FileNotFoundError):
                if path.is_file() and not path.name.endswith('.partial'):
                    found[path.relative_to(root).as_posix()] = path.stat()
    return found


def move_aside(root: Path, relative: str, aside: Path) -> None:
    target = aside / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(root / relative, target)


def has_content(folder: Path, ignore: set[str]) -> list[str]:
    """The files in `folder` (at any depth) other than those named in `ignore` at its top, first few only."""
    found = []
    for path in folder.rglob('*') if folder.is_dir() else ():
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in ignore:
            found.append(relative)
            if len(found) == 3:
                break
    return found


# ---- SQLite ---------------------------------------------------------------------------------------------------------


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def sqlite_snapshot(source: Path, destination: Path) -> None:
    """A consistent copy of a live SQLite database (WAL or not) by its online backup API, as one self-contained
    file: it reads everything in one step under one read transaction, while the app goes on writing."""
    if not source.is_file():
        raise BackupError(f'There is no Hearth database at {source}')
    destination.unlink(missing_ok=True)
    live, copy = sqlite3.connect(source, timeout=30), sqlite3.connect(destination)
    try:
        live.backup(copy)
        copy.execute('PRAGMA journal_mode=DELETE')
    finally:
        live.close()
        copy.close()


def sqlite_url(path: Path) -> str:
    return f'sqlite+aiosqlite:///{path}'


# ---- PostgreSQL -----------------------------------------------------------------------------------------------------


def postgres_tool(name: str) -> str:
    """pg_dump or pg_restore: on the PATH, else the newest of /usr/lib/postgresql/*/bin (Debian's layout)."""
    if found := shutil.which(name):
        return found
    installed = sorted(Path('/usr/lib/postgresql').glob(f'*/bin/{name}'), key=lambda path: int(path.parts[-3]))
    if not installed:
        raise BackupError(f'{name} (PostgreSQL client programs) is not installed: install postgresql-client')
    return str(installed[-1])


def _libpq_environment(url: str) -> dict[str, str]:
    """The connection as libpq's environment variables, so that the password never shows in a process list."""
    parts = make_url(url)
    values = {
        'PGHOST': parts.host,
        'PGPORT': parts.port,
        'PGUSER': parts.username,
        'PGPASSWORD': parts.password,
    }
    return os.environ | {name: str(value) for name, value in values.items() if value is not None}


async def run_postgres_tool(name: str, url: str, *args: str) -> None:
    """Run pg_dump or pg_restore on the database of `url`."""
    database = f'--dbname={make_url(url).database}'
    process = await asyncio.create_subprocess_exec(
        postgres_tool(name),
        database,
        *args,
        env=_libpq_environment(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, errors = await process.communicate()
    if process.returncode != 0:
        raise BackupError(f'{name} failed: {errors.decode(errors="replace").strip()}')


@contextlib.asynccontextmanager
async def postgres_snapshot(url: str) -> AsyncIterator[tuple[AsyncConnection, str]]:
    """A read-only transaction on a snapshot exported for pg_dump (`--snapshot`): the facts read here and the dump
    see the same moment of the database."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level='REPEATABLE READ')
            async with connection.begin():
                await connection.execute(text('SET TRANSACTION READ ONLY'))
                yield connection, await connection.scalar(text('SELECT pg_export_snapshot()'))
    finally:
        await engine.dispose()


async def postgres_table_count(url: str) -> int:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(
                text(
                    'SELECT count(*) FROM information_schema.tables '
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            )
    finally:
        await engine.dispose()


# ---- what a snapshot holds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotFacts:
    revision: str
    counts: dict[str, int]
    asset_ids: set[str]  # 32 hex digits, as media files are named


async def snapshot_facts(connection: AsyncConnection) -> SnapshotFacts:
    revision = await connection.scalar(text('SELECT version_num FROM alembic_version'))
    counts = {name: await connection.scalar(select(func.count()).select_from(model)) for name, model in COUNTED.items()}
    asset_ids = {asset_id.hex for asset_id in await connection.scalars(select(Asset.id))}
    return SnapshotFacts(revision, counts, asset_ids)


async def sqlite_facts(path: Path) -> SnapshotFacts:
    engine = create_async_engine(sqlite_url(path))
    try:
        async with engine.connect() as connection:
            return await snapshot_facts(connection)
    finally:
        await engine.dispose()


def known_revision(revision: str) -> bool:
    """Whether this Hearth's migrations know the revision (an older backup's: yes; a newer Hearth's: no)."""
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    try:
        return ScriptDirectory.from_config(config).get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown revision
        return False


# ---- Chroma ---------------------------------------------------------------------------------------------------------

CHROMA_DATABASE = 'chroma.sqlite3'


def _fingerprint(folder: Path) -> dict[str, tuple[int, int]]:
    return {path: (stat.st_size, stat.st_mtime_ns) for path, stat in files_under(folder, '.').items()}


def copy_chroma(source: Path, destination: Path, attempts: int = 3) -> bool:
    """Copy an embedded Chroma folder that may be written meanwhile: its index files first, then its SQLite database
    by the online backup API. Chroma writes its index files now and then and records in its database how far they
    go; a copy is consistent when no index file changed from before the copy until after the database's. Returns
    False when every attempt saw a change (the copy may then lag: `main.py check` finds faces without vectors)."""
    for _ in range(attempts):
        shutil.rmtree(destination, ignore_errors=True)
        before = _fingerprint(source)
        for relative in before:
            if relative != CHROMA_DATABASE:
                with contextlib.suppress(FileNotFoundError):
                    copy_hashing(source / relative, destination / relative)
        destination.mkdir(parents=True, exist_ok=True)
        if (source / CHROMA_DATABASE).is_file():
            sqlite_snapshot(source / CHROMA_DATABASE, destination / CHROMA_DATABASE)
        after = _fingerprint(source)
        if {path: facts for path, facts in before.items() if path != CHROMA_DATABASE} == {
            path: facts for path, facts in after.items() if path != CHROMA_DATABASE
        }:
            return True
    return False
