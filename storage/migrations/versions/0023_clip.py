"""clip: which installed CLIP model embedded each photo (`search_documents.clip_model`), and the clip queue

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

queues = sa.table(
    'job_queues', sa.column('name'), sa.column('paused'), sa.column('done_in_run'), sa.column('done_ever')
)


def upgrade() -> None:
    op.bulk_insert(queues, [{'name': 'clip', 'paused': False, 'done_in_run': 0, 'done_ever': 0}])
    op.add_column('search_documents', sa.Column('clip_model', sa.String(80)))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM jobs WHERE queue = 'clip'"))
    op.execute(queues.delete().where(queues.c.name == 'clip'))
    op.drop_column('search_documents', 'clip_model')
