"""Backup, restore and check (docs/backup.md), on SQLite and PostgreSQL, with real files and vectors."""

import asyncio
import contextlib
import os
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.app import create_api
from domain.spaces import SpaceRole
from services import albums, assets, runtime, spaces
from services.backup import back_up, check, restore
from services.runtime import Hearth
from storage.backup import BackupError
from storage.models import Asset, Face, Job
from tests.factories.media_files import make_jpeg
from tests.fixtures import _fresh_postgres_database
from tests.integration.api_client import client
from tests.integration.test_cli import run
from tests.integration.test_people import person_with, photo, photos_with, someone
from tests.integration.test_spaces import space_with

PASSWORDS = {'alice@example.com': 'correct horse', 'bob@example.com': 'battery staple'}


async def test_a_backup_made_while_uploads_run_restores_the_same_library_and_the_next_one_copies_only_what_changed(
    hearth, alice, bob, carl, tmp_path
):
    """GIVEN Alice's library with a named person, an album, a space shared with Bob and a photo in the trash, and Carl
    uploading while the backup runs. WHEN it is backed up and restored into a fresh data folder and database. THEN
    Alice and Bob see the same timeline, albums, spaces, people and trash, every restored photo has its files and
    vectors; a second backup copies only the new files and sets a deleted photo's files aside; restore refuses a
    folder that is not empty and a backup with a damaged file."""
    _, dad_photos = await person_with(hearth, alice, tmp_path, 3, name='Dad')
    others = [await photo(hearth, alice, tmp_path, f'other{i}.jpg', (40 * i, 99, 9)) for i in range(3)]
    await albums.create_album(hearth, alice, 'Summer', asset_ids=[dad_photos[0], others[0]])
    space = await space_with(hearth, alice, bob=SpaceRole.VIEWER)
    await spaces.add_assets(hearth, alice, space.id, [dad_photos[1], others[1]])
    await assets.trash(hearth, alice, [others[2]])
    destination = tmp_path / 'backup'

    uploads = asyncio.create_task(_upload_while_backing_up(hearth, carl, tmp_path, count=6))
    first = await back_up(hearth.settings, destination)
    carls_photos = await uploads

    async with _restored(hearth, destination, tmp_path / 'restored') as restored:
        seen = {email: await _listings(hearth, email) for email in PASSWORDS}
        assert {email: await _listings(restored, email) for email in PASSWORDS} == seen
        assert [person['name'] for person in seen['alice@example.com']['/people']] == ['Dad']
        assert len(seen['alice@example.com']['/trash']) == 1 and len(seen['bob@example.com']['/spaces']) == 1
        report = await check(restored)
        assert report.problems['missing_original'].count == 0
        assert report.problems['missing_rendition'].count == 0
        assert report.problems['missing_vector'].count == 0
        assert report.looked_at['faces'] == 3
        async with restored.db.session() as session:  # some of Carl's uploads came after the database copy
            assert await session.scalar(select(func.count()).where(Asset.owner_id == carl.id)) < len(carls_photos)
        with pytest.raises(BackupError, match='is not empty'):
            await restore(restored.settings, destination)

    await assets.delete_from_trash(hearth, alice, [others[2]])
    new_files = _media(hearth) - _media_of(first)
    second = await back_up(hearth.settings, destination)

    assert second.copied == len(new_files) > 0
    assert second.set_aside == 3 and second.unchanged == len(_media_of(first)) - 3
    assert len(list((destination / 'removed').rglob(f'{others[2].hex}.*'))) == 3

    thumbnail = next(path for path in second.manifest.files if path.startswith('media/thumbs/'))
    with (destination / thumbnail).open('ab') as damaged:
        damaged.write(b'\0')
    async with _empty_database(hearth) as empty_url:
        target = replace(
            hearth.settings, data_dir=tmp_path / 'again', database_url=empty_url or _sqlite(tmp_path / 'again')
        )
        with pytest.raises(BackupError, match=f'(?s)damaged.*{thumbnail}'):
            await restore(target, destination)
    assert not (tmp_path / 'again').exists()


async def _upload_while_backing_up(hearth, owner, tmp_path, count: int) -> list[uuid.UUID]:
    uploaded = []
    for index in range(count):
        await asyncio.sleep(0)
        staged = hearth.files.stage_copy(make_jpeg(tmp_path / f'carl{index}.jpg', color=(index, 200, 7)), 10**9)
        uploaded.append((await assets.ingest(hearth, owner, staged)).asset_id)
    return uploaded


