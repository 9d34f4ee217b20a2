"""Fixtures for integration tests: a started Hearth on a real database and real files."""

import asyncio
import os
import shutil
import uuid
from dataclasses import replace
from pathlib import Path

import asyncpg
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from services import accounts
from services.runtime import Hearth
from settings import load_settings
from storage import access, timeline_cache
from storage import assets as assets_queries
from storage.models import LibraryMonth, User

POSTGRES_URL = os.environ.get('HEARTH_TEST_POSTGRES_URL')  # postgresql+asyncpg://user:pass@host/db
BACKENDS = ['sqlite', 'postgres']


def pytest_collection_modifyitems(config, items):
    if POSTGRES_URL and not POSTGRES_URL.startswith('postgresql+asyncpg://'):
        raise pytest.UsageError(f'HEARTH_TEST_POSTGRES_URL must be a postgresql+asyncpg:// URL, not {POSTGRES_URL!r}')
    if POSTGRES_URL or not os.environ.get('CI'):
        return
    raise pytest.UsageError('CI must run against PostgreSQL: set HEARTH_TEST_POSTGRES_URL')


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
async def database_url(backend, tmp_path):
    """An empty database of the backend (for the migration tests)."""
    if backend == 'sqlite':
        yield f'sqlite+aiosqlite:///{tmp_path / "hearth.db"}'
        return
    if not POSTGRES_URL:
        pytest.skip('HEARTH_TEST_POSTGRES_URL is not set')
    async with _fresh_postgres_database() as url:
        yield url


@pytest.fixture
async def migrated_database_url(backend, tmp_path, sqlite_template, postgres_worker_database):
    """A database of the backend with every migration run, as migrations left it: on SQLite a copy of one migrated
    per test process (migrating from nothing took a third of a second per test); on PostgreSQL the test process's
    own database, emptied back to what migrations left (a database copied per test took 1-3 s to create and drop)."""
    if backend == 'sqlite':
        shutil.copy(sqlite_template, tmp_path / 'hearth.db')
        yield f'sqlite+aiosqlite:///{tmp_path / "hearth.db"}'
        return
    if not POSTGRES_URL:
        pytest.skip('HEARTH_TEST_POSTGRES_URL is not set')
    await postgres_worker_database.reset()
    yield postgres_worker_database.url


@pytest.fixture(scope='session')
def sqlite_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp('template')
    asyncio.run(_migrate(f'sqlite+aiosqlite:///{folder / "hearth.db"}', folder / 'data'))
    return folder / 'hearth.db'


@pytest.fixture(scope='session')
def postgres_template(tmp_path_factory):
    if not POSTGRES_URL:
        yield None
        return
    template = _fresh_postgres_database()
    url = asyncio.run(template.__aenter__())
    try:
        asyncio.run(_migrate(url, tmp_path_factory.mktemp('template')))
        yield template.name
    finally:
        asyncio.run(template.__aexit__())


@pytest.fixture(scope='session')
def postgres_worker_database(postgres_template):
    """This test process's PostgreSQL database: a copy of the migrated template, reset before each test."""
    if not POSTGRES_URL:
        yield None
        return
    database = _fresh_postgres_database(template=postgres_template)
    url = asyncio.run(database.__aenter__())
    try:
        yield _ResettableDatabase(url, asyncio.run(_rows_migrations_left(url)))
    finally:
        asyncio.run(database.__aexit__())


class _ResettableDatabase:
    """Back to what migrations left: every table emptied (but Alembic's), their rows put back, sequences restarted."""

    def __init__(self, url: str, seeded: dict[str, list]):
        self.url, self._seeded = url, seeded

    async def reset(self) -> None:
        connection = await asyncpg.connect(_plain(self.url))
        try:
            await connection.execute(_END_OTHER_CONNECTIONS)  # a test that failed may have left some open
            async with connection.transaction():
                await connection.execute('SET LOCAL session_replication_role = replica')  # no triggers, no key checks
                for table in await _tables(connection):
                    await connection.execute(f'DELETE FROM "{table}"')
                for table, rows in self._seeded.items():
                    await connection.copy_records_to_table(table, records=rows)
                for (sequence,) in await connection.fetch(_SEQUENCES):
                    await connection.execute(f'ALTER SEQUENCE "{sequence}" RESTART')
        finally:
            await connection.close()


