"""External libraries (SPEC §1): the admin allows a member server folders; the member makes libraries of them, which
Hearth scans on a schedule and on demand. The files are only ever read: Hearth keeps their thumbnails and previews
under its media folder and points at the originals where they lie. A file that vanishes goes offline, never away."""

import asyncio
import hashlib
import logging
import os
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from domain.assets import display_filename, month_key
from domain.errors import Conflict, HearthError, InvalidInput, NotFound
from domain.libraries import (
    MAX_FILE_PATH,
    MAX_PROBLEMS,
    FileState,
    KnownFile,
    clean_absolute_path,
    clean_library_name,
    is_inside,
    is_media_name,
    is_skipped_folder,
    overlapping,
    plan_scan,
    real_path,
    resolve_inside,
)
from services import places
from services.accounts import Actor, require_admin
from services.assets import facts_columns, ingest_in_place, rendered, taken_at_from
from services.runtime import Hearth
from storage import assets as asset_queries
from storage import search as search_queries
from storage.files import CHUNK
from storage.models import Asset, AssetDetails, ExternalFolder, ExternalLibrary, User
from storage.references import move_references_to_month

log = logging.getLogger(__name__)
BATCH = 500
# Libraries being scanned in this process (Hearth runs as one): a second scan or a delete meanwhile is refused.
_scanning: set[uuid.UUID] = set()


@dataclass(frozen=True)
class ScanSummary:
    added: int = 0
    changed: int = 0
    offline: int = 0
    back_online: int = 0
    unchanged: int = 0
    failed: int = 0
    problems: tuple[str, ...] = ()  # the first failures, 'relative/path: why'


@dataclass(frozen=True)
class LibraryView:
    id: uuid.UUID
    name: str
    path: str
    created_at: datetime
    asset_count: int
    offline_count: int
    scanning: bool
    last_scan_started_at: datetime | None
    last_scan_finished_at: datetime | None
    last_scan: ScanSummary | None


@dataclass(frozen=True)
class LibraryBrief:
    """A library as the admin sees it: a name and a count, never its photos."""

    name: str
    asset_count: int


@dataclass(frozen=True)
class FolderView:
    id: uuid.UUID
    user_id: uuid.UUID
    user_name: str
    path: str
    created_at: datetime
    libraries: tuple[LibraryBrief, ...]


# ---- folders the admin allows ---------------------------------------------------------------------------------------


async def list_folders(hearth: Hearth, admin: Actor, user_id: uuid.UUID | None = None) -> list[FolderView]:
    """Every allowed folder (or one member's), with the libraries made of it."""
    await require_admin(hearth, admin, 'Only the administrator allows server folders')
    async with hearth.db.session() as session:
        return await _folder_views(session, user_id)


async def grant_folder(hearth: Hearth, admin: Actor, user_id: uuid.UUID, path: str) -> FolderView:
    """Allow a member to make libraries of an existing server folder (kept with its symlinks resolved)."""
    await require_admin(hearth, admin, 'Only the administrator allows server folders')
    folder_path = await asyncio.to_thread(_existing_folder, path)
    async with hearth.db.session() as session:
        if await session.get(User, user_id) is None:
            raise NotFound('Member not found')
        folder = ExternalFolder(user_id=user_id, path=str(folder_path))
        session.add(folder)
        try:
            await session.commit()
        except IntegrityError as error:
            raise Conflict(f'This member may already use {folder_path}') from error
        return next(view for view in await _folder_views(session, user_id) if view.id == folder.id)


def _existing_folder(path: str) -> Path:
    folder = real_path(path)
    if not folder.is_dir():
        raise InvalidInput(f'There is no folder {path} on the server')
    return folder


async def revoke_folder(hearth: Hearth, admin: Actor, folder_id: uuid.UUID) -> None:
    """Libraries made of the folder stay, with their photos, but are not scanned any more."""
    await require_admin(hearth, admin, 'Only the administrator allows server folders')
    async with hearth.db.session() as session:
        result = await session.execute(delete(ExternalFolder).where(ExternalFolder.id == folder_id))
        if not result.rowcount:
            raise NotFound('Folder not found')
        await session.commit()


