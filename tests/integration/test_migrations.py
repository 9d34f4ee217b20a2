"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and walk back down."""

from datetime import UTC, datetime
from uuid import uuid4

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from storage.db import MIGRATIONS, Database
from storage.models import Base


def _described_by_the_models(item, name, kind, reflected, _compared) -> bool:
    """The full-text index (migration 0021) lives beside the models: SQLite's FTS5 table with its shadow tables and
    PostgreSQL's generated tsvector are the database's own, read by raw SQL alone."""
    if kind == 'table' and name.startswith('search_fts'):
        return False
    return not (kind in ('column', 'index') and name in ('tsv', 'ix_search_documents_tsv'))


def _differences(connection) -> list:
    opts = {'compare_type': True, 'include_object': _described_by_the_models}
    return compare_metadata(MigrationContext.configure(connection, opts=opts), Base.metadata)


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


async def test_existing_album_memberships_leave_the_timeline_and_new_ones_start_off(database_url):
    """GIVEN a member who showed a shared album on their timeline before album photos became opt-in (SPEC §8)
    WHEN the database is migrated THEN the album is off their timeline, and memberships made later start off."""
    users, albums, members = (Base.metadata.tables[name] for name in ('users', 'albums', 'album_members'))
    owner, member, album = uuid4(), uuid4(), uuid4()
    database = Database(database_url)
    try:
        await database.migrate()
        async with database.engine.begin() as connection:
            await connection.run_sync(_downgrade_to, '0014')
            now = datetime.now(UTC)
            for user_id in (owner, member):
                row = {'id': user_id, 'email': f'{user_id}@example.com', 'name': 'X', 'password_hash': 'x'}
                await connection.execute(users.insert().values(**row, is_admin=False, disabled=False, created_at=now))
            await connection.execute(albums.insert().values(id=album, owner_id=owner, name='A', created_at=now))
            shown = {'album_id': album, 'user_id': member, 'role': 'curator', 'added_at': now}
            await connection.execute(members.insert().values(**shown, show_in_timeline=True))
        await database.migrate()
        async with database.engine.begin() as connection:
            assert (await connection.execute(members.select())).one().show_in_timeline is False
            made_later = {'album_id': album, 'user_id': owner, 'role': 'viewer', 'added_at': now}
            await connection.execute(members.insert().values(**made_later))
            assert [row.show_in_timeline for row in await connection.execute(members.select())] == [False, False]
    finally:
        await database.dispose()
