"""Backups (SPEC §11): the manifest that describes one, how it is verified, which files a new backup copies and which
it sets aside, and what a check of a data folder found. Pure rules; the copying is in services.backup.

A backup folder is shaped like a data folder: the database (`hearth.db`, or `hearth.pgdump` for PostgreSQL),
`media/`, `models/`, `vectors/`, `secret.key`, and `manifest.json`, written last, which lists every one of those files
with its size and SHA-256. Files a later backup no longer needs are moved to `removed/<when>/`, never deleted.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from domain.errors import InvalidInput

FORMAT = 1
MANIFEST = 'manifest.json'
IN_PROGRESS = 'backup-in-progress'  # present while a backup runs: a folder holding it is not a finished backup
REMOVED = 'removed'
SQLITE_FILE = 'hearth.db'
POSTGRES_FILE = 'hearth.pgdump'
SECRET_FILE = 'secret.key'
# As services.assets.remove_orphan_files: a file without a row may be an upload whose row is about to commit.
ORPHAN_GRACE = timedelta(hours=1)
FIRST_FEW = 5  # ids shown per problem


@dataclass(frozen=True)
class FileEntry:
    """A file of the backup: its size and checksum, and the modification time of the file it was copied from, by
    which the next backup knows it unchanged without reading it."""

    size: int
    sha256: str
    mtime_ns: int


@dataclass(frozen=True)
class Manifest:
    created: datetime
    revision: str  # the database's migration revision (Alembic) when it was copied
    database: str  # 'sqlite' or 'postgresql'
    files: dict[str, FileEntry]  # by path relative to the backup folder, '/'-separated
    counts: dict[str, int] = field(default_factory=dict)
    vectors: str = 'copied'  # or 'server': they live in a Chroma server, which is backed up by its own means
    format: int = FORMAT

    def to_json(self) -> str:
        data = asdict(self) | {'created': self.created.isoformat()}
        data['files'] = {path: asdict(entry) for path, entry in sorted(self.files.items())}
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str) -> 'Manifest':
        try:
            data = json.loads(text)
            if data['format'] > FORMAT:
                raise InvalidInput(f'This backup was made by a newer Hearth (manifest format {data["format"]})')
            files = {path: FileEntry(**entry) for path, entry in data['files'].items()}
            return cls(**(data | {'created': datetime.fromisoformat(data['created']), 'files': files}))
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidInput(f'The manifest is not readable: {error}') from None


def unchanged(previous: FileEntry | None, size: int, mtime_ns: int) -> bool:
    """Whether a file the last backup copied is the same now: same size, same modification time."""
    return previous is not None and previous.size == size and previous.mtime_ns == mtime_ns


def mismatches(expected: Mapping[str, FileEntry], found: Mapping[str, tuple[int, str] | None]) -> list[str]:
    """What differs between the manifest and the files found (size and SHA-256, None: missing), in words."""
    problems = []
    for path, entry in sorted(expected.items()):
        actual = found.get(path)
        if actual is None:
            problems.append(f'{path}: missing')
        elif actual != (entry.size, entry.sha256):
            problems.append(f'{path}: differs from the manifest (damaged or changed)')
    return problems


def asset_id_of(path: str) -> str:
    """The asset a media file belongs to: its name without extension (32 hex digits)."""
    return path.rsplit('/', 1)[-1].split('.', 1)[0]


def set_aside(backed_up: Iterable[str], copied_now: Iterable[str], snapshot_assets: set[str]) -> list[str]:
    """Files of the last backup to move aside: gone from the data folder and not of an asset in this backup's
    database. A file of such an asset that vanished during the copy (a purge after the database was copied) keeps its
    earlier copy: the backup's database still shows it."""
    copied = set(copied_now)
    return sorted(
        path
        for path in backed_up
        if path not in copied and not (path.startswith('media/') and asset_id_of(path) in snapshot_assets)
    )


@dataclass
class Problem:
    """One kind of problem a check found: how many, and the first few ids or paths."""

    count: int = 0
    first: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.count += 1
        if len(self.first) < FIRST_FEW:
            self.first.append(what)


PROBLEMS = {
    'missing_original': 'photos whose original is missing',
    'missing_rendition': 'photos whose thumbnail or preview is missing',
    'orphan_file': 'files that belong to no photo',
    'missing_vector': 'faces whose vector is missing',
}


@dataclass
class CheckReport:
    """What `main.py check` found: problems by kind (PROBLEMS), offline external originals (not a problem: their
    drive may be unplugged), counts of what was looked at, and what a repair did."""

    problems: dict[str, Problem] = field(default_factory=lambda: {kind: Problem() for kind in PROBLEMS})
    offline: Problem = field(default_factory=Problem)
    looked_at: dict[str, int] = field(default_factory=dict)
    repaired: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not any(problem.count for problem in self.problems.values())