async def list_my_folders(hearth: Hearth, actor: Actor) -> list[FolderView]:
    async with hearth.db.session() as session:
        return await _folder_views(session, actor.id)


async def _folder_views(session, user_id: uuid.UUID | None) -> list[FolderView]:
    query = select(ExternalFolder, User.name).join(User, User.id == ExternalFolder.user_id)
    if user_id is not None:
        query = query.where(ExternalFolder.user_id == user_id)
    rows = (await session.execute(query.order_by(User.name, ExternalFolder.path))).all()
    libraries = await session.execute(
        select(ExternalLibrary.owner_id, ExternalLibrary.path, ExternalLibrary.name, func.count(Asset.id))
        .outerjoin(Asset, Asset.library_id == ExternalLibrary.id)
        .where(ExternalLibrary.owner_id.in_([folder.user_id for folder, _ in rows]))
        .group_by(ExternalLibrary.id)
        .order_by(ExternalLibrary.name)
    )
    libraries = libraries.all()
    return [
        FolderView(
            folder.id,
            folder.user_id,
            user_name,
            folder.path,
            folder.created_at,
            tuple(
                LibraryBrief(name, count)
                for owner_id, path, name, count in libraries
                if owner_id == folder.user_id and is_inside(Path(path), Path(folder.path))
            ),
        )
        for folder, user_name in rows
    ]


# ---- a member's libraries -------------------------------------------------------------------------------------------


async def create_library(hearth: Hearth, actor: Actor, name: str, path: str) -> LibraryView:
    """A library of a folder inside one of the actor's allowed folders; scan it to fill it."""
    name = clean_library_name(name)
    clean_absolute_path(path)
    async with hearth.db.session() as session:
        allowed = await _allowed_paths(session, actor.id)
        existing = list(await session.scalars(select(ExternalLibrary).where(ExternalLibrary.owner_id == actor.id)))
    library_path = await asyncio.to_thread(_library_folder, path, allowed)
    if clash := overlapping(library_path, [library.path for library in existing]):
        same = next(library for library in existing if library.path == clash)
        raise Conflict(f'Your library “{same.name}” already holds {clash} or lies inside this folder')
    library = ExternalLibrary(owner_id=actor.id, name=name, path=str(library_path))
    async with hearth.db.session() as session:
        session.add(library)
        await session.commit()
    return await get_library(hearth, actor, library.id)


def _library_folder(path: str, allowed: list[str]) -> Path:
    folder = resolve_inside(path, allowed)
    if not folder.is_dir():
        raise InvalidInput(f'There is no folder {path} on the server')
    return folder


async def _allowed_paths(session, user_id: uuid.UUID) -> list[str]:
    return list(await session.scalars(select(ExternalFolder.path).where(ExternalFolder.user_id == user_id)))


async def list_libraries(hearth: Hearth, actor: Actor) -> list[LibraryView]:
    async with hearth.db.session() as session:
        ids = await session.scalars(
            select(ExternalLibrary.id).where(ExternalLibrary.owner_id == actor.id).order_by(ExternalLibrary.name)
        )
        return [await _view(session, library_id) for library_id in ids]


async def get_library(hearth: Hearth, actor: Actor, library_id: uuid.UUID) -> LibraryView:
    async with hearth.db.session() as session:
        await _library(session, actor, library_id)
        return await _view(session, library_id)


async def rename_library(hearth: Hearth, actor: Actor, library_id: uuid.UUID, name: str) -> LibraryView:
    name = clean_library_name(name)
    async with hearth.db.session() as session:
        library = await _library(session, actor, library_id)
        library.name = name
        await session.commit()
        return await _view(session, library_id)


