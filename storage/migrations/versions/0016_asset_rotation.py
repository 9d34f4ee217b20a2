"""a photo's rotation (scope E): degrees clockwise past its own orientation, 0 for every photo so far

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('asset_details', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rotation', sa.SmallInteger(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('asset_details', schema=None) as batch_op:
        batch_op.drop_column('rotation')
