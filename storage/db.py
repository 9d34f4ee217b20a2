"""The database: one engine and one session factory per process, migrations applied on start."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from storage.timeline_cache import track_sharing_changes

MIGRATIONS = Path(__file__).parent / 'migrations'


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine: AsyncEngine = _create_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, sync_session_class=HearthSession)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == 'sqlite'

    def session(self) -> AsyncSession:
        return self.sessions()

    async def migrate(self) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(upgrade_to_head)

    async def dispose(self) -> None:
        await self.engine.dispose()


class HearthSession(Session):
    """A session that tells timeline caches when it commits a sharing change."""


track_sharing_changes(HearthSession)


def upgrade_to_head(connection: Connection) -> None:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    config.attributes['connection'] = connection
    command.upgrade(config, 'head')


def _create_engine(url: str) -> AsyncEngine:
    if not url.startswith('sqlite'):
        # No JIT: the planner's estimates for scoped searches cross its threshold and compiling took 1.3 of a
        # 1.5 s query, for plans that run in milliseconds (bench/search.py).
        return create_async_engine(url, pool_pre_ping=True, connect_args={'server_settings': {'jit': 'off'}})
    engine = create_async_engine(url, connect_args={'timeout': 30})
    event.listen(engine.sync_engine, 'connect', _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ('journal_mode=WAL', 'synchronous=NORMAL', 'foreign_keys=ON', 'busy_timeout=30000'):
        cursor.execute(f'PRAGMA {pragma}')
    cursor.close()
