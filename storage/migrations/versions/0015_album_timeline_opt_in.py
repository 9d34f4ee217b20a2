"""album photos join a member's timeline only if they choose (SPEC §8): off for new and existing memberships

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text('UPDATE album_members SET show_in_timeline = false'))
    with op.batch_alter_table('album_members', schema=None) as batch_op:
        batch_op.alter_column('show_in_timeline', server_default=sa.false())


def downgrade() -> None:
    with op.batch_alter_table('album_members', schema=None) as batch_op:
        batch_op.alter_column('show_in_timeline', server_default=None)
