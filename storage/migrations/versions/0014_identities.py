"""global people: each person's centre, and a member's own decisions about which people are one

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('centroid', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('person_faces', schema=None) as batch_op:
        batch_op.create_index('ix_person_faces_face', ['face_id'], unique=False)
    op.create_table(
        'identity_decisions',
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('person_id', sa.Uuid(), nullable=False),
        sa.Column('other_id', sa.Uuid(), nullable=False),
        sa.Column('same', sa.Boolean(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_identity_decisions_user_id_users'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['person_id'], ['people.id'], name=op.f('fk_identity_decisions_person_id_people'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['other_id'], ['people.id'], name=op.f('fk_identity_decisions_other_id_people'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', 'person_id', 'other_id', name=op.f('pk_identity_decisions')),
    )


def downgrade() -> None:
    op.drop_table('identity_decisions')
    with op.batch_alter_table('person_faces', schema=None) as batch_op:
        batch_op.drop_index('ix_person_faces_face')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('centroid')