async def delete_library(hearth: Hearth, actor: Actor, library_id: uuid.UUID) -> int:
    """Take the library and its assets out of Hearth (rows, thumbnails, previews); the files in the folder stay as
    they are. Returns how many assets went."""
    async with hearth.db.session() as session:
        library = await _library(session, actor, library_id)
    removed = 0
    with _one_scan_at_a_time(library_id):
        while batch := await _next_assets(hearth, library_id):
            await _forget(hearth, library.owner_id, batch)
            removed += len(batch)
        async with hearth.db.session() as session:
            await session.execute(delete(ExternalLibrary).where(ExternalLibrary.id == library_id))
            await session.commit()
    return removed


async def _next_assets(hearth: Hearth, library_id: uuid.UUID) -> list[uuid.UUID]:
    async with hearth.db.session() as session:
        return list(await session.scalars(select(Asset.id).where(Asset.library_id == library_id).limit(BATCH)))


async def _forget(hearth: Hearth, owner_id: uuid.UUID, asset_ids: list[uuid.UUID]) -> None:
    async with hearth.db.session() as session:
        async with asset_queries.keeping_month_counts(session, asset_ids):
            await session.execute(delete(Asset).where(Asset.id.in_(asset_ids)))
        await session.commit()
    # Only Hearth's own renditions: the original belongs to the folder.
    await asyncio.to_thread(hearth.files.remove, _renditions_of(hearth, owner_id, asset_ids))


def _renditions_of(hearth: Hearth, owner_id: uuid.UUID, asset_ids: list[uuid.UUID]) -> tuple[Path, ...]:
    files = [hearth.files.files_for(owner_id, asset_id, '.jpg') for asset_id in asset_ids]
    return tuple(path for each in files for path in (each.thumbnail, each.preview))


async def _library(session, actor: Actor | None, library_id: uuid.UUID) -> ExternalLibrary:
    """The library, if the actor owns it (None: the server itself); 404 for anyone else's."""
    library = await session.get(ExternalLibrary, library_id)
    if library is None or (actor is not None and library.owner_id != actor.id):
        raise NotFound('Library not found')
    return library


async def _view(session, library_id: uuid.UUID) -> LibraryView:
    library = await session.get(ExternalLibrary, library_id)
    counts = select(func.count(Asset.id), func.count(Asset.offline_at)).where(Asset.library_id == library_id)
    asset_count, offline_count = (await session.execute(counts)).one()
    summary = library.last_scan_summary
    return LibraryView(
        library.id,
        library.name,
        library.path,
        library.created_at,
        asset_count,
        offline_count,
        library.id in _scanning,
        library.last_scan_started_at,
        library.last_scan_finished_at,
        ScanSummary(**{**summary, 'problems': tuple(summary.get('problems', ()))}) if summary else None,
    )


# ---- scanning -------------------------------------------------------------------------------------------------------


@contextmanager
def _one_scan_at_a_time(library_id: uuid.UUID) -> Iterator[None]:
    if library_id in _scanning:
        raise Conflict('This library is being scanned')
    _scanning.add(library_id)
    try:
        yield
    finally:
        _scanning.discard(library_id)


async def scan_library(hearth: Hearth, actor: Actor | None, library_id: uuid.UUID) -> ScanSummary:
    """Bring the library up to date with its folder: add new files, re-read changed ones in place (same asset, same
    albums, spaces and personal state), put vanished ones offline and reappeared ones back online. A file that cannot
    be read is counted and named, and the scan goes on. `actor` None is the scheduler."""
    async with hearth.db.session() as session:
        library = await _library(session, actor, library_id)
        allowed = await _allowed_paths(session, library.owner_id)
    root = await asyncio.to_thread(_scannable_root, library, allowed)
    with _one_scan_at_a_time(library_id):
        await _record(hearth, library_id, last_scan_started_at=datetime.now(UTC))
        summary = await _scan(hearth, library, root)
        await _record(hearth, library_id, last_scan_finished_at=datetime.now(UTC), last_scan_summary=asdict(summary))
    return summary