_END_OTHER_CONNECTIONS = (
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() '
    'AND pid <> pg_backend_pid()'
)
_SEQUENCES = "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"


async def _tables(connection) -> list[str]:
    rows = await connection.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
    )
    return [row['tablename'] for row in rows]


async def _rows_migrations_left(url: str) -> dict[str, list]:
    connection = await asyncpg.connect(_plain(url))
    try:
        seeded = {table: await connection.fetch(f'SELECT * FROM "{table}"') for table in await _tables(connection)}
    finally:
        await connection.close()
    return {table: [tuple(row) for row in rows] for table, rows in seeded.items() if rows}


def _plain(url: str) -> str:
    return url.replace('postgresql+asyncpg', 'postgresql')


async def _migrate(url: str, data_dir: Path) -> None:
    instance = Hearth.create(replace(load_settings(), data_dir=data_dir, database_url=url))
    await instance.start()
    await instance.stop()


class _fresh_postgres_database:
    """A database of its own for one test (empty, or a copy of `template`), dropped afterwards."""

    def __init__(self, template: str | None = None):
        self.template = template

    async def __aenter__(self) -> str:
        self.name = f'hearth_test_{uuid.uuid4().hex[:12]}'
        await self._admin(f'CREATE DATABASE {self.name}' + (f' TEMPLATE {self.template}' if self.template else ''))
        base, _ = POSTGRES_URL.rsplit('/', 1)
        return f'{base}/{self.name}'

    async def __aexit__(self, *exc) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS {self.name} WITH (FORCE)')

    async def _admin(self, sql: str) -> None:
        connection = await asyncpg.connect(_plain(POSTGRES_URL))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()


@pytest.fixture
async def hearth(migrated_database_url, tmp_path):
    settings = replace(load_settings(), data_dir=tmp_path / 'data', database_url=migrated_database_url)
    instance = Hearth.create(settings)
    await instance.start(migrate=False)  # a copy of the migrated template: checking it took 50-170 ms a test
    yield instance
    await assert_month_counts_are_exact(instance)
    await assert_cached_timelines_are_current(instance)
    await instance.stop()


async def assert_month_counts_are_exact(instance: Hearth) -> None:
    """After every test: the stored per-library month counts equal a recount of the assets."""
    async with instance.db.session() as session:
        columns = (LibraryMonth.owner_id, LibraryMonth.month_key, LibraryMonth.asset_count, LibraryMonth.hidden_count)
        stored = await session.execute(select(*columns))
        recount = await session.execute(assets_queries.library_month_recount())
        assert {(o, m): (c, h) for o, m, c, h in stored if c or h} == {(o, m): (c, h) for o, m, c, h in recount}


async def assert_cached_timelines_are_current(instance: Hearth) -> None:
    """After every test: whatever shared timeline part a test left cached equals a count from the tables."""
    async with instance.db.session() as session:
        for user_id in await session.scalars(select(User.id)):
            cached = await timeline_cache.shared_extras.per_month(session, user_id)
            counted = await session.execute(access.shared_extras_per_month(user_id))
            assert cached == {month: count for month, count in counted}


@pytest.fixture
def cheap_password_hashing(monkeypatch):
    """Argon2 at its lowest cost: the sign-in logic stays real, the tests stay quick."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, '_hasher', hasher)
    monkeypatch.setattr(accounts, '_DUMMY_HASH', hasher.hash('not anyone'))


@pytest.fixture
async def alice(hearth):
    return await accounts.create_user(hearth, None, 'alice@example.com', 'Alice', 'correct horse')


@pytest.fixture
async def bob(hearth):
    return await accounts.create_user(hearth, None, 'bob@example.com', 'Bob', 'battery staple')


@pytest.fixture
async def carl(hearth):
    return await accounts.create_user(hearth, None, 'carl@example.com', 'Carl', 'a long password')


def media_files(hearth: Hearth) -> list[Path]:
    return sorted(path for path in hearth.settings.media_dir.rglob('*') if path.is_file())
