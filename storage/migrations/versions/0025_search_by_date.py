"""search by date: an index of the words' rows by date taken, which a search of a common word walks newest first

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 11:00:00
"""

from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_search_documents_taken', 'search_documents', ['taken_at', 'asset_id'])


def downgrade() -> None:
    op.drop_index('ix_search_documents_taken', table_name='search_documents')
