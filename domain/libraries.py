"""Rules of external libraries (SPEC §1): read-only server folders, set up by the admin for one user, whose photos
become that user's assets. Paths are compared after resolving symlinks and '..', so a path that only looks as if it
were inside an allowed folder is refused."""

import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from domain.errors import InvalidInput
from domain.text import clean_title

MAX_NAME = 200
MAX_FOLDER_PATH = 1000
MAX_FILE_PATH = 500  # what `assets.original_path` holds
MAX_PROBLEMS = 50  # failures a scan summary lists by name; the count covers them all

# What `ml.media` reads (JPEG, PNG, WebP, HEIC/HEIF, MP4/MOV); a file with one of these names is analysed, any other
# is not a photo or a video and is passed over without a word.
MEDIA_EXTENSIONS = frozenset({'.jpg', '.jpeg', '.jpe', '.png', '.webp', '.heic', '.heif', '.mp4', '.m4v', '.mov'})
# Folders NAS systems fill with their own thumbnails of the photos beside them.
SKIPPED_FOLDERS = frozenset({'@eaDir', '#recycle', '#snapshot', '$RECYCLE.BIN', 'lost+found'})


def clean_library_name(name: str | None) -> str:
    return clean_title(name, 'library', MAX_NAME)


def clean_absolute_path(path: str | None) -> str:
    """A server path as typed: stripped, absolute, without NUL, not too long."""
    path = (path or '').strip()
    if not path:
        raise InvalidInput('Give a folder path on the server')
    if '\x00' in path or len(path) > MAX_FOLDER_PATH:
        raise InvalidInput('That is not a usable folder path')
    if not os.path.isabs(path):
        raise InvalidInput(f'The folder path must be absolute (start with /), not {path!r}')
    return path


def real_path(path: str) -> Path:
    """The path with every symlink and '..' resolved (parts that do not exist are kept as written)."""
    return Path(os.path.realpath(clean_absolute_path(path)))


def is_inside(path: Path, folder: Path) -> bool:
    """Both resolved: is `path` the folder itself or somewhere below it?"""
    return path == folder or folder in path.parents


def resolve_inside(path: str, allowed_folders: Iterable[str]) -> Path:
    """The real path of `path` if it lies in one of the allowed folders (themselves resolved), else InvalidInput."""
    requested = real_path(path)
    if any(is_inside(requested, real_path(folder)) for folder in allowed_folders):
        return requested
    raise InvalidInput(f'{path} is not inside a folder the administrator allowed you to use')


def overlapping(path: Path, library_paths: Iterable[str]) -> str | None:
    """The first existing library path that holds, or lies inside, `path`: the same files would be there twice."""
    for existing in library_paths:
        existing_path = Path(existing)
        if is_inside(path, existing_path) or is_inside(existing_path, path):
            return existing
    return None


def is_media_name(name: str) -> bool:
    """Worth analysing: not hidden, with a photo or video extension."""
    return not name.startswith('.') and os.path.splitext(name)[1].lower() in MEDIA_EXTENSIONS


def is_skipped_folder(name: str) -> bool:
    return name.startswith('.') or name in SKIPPED_FOLDERS


# ---- scanning -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileState:
    """What a scan notices of a file: a change in size or modification time means it was rewritten."""

    size: int
    mtime_ns: int


@dataclass(frozen=True)
class KnownFile:
    asset_id: uuid.UUID
    state: FileState
    offline: bool


@dataclass
class ScanPlan:
    """What a scan does with each file: `new` ones are added, `changed` ones re-read (in place), `vanished` ones go
    offline, `back` ones are online again (and re-read too if they also changed)."""

    new: list[str] = field(default_factory=list)
    changed: list[tuple[str, uuid.UUID]] = field(default_factory=list)
    vanished: list[uuid.UUID] = field(default_factory=list)
    back: list[uuid.UUID] = field(default_factory=list)
    unchanged: int = 0


def plan_scan(found: Mapping[str, FileState], known: Mapping[str, KnownFile]) -> ScanPlan:
    plan = ScanPlan()
    for path, state in sorted(found.items()):
        existing = known.get(path)
        if existing is None:
            plan.new.append(path)
            continue
        if existing.offline:
            plan.back.append(existing.asset_id)
        if existing.state != state:
            plan.changed.append((path, existing.asset_id))
        elif not existing.offline:
            plan.unchanged += 1
    plan.vanished.extend(file.asset_id for path, file in known.items() if path not in found and not file.offline)
    return plan
