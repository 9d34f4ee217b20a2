"""Import a folder from the server's disk into a member's library, with a progress bar and a summary."""

import asyncio
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from tqdm import tqdm

from domain.errors import HearthError
from services import assets
from services.accounts import Actor, actor_by_id
from services.runtime import Hearth
from storage.models import User

SKIPPED_NAMES = {'.DS_Store', 'Thumbs.db', 'desktop.ini'}


async def import_folder(hearth: Hearth, email: str, folder: Path, out=sys.stderr) -> int:
    """Returns a process exit code: 0 when every file was imported or already present."""
    actor = await _member(hearth, email)
    if actor is None:
        print(f'error: no active member with the email {email}', file=out)
        return 2
    files = await asyncio.to_thread(_files_in, folder)
    if files is None:
        print(f'error: {folder} is not a folder', file=out)
        return 2
    outcome, problems = Counter(), []
    for path in tqdm(files, desc='Importing', unit='file', file=out):
        status = await _import_one(hearth, actor, path, problems)
        outcome[status] += 1
    _summary(outcome, problems, out)
    return 1 if outcome['failed'] else 0


def _files_in(folder: Path) -> list[Path] | None:
    if not folder.is_dir():
        return None
    return sorted(p for p in folder.rglob('*') if p.is_file() and p.name not in SKIPPED_NAMES)


async def _member(hearth: Hearth, email: str) -> Actor | None:
    async with hearth.db.session() as session:
        user_id = await session.scalar(select(User.id).where(User.email == email.strip().lower()))
    return await actor_by_id(hearth, user_id)


async def _import_one(hearth: Hearth, actor: Actor, path: Path, problems: list[str]) -> str:
    try:
        staged = await asyncio.to_thread(hearth.files.stage_copy, path, hearth.settings.max_upload_bytes)
        modified = datetime.fromtimestamp(staged.source_mtime, UTC)
        return (await assets.ingest(hearth, actor, staged, fallback_taken_at=modified)).status
    except HearthError as error:
        problems.append(f'{path}: {error}')
        return 'skipped' if error.status == 415 else 'failed'
    except OSError as error:
        problems.append(f'{path}: {error.strerror or error}')
        return 'failed'


def _summary(outcome: Counter, problems: list[str], out) -> None:
    print(
        f'Imported {outcome["created"]}, already in the library {outcome["duplicate"]}, '
        f'not photos or videos {outcome["skipped"]}, failed {outcome["failed"]}.',
        file=out,
    )
    for problem in problems:
        print(f'  {problem}', file=out)
