"""search scope on the document: each photo's owner, library, date, country, camera, media type, trash and owner's
archive copied onto its `search_documents` row and kept there by triggers, so that a search tests what the searcher
may see, orders and tallies its facets on the row the full-text index points at, without looking up the photo twice
more per match

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 07:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# Copied from asset_details and assets as they are (same names); trash and the owner's archive as flags.
FROM_DETAILS = ('owner_id', 'library_id', 'taken_at', 'month_key', 'place_country_code', 'place_country')
FROM_ASSETS = ('media_type', 'camera_make', 'camera_model')
COLUMNS = (
    sa.Column('owner_id', sa.Uuid()),
    sa.Column('library_id', sa.Uuid()),
    sa.Column('taken_at', sa.DateTime()),
    sa.Column('month_key', sa.Integer()),
    sa.Column('place_country_code', sa.String(2)),
    sa.Column('place_country', sa.String(100)),
    sa.Column('media_type', sa.String(10)),
    sa.Column('camera_make', sa.String(100)),
    sa.Column('camera_model', sa.String(100)),
    sa.Column('trashed', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('owner_archived', sa.Boolean(), nullable=False, server_default=sa.false()),
)
TEXT_COLUMNS = ('words', 'place', 'read_text', 'labels', 'broader', 'file')
FTS_COLUMNS = ', '.join(TEXT_COLUMNS)
NEW = ', '.join(f'new.{column}' for column in TEXT_COLUMNS)
OLD = ', '.join(f'old.{column}' for column in TEXT_COLUMNS)


def _fts_on_update(only_text_columns: bool) -> list[str]:
    """FTS5's own copy follows the words; copying scope columns onto a row must not rewrite its index entry."""
    of = f' OF {FTS_COLUMNS}' if only_text_columns else ''
    return [
        'DROP TRIGGER search_documents_au',
        f"""CREATE TRIGGER search_documents_au AFTER UPDATE{of} ON search_documents BEGIN
            INSERT INTO search_fts(search_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.doc_id, {OLD});
            INSERT INTO search_fts(rowid, {FTS_COLUMNS}) VALUES (new.doc_id, {NEW}); END""",
    ]


def _copies(names: tuple[str, ...], source: str) -> str:
    return ', '.join(f'{name} = {source}.{name}' for name in names)


def _each(names: tuple[str, ...], table: str, key: str) -> str:
    return ',\n'.join(
        f'{name} = (SELECT t.{name} FROM {table} t WHERE t.{key} = search_documents.asset_id)' for name in names
    )


OWNER_ARCHIVED = """coalesce((SELECT s.archived FROM asset_user_state s JOIN assets a ON a.id = s.asset_id
    AND s.user_id = a.owner_id WHERE s.asset_id = search_documents.asset_id), {false})"""
SCOPE_OF_ASSET = f"""{_each(FROM_DETAILS, 'asset_details', 'asset_id')},
{_each(FROM_ASSETS, 'assets', 'id')},
trashed = (SELECT t.trashed_at IS NOT NULL FROM assets t WHERE t.id = search_documents.asset_id),
owner_archived = {OWNER_ARCHIVED}"""
DETAILS_CHANGED = 'taken_at, month_key, place_country_code, place_country'
ASSETS_CHANGED = 'trashed_at, camera_make, camera_model'

SQLITE = [
    f"""CREATE TRIGGER search_documents_scope AFTER INSERT ON search_documents BEGIN
        UPDATE search_documents SET {SCOPE_OF_ASSET.format(false='0')} WHERE doc_id = new.doc_id; END""",
    f"""CREATE TRIGGER asset_details_search_ai AFTER INSERT ON asset_details BEGIN
        UPDATE search_documents SET {_copies(FROM_DETAILS, 'new')} WHERE asset_id = new.asset_id; END""",
    f"""CREATE TRIGGER asset_details_search_au AFTER UPDATE OF {DETAILS_CHANGED} ON asset_details BEGIN
        UPDATE search_documents SET {_copies(FROM_DETAILS, 'new')} WHERE asset_id = new.asset_id; END""",
    f"""CREATE TRIGGER assets_search_au AFTER UPDATE OF {ASSETS_CHANGED} ON assets BEGIN
        UPDATE search_documents SET {_copies(FROM_ASSETS, 'new')}, trashed = new.trashed_at IS NOT NULL
            WHERE asset_id = new.id; END""",
    """CREATE TRIGGER asset_user_state_search_ai AFTER INSERT ON asset_user_state WHEN new.user_id = new.owner_id
        BEGIN UPDATE search_documents SET owner_archived = new.archived WHERE asset_id = new.asset_id; END""",
    """CREATE TRIGGER asset_user_state_search_au AFTER UPDATE OF archived ON asset_user_state
        WHEN new.user_id = new.owner_id
        BEGIN UPDATE search_documents SET owner_archived = new.archived WHERE asset_id = new.asset_id; END""",
    """CREATE TRIGGER asset_user_state_search_ad AFTER DELETE ON asset_user_state WHEN old.user_id = old.owner_id
        BEGIN UPDATE search_documents SET owner_archived = 0 WHERE asset_id = old.asset_id; END""",
]
SQLITE_TRIGGERS = (
    'search_documents_scope',
    'asset_details_search_ai',
    'asset_details_search_au',
    'assets_search_au',
    'asset_user_state_search_ai',
    'asset_user_state_search_au',
    'asset_user_state_search_ad',
)


