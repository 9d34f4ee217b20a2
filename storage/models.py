"""Tables. Metadata scopes of SPEC §2 live apart: `assets` holds facts from the file (A), `asset_details` and
`asset_tags` the shared editable fields (E), and `asset_user_state` what each user keeps for themselves (U)."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    'ix': 'ix_%(column_0_label)s',
    'uq': 'uq_%(table_name)s_%(column_0_name)s',
    'ck': 'ck_%(table_name)s_%(constraint_name)s',
    'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',
    'pk': 'pk_%(table_name)s',
}


class UTCDateTime(TypeDecorator):
    """An instant, stored as naive UTC and always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError('UTCDateTime needs an aware datetime')
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = 'users'

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    quota_bytes: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class ApiKey(Base):
    __tablename__ = 'api_keys'

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), index=True)
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(10), default='full', server_default='full')  # domain.accounts.KeyScope
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuthToken(Base):
    """Bearer tokens handed out by POST /api/auth/login; only their hash is kept."""

    __tablename__ = 'auth_tokens'

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Asset(Base):
    """Scope A: facts read from the file, the same for everyone; plus where the file is and its lifecycle."""

    __tablename__ = 'assets'
    __table_args__ = (
        # Uploads are deduplicated per owner; an external library holds each of its files once, whatever its content.
        Index(
            'uq_assets_upload_checksum',
            'owner_id',
            'checksum',
            unique=True,
            sqlite_where=text('library_id IS NULL'),
            postgresql_where=text('library_id IS NULL'),
        ),
        Index(
            'uq_assets_library_path',
            'library_id',
            'original_path',
            unique=True,
            sqlite_where=text('library_id IS NOT NULL'),
            postgresql_where=text('library_id IS NOT NULL'),
        ),
        Index('ix_assets_owner_trashed', 'owner_id', 'trashed_at'),
        # Partial: the trash is small, and SQLite uses this for `trashed_at IS NOT NULL` (not a full index); with
        # the id, "every trashed asset" is read from the index alone.
        Index(
            'ix_assets_trashed',
            'trashed_at',
            'id',
            sqlite_where=text('trashed_at IS NOT NULL'),
            postgresql_where=text('trashed_at IS NOT NULL'),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    checksum: Mapped[str] = mapped_column(String(40))
    original_path: Mapped[str] = mapped_column(String(500))
    original_filename: Mapped[str] = mapped_column(String(255))
    file_size: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(50))
    media_type: Mapped[str] = mapped_column(String(10))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    orientation: Mapped[int | None] = mapped_column(SmallInteger)
    exif_taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    exif_utc_offset_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    exif_latitude: Mapped[float | None] = mapped_column(Float)
    exif_longitude: Mapped[float | None] = mapped_column(Float)
    exif_altitude: Mapped[float | None] = mapped_column(Float)
    camera_make: Mapped[str | None] = mapped_column(String(100))
    camera_model: Mapped[str | None] = mapped_column(String(100))
    lens_model: Mapped[str | None] = mapped_column(String(100))
    exposure_time: Mapped[str | None] = mapped_column(String(20))
    f_number: Mapped[float | None] = mapped_column(Float)
    iso: Mapped[int | None] = mapped_column(Integer)
    focal_length_mm: Mapped[float | None] = mapped_column(Float)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    trashed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trashed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))
    trashed_from: Mapped[str | None] = mapped_column(String(100))
    guest_name: Mapped[str | None] = mapped_column(String(100))  # who uploaded it through a public link
    # Set for files found in an external library: `original_path` is then the file's absolute path, never written.
    library_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('external_libraries.id', ondelete='CASCADE'))
    source_mtime_ns: Mapped[int | None] = mapped_column(BigInteger)  # the external file's, to notice changes
    offline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the external file vanished; kept, not lost


