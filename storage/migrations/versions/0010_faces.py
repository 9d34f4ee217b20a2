"""faces found in assets, and which assets were searched for faces

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 00:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'faces',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('asset_id', sa.Uuid(), nullable=False),
        sa.Column('x', sa.Float(), nullable=False),
        sa.Column('y', sa.Float(), nullable=False),
        sa.Column('width', sa.Float(), nullable=False),
        sa.Column('height', sa.Float(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('embedding_id', sa.String(length=40), nullable=False),
        sa.Column('model', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_faces_asset_id_assets'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_faces')),
    )
    with op.batch_alter_table('faces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faces_asset_id'), ['asset_id'], unique=False)
    op.create_table(
        'face_scans',
        sa.Column('asset_id', sa.Uuid(), nullable=False),
        sa.Column('model', sa.String(length=40), nullable=False),
        sa.Column('face_count', sa.Integer(), nullable=False),
        sa.Column('scanned_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['asset_id'], ['assets.id'], name=op.f('fk_face_scans_asset_id_assets'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('asset_id', name=op.f('pk_face_scans')),
    )


def downgrade() -> None:
    op.drop_table('face_scans')
    with op.batch_alter_table('faces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faces_asset_id'))
    op.drop_table('faces')
