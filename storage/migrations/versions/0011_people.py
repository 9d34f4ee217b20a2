"""people per library and per space, and which faces are whom

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 00:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'people',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('owner_id', sa.Uuid(), nullable=True),
        sa.Column('space_id', sa.Uuid(), nullable=True),
        sa.Column('name', sa.String(length=100), nullable=True),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('cover_face_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['cover_face_id'], ['faces.id'], name=op.f('fk_people_cover_face_id_faces'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_people_owner_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_people_space_id_spaces'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index('ix_people_owner', ['owner_id'], unique=False)
        batch_op.create_index('ix_people_space', ['space_id'], unique=False)
    op.create_table(
        'person_faces',
        sa.Column('person_id', sa.Uuid(), nullable=False),
        sa.Column('face_id', sa.Uuid(), nullable=False),
        sa.Column('scope_id', sa.Uuid(), nullable=False),
        sa.Column('confirmed', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ['face_id'], ['faces.id'], name=op.f('fk_person_faces_face_id_faces'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['person_id'], ['people.id'], name=op.f('fk_person_faces_person_id_people'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('person_id', 'face_id', name=op.f('pk_person_faces')),
        sa.UniqueConstraint('scope_id', 'face_id', name='uq_person_faces_scope_face'),
    )


def downgrade() -> None:
    op.drop_table('person_faces')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_space')
        batch_op.drop_index('ix_people_owner')
    op.drop_table('people')
