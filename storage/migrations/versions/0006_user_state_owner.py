"""asset_user_state copies the asset owner; archive and trash read from partial indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('asset_user_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Uuid(), nullable=True))
    op.execute('UPDATE asset_user_state SET owner_id = (SELECT owner_id FROM assets WHERE assets.id = asset_id)')
    with op.batch_alter_table('asset_user_state', schema=None) as batch_op:
        batch_op.alter_column('owner_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_asset_user_state_owner_id_users'), 'users', ['owner_id'], ['id'], ondelete='CASCADE'
        )
    archived = {'sqlite_where': sa.text('archived IS 1'), 'postgresql_where': sa.text('archived IS TRUE')}
    op.create_index('ix_asset_user_state_archived', 'asset_user_state', ['user_id', 'owner_id', 'asset_id'], **archived)
    op.drop_index('ix_assets_trashed', table_name='assets')
    trashed = {'sqlite_where': sa.text('trashed_at IS NOT NULL'), 'postgresql_where': sa.text('trashed_at IS NOT NULL')}
    op.create_index('ix_assets_trashed', 'assets', ['trashed_at', 'id'], **trashed)


def downgrade() -> None:
    op.drop_index('ix_assets_trashed', table_name='assets')
    trashed = {'sqlite_where': sa.text('trashed_at IS NOT NULL'), 'postgresql_where': sa.text('trashed_at IS NOT NULL')}
    op.create_index('ix_assets_trashed', 'assets', ['trashed_at'], **trashed)
    op.drop_index('ix_asset_user_state_archived', table_name='asset_user_state')
    with op.batch_alter_table('asset_user_state', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_asset_user_state_owner_id_users'), type_='foreignkey')
        batch_op.drop_column('owner_id')
