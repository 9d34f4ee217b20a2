"""people: merges that can be undone, and faces a member said are not a person

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 09:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_people_merged_into_id_people'), 'people', ['merged_into_id'], ['id'], ondelete='CASCADE'
        )
    with op.batch_alter_table('person_faces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_from_id', sa.Uuid(), nullable=True))
    op.create_table(
        'face_rejections',
        sa.Column('person_id', sa.Uuid(), nullable=False),
        sa.Column('face_id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ['face_id'], ['faces.id'], name=op.f('fk_face_rejections_face_id_faces'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['person_id'], ['people.id'], name=op.f('fk_face_rejections_person_id_people'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('person_id', 'face_id', name=op.f('pk_face_rejections')),
    )


def downgrade() -> None:
    op.drop_table('face_rejections')
    with op.batch_alter_table('person_faces', schema=None) as batch_op:
        batch_op.drop_column('merged_from_id')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_people_merged_into_id_people'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