class AssetDetails(Base):
    """Scope E: one value everyone sees, edited by roles allowed to.

    `month_key` is derived from `taken_at`, and `owner_id` copies the asset's owner (which never changes) so that
    timelines are read from one index, (owner, month, taken), instead of joining every asset a library holds."""

    __tablename__ = 'asset_details'
    __table_args__ = (
        Index('ix_asset_details_owner_month_taken', 'owner_id', 'month_key', 'taken_at'),
        Index(
            'ix_asset_details_library_month',
            'library_id',
            'month_key',
            'owner_id',
            'asset_id',
            sqlite_where=text('library_id IS NOT NULL'),
            postgresql_where=text('library_id IS NOT NULL'),
        ),
        # The map: a library's geotagged photos by grid key, with what a cluster needs (where exactly, when, which).
        Index(
            'ix_asset_details_owner_geo',
            'owner_id',
            'geo_key',
            'latitude',
            'longitude',
            'taken_at',
            'asset_id',
            sqlite_where=text('geo_key IS NOT NULL'),
            postgresql_where=text('geo_key IS NOT NULL'),
        ),
        # A cell's photos among any owners' (a space's, an album's): one range of keys.
        Index(
            'ix_asset_details_geo',
            'geo_key',
            sqlite_where=text('geo_key IS NOT NULL'),
            postgresql_where=text('geo_key IS NOT NULL'),
        ),
        Index(
            'ix_asset_details_missing_place',
            'asset_id',
            sqlite_where=text('latitude IS NOT NULL AND place_source IS NULL'),
            postgresql_where=text('latitude IS NOT NULL AND place_source IS NULL'),
        ),
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    # Copies the asset's external library (never changes), so a connected library's months and ids come from one
    # covering index.
    library_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('external_libraries.id', ondelete='CASCADE'))
    taken_at: Mapped[datetime] = mapped_column(DateTime)
    utc_offset_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    month_key: Mapped[int] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # Degrees clockwise past the file's own orientation; the original stays untouched, the renditions are turned.
    rotation: Mapped[int] = mapped_column(SmallInteger, default=0, server_default='0')
    # Where on the map's grid the position lies (`domain.geo.geo_key`): one number, so that a map cell is one range.
    geo_key: Mapped[int | None] = mapped_column(BigInteger)
    # The place's names (SPEC §8), derived from the position by the offline geocoder, or set by hand: then kept.
    place_city: Mapped[str | None] = mapped_column(String(200))
    place_county: Mapped[str | None] = mapped_column(String(200))
    place_state: Mapped[str | None] = mapped_column(String(200))
    place_country: Mapped[str | None] = mapped_column(String(100))
    place_country_code: Mapped[str | None] = mapped_column(String(2))
    # None: not looked up yet; 'geocoder': looked up (names may all be empty: the open sea); 'hand': set by a person.
    place_source: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))


class AssetTag(Base):
    """Scope E: tags, shared by everyone who sees the asset."""

    __tablename__ = 'asset_tags'

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)


class SearchDocument(Base):
    """A photo's words for search (SPEC §8), folded to plain lowercase tokens, by where they come from: `words` (its
    description and tags), `place` (its place names), `read_text` (read in the photo), `labels` and `broader` (what the
    image tagger saw, and broader terms for it), `file` (its file name). The database indexes them in full text
    (migration 0021: SQLite FTS5 by triggers, PostgreSQL a generated tsvector); `labels_model` and `text_model` say
    which model read the photo (None: not yet)."""

    __tablename__ = 'search_documents'
    __table_args__ = (
        UniqueConstraint('asset_id', name='uq_search_documents_asset'),
        # A search of a word in very many photos walks them newest first (migration 0025).
        Index('ix_search_documents_taken', 'taken_at', 'asset_id'),
    )

    doc_id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'))
    words: Mapped[str] = mapped_column(Text, default='', server_default='')
    place: Mapped[str] = mapped_column(Text, default='', server_default='')
    read_text: Mapped[str] = mapped_column(Text, default='', server_default='')
    labels: Mapped[str] = mapped_column(Text, default='', server_default='')
    broader: Mapped[str] = mapped_column(Text, default='', server_default='')
    file: Mapped[str] = mapped_column(Text, default='', server_default='')
    labels_model: Mapped[str | None] = mapped_column(String(80))
    text_model: Mapped[str | None] = mapped_column(String(80))
    clip_model: Mapped[str | None] = mapped_column(String(80))  # the CLIP model that embedded it (0023)
    # Copies of what a search's scope, order and facets read, kept by the database's triggers (migration 0022), so
    # that a match is judged and tallied on the row the full-text index points at.
    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    library_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    month_key: Mapped[int | None] = mapped_column(Integer)
    place_country_code: Mapped[str | None] = mapped_column(String(2))
    place_country: Mapped[str | None] = mapped_column(String(100))
    media_type: Mapped[str | None] = mapped_column(String(10))
    camera_make: Mapped[str | None] = mapped_column(String(100))
    camera_model: Mapped[str | None] = mapped_column(String(100))
    trashed: Mapped[bool] = mapped_column(Boolean, server_default=false())
    owner_archived: Mapped[bool] = mapped_column(Boolean, server_default=false())


