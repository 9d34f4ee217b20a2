"""faces added by hand: `faces.source` ('detected' for every face so far, or 'manual') and `faces.added_by_id`

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


# Plain ADD and DROP COLUMN on both databases: rebuilding `faces` on SQLite (batch mode) would cascade its deletion
# to the people's faces.
def upgrade() -> None:
    op.add_column('faces', sa.Column('source', sa.String(10), server_default='detected', nullable=False))
    op.add_column('faces', sa.Column('added_by_id', sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM faces WHERE source = 'manual'"))
    op.drop_column('faces', 'added_by_id')
    op.drop_column('faces', 'source')
