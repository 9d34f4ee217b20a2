"""Backup, restore and check of a data folder (SPEC §11; docs/backup.md says why they work as they do).

A backup copies the database first (one consistent moment), then the files: a photo stored after that moment has
files the backup's database does not know (orphans, swept after a restore), and a photo whose row the copy has always
has its files, since files are in place before their row commits. Vectors are copied last, for the same reason.
"""

import asyncio
import os
import shutil
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text
from tqdm import tqdm

from domain import backup as rules
from domain.backup import CheckReport, FileEntry, Manifest
from domain.jobs import Queue
from services.runtime import Hearth
from settings import Settings
from storage import backup as store
from storage.backup import BackupError
from storage.jobs import asset_subject, enqueue
from storage.models import Asset, Face

COPIED_FOLDERS = ('media', 'models')  # besides the database, the vectors and the secret key
MEDIA_FOLDERS = ('originals', 'thumbs', 'previews')


@dataclass
class BackupSummary:
    manifest: Manifest
    copied: int = 0
    copied_bytes: int = 0
    unchanged: int = 0
    set_aside: int = 0
    vanished: int = 0  # deleted during the backup, before they could be copied, with no earlier copy
    vectors_settled: bool = True


@dataclass
class RestoreSummary:
    manifest: Manifest
    revision: str  # the database's revision after the migrations ran
    restored_files: int = 0
    restored_bytes: int = 0


@dataclass
class _Copying:
    previous: Manifest | None
    files: dict[str, FileEntry] = field(default_factory=dict)  # of the new manifest
    copied: int = 0
    copied_bytes: int = 0
    unchanged: int = 0
    vanished: int = 0


# ---- backup ---------------------------------------------------------------------------------------------------------


async def back_up(settings: Settings, destination: Path, out=sys.stderr) -> BackupSummary:
    """Copy the database, then media and models (only what changed since the last backup into `destination`),
    then the vectors, then write the manifest."""
    previous = await asyncio.to_thread(_begin, destination)
    kind = _database_kind(settings)
    print(f'Copying the {kind} database', file=out, flush=True)
    facts, database_file = await _copy_database(settings, destination, kind)
    copying = _Copying(previous)
    copying.files[database_file] = await asyncio.to_thread(_entry_of, destination / database_file)
    await asyncio.to_thread(_copy_files, settings.data_dir, destination, copying, out)
    aside = await asyncio.to_thread(_set_aside, destination, previous, copying.files, facts.asset_ids)
    vectors, settled = await asyncio.to_thread(_copy_vectors, settings, destination, copying.files, out)
    manifest = Manifest(
        datetime.now(UTC), facts.revision, kind, copying.files, _counts(facts, copying.files), vectors=vectors
    )
    await asyncio.to_thread(_finish, destination, manifest)
    return BackupSummary(
        manifest, copying.copied, copying.copied_bytes, copying.unchanged, aside, copying.vanished, settled
    )


def _database_kind(settings: Settings) -> str:
    return 'sqlite' if settings.database_url.startswith('sqlite') else 'postgresql'


def _begin(destination: Path) -> Manifest | None:
    """The last backup's manifest, if any; marks the folder as holding a backup being made."""
    destination.mkdir(parents=True, exist_ok=True)
    previous = _previous_manifest(destination)
    (destination / rules.IN_PROGRESS).write_text(datetime.now(UTC).isoformat())
    return previous


def _finish(destination: Path, manifest: Manifest) -> None:
    """The manifest last, atomically: until it is written, the folder is not a finished backup."""
    partial = destination / (rules.MANIFEST + '.partial')
    partial.write_text(manifest.to_json())
    os.replace(partial, destination / rules.MANIFEST)
    (destination / rules.IN_PROGRESS).unlink()


def _previous_manifest(destination: Path) -> Manifest | None:
    try:
        return Manifest.from_json((destination / rules.MANIFEST).read_text())
    except FileNotFoundError:
        if store.has_content(destination, ignore={rules.IN_PROGRESS}):
            raise BackupError(f'{destination} holds other files and no Hearth backup: choose an empty folder') from None
        return None


