"""duplicates (SPEC §9): each asset's hashes (checksum, pHash and its bands, camera and capture time), the links
found between copies, members' "Not duplicates", and the duplicates queue

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

queues = sa.table(
    'job_queues', sa.column('name'), sa.column('paused'), sa.column('done_in_run'), sa.column('done_ever')
)


def _asset_key(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ['assets.id'], name=op.f(f'fk_{table}_{column}_assets'), ondelete='CASCADE'
    )


def upgrade() -> None:
    op.create_table(
        'asset_hashes',
        sa.Column('asset_id', sa.Uuid(), nullable=False),
        sa.Column('model', sa.String(40), nullable=False),
        sa.Column('checksum', sa.String(40), nullable=False),
        sa.Column('phash', sa.BigInteger(), nullable=True),
        *(sa.Column(f'band{index}', sa.Integer(), nullable=True) for index in range(4)),
        sa.Column('camera', sa.String(201), nullable=True),
        sa.Column('taken_at', sa.DateTime(), nullable=True),
        sa.Column('hashed_at', sa.DateTime(), nullable=False),
        _asset_key('asset_hashes', 'asset_id'),
        sa.PrimaryKeyConstraint('asset_id', name=op.f('pk_asset_hashes')),
    )
    for index in range(4):
        op.create_index(f'ix_asset_hashes_band{index}', 'asset_hashes', [f'band{index}'])
    op.create_index('ix_asset_hashes_checksum', 'asset_hashes', ['checksum'])
    op.create_index('ix_asset_hashes_camera_taken', 'asset_hashes', ['camera', 'taken_at'])
    op.create_table(
        'duplicate_links',
        sa.Column('asset_id', sa.Uuid(), nullable=False),
        sa.Column('other_id', sa.Uuid(), nullable=False),
        sa.Column('reason', sa.String(10), nullable=False),
        sa.Column('distance', sa.SmallInteger(), nullable=False),
        _asset_key('duplicate_links', 'asset_id'),
        _asset_key('duplicate_links', 'other_id'),
        sa.PrimaryKeyConstraint('asset_id', 'other_id', name=op.f('pk_duplicate_links')),
    )
    op.create_index('ix_duplicate_links_other', 'duplicate_links', ['other_id', 'asset_id'])
    op.create_table(
        'duplicate_dismissals',
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('asset_id', sa.Uuid(), nullable=False),
        sa.Column('other_id', sa.Uuid(), nullable=False),
        sa.Column('dismissed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_duplicate_dismissals_user_id_users'), ondelete='CASCADE'
        ),
        _asset_key('duplicate_dismissals', 'asset_id'),
        _asset_key('duplicate_dismissals', 'other_id'),
        sa.PrimaryKeyConstraint('user_id', 'asset_id', 'other_id', name=op.f('pk_duplicate_dismissals')),
    )
    op.bulk_insert(queues, [{'name': 'duplicates', 'paused': False, 'done_in_run': 0, 'done_ever': 0}])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM jobs WHERE queue = 'duplicates'"))
    op.execute(queues.delete().where(queues.c.name == 'duplicates'))
    op.drop_table('duplicate_dismissals')
    op.drop_table('duplicate_links')
    op.drop_table('asset_hashes')
