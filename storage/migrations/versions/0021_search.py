"""search (SPEC §8): each photo's words in one row, and the database's own full-text index over them -- SQLite's
FTS5, kept by triggers, or PostgreSQL's tsvector, a generated column with a GIN index

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# The columns, from the words people wrote (description, tags) to the least telling (broader terms of what the image
# tagger saw, the file name); PostgreSQL weighs them A..D, SQLite's bm25 by the weights in storage.search.
COLUMNS = ('words', 'place', 'read_text', 'labels', 'broader', 'file')
PG_WEIGHTS = {'words': 'A', 'place': 'B', 'read_text': 'B', 'labels': 'C', 'broader': 'D', 'file': 'D'}
FTS_COLUMNS = ', '.join(COLUMNS)
NEW = ', '.join(f'new.{column}' for column in COLUMNS)
OLD = ', '.join(f'old.{column}' for column in COLUMNS)
SQLITE = [
    # Tokens are folded by Hearth before they are stored (storage.search); the tokenizer folds again, harmlessly.
    f"""CREATE VIRTUAL TABLE search_fts USING fts5({FTS_COLUMNS}, content='search_documents', content_rowid='doc_id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    f"""CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_fts(rowid, {FTS_COLUMNS}) VALUES (new.doc_id, {NEW}); END""",
    f"""CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.doc_id, {OLD}); END""",
    f"""CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.doc_id, {OLD});
        INSERT INTO search_fts(rowid, {FTS_COLUMNS}) VALUES (new.doc_id, {NEW}); END""",
]
TSVECTOR = ' || '.join(
    f"setweight(to_tsvector('simple'::regconfig, {column}), '{weight}')" for column, weight in PG_WEIGHTS.items()
)
POSTGRESQL = [
    f'ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({TSVECTOR}) STORED',
    'CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)',
]


queues = sa.table(
    'job_queues', sa.column('name'), sa.column('paused'), sa.column('done_in_run'), sa.column('done_ever')
)
QUEUES = ('labels', 'text')


def upgrade() -> None:
    op.bulk_insert(queues, [{'name': name, 'paused': False, 'done_in_run': 0, 'done_ever': 0} for name in QUEUES])
    op.create_table(
        'search_documents',
        sa.Column('doc_id', sa.Integer(), sa.Identity(), nullable=False),
        sa.Column('asset_id', sa.Uuid(), nullable=False),
        *(sa.Column(column, sa.Text(), nullable=False, server_default='') for column in COLUMNS),
        sa.Column('labels_model', sa.String(80)),
        sa.Column('text_model', sa.String(80)),
        sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('doc_id'),
        sa.UniqueConstraint('asset_id', name='uq_search_documents_asset'),
    )
    for statement in SQLITE if op.get_bind().dialect.name == 'sqlite' else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    for name in QUEUES:
        op.execute(sa.text(f"DELETE FROM jobs WHERE queue = '{name}'"))
        op.execute(queues.delete().where(queues.c.name == name))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP TABLE search_fts')
    op.drop_table('search_documents')
