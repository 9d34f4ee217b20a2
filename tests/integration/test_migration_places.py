"""Migrations 0017-0019: photos stored with a position before places and the map existed appear on the map at once
(their grid keys and the map's counts are filled), and wait for the places job to be named."""

from datetime import UTC, datetime
from uuid import uuid4

import sqlalchemy as sa

from domain.geo import geo_key
from storage.db import Database
from storage.map_cells import STORED_LEVELS
from storage.models import Base
from tests.integration.test_migrations import _downgrade_to

# asset_details as it was at 0016: the model's table would write the new columns too.
OLD_DETAILS = sa.table(
    'asset_details',
    sa.column('asset_id', sa.Uuid),
    sa.column('owner_id', sa.Uuid),
    sa.column('taken_at', sa.DateTime),
    sa.column('month_key', sa.Integer),
    sa.column('latitude', sa.Float),
    sa.column('longitude', sa.Float),
)
EDINBURGH = (55.9533, -3.1883)


async def test_photos_placed_before_the_map_are_on_it_and_wait_to_be_named(database_url):
    """GIVEN at 0016 a photo in Edinburgh, one without a position and a trashed one in Edinburgh WHEN the database is
    migrated THEN the first has its grid key, is counted once per stored level of the map, and is missing its place;
    the others are not on the map."""
    users, assets = Base.metadata.tables['users'], Base.metadata.tables['assets']
    owner, now = uuid4(), datetime.now(UTC)
    placed, unplaced, trashed = uuid4(), uuid4(), uuid4()
    user = {'id': owner, 'email': 'a@example.com', 'name': 'A', 'password_hash': 'x', 'created_at': now}
    database = Database(database_url)
    try:
        await database.migrate()
        async with database.engine.begin() as connection:
            await connection.run_sync(_downgrade_to, '0016')
            await connection.execute(users.insert().values(**user, is_admin=False, disabled=False))
            for asset_id, position in ((placed, EDINBURGH), (unplaced, (None, None)), (trashed, EDINBURGH)):
                await connection.execute(assets.insert().values(**_photo(asset_id, owner, now, asset_id == trashed)))
                taken = {'taken_at': datetime(2024, 12, 1, 9), 'month_key': 202412}
                latitude, longitude = position
                row = OLD_DETAILS.insert().values(
                    asset_id=asset_id, owner_id=owner, latitude=latitude, longitude=longitude
                )
                await connection.execute(row.values(**taken))
        await database.migrate()
        async with database.engine.connect() as connection:
            keys = dict((await connection.execute(sa.text('SELECT asset_id, geo_key FROM asset_details'))).all())
            assert sorted(keys.values(), key=str) == sorted([geo_key(*EDINBURGH)] * 2 + [None], key=str)
            cells = (await connection.execute(sa.text('SELECT level, photo_count, year FROM map_cells'))).all()
            assert sorted(cells) == [(level, 1, 2024) for level in STORED_LEVELS]
            missing = sa.text('SELECT count(*) FROM asset_details WHERE latitude IS NOT NULL AND place_source IS NULL')
            assert await connection.scalar(missing) == 2
    finally:
        await database.dispose()


def _photo(asset_id, owner, now, trashed: bool) -> dict:
    return {
        'id': asset_id,
        'owner_id': owner,
        'checksum': asset_id.hex[:40],
        'original_path': f'{asset_id.hex}.jpg',
        'file_size': 1,
        'original_filename': 'a.jpg',
        'mime_type': 'image/jpeg',
        'media_type': 'image',
        'width': 4,
        'height': 3,
        'uploaded_at': now,
        'trashed_at': now if trashed else None,
    }