class AssetUserState(Base):
    """Scope U: each user's own favorite, rating and archive flag on any asset they can see.

    `owner_id` copies the asset's owner so that "what I archived in this library" is read from one small index."""

    __tablename__ = 'asset_user_state'
    __table_args__ = (
        Index('ix_asset_user_state_asset', 'asset_id'),
        Index(
            'ix_asset_user_state_archived',
            'user_id',
            'owner_id',
            'asset_id',
            sqlite_where=text('archived IS 1'),
            postgresql_where=text('archived IS TRUE'),
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    favorite: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int] = mapped_column(SmallInteger, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class PartnerShare(Base):
    """A whole library shared one-way: `owner_id` shares with `partner_id`, who holds `role` on it (SPEC §4)."""

    __tablename__ = 'partner_shares'
    __table_args__ = (
        UniqueConstraint('owner_id', 'partner_id', name='uq_partner_shares_owner_partner'),
        Index('ix_partner_shares_partner', 'partner_id', 'owner_id'),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    role: Mapped[str] = mapped_column(String(20))
    show_in_timeline: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class LibraryMonth(Base):
    """How many assets each library holds per month, and how many of those are hidden from everyone but the owner's
    own views (trashed, or archived by the owner). Timelines sum these few rows rather than counting whole libraries;
    writes keep them exact in the same transaction as the assets they count."""

    __tablename__ = 'library_months'

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    month_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_count: Mapped[int] = mapped_column(Integer, default=0)
    hidden_count: Mapped[int] = mapped_column(Integer, default=0, server_default='0')


class MapCell(Base):
    """How many photos each library shows everyone (not trashed, not archived by the owner) per cell of the map's
    grid (`domain.geo`, at every other level) and year, with the sums of their positions for a cluster's centre. The
    map sums these few rows rather than counting whole libraries; writes keep them exact in the same transaction as
    the assets they count, as they do `library_months`."""

    __tablename__ = 'map_cells'

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    cell: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # the Morton index at `level`
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    photo_count: Mapped[int] = mapped_column(Integer, default=0)
    latitude_sum: Mapped[float] = mapped_column(Float, default=0.0)
    longitude_sum: Mapped[float] = mapped_column(Float, default=0.0)


class ChangeCounter(Base):
    """Named counters that writes move on, so caches in any process can tell their copy is stale by reading one row.
    `sharing` counts every committed change to what albums, spaces, partners and archives add to timelines."""

    __tablename__ = 'change_counters'

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Job(Base):
    """A unit of background work: one kind of step for one subject (an asset, a user's library, a space). A subject
    has at most one job of a kind; finished jobs are deleted and counted in their queue."""

    __tablename__ = 'jobs'
    __table_args__ = (
        UniqueConstraint('kind', 'subject', name='uq_jobs_kind_subject'),
        Index('ix_jobs_claim', 'queue', 'state', 'run_after'),
    )

    # A number the database counts up, so `INSERT ... SELECT` can queue many jobs in one statement.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), 'sqlite'), primary_key=True)
    queue: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(80))
    force: Mapped[bool] = mapped_column(Boolean, default=False)  # redo even what is already done
    again: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # queued while running
    state: Mapped[str] = mapped_column(String(10), default='waiting')
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class JobQueue(Base):
    """Per queue: paused or not, and how many jobs finished (ever, and in the run since it was last empty)."""

    __tablename__ = 'job_queues'

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    done_in_run: Mapped[int] = mapped_column(BigInteger, default=0)
    done_ever: Mapped[int] = mapped_column(BigInteger, default=0)


class Face(Base):
    """A face found in an asset (scope A: found once, the same for everyone who can see the asset). The box is in
    fractions of the asset's width and height; the embedding lives in the vector store under `embedding_id`."""

    __tablename__ = 'faces'

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), index=True)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    width: Mapped[float] = mapped_column(Float)
    height: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    embedding_id: Mapped[str] = mapped_column(String(40))  # '' for a face drawn by hand: it has no embedding
    model: Mapped[str] = mapped_column(String(40))
    # 'detected' (by `model`) or 'manual' (drawn by a member around someone detection missed; looking for faces
    # again keeps it). `added_by_id`: the member who drew it (no foreign key: then SQLite can drop the column again).
    source: Mapped[str] = mapped_column(String(10), default='detected', server_default='detected')
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class FaceScan(Base):
    """That an asset was searched for faces, with which model and how many were found (none is an answer too)."""

    __tablename__ = 'face_scans'

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    model: Mapped[str] = mapped_column(String(40))
    face_count: Mapped[int] = mapped_column(Integer)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Person(Base):
    """A person of one scope (SPEC §7): of a member's own library (`owner_id`), private to them, or of a space
    (`space_id`), seen by its members. The same real person is a different row in each scope."""

    __tablename__ = 'people'
    __table_args__ = (Index('ix_people_owner', 'owner_id'), Index('ix_people_space', 'space_id'))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    space_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('spaces.id', ondelete='CASCADE'))
    name: Mapped[str | None] = mapped_column(String(100))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    cover_face_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('faces.id', ondelete='SET NULL'))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    # Set while merged into another person: kept (with its name and cover) so the merge can be undone.
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('people.id', ondelete='CASCADE'))
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary)  # the mean of its faces' vectors (float32)


