"""Migration 0022: the words of photos stored before it carry their owner, date, country, media type, trash and the
owner's archive, so that searching them after the upgrade finds what it found before, and the triggers keep those
copies from then on."""

from datetime import UTC, datetime
from uuid import uuid4

import sqlalchemy as sa

from storage.db import Database
from storage.models import Base
from tests.integration.test_migration_places import _photo
from tests.integration.test_migrations import _downgrade_to

# search_documents as it was at 0021: the model's table would write the new columns too.
OLD_DOCUMENTS = sa.table('search_documents', sa.column('asset_id', sa.Uuid), sa.column('words', sa.Text))
OLD_DETAILS = sa.table(
    'asset_details',
    sa.column('asset_id', sa.Uuid),
    sa.column('owner_id', sa.Uuid),
    sa.column('taken_at', sa.DateTime),
    sa.column('month_key', sa.Integer),
    sa.column('place_country_code', sa.String),
    sa.column('latitude', sa.Float),
    sa.column('longitude', sa.Float),
    sa.column('place_source', sa.String),
)
_documents = Base.metadata.tables['search_documents'].c
COPIES = sa.select(
    _documents.asset_id,
    _documents.owner_id,
    _documents.taken_at,
    _documents.month_key,
    _documents.trashed,
    _documents.owner_archived,
    _documents.place_country_code,
    _documents.media_type,
)


async def test_words_stored_before_carry_their_photos_scope_and_keep_it(database_url):
    """GIVEN at 0021 a live photo, a trashed one and one its owner archived, each with words WHEN the database is
    migrated THEN each row carries its owner, date and month, trash and archive; and a later date edit, trash and
    archive are copied by the triggers."""
    tables = Base.metadata.tables
    owner, now = uuid4(), datetime.now(UTC)
    live, trashed, archived = uuid4(), uuid4(), uuid4()
    taken = datetime(2019, 7, 1, 12, 0)
    database = Database(database_url)
    try:
        await database.migrate()
        async with database.engine.begin() as connection:
            await connection.run_sync(_downgrade_to, '0021')
            user = {'id': owner, 'email': 'a@example.com', 'name': 'A', 'password_hash': 'x', 'created_at': now}
            await connection.execute(tables['users'].insert().values(**user, is_admin=False, disabled=False))
            for asset_id in (live, trashed, archived):
                await connection.execute(
                    tables['assets'].insert().values(**_photo(asset_id, owner, now, asset_id == trashed))
                )
                details = {
                    'asset_id': asset_id,
                    'owner_id': owner,
                    'taken_at': taken,
                    'month_key': 201907,
                    'place_country_code': 'GB',
                    'latitude': 50.15,
                    'longitude': -5.07,
                    'place_source': 'hand' if asset_id == trashed else 'geocoder',
                }
                await connection.execute(OLD_DETAILS.insert().values(**details))
                await connection.execute(OLD_DOCUMENTS.insert().values(asset_id=asset_id, words='sailing'))
            state = {'user_id': owner, 'asset_id': archived, 'owner_id': owner, 'archived': True, 'updated_at': now}
            await connection.execute(tables['asset_user_state'].insert().values(**state, favorite=False, rating=0))
        await database.migrate()
        async with database.engine.begin() as connection:
            copies = {row[0]: tuple(row[1:]) for row in await connection.execute(COPIES)}
            assert copies == {
                live: (owner, taken, 201907, False, False, 'GB', 'image'),
                trashed: (owner, taken, 201907, True, False, 'GB', 'image'),
                archived: (owner, taken, 201907, False, True, 'GB', 'image'),
            }
            assets, details, states = tables['assets'], tables['asset_details'], tables['asset_user_state']
            # named by the geocoder: to be named again, with the names around the place; a hand-set place stays
            sources = sa.select(details.c.asset_id, details.c.place_source)
            assert dict((await connection.execute(sources)).all()) == {live: None, archived: None, trashed: 'hand'}
            await connection.execute(assets.update().where(assets.c.id == live).values(trashed_at=now))
            await connection.execute(assets.update().where(assets.c.id == trashed).values(trashed_at=None))
            moved = details.update().where(details.c.asset_id == archived)
            await connection.execute(
                moved.values(taken_at=datetime(2021, 8, 2), month_key=202108, place_country_code='FR')
            )
            await connection.execute(states.delete().where(states.c.asset_id == archived))
            copies = {row[0]: tuple(row[1:]) for row in await connection.execute(COPIES)}
            assert copies == {
                live: (owner, taken, 201907, True, False, 'GB', 'image'),
                trashed: (owner, taken, 201907, False, False, 'GB', 'image'),
                archived: (owner, datetime(2021, 8, 2), 202108, False, False, 'FR', 'image'),
            }
    finally:
        await database.dispose()