def _scannable_root(library: ExternalLibrary, allowed: list[str]) -> Path:
    try:
        root = resolve_inside(library.path, allowed)
    except InvalidInput as error:
        raise InvalidInput('The administrator no longer allows the folder of this library') from error
    if str(root) != library.path:
        raise InvalidInput(f'{library.path} now leads somewhere else on the server; delete the library and add it anew')
    return root


async def scan_all(hearth: Hearth) -> dict[uuid.UUID, ScanSummary]:
    """The scheduled job: every library in turn. One that cannot be scanned now is logged and skipped."""
    async with hearth.db.session() as session:
        ids = list(await session.scalars(select(ExternalLibrary.id).order_by(ExternalLibrary.created_at)))
    summaries = {}
    for library_id in ids:
        try:
            summaries[library_id] = await scan_library(hearth, None, library_id)
        except HearthError as error:
            log.warning('library %s not scanned: %s', library_id, error)
    return summaries


async def _record(hearth: Hearth, library_id: uuid.UUID, **values) -> None:
    async with hearth.db.session() as session:
        await session.execute(update(ExternalLibrary).where(ExternalLibrary.id == library_id).values(**values))
        await session.commit()


async def _scan(hearth: Hearth, library: ExternalLibrary, root: Path) -> ScanSummary:
    found, problems = await asyncio.to_thread(walk_library, root)
    plan = plan_scan(found, await _known_files(hearth, library.id))
    now = datetime.now(UTC)
    await _set_offline(hearth, plan.vanished, now)
    await _set_offline(hearth, plan.back, None)
    added = changed = 0
    for path in plan.new:
        added += await _attempt(_add(hearth, library, path, found[path]), root, path, problems)
    for path, asset_id in plan.changed:
        reread = await _attempt(_reread(hearth, library, asset_id, path, found[path]), root, path, problems)
        if reread and asset_id not in plan.back:  # a file both back and rewritten counts as back online
            changed += 1
    return ScanSummary(
        added=added,
        changed=changed,
        offline=len(plan.vanished),
        back_online=len(plan.back),
        unchanged=plan.unchanged,
        failed=len(problems),
        problems=tuple(problems[:MAX_PROBLEMS]),
    )


async def _attempt(work, root: Path, path: str, problems: list[str]) -> bool:
    try:
        await work
    except HearthError as error:
        problems.append(f'{_shown(root, path)}: {error}')
        return False
    except OSError as error:
        problems.append(f'{_shown(root, path)}: {error.strerror or error}')
        return False
    return True


def _shown(root: Path, path: str) -> str:
    """A path for people: relative to the library, whatever bytes its name holds."""
    shown = str(root) if Path(path) == root else os.path.relpath(path, root)
    return os.fsencode(shown).decode('utf-8', 'replace')


async def _known_files(hearth: Hearth, library_id: uuid.UUID) -> dict[str, KnownFile]:
    columns = (Asset.original_path, Asset.id, Asset.file_size, Asset.source_mtime_ns, Asset.offline_at)
    async with hearth.db.session() as session:
        rows = await session.execute(select(*columns).where(Asset.library_id == library_id))
        return {
            path: KnownFile(asset_id, FileState(size, mtime_ns or 0), offline_at is not None)
            for path, asset_id, size, mtime_ns, offline_at in rows
        }


async def _set_offline(hearth: Hearth, asset_ids: list[uuid.UUID], offline_at: datetime | None) -> None:
    for start in range(0, len(asset_ids), BATCH):
        async with hearth.db.session() as session:
            batch = asset_ids[start : start + BATCH]
            await session.execute(update(Asset).where(Asset.id.in_(batch)).values(offline_at=offline_at))
            await session.commit()


