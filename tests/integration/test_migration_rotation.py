"""Migration 0016: every photo stored before rotations existed shows as its file says (rotation 0)."""

from datetime import UTC, datetime
from uuid import uuid4

import sqlalchemy as sa

from storage.db import Database
from storage.models import Base
from tests.integration.test_migrations import _downgrade_to

# asset_details as it was at 0015: the model's table would write the new column too.
OLD_DETAILS = sa.table(
    'asset_details',
    sa.column('asset_id', sa.Uuid),
    sa.column('owner_id', sa.Uuid),
    sa.column('taken_at', sa.DateTime),
    sa.column('month_key', sa.Integer),
)


async def test_photos_from_before_rotations_keep_their_own_orientation(database_url):
    """GIVEN a photo stored at 0015 WHEN the database is migrated THEN its rotation is 0."""
    users, assets = Base.metadata.tables['users'], Base.metadata.tables['assets']
    owner, asset_id, now = uuid4(), uuid4(), datetime.now(UTC)
    user = {'id': owner, 'email': 'a@example.com', 'name': 'A', 'password_hash': 'x', 'created_at': now}
    photo = {'id': asset_id, 'owner_id': owner, 'checksum': '0' * 40, 'original_path': 'a.jpg', 'file_size': 1}
    photo |= {'original_filename': 'a.jpg', 'mime_type': 'image/jpeg', 'media_type': 'image', 'width': 4, 'height': 3}
    database = Database(database_url)
    try:
        await database.migrate()
        async with database.engine.begin() as connection:
            await connection.run_sync(_downgrade_to, '0015')
            await connection.execute(users.insert().values(**user, is_admin=False, disabled=False))
            await connection.execute(assets.insert().values(**photo, uploaded_at=now))
            taken = {'taken_at': datetime(2024, 12, 1, 9), 'month_key': 202412}
            await connection.execute(OLD_DETAILS.insert().values(asset_id=asset_id, owner_id=owner, **taken))
        await database.migrate()
        async with database.engine.connect() as connection:
            assert await connection.scalar(sa.text('SELECT rotation FROM asset_details')) == 0
    finally:
        await database.dispose()