@contextlib.asynccontextmanager
async def _restored(original: Hearth, backup: Path, data_dir: Path):
    """The backup restored into a fresh data folder and database, started."""
    async with _empty_database(original) as url:
        settings = replace(original.settings, data_dir=data_dir, database_url=url or _sqlite(data_dir))
        await restore(settings, backup)
        restored = Hearth.create(settings)
        await restored.start()
        try:
            yield restored
        finally:
            await restored.stop()


@contextlib.asynccontextmanager
async def _empty_database(original: Hearth):
    """A fresh PostgreSQL database when the original is on PostgreSQL; None (a file in the data folder) on SQLite."""
    if original.db.is_sqlite:
        yield None
        return
    async with _fresh_postgres_database() as url:
        yield url


def _sqlite(data_dir: Path) -> str:
    return f'sqlite+aiosqlite:///{data_dir / "hearth.db"}'


def _media(hearth: Hearth) -> set[str]:
    root = hearth.settings.data_dir
    return {path.relative_to(root).as_posix() for path in (root / 'media').rglob('*') if path.is_file()}


def _media_of(backup) -> set[str]:
    return {path for path in backup.manifest.files if path.startswith('media/')}


async def _listings(hearth: Hearth, email: str) -> dict:
    """What a member sees through the API: timeline months and their photos, albums, spaces and their timelines,
    people, trash."""
    runtime.install(hearth)
    try:
        async with client(create_api()) as api:
            login = await api.post('/auth/login', json={'email': email, 'password': PASSWORDS[email]})
            api.headers['Authorization'] = f'Bearer {login.json()["access_token"]}'
            seen = {path: (await api.get(path)).json() for path in ('/timeline/buckets', '/albums', '/spaces')}
            seen |= {path: (await api.get(path)).json() for path in ('/people', '/trash')}
            for bucket in seen['/timeline/buckets']:
                month = f'/timeline/buckets/{bucket["month"]}'
                seen[month] = (await api.get(month)).json()
            for each in seen['/spaces']:
                buckets = f'/spaces/{each["id"]}/timeline/buckets'
                seen[buckets] = (await api.get(buckets)).json()
    finally:
        runtime.install(None)
    return seen


@pytest.mark.usefixtures('cheap_password_hashing')
async def test_check_finds_a_missing_thumbnail_an_orphan_and_a_face_without_vector_and_repair_queues_and_removes(
    hearth, alice, tmp_path
):
    """GIVEN a photo whose thumbnail was deleted, an hour-old file of no photo, and a face whose vector is lost.
    WHEN `main.py check` runs, then a repair. THEN check names each and exits 1; repair queues the rendition
    and the face search, removes the orphan, and deletes no row."""
    [with_face, plain] = await photos_with(hearth, alice, tmp_path, (someone(),), ())
    hearth.files.files_for(alice.id, plain, '.jpg').thumbnail.unlink()
    orphan = hearth.settings.media_dir / 'originals' / alice.id.hex / 'ab' / f'{uuid.uuid4().hex}.jpg'
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b'left behind')
    an_hour_ago = time.time() - 2 * 3600
    os.utime(orphan, (an_hour_ago, an_hour_ago))
    async with hearth.db.session() as session:
        face = await session.scalar(select(Face).where(Face.asset_id == with_face))
        await asyncio.to_thread(hearth.vectors.delete, [face.embedding_id])

    found = run(hearth.settings.data_dir, 'check', database_url=hearth.settings.database_url)
    repaired = await check(hearth, repair=True)

    assert found.returncode == 1, found.stderr
    assert f'photos whose thumbnail or preview is missing: 1 (first: {plain})' in found.stderr
    assert 'files that belong to no photo: 1' in found.stderr and orphan.name in found.stderr
    assert f'faces whose vector is missing: 1 (first: {face.id})' in found.stderr
    assert 'Found 3 problems.' in found.stderr
    assert repaired.repaired == {'renditions queued': 1, 'face searches queued': 1, 'orphan files removed': 1}
    assert not orphan.exists()
    async with hearth.db.session() as session:
        jobs = set(await session.execute(select(Job.kind, Job.subject, Job.force)))
        assert {('thumbnails', plain.hex, False), ('faces', with_face.hex, True)} <= jobs
        assert await session.scalar(select(func.count()).select_from(Asset)) == 2
        assert await session.scalar(select(func.count()).select_from(Face)) == 1