class PersonFace(Base):
    """A face counted as a person in that person's scope; a face has at most one person per scope (`scope_id` is the
    person's owner or space). `confirmed`: a person put it there, so re-clustering leaves it."""

    __tablename__ = 'person_faces'
    __table_args__ = (
        UniqueConstraint('scope_id', 'face_id', name='uq_person_faces_scope_face'),
        Index('ix_person_faces_face', 'face_id'),  # the same face in other scopes: the people it links
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('people.id', ondelete='CASCADE'), primary_key=True)
    face_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('faces.id', ondelete='CASCADE'), primary_key=True)
    scope_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_from_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the person it was in before a merge


class IdentityDecision(Base):
    """A member's own word on two people they see (SPEC §7 Global People): the same real person (`same`, a merge
    from the global view) or not (a split). Only that member's identities follow it; `person_id` < `other_id`."""

    __tablename__ = 'identity_decisions'

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('people.id', ondelete='CASCADE'), primary_key=True)
    other_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('people.id', ondelete='CASCADE'), primary_key=True)
    same: Mapped[bool] = mapped_column(Boolean)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class FaceRejection(Base):
    """A member said this face is not this person: grouping never puts it there again."""

    __tablename__ = 'face_rejections'

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('people.id', ondelete='CASCADE'), primary_key=True)
    face_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('faces.id', ondelete='CASCADE'), primary_key=True)