async def _copy_database(settings: Settings, destination: Path, kind: str) -> tuple[store.SnapshotFacts, str]:
    if kind == 'sqlite':
        target = destination / rules.SQLITE_FILE
        partial = target.with_name(target.name + '.partial')
        await asyncio.to_thread(store.sqlite_snapshot, store.sqlite_path(settings.database_url), partial)
        facts = await store.sqlite_facts(partial)
    else:
        target = destination / rules.POSTGRES_FILE
        partial = target.with_name(target.name + '.partial')
        async with store.postgres_snapshot(settings.database_url) as (connection, snapshot):
            facts = await store.snapshot_facts(connection)
            dump = ('--format=custom', f'--snapshot={snapshot}', f'--file={partial}')
            await store.run_postgres_tool('pg_dump', settings.database_url, *dump)
    os.replace(partial, target)
    return facts, target.name


def _entry_of(path: Path) -> FileEntry:
    size, sha256 = store.size_and_sha256(path)
    return FileEntry(size, sha256, path.stat().st_mtime_ns)


def _copy_files(data_dir: Path, destination: Path, copying: _Copying, out) -> None:
    """Media and models: a file the last backup copied and unchanged since (size, modification time) is not read."""
    sources = store.files_under(data_dir, *COPIED_FOLDERS)
    secret = data_dir / rules.SECRET_FILE
    if secret.is_file():
        sources[rules.SECRET_FILE] = secret.stat()
    earlier = copying.previous.files if copying.previous else {}
    for relative, stat in tqdm(sorted(sources.items()), desc='Copying files', unit='file', file=out):
        previous = earlier.get(relative)
        if rules.unchanged(previous, stat.st_size, stat.st_mtime_ns) and _intact(destination / relative, previous):
            copying.files[relative] = previous
            copying.unchanged += 1
            continue
        try:
            size, sha256 = store.copy_hashing(data_dir / relative, destination / relative)
        except FileNotFoundError:  # deleted since it was listed: an earlier copy, if any, stays
            if previous is not None and (destination / relative).is_file():
                copying.files[relative] = previous
            else:
                copying.vanished += 1
            continue
        copying.files[relative] = FileEntry(size, sha256, (destination / relative).stat().st_mtime_ns)
        copying.copied += 1
        copying.copied_bytes += size


def _intact(copy: Path, entry: FileEntry) -> bool:
    """Whether the backup's copy looks as it was written (a copy keeps its source's modification time), within two
    seconds for filesystems that keep times coarsely. Damage that leaves both alone is found by restore's check."""
    try:
        stat = copy.stat()
    except FileNotFoundError:
        return False
    return stat.st_size == entry.size and abs(stat.st_mtime_ns - entry.mtime_ns) <= 2 * 10**9


def _set_aside(destination: Path, previous: Manifest | None, files: dict[str, FileEntry], asset_ids: set[str]) -> int:
    """Files of the last backup deleted since go to removed/<when>/, not away: a photo deleted by mistake is there."""
    if previous is None:
        return 0
    backed_up = [path for path in previous.files if path.startswith(tuple(f'{folder}/' for folder in COPIED_FOLDERS))]
    doomed = [path for path in rules.set_aside(backed_up, files, asset_ids) if (destination / path).is_file()]
    aside = destination / rules.REMOVED / datetime.now(UTC).strftime('%Y-%m-%dT%H%M%SZ')
    for relative in doomed:
        store.move_aside(destination, relative, aside)
    return len(doomed)


