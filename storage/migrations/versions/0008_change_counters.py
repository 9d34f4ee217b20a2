"""change counters: the sharing counter that tells timeline caches they are stale

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    counters = op.create_table(
        'change_counters',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_change_counters')),
    )
    op.bulk_insert(counters, [{'name': 'sharing', 'value': 0}])


def downgrade() -> None:
    op.drop_table('change_counters')