class Album(Base):
    """A curated set owned by one user (SPEC §5); holds references to assets, never copies."""

    __tablename__ = 'albums'
    __table_args__ = (Index('ix_albums_owner', 'owner_id', 'created_at'),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    cover_asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('assets.id', ondelete='SET NULL'))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class AlbumAsset(Base):
    """Scope S: an asset's place in an album, and who put it there.

    Like `asset_details`, it copies the asset's owner and month so that timelines count albums from one index."""

    __tablename__ = 'album_assets'
    __table_args__ = (
        Index('ix_album_assets_asset', 'asset_id', 'album_id'),
        Index('ix_album_assets_album_month', 'album_id', 'month_key', 'owner_id', 'asset_id'),
    )

    album_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('albums.id', ondelete='CASCADE'), primary_key=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    month_key: Mapped[int] = mapped_column(Integer)
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class AlbumMember(Base):
    """An album shared with a user, who holds `role` on its assets and chooses whether they show on their timeline."""

    __tablename__ = 'album_members'
    __table_args__ = (Index('ix_album_members_user', 'user_id', 'album_id'),)

    album_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('albums.id', ondelete='CASCADE'), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    # Off unless the member chooses: albums are curated sets, not a feed (SPEC §8).
    show_in_timeline: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class AlbumActivity(Base):
    """A comment (with text) or a like (without) on an album, or on one of its assets when `asset_id` is set."""

    __tablename__ = 'album_activity'
    __table_args__ = (Index('ix_album_activity_album', 'album_id', 'asset_id', 'created_at'),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    album_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('albums.id', ondelete='CASCADE'))
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    kind: Mapped[str] = mapped_column(String(10))  # 'comment' or 'like'
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class PublicLink(Base):
    """A link for people without an account to an album or a selection of assets. It never shows more than its
    creator can still see."""

    __tablename__ = 'public_links'
    __table_args__ = (Index('ix_public_links_creator', 'creator_id', 'created_at'),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    creator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    album_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('albums.id', ondelete='CASCADE'))
    space_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('spaces.id', ondelete='CASCADE'))
    label: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    allow_download: Mapped[bool] = mapped_column(Boolean, default=False)
    show_metadata: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_upload: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class PublicLinkAsset(Base):
    """The assets of a link to a selection."""

    __tablename__ = 'public_link_assets'

    link_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('public_links.id', ondelete='CASCADE'), primary_key=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)


class ExternalFolder(Base):
    """A server folder the admin allows one user to use for external libraries (SPEC §1: set up by the admin)."""

    __tablename__ = 'external_folders'
    __table_args__ = (UniqueConstraint('user_id', 'path', name='uq_external_folders_user_path'),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    path: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class ExternalLibrary(Base):
    """A read-only folder of one user's photos, scanned on a schedule and on demand; its assets are that user's."""

    __tablename__ = 'external_libraries'
    __table_args__ = (Index('ix_external_libraries_owner', 'owner_id', 'created_at'),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    last_scan_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_scan_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_scan_summary: Mapped[dict | None] = mapped_column(JSON)  # counts: added, changed, offline, back, failed


class Space(Base):
    """A shared library view over its members' own libraries (SPEC §6), with no single owner."""

    __tablename__ = 'spaces'

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    color: Mapped[str] = mapped_column(String(7))
    cover_asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('assets.id', ondelete='SET NULL'))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class SpaceMember(Base):
    """A member's role in a space, their own "show on my timeline" choice and when they last opened it."""

    __tablename__ = 'space_members'
    __table_args__ = (Index('ix_space_members_user', 'user_id', 'space_id'),)

    space_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('spaces.id', ondelete='CASCADE'), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    show_in_timeline: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SpaceAsset(Base):
    """Scope S: an asset of a member's library added to a space by reference, and who added it when.

    Copies the asset's owner and month, like `album_assets`, so timelines count spaces from one index."""

    __tablename__ = 'space_assets'
    __table_args__ = (
        Index('ix_space_assets_asset', 'asset_id', 'space_id'),
        Index('ix_space_assets_space_month', 'space_id', 'month_key', 'owner_id', 'asset_id'),
        Index('ix_space_assets_space_added', 'space_id', 'added_at'),
    )

    space_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('spaces.id', ondelete='CASCADE'), primary_key=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    month_key: Mapped[int] = mapped_column(Integer)
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class SpaceLibrary(Base):
    """An external library connected to a space: every asset in it, now and later, is in the space (one row)."""

    __tablename__ = 'space_libraries'
    __table_args__ = (Index('ix_space_libraries_library', 'library_id', 'space_id'),)

    space_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('spaces.id', ondelete='CASCADE'), primary_key=True)
    library_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('external_libraries.id', ondelete='CASCADE'), primary_key=True
    )
    connected_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class SpaceActivity(Base):
    """One entry of a space's activity feed: who did what, when, with what it needs to be shown (`details`)."""

    __tablename__ = 'space_activity'
    __table_args__ = (Index('ix_space_activity_space', 'space_id', 'created_at'),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    space_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('spaces.id', ondelete='CASCADE'))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))
    kind: Mapped[str] = mapped_column(String(30))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class AssetHash(Base):
    """What duplicate detection (SPEC §9) knows of an asset, read once per hash model: its checksum, the 64-bit
    pHash of its thumbnail (photos only), signed, and its four 16-bit bands, each indexed with the pHash for
    multi-index hashing (`ml.duplicates`, `storage.duplicates.candidates`: a band's neighbours' pHashes come from the
    index alone); and its camera and EXIF capture time, for bursts."""

    __tablename__ = 'asset_hashes'
    __table_args__ = (
        Index('ix_asset_hashes_band0', 'band0', 'phash'),
        Index('ix_asset_hashes_band1', 'band1', 'phash'),
        Index('ix_asset_hashes_band2', 'band2', 'phash'),
        Index('ix_asset_hashes_band3', 'band3', 'phash'),
        Index('ix_asset_hashes_checksum', 'checksum'),
        # Whole, not partial: a partial index may be passed over for one term of the candidates' OR.
        Index('ix_asset_hashes_camera_taken', 'camera', 'taken_at'),
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    model: Mapped[str] = mapped_column(String(40))
    checksum: Mapped[str] = mapped_column(String(40))
    phash: Mapped[int | None] = mapped_column(BigInteger)
    band0: Mapped[int | None] = mapped_column(Integer)
    band1: Mapped[int | None] = mapped_column(Integer)
    band2: Mapped[int | None] = mapped_column(Integer)
    band3: Mapped[int | None] = mapped_column(Integer)
    camera: Mapped[str | None] = mapped_column(String(201))  # make and model, as the file names them
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)  # the EXIF capture time, local, to the second
    hashed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class DuplicateLink(Base):
    """Two assets found to be copies of each other, whoever owns them (`asset_id` < `other_id`), and why: 'file'
    (the same checksum), 'picture' (pHashes within `distance`) or 'burst' (taken within a second on the same camera,
    and alike). Who sees a group is decided when it is listed, from the links between assets the reader sees."""

    __tablename__ = 'duplicate_links'
    __table_args__ = (Index('ix_duplicate_links_other', 'other_id', 'asset_id'),)

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    other_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    reason: Mapped[str] = mapped_column(String(10))
    distance: Mapped[int] = mapped_column(SmallInteger)


