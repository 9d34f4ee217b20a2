"""places (SPEC §8): a photo's grid key for the map, its place names and where they came from

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 01:00:00
"""

import sqlalchemy as sa
from alembic import op

from domain.geo import geo_key

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

PLACE_COLUMNS = (
    ('place_city', 200),
    ('place_county', 200),
    ('place_state', 200),
    ('place_country', 100),
    ('place_country_code', 2),
    ('place_source', 10),
)
GEOTAGGED = 'geo_key IS NOT NULL'
MISSING_PLACE = 'latitude IS NOT NULL AND place_source IS NULL'


def upgrade() -> None:
    with op.batch_alter_table('asset_details', schema=None) as batch_op:
        batch_op.add_column(sa.Column('geo_key', sa.BigInteger(), nullable=True))
        for name, length in PLACE_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length), nullable=True))
    _fill_geo_keys()
    op.create_index(
        'ix_asset_details_owner_geo',
        'asset_details',
        ['owner_id', 'geo_key', 'latitude', 'longitude', 'taken_at', 'asset_id'],
        sqlite_where=sa.text(GEOTAGGED),
        postgresql_where=sa.text(GEOTAGGED),
    )
    op.create_index(
        'ix_asset_details_geo',
        'asset_details',
        ['geo_key'],
        sqlite_where=sa.text(GEOTAGGED),
        postgresql_where=sa.text(GEOTAGGED),
    )
    op.create_index(
        'ix_asset_details_missing_place',
        'asset_details',
        ['asset_id'],
        sqlite_where=sa.text(MISSING_PLACE),
        postgresql_where=sa.text(MISSING_PLACE),
    )


def _fill_geo_keys() -> None:
    """Every photo with a position gets its key now; its place names come from the places job ("run for missing")."""
    details = sa.table(
        'asset_details', sa.column('asset_id'), sa.column('latitude'), sa.column('longitude'), sa.column('geo_key')
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(details.c.asset_id, details.c.latitude, details.c.longitude).where(details.c.latitude.is_not(None))
    ).all()
    statement = details.update().where(details.c.asset_id == sa.bindparam('id')).values(geo_key=sa.bindparam('key'))
    for start in range(0, len(rows), 5000):
        batch = rows[start : start + 5000]
        connection.execute(statement, [{'id': row[0], 'key': geo_key(row[1], row[2])} for row in batch])


def downgrade() -> None:
    op.drop_index('ix_asset_details_missing_place', table_name='asset_details')
    op.drop_index('ix_asset_details_geo', table_name='asset_details')
    op.drop_index('ix_asset_details_owner_geo', table_name='asset_details')
    with op.batch_alter_table('asset_details', schema=None) as batch_op:
        for name, _length in reversed(PLACE_COLUMNS):
            batch_op.drop_column(name)
        batch_op.drop_column('geo_key')
