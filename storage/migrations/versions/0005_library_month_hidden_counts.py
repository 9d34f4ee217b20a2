"""library month hidden counts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 20:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

RECOUNT = """
INSERT INTO library_months (owner_id, month_key, asset_count, hidden_count)
SELECT d.owner_id, d.month_key, count(*),
       sum(CASE WHEN a.trashed_at IS NOT NULL OR EXISTS (
             SELECT 1 FROM asset_user_state s WHERE s.asset_id = a.id AND s.user_id = a.owner_id AND s.archived
           ) THEN 1 ELSE 0 END)
FROM asset_details d JOIN assets a ON a.id = d.asset_id
GROUP BY d.owner_id, d.month_key
"""


def upgrade() -> None:
    with op.batch_alter_table('library_months', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_count', sa.Integer(), server_default='0', nullable=False))
    op.execute('DELETE FROM library_months')
    op.execute(RECOUNT)


def downgrade() -> None:
    with op.batch_alter_table('library_months', schema=None) as batch_op:
        batch_op.drop_column('hidden_count')
