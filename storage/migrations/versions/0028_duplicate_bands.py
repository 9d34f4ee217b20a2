"""duplicate bands (SPEC §9): each pHash band's index holds the pHash too, so one photo's check reads the pHashes its
bands point at from the indexes alone and only the near ones from the table

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 14:30:00
"""

from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

BANDS = 4


def upgrade() -> None:
    for index in range(BANDS):
        op.drop_index(f'ix_asset_hashes_band{index}', 'asset_hashes')
        op.create_index(f'ix_asset_hashes_band{index}', 'asset_hashes', [f'band{index}', 'phash'])


def downgrade() -> None:
    for index in range(BANDS):
        op.drop_index(f'ix_asset_hashes_band{index}', 'asset_hashes')
        op.create_index(f'ix_asset_hashes_band{index}', 'asset_hashes', [f'band{index}'])
