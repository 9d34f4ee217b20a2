"""the people counter: moved by every change to faces, people, names and identity decisions, so that caches of a
member's resolved identities know they are stale

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

counters = sa.table('change_counters', sa.column('name'), sa.column('value'))


def upgrade() -> None:
    op.bulk_insert(counters, [{'name': 'people', 'value': 0}])


def downgrade() -> None:
    op.execute(counters.delete().where(counters.c.name == 'people'))
