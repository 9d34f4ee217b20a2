"""UI tests run main.py under NiceGUI's simulated `user`; each test gets its own data folder and database."""

import asyncio
import shutil

import pytest

from services import accounts, assets, runtime
from tests.factories.media_files import make_jpeg


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path, monkeypatch, sqlite_template):
    # A copy of the migrated database: migrating from nothing took 0.5-3 s of every UI test.
    (tmp_path / 'data').mkdir()
    shutil.copy(sqlite_template, tmp_path / 'data' / 'hearth.db')
    monkeypatch.setenv('HEARTH_DATA', str(tmp_path / 'data'))
    monkeypatch.delenv('DATABASE_URL', raising=False)
    monkeypatch.setenv('HEARTH_FACE_WORKERS', '0')  # faces wait in their queue; the faces tests turn them on
    monkeypatch.setenv('HEARTH_SEARCH_WORKERS', '0')  # so do labels and text
    monkeypatch.setenv('HEARTH_RENDER_WORKERS', '0')  # uploads render in threads: no process started per test


async def sign_up_admin(user, email='ann@example.com', password='hearth-admin'):
    await user.open('/onboarding')
    user.find('name').type('Ann')
    user.find('email').type(email)
    user.find('password').type(password)
    user.find('create-admin').click()
    await user.should_see('Photos', retries=50)


async def member(email='bea@example.com', name='Bea', password='bea-password'):
    return await accounts.create_user(runtime.current(), None, email, name, password)


async def sign_in(user, email, password):
    await user.open('/login')
    user.find('email').type(email)
    user.find('password').type(password)
    user.find('sign-in').click()
    await user.should_see('Photos', retries=50)


async def add_photo(actor, tmp_path, name='photo.jpg', **exif):
    hearth = runtime.current()
    path = make_jpeg(tmp_path / name, **exif)
    staged = hearth.files.stage_copy(path, hearth.settings.max_upload_bytes)
    return (await assets.ingest(hearth, actor, staged)).asset_id


async def eventually(check, seconds: float = 5.0) -> None:
    """Wait until an async check holds, as a person waits for the page to catch up."""
    async with asyncio.timeout(seconds):
        while not await check():
            await asyncio.sleep(0.05)
