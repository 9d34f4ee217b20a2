"""jobs and job queues: the durable background pipeline

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'jobs',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('queue', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=80), nullable=False),
        sa.Column('force', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('run_after', sa.DateTime(), nullable=False),
        sa.Column('claimed_by', sa.String(length=80), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
        sa.UniqueConstraint('kind', 'subject', name='uq_jobs_kind_subject'),
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_claim', ['queue', 'state', 'run_after'], unique=False)
    queues = op.create_table(
        'job_queues',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('paused', sa.Boolean(), nullable=False),
        sa.Column('done_in_run', sa.BigInteger(), nullable=False),
        sa.Column('done_ever', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_job_queues')),
    )
    rows = [{'name': name, 'paused': False, 'done_in_run': 0, 'done_ever': 0} for name in QUEUES]
    op.bulk_insert(queues, rows)


QUEUES = ('metadata', 'thumbnails', 'faces', 'clustering')


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_claim')
    op.drop_table('job_queues')
    op.drop_table('jobs')