class DuplicateDismissal(Base):
    """A member said two assets are not duplicates ("Not duplicates" on a group: each of its links): their groups
    leave those links out for that member from then on."""

    __tablename__ = 'duplicate_dismissals'

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    other_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'), primary_key=True)
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class DuplicateResolution(Base):
    """A member resolved a group of copies (SPEC §9): the keeper they chose, what happened to each other copy
    (`DuplicateResolutionCopy`), and whether they undid it. A resolution run ("resolve all suggested") names its run."""

    __tablename__ = 'duplicate_resolutions'
    __table_args__ = (Index('ix_duplicate_resolutions_keeper', 'keeper_id'),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    resolver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    keeper_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('assets.id', ondelete='CASCADE'))
    run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DuplicateResolutionCopy(Base):
    """A copy a resolution trashed, or left where it was and why. Its checksum outlives the copy: the same file
    uploaded again is reported as a duplicate of the keeper."""

    __tablename__ = 'duplicate_resolution_copies'
    __table_args__ = (Index('ix_duplicate_resolution_copies_checksum', 'checksum'),)

    resolution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('duplicate_resolutions.id', ondelete='CASCADE'), primary_key=True
    )
    asset_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # no key: the copy may be purged
    checksum: Mapped[str] = mapped_column(String(40))
    trashed: Mapped[bool] = mapped_column(Boolean)
    why: Mapped[str | None] = mapped_column(String(200))  # why a copy stayed


class DuplicateRun(Base):
    """ "Resolve all suggested": a background job resolving every group of a member's (or a space's) list with its
    suggested keeper, its progress, and a result per group (`DuplicateRunResult`)."""

    __tablename__ = 'duplicate_runs'

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    space_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey('spaces.id', ondelete='CASCADE'))
    total: Mapped[int | None] = mapped_column(Integer)  # known once the run has read the list
    done: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DuplicateRunResult(Base):
    __tablename__ = 'duplicate_run_results'

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey('duplicate_runs.id', ondelete='CASCADE'), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    keeper_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(10))  # 'resolved', 'asks' or 'failed'
    message: Mapped[str] = mapped_column(String(300))
