"""the places queue (SPEC §8): naming photos' places from their positions in the background

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

queues = sa.table(
    'job_queues', sa.column('name'), sa.column('paused'), sa.column('done_in_run'), sa.column('done_ever')
)


def upgrade() -> None:
    op.bulk_insert(queues, [{'name': 'places', 'paused': False, 'done_in_run': 0, 'done_ever': 0}])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM jobs WHERE queue = 'places'"))
    op.execute(queues.delete().where(queues.c.name == 'places'))
