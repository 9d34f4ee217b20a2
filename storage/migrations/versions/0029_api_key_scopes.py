"""API keys get a scope chosen at creation (issue 20): 'read', 'upload' or 'full'; keys made before keep what they
could do ('full'), except that no key manages keys or the password any more

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_keys') as table:
        table.add_column(sa.Column('scope', sa.String(10), nullable=False, server_default='full'))


def downgrade() -> None:
    with op.batch_alter_table('api_keys') as table:
        table.drop_column('scope')