def _copy_vectors(settings: Settings, destination: Path, files: dict[str, FileEntry], out) -> tuple[str, bool]:
    if settings.chroma_url:
        print('Vectors are in a Chroma server (HEARTH_CHROMA_URL): back it up by its own means', file=out)
        return 'server', True
    print('Copying the vectors', file=out, flush=True)
    partial, target = destination / 'vectors.partial', destination / 'vectors'
    settled = store.copy_chroma(settings.vector_dir, partial) if settings.vector_dir.is_dir() else True
    partial.mkdir(exist_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(partial, target)
    for relative in store.files_under(destination, 'vectors'):
        files[relative] = _entry_of(destination / relative)
    return 'copied', settled


def _counts(facts: store.SnapshotFacts, files: dict[str, FileEntry]) -> dict[str, int]:
    media = [entry for path, entry in files.items() if path.startswith('media/')]
    return facts.counts | {'media_files': len(media), 'media_bytes': sum(entry.size for entry in media)}


# ---- restore --------------------------------------------------------------------------------------------------------


async def restore(settings: Settings, source: Path, out=sys.stderr) -> RestoreSummary:
    """Into an empty data folder (and, for PostgreSQL, an empty database): verify every file against the manifest,
    copy, then migrate as at any start. Refuses, changing nothing, when any of that does not hold."""
    manifest = _readable_backup(source)
    await _require_empty(settings, manifest)
    print(f'Verifying {len(manifest.files)} files of the backup made {manifest.created:%Y-%m-%d %H:%M} UTC', file=out)
    if problems := await asyncio.to_thread(_verify, source, manifest, out):
        listed = '\n  '.join(problems[: rules.FIRST_FEW])
        raise BackupError(
            f'The backup is damaged, nothing was restored; files that differ: {len(problems)}\n  {listed}'
        )
    summary = RestoreSummary(manifest, manifest.revision)
    if manifest.database == 'postgresql':  # first: in one transaction, so a failure leaves nothing behind
        print('Restoring the database', file=out, flush=True)
        restoring = ('--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction')
        await store.run_postgres_tool(
            'pg_restore', settings.database_url, *restoring, str(source / rules.POSTGRES_FILE)
        )
    await asyncio.to_thread(_restore_files, settings, source, manifest, summary, out)
    summary.revision = await _migrate(settings)
    return summary


def _readable_backup(source: Path) -> Manifest:
    if (source / rules.IN_PROGRESS).exists():
        raise BackupError(f'The backup in {source} did not finish (it was interrupted): run the backup again')
    try:
        manifest = Manifest.from_json((source / rules.MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f'{source} holds no Hearth backup (no {rules.MANIFEST})') from None
    if not store.known_revision(manifest.revision):
        raise BackupError(f'The backup was made by a newer Hearth (database revision {manifest.revision}): update')
    return manifest


_USE = {'sqlite': 'unset DATABASE_URL', 'postgresql': 'set DATABASE_URL to an empty PostgreSQL database'}


async def _require_empty(settings: Settings, manifest: Manifest) -> None:
    kind = _database_kind(settings)
    if kind != manifest.database:
        raise BackupError(
            f'The backup holds a {manifest.database} database and this Hearth uses {kind}: {_USE[manifest.database]}'
        )
    # Hearth writes its secret key before any command runs; the backup's replaces it.
    if found := store.has_content(settings.data_dir, ignore={rules.SECRET_FILE}):
        raise BackupError(
            f'The data folder {settings.data_dir} is not empty ({", ".join(found)}, ...): restore only into an empty '
            'folder, so that nothing is overwritten; choose another HEARTH_DATA or move this one aside'
        )
    if kind == 'sqlite' and store.sqlite_path(settings.database_url).exists():
        raise BackupError(f'The database {store.sqlite_path(settings.database_url)} already exists: move it aside')
    if kind == 'postgresql' and await store.postgres_table_count(settings.database_url):
        raise BackupError('The PostgreSQL database is not empty (it has tables): restore only into an empty database')


def _verify(source: Path, manifest: Manifest, out) -> list[str]:
    found = {
        relative: store.size_and_sha256(source / relative)
        for relative in tqdm(sorted(manifest.files), desc='Verifying', unit='file', file=out)
    }
    return rules.mismatches(manifest.files, found)


def _restore_files(settings: Settings, source: Path, manifest: Manifest, summary: RestoreSummary, out) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    for relative in tqdm(sorted(manifest.files), desc='Restoring files', unit='file', file=out):
        if relative == rules.POSTGRES_FILE:
            continue
        target = (
            store.sqlite_path(settings.database_url) if relative == rules.SQLITE_FILE else settings.data_dir / relative
        )
        size, _ = store.copy_hashing(source / relative, target)
        summary.restored_files += 1
        summary.restored_bytes += size
    secret = settings.data_dir / rules.SECRET_FILE
    if secret.exists():
        secret.chmod(0o600)


async def _migrate(settings: Settings) -> str:
    hearth = Hearth.create(settings)
    await hearth.start()
    try:
        async with hearth.db.session() as session:
            return await session.scalar(text('SELECT version_num FROM alembic_version'))
    finally:
        await hearth.stop()


# ---- check ----------------------------------------------------------------------------------------------------------


@dataclass
class _Findings:
    """What a repair can act on."""

    to_render: set[uuid.UUID] = field(default_factory=set)  # renditions missing, original at hand
    to_search: set[uuid.UUID] = field(default_factory=set)  # faces without vectors
    orphans: list[str] = field(default_factory=list)  # media paths


async def check(hearth: Hearth, repair: bool = False, out=sys.stderr, now: datetime | None = None) -> CheckReport:
    """Rows against files against vectors. A repair re-queues what the pipeline can make again, removes orphan files
    past the grace period, and never deletes a row."""
    report, findings = CheckReport(), _Findings()
    print('Looking at photos and their files', file=out, flush=True)
    stored = await asyncio.to_thread(store.files_under, hearth.settings.media_dir, *MEDIA_FOLDERS)
    async with hearth.db.session() as session:
        assets = (await session.execute(select(Asset.id, Asset.owner_id, Asset.original_path, Asset.library_id))).all()
    await asyncio.to_thread(_check_files, hearth, assets, stored, report, findings)
    print('Looking at faces and their vectors', file=out, flush=True)
    await _check_vectors(hearth, report, findings)
    if repair:
        await _repair(hearth, report, findings, stored, now or datetime.now(UTC))
    return report


def _check_files(hearth: Hearth, assets: list, stored: dict, report: CheckReport, findings: _Findings) -> None:
    known = set()
    for asset_id, owner_id, original_path, library_id in assets:
        known.add(asset_id.hex)
        files = hearth.files.files_for(owner_id, asset_id, Path(original_path).suffix)
        if library_id is None:
            if not (has_original := hearth.files.relative(files.original) in stored):
                report.problems['missing_original'].add(str(asset_id))
        elif not (has_original := Path(original_path).is_file()):
            report.offline.add(str(asset_id))  # an external library's drive may be unplugged: not a problem
        if any(hearth.files.relative(path) not in stored for path in (files.thumbnail, files.preview)):
            report.problems['missing_rendition'].add(str(asset_id))
            if has_original:
                findings.to_render.add(asset_id)
    findings.orphans = sorted(path for path in stored if rules.asset_id_of(path) not in known)
    for path in findings.orphans:
        report.problems['orphan_file'].add(path)
    report.looked_at |= {'photos': len(assets), 'files': len(stored)}


async def _check_vectors(hearth: Hearth, report: CheckReport, findings: _Findings) -> None:
    """A face drawn by hand has no vector, by design: only found faces are looked up."""
    columns = Face.id, Face.asset_id, Face.embedding_id
    async with hearth.db.session() as session:
        faces = (await session.execute(select(*columns).where(Face.embedding_id != ''))).all()
    found = await asyncio.to_thread(hearth.vectors.get, [embedding_id for *_, embedding_id in faces]) if faces else {}
    for face_id, asset_id, embedding_id in faces:
        if embedding_id not in found:
            report.problems['missing_vector'].add(str(face_id))
            findings.to_search.add(asset_id)
    report.looked_at['faces'] = len(faces)


async def _repair(hearth: Hearth, report: CheckReport, findings: _Findings, stored: dict, now: datetime) -> None:
    async with hearth.db.session() as session:
        await enqueue(session, Queue.THUMBNAILS, 'thumbnails', map(asset_subject, findings.to_render))
        # Forced: the photo was searched already; searching it again gives its faces their vectors back.
        await enqueue(session, Queue.FACES, 'faces', map(asset_subject, findings.to_search), force=True)
        await session.commit()
    media, grace = hearth.settings.media_dir, rules.ORPHAN_GRACE.total_seconds()
    # Only files older than the grace period: a younger one may be an upload whose row is about to commit.
    old = [path for path in findings.orphans if now.timestamp() - stored[path].st_mtime > grace]
    await asyncio.to_thread(hearth.files.remove, tuple(media / path for path in old))
    hearth.wake(Queue.THUMBNAILS)
    report.repaired = {
        'renditions queued': len(findings.to_render),
        'face searches queued': len(findings.to_search),
        'orphan files removed': len(old),
    }
