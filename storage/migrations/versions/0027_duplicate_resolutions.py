"""resolving duplicates (SPEC §9): each resolution with its keeper and what happened to each other copy (their
checksums remembered), and "resolve all suggested" runs with a result per group

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 14:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def _key(table: str, column: str, referred: str, ondelete: str = 'CASCADE') -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f'{referred}.id'], name=op.f(f'fk_{table}_{column}_{referred}'), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        'duplicate_resolutions',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('resolver_id', sa.Uuid(), nullable=False),
        sa.Column('keeper_id', sa.Uuid(), nullable=False),
        sa.Column('run_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        _key('duplicate_resolutions', 'resolver_id', 'users'),
        _key('duplicate_resolutions', 'keeper_id', 'assets'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_resolutions')),
    )
    op.create_index('ix_duplicate_resolutions_keeper', 'duplicate_resolutions', ['keeper_id'])
    op.create_table(
        'duplicate_resolution_copies',
        sa.Column('resolution_id', sa.Uuid(), nullable=False),
        sa.Column('asset_id', sa.Uuid(), nullable=False),
        sa.Column('checksum', sa.String(40), nullable=False),
        sa.Column('trashed', sa.Boolean(), nullable=False),
        sa.Column('why', sa.String(200), nullable=True),
        _key('duplicate_resolution_copies', 'resolution_id', 'duplicate_resolutions'),
        sa.PrimaryKeyConstraint('resolution_id', 'asset_id', name=op.f('pk_duplicate_resolution_copies')),
    )
    op.create_index('ix_duplicate_resolution_copies_checksum', 'duplicate_resolution_copies', ['checksum'])
    op.create_table(
        'duplicate_runs',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('space_id', sa.Uuid(), nullable=True),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        _key('duplicate_runs', 'user_id', 'users'),
        _key('duplicate_runs', 'space_id', 'spaces'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_runs')),
    )
    op.create_table(
        'duplicate_run_results',
        sa.Column('run_id', sa.Uuid(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('keeper_id', sa.Uuid(), nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('message', sa.String(300), nullable=False),
        _key('duplicate_run_results', 'run_id', 'duplicate_runs'),
        sa.PrimaryKeyConstraint('run_id', 'position', name=op.f('pk_duplicate_run_results')),
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM jobs WHERE kind = 'duplicates-resolve'"))
    op.drop_table('duplicate_run_results')
    op.drop_table('duplicate_runs')
    op.drop_table('duplicate_resolution_copies')
    op.drop_table('duplicate_resolutions')