def _into_new(names: tuple[str, ...], table: str, key: str) -> str:
    fields = ', '.join(f'NEW.{name}' for name in names)
    return (
        f'SELECT {", ".join(f"t.{name}" for name in names)} INTO {fields} FROM {table} t WHERE t.{key} = NEW.asset_id;'
    )


POSTGRESQL = [
    f"""CREATE FUNCTION search_documents_scope() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        {_into_new(FROM_DETAILS, 'asset_details', 'asset_id')}
        {_into_new(FROM_ASSETS, 'assets', 'id')}
        NEW.trashed := coalesce((SELECT a.trashed_at IS NOT NULL FROM assets a WHERE a.id = NEW.asset_id), false);
        NEW.owner_archived := coalesce((SELECT s.archived FROM asset_user_state s JOIN assets a ON a.id = s.asset_id
            AND s.user_id = a.owner_id WHERE s.asset_id = NEW.asset_id), false);
        RETURN NEW; END $$""",
    """CREATE TRIGGER search_documents_scope BEFORE INSERT ON search_documents
        FOR EACH ROW EXECUTE FUNCTION search_documents_scope()""",
    f"""CREATE FUNCTION asset_details_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE search_documents SET {_copies(FROM_DETAILS, 'NEW')} WHERE asset_id = NEW.asset_id;
        RETURN NULL; END $$""",
    f"""CREATE TRIGGER asset_details_search AFTER INSERT OR UPDATE OF {DETAILS_CHANGED} ON asset_details
        FOR EACH ROW EXECUTE FUNCTION asset_details_search()""",
    f"""CREATE FUNCTION assets_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE search_documents SET {_copies(FROM_ASSETS, 'NEW')}, trashed = NEW.trashed_at IS NOT NULL
            WHERE asset_id = NEW.id;
        RETURN NULL; END $$""",
    f"""CREATE TRIGGER assets_search AFTER UPDATE OF {ASSETS_CHANGED} ON assets
        FOR EACH ROW EXECUTE FUNCTION assets_search()""",
    """CREATE FUNCTION asset_user_state_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.user_id = OLD.owner_id THEN
                UPDATE search_documents SET owner_archived = false WHERE asset_id = OLD.asset_id;
            END IF;
        ELSIF NEW.user_id = NEW.owner_id THEN
            UPDATE search_documents SET owner_archived = NEW.archived WHERE asset_id = NEW.asset_id;
        END IF;
        RETURN NULL; END $$""",
    """CREATE TRIGGER asset_user_state_search AFTER INSERT OR UPDATE OF archived OR DELETE ON asset_user_state
        FOR EACH ROW EXECUTE FUNCTION asset_user_state_search()""",
]
POSTGRESQL_TRIGGERS = {
    'search_documents_scope': 'search_documents',
    'asset_details_search': 'asset_details',
    'assets_search': 'assets',
    'asset_user_state_search': 'asset_user_state',
}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column in COLUMNS:
        op.add_column('search_documents', column)
    if sqlite:
        for statement in _fts_on_update(only_text_columns=True):
            op.execute(statement)
    op.execute(f'UPDATE search_documents SET {SCOPE_OF_ASSET.format(false="false" if not sqlite else "0")}')
    for statement in SQLITE if sqlite else POSTGRESQL:
        op.execute(statement)
    # Search words now carry the names around a place the geocoder named (its county, a larger town near): the places
    # job names those photos again, and writes their words, at its next run (nightly, or "Run for missing").
    op.execute("UPDATE asset_details SET place_source = NULL WHERE place_source = 'geocoder'")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        for name in SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER {name}')
        for statement in _fts_on_update(only_text_columns=False):
            op.execute(statement)
    else:
        for name, table in POSTGRESQL_TRIGGERS.items():
            op.execute(f'DROP TRIGGER {name} ON {table}')
            op.execute(f'DROP FUNCTION {name}()')
    for column in reversed(COLUMNS):
        op.drop_column('search_documents', column.name)