def walk_library(root: Path) -> tuple[dict[str, FileState], list[str]]:
    """Every photo or video file under the root, with its size and modification time, and what could not be read.
    Linked folders are not entered and linked files count only when they lead to a file inside the root."""
    found, problems = {}, []

    def unreadable(error: OSError) -> None:
        problems.append(f'{_shown(root, error.filename or str(root))}: {error.strerror or error}')

    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        subfolders[:] = [name for name in subfolders if not is_skipped_folder(name)]
        for name in filter(is_media_name, names):
            path = os.path.join(folder, name)
            try:
                found[path] = _file_state(root, path)
            except (OSError, ValueError) as error:
                problems.append(f'{_shown(root, path)}: {getattr(error, "strerror", None) or error}')
    return found, problems


def _file_state(root: Path, path: str) -> FileState:
    if len(path) > MAX_FILE_PATH:
        raise ValueError(f'the path is longer than {MAX_FILE_PATH} characters')
    try:
        path.encode('utf-8')
    except UnicodeEncodeError as error:
        raise ValueError('the name is not valid UTF-8') from error
    if os.path.islink(path) and not is_inside(Path(os.path.realpath(path)), root):
        raise ValueError('it links to a file outside the library')
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise ValueError('it is not a regular file')
    return FileState(info.st_size, info.st_mtime_ns)


def checksum(path: Path) -> tuple[str, int]:
    """SHA-1 and size of a file, read in chunks."""
    digest, size = hashlib.sha1(usedforsecurity=False), 0
    with path.open('rb') as file:
        while chunk := file.read(CHUNK):
            size += len(chunk)
            digest.update(chunk)
    return digest.hexdigest(), size


def _modified(state: FileState) -> datetime:
    return datetime.fromtimestamp(state.mtime_ns / 1e9, UTC)


async def _add(hearth: Hearth, library: ExternalLibrary, path: str, state: FileState) -> None:
    source = Path(path)
    sha1, size = await asyncio.to_thread(checksum, source)
    await ingest_in_place(
        hearth,
        source,
        _modified(state),
        owner_id=library.owner_id,
        library_id=library.id,
        checksum=sha1,
        original_path=path,
        original_filename=display_filename(source.name),
        file_size=size,
        source_mtime_ns=state.mtime_ns,
    )


def _place_renditions(hearth: Hearth, *moves: tuple[Path, Path]) -> None:
    for source, destination in moves:
        hearth.files.place(source, destination)


async def _reread(hearth: Hearth, library: ExternalLibrary, asset_id: uuid.UUID, path: str, state: FileState) -> None:
    """A rewritten file: new facts, renditions and checksum for the same asset, which keeps everything else."""
    source = Path(path)
    sha1, size = await asyncio.to_thread(checksum, source)
    files = hearth.files.files_for(library.owner_id, asset_id, '.jpg')
    async with rendered(hearth, source) as (facts, thumbnail, preview):
        await asyncio.to_thread(_place_renditions, hearth, (thumbnail, files.thumbnail), (preview, files.preview))
    position = await places.position_columns(facts.latitude, facts.longitude)  # before the write lock is taken
    async with hearth.db.session() as session:
        async with asset_queries.keeping_month_counts(session, [asset_id]):
            columns = {'checksum': sha1, 'file_size': size, 'source_mtime_ns': state.mtime_ns, **facts_columns(facts)}
            await session.execute(update(Asset).where(Asset.id == asset_id).values(**columns))
            details = await session.get(AssetDetails, asset_id)
            if details.updated_by_id is None:  # nobody has corrected the shared details: they follow the file
                await _follow_file(session, details, facts, state, position)
        await search_queries.refresh_words(session, [asset_id])
        await session.commit()


async def _follow_file(session, details: AssetDetails, facts, state: FileState, position: dict) -> None:
    taken_at = taken_at_from(facts, _modified(state))
    details.taken_at, details.utc_offset_minutes = taken_at, facts.utc_offset_minutes
    details.latitude, details.longitude = facts.latitude, facts.longitude
    places.follow_position(details, position)
    if details.month_key != month_key(taken_at):
        details.month_key = month_key(taken_at)
        await move_references_to_month(session, [details.asset_id], details.month_key)
    await session.flush()
