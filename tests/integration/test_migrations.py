"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and walk back down."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from storage.db import MIGRATIONS, Database
from storage.models import Base


def _differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={'compare_type': True})
    return compare_metadata(context, Base.metadata)


def _downgrade_to(connection, revision: str) -> None:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    config.attributes['connection'] = connection
    command.downgrade(config, revision)


async def test_migrated_schema_matches_the_models(database_url):
    database = Database(database_url)
    try:
        await database.migrate()
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await database.dispose()


async def test_every_migration_walks_back_down_and_up_again(database_url):
    database = Database(database_url)
    try:
        await database.migrate()
        async with database.engine.begin() as connection:
            await connection.run_sync(_downgrade_to, 'base')
        await database.migrate()
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await database.dispose()
