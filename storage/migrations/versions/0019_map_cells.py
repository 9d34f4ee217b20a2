"""map cells (SPEC §8): each library's geotagged photos counted per cell of the map's grid and year

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

FINEST_LEVEL = 24
STORED_LEVELS = range(4, 21, 2)
COUNT = """
INSERT INTO map_cells (owner_id, level, cell, year, photo_count, latitude_sum, longitude_sum)
SELECT d.owner_id, {level}, d.geo_key >> {shift}, d.month_key / 100, count(*), sum(d.latitude), sum(d.longitude)
FROM asset_details d JOIN assets a ON a.id = d.asset_id
WHERE d.geo_key IS NOT NULL AND a.trashed_at IS NULL AND NOT EXISTS (
    SELECT 1 FROM asset_user_state s WHERE s.asset_id = a.id AND s.user_id = a.owner_id AND s.archived
)
GROUP BY d.owner_id, d.geo_key >> {shift}, d.month_key / 100
"""


def upgrade() -> None:
    op.create_table(
        'map_cells',
        sa.Column('owner_id', sa.Uuid(), nullable=False),
        sa.Column('level', sa.SmallInteger(), nullable=False),
        sa.Column('cell', sa.BigInteger(), nullable=False),
        sa.Column('year', sa.SmallInteger(), nullable=False),
        sa.Column('photo_count', sa.Integer(), nullable=False),
        sa.Column('latitude_sum', sa.Float(), nullable=False),
        sa.Column('longitude_sum', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('owner_id', 'level', 'cell', 'year'),
    )
    for level in STORED_LEVELS:
        op.execute(COUNT.format(level=level, shift=2 * (FINEST_LEVEL - level)))


def downgrade() -> None:
    op.drop_table('map_cells')
