"""spaces and external libraries

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 21:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'external_folders',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('path', sa.String(length=1000), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_external_folders_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_external_folders')),
        sa.UniqueConstraint('user_id', 'path', name='uq_external_folders_user_path'),
    )
    op.create_table(
        'external_libraries',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('owner_id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('path', sa.String(length=1000), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_scan_started_at', sa.DateTime(), nullable=True),
        sa.Column('last_scan_finished_at', sa.DateTime(), nullable=True),
        sa.Column('last_scan_summary', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ['owner_id'], ['users.id'], name=op.f('fk_external_libraries_owner_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_external_libraries')),
    )
    with op.batch_alter_table('external_libraries', schema=None) as batch_op:
        batch_op.create_index('ix_external_libraries_owner', ['owner_id', 'created_at'], unique=False)

    op.create_table(
        'spaces',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('color', sa.String(length=7), nullable=False),
        sa.Column('cover_asset_id', sa.Uuid(), nullable=True),
        sa.Column('created_by_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['cover_asset_id'], ['assets.id'], name=op.f('fk_spaces_cover_asset_id_assets'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'], name=op.f('fk_spaces_created_by_id_users'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_spaces')),
    )
    op.create_table(
        'space_activity',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('space_id', sa.Uuid(), nullable=False),
        sa.Column('actor_id', sa.Uuid(), nullable=True),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['actor_id'], ['users.id'], name=op.f('fk_space_activity_actor_id_users'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['space_id'], ['spaces.id'], name=op.f('fk_space_activity_space_id_spaces'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_space_activity')),
    )
    with op.batch_alter_table('space_activity', schema=None) as batch_op:
        batch_op.create_index('ix_space_activity_space', ['space_id', 'created_at'], unique=False)

    op.create_table(
        'space_assets',
        sa.Column('space_id', sa.Uuid(), nullable=False),
        sa.Column('asset_id', sa.Uuid(), nullable=False),
        sa.Column('owner_id', sa.Uuid(), nullable=False),
        sa.Column('month_key', sa.Integer(), nullable=False),
        sa.Column('added_by_id', sa.Uuid(), nullable=True),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['added_by_id'], ['users.id'], name=op.f('fk_space_assets_added_by_id_users'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['asset_id'], ['assets.id'], name=op.f('fk_space_assets_asset_id_assets'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['owner_id'], ['users.id'], name=op.f('fk_space_assets_owner_id_users'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['space_id'], ['spaces.id'], name=op.f('fk_space_assets_space_id_spaces'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('space_id', 'asset_id', name=op.f('pk_space_assets')),
    )
    with op.batch_alter_table('space_assets', schema=None) as batch_op:
        batch_op.create_index('ix_space_assets_asset', ['asset_id', 'space_id'], unique=False)
        batch_op.create_index('ix_space_assets_space_added', ['space_id', 'added_at'], unique=False)
        batch_op.create_index(
            'ix_space_assets_space_month', ['space_id', 'month_key', 'owner_id', 'asset_id'], unique=False
        )

    op.create_table(
        'space_libraries',
        sa.Column('space_id', sa.Uuid(), nullable=False),
        sa.Column('library_id', sa.Uuid(), nullable=False),
        sa.Column('connected_by_id', sa.Uuid(), nullable=True),
        sa.Column('connected_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['connected_by_id'],
            ['users.id'],
            name=op.f('fk_space_libraries_connected_by_id_users'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['library_id'],
            ['external_libraries.id'],
            name=op.f('fk_space_libraries_library_id_external_libraries'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['space_id'], ['spaces.id'], name=op.f('fk_space_libraries_space_id_spaces'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('space_id', 'library_id', name=op.f('pk_space_libraries')),
    )
    with op.batch_alter_table('space_libraries', schema=None) as batch_op:
        batch_op.create_index('ix_space_libraries_library', ['library_id', 'space_id'], unique=False)

    op.create_table(
        'space_members',
        sa.Column('space_id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('show_in_timeline', sa.Boolean(), nullable=False),
        sa.Column('joined_at', sa.DateTime(), nullable=False),
        sa.Column('last_visit_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['space_id'], ['spaces.id'], name=op.f('fk_space_members_space_id_spaces'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_space_members_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('space_id', 'user_id', name=op.f('pk_space_members')),
    )
    with op.batch_alter_table('space_members', schema=None) as batch_op:
        batch_op.create_index('ix_space_members_user', ['user_id', 'space_id'], unique=False)

    with op.batch_alter_table('asset_details', schema=None) as batch_op:
        batch_op.add_column(sa.Column('library_id', sa.Uuid(), nullable=True))
        batch_op.create_index(
            'ix_asset_details_library_month',
            ['library_id', 'month_key', 'owner_id', 'asset_id'],
            unique=False,
            sqlite_where=sa.text('library_id IS NOT NULL'),
            postgresql_where=sa.text('library_id IS NOT NULL'),
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_asset_details_library_id_external_libraries'),
            'external_libraries',
            ['library_id'],
            ['id'],
            ondelete='CASCADE',
        )

    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('library_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('source_mtime_ns', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('offline_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_assets_owner_checksum'), type_='unique')
        batch_op.create_index(
            'uq_assets_library_path',
            ['library_id', 'original_path'],
            unique=True,
            sqlite_where=sa.text('library_id IS NOT NULL'),
            postgresql_where=sa.text('library_id IS NOT NULL'),
        )
        batch_op.create_index(
            'uq_assets_upload_checksum',
            ['owner_id', 'checksum'],
            unique=True,
            sqlite_where=sa.text('library_id IS NULL'),
            postgresql_where=sa.text('library_id IS NULL'),
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_assets_library_id_external_libraries'),
            'external_libraries',
            ['library_id'],
            ['id'],
            ondelete='CASCADE',
        )

    with op.batch_alter_table('public_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('space_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_public_links_space_id_spaces'), 'spaces', ['space_id'], ['id'], ondelete='CASCADE'
        )


def downgrade() -> None:
    with op.batch_alter_table('public_links', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_public_links_space_id_spaces'), type_='foreignkey')
        batch_op.drop_column('space_id')

    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_assets_library_id_external_libraries'), type_='foreignkey')
        batch_op.drop_index(
            'uq_assets_upload_checksum',
            sqlite_where=sa.text('library_id IS NULL'),
            postgresql_where=sa.text('library_id IS NULL'),
        )
        batch_op.drop_index(
            'uq_assets_library_path',
            sqlite_where=sa.text('library_id IS NOT NULL'),
            postgresql_where=sa.text('library_id IS NOT NULL'),
        )
        batch_op.create_unique_constraint(batch_op.f('uq_assets_owner_checksum'), ['owner_id', 'checksum'])
        batch_op.drop_column('offline_at')
        batch_op.drop_column('source_mtime_ns')
        batch_op.drop_column('library_id')

    with op.batch_alter_table('asset_details', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_asset_details_library_id_external_libraries'), type_='foreignkey')
        batch_op.drop_index(
            'ix_asset_details_library_month',
            sqlite_where=sa.text('library_id IS NOT NULL'),
            postgresql_where=sa.text('library_id IS NOT NULL'),
        )
        batch_op.drop_column('library_id')

    with op.batch_alter_table('space_members', schema=None) as batch_op:
        batch_op.drop_index('ix_space_members_user')

    op.drop_table('space_members')
    with op.batch_alter_table('space_libraries', schema=None) as batch_op:
        batch_op.drop_index('ix_space_libraries_library')

    op.drop_table('space_libraries')
    with op.batch_alter_table('space_assets', schema=None) as batch_op:
        batch_op.drop_index('ix_space_assets_space_month')
        batch_op.drop_index('ix_space_assets_space_added')
        batch_op.drop_index('ix_space_assets_asset')

    op.drop_table('space_assets')
    with op.batch_alter_table('space_activity', schema=None) as batch_op:
        batch_op.drop_index('ix_space_activity_space')

    op.drop_table('space_activity')
    op.drop_table('spaces')
    with op.batch_alter_table('external_libraries', schema=None) as batch_op:
        batch_op.drop_index('ix_external_libraries_owner')

    op.drop_table('external_libraries')
    op.drop_table('external_folders')
