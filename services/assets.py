"""Everything a user does to assets. Each operation checks one permission over the whole set of ids first."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from domain import access
from domain.access import Permission
from domain.assets import (
    FIRST_PHOTOGRAPH,
    TrashPolicy,
    clean_description,
    clean_tags,
    display_filename,
    month_key,
    month_label,
    parse_month,
    plausible_taken_at,
    validate_position,
    validate_rating,
    validate_utc_offset,
)
from domain.errors import InvalidInput, NotFound, PayloadTooLarge
from domain.jobs import Queue
from domain.libraries import is_inside
from ml import media
from services import clip_search, identities, places
from services.accounts import Actor
from services.pipeline import RENDERING
from services.runtime import Hearth
from storage import access as access_queries
from storage import assets as queries
from storage import duplicate_resolutions as duplicate_queries
from storage import identities as identity_queries
from storage import jobs as job_rows
from storage import places as place_queries
from storage import search as search_queries
from storage.files import StagedFile
from storage.models import Asset, AssetDetails, AssetUserState, ExternalLibrary, User
from storage.references import move_references_to_month


@dataclass(frozen=True)
class IngestResult:
    status: str  # 'created' or 'duplicate'
    asset_id: uuid.UUID
    filename: str


@dataclass(frozen=True)
class AssetView:
    """One asset as the actor sees it: facts, shared details, the actor's own state, and what they may do."""

    id: uuid.UUID
    owner_id: uuid.UUID
    owner_name: str
    is_mine: bool
    filename: str
    file_size: int
    mime_type: str
    media_type: str
    width: int  # as shown: after the file's orientation and the rotation
    height: int
    duration_seconds: float | None
    taken_at: datetime
    utc_offset_minutes: int | None
    description: str | None
    tags: list[str]
    latitude: float | None
    longitude: float | None
    place: str | None  # 'Edinburgh, Scotland, United Kingdom'; None when no place is named
    place_city: str | None
    place_state: str | None
    place_country: str | None
    place_by_hand: bool  # named by a person: the geocoder leaves it alone
    rotation: int  # degrees clockwise past the file's own orientation, for everyone
    camera_make: str | None
    camera_model: str | None
    lens_model: str | None
    exposure_time: str | None
    f_number: float | None
    iso: int | None
    focal_length_mm: float | None
    uploaded_at: datetime
    favorite: bool
    rating: int
    archived: bool
    trashed_at: datetime | None
    trashed_by: str | None
    guest_name: str | None  # who uploaded it through a public link
    purges_at: datetime | None
    permissions: tuple[Permission, ...]  # sorted, so API output is stable


# ---- ingest -------------------------------------------------------------------------------------------------------


async def ingest(hearth: Hearth, actor: Actor, staged: StagedFile, fallback_taken_at: datetime | None = None):
    """Store a staged upload as the actor's asset. The original and its renditions are in place before the row
    commits; if anything fails, both are gone. The staged file is always consumed."""
    try:
        async with hearth.db.session() as session:
            # A copy a resolution trashed comes back as a duplicate of the copy kept in its place.
            kept = await duplicate_queries.remembered_keeper(session, actor.id, staged.checksum)
            if existing := kept or await queries.find_by_checksum(session, actor.id, staged.checksum):
                return IngestResult('duplicate', existing, display_filename(staged.filename))
            await _check_quota(session, actor.id, staged.size)
        return await _store(hearth, actor, staged, fallback_taken_at)
    finally:
        staged.discard()


async def _check_quota(session, owner_id: uuid.UUID, size: int) -> None:
    quota = await session.scalar(select(User.quota_bytes).where(User.id == owner_id))
    if quota is not None and await queries.used_bytes(session, owner_id) + size > quota:
        raise PayloadTooLarge(f'This upload would exceed your storage quota of {quota / 1024**3:.1f} GB')


async def _store(hearth: Hearth, actor: Actor, staged: StagedFile, fallback_taken_at: datetime | None):
    asset_id = uuid.uuid4()
    async with rendered(hearth, staged.path) as (facts, thumbnail, preview):
        files = hearth.files.files_for(actor.id, asset_id, facts.extension)
        try:
            await asyncio.to_thread(
                _place_all,
                hearth,
                ((staged.path, files.original), (thumbnail, files.thumbnail), (preview, files.preview)),
            )
            asset = Asset(
                id=asset_id,
                owner_id=actor.id,
                checksum=staged.checksum,
                original_path=hearth.files.relative(files.original),
                original_filename=display_filename(staged.filename),
                file_size=staged.size,
                **facts_columns(facts),
            )
            await _insert_rows(hearth, asset, facts, fallback_taken_at)
        except IntegrityError:
            hearth.files.remove(files.all())
            return await _duplicate_after_race(hearth, actor, staged)
        except BaseException:
            hearth.files.remove(files.all())
            raise
    return IngestResult('created', asset_id, display_filename(staged.filename))


async def ingest_in_place(
    hearth: Hearth, source: Path, fallback_taken_at: datetime | None = None, **columns
) -> uuid.UUID:
    """Add a file that stays where it is (an external library's): it is only read, and only its thumbnail and preview
    are stored. `columns` say whose it is and where; the facts come from the file."""
    asset_id = uuid.uuid4()
    async with rendered(hearth, source) as (facts, thumbnail, preview):
        files = hearth.files.files_for(columns['owner_id'], asset_id, '.jpg')
        try:
            await asyncio.to_thread(_place_all, hearth, ((thumbnail, files.thumbnail), (preview, files.preview)))
            asset = Asset(id=asset_id, **columns, **facts_columns(facts))
            await _insert_rows(hearth, asset, facts, fallback_taken_at)
        except BaseException:
            hearth.files.remove((files.thumbnail, files.preview))
            raise
    return asset_id


@asynccontextmanager
async def rendered(
    hearth: Hearth, source: Path, rotation: int = 0
) -> AsyncIterator[tuple[media.MediaFacts, Path, Path]]:
    """Analyse a file (only reading it) and render its thumbnail and preview into staging, as (facts, thumbnail,
    preview), turned by `rotation`; renditions the caller has not placed are removed on the way out."""
    thumbnail, preview = hearth.files.new_staging_path(), hearth.files.new_staging_path()
    try:
        facts = await _analyse_and_render(hearth, source, thumbnail, preview, rotation)
        yield facts, thumbnail, preview
    finally:
        hearth.files.remove((thumbnail, preview))


async def _analyse_and_render(hearth: Hearth, *args) -> media.MediaFacts:
    # In the web app, uploads render in low-priority processes: rendered in its own threads they took the CPU and the
    # GIL its event loop needs, and timeline reads waited seconds behind them (bench/load.py).
    if hearth.renderer is None:
        return await asyncio.to_thread(media.analyse_and_render, *args)
    return await hearth.renderer.run(RENDERING, media.analyse_and_render, *args)


def _place_all(hearth: Hearth, moves) -> None:
    for source, destination in moves:
        hearth.files.place(source, destination)


async def _duplicate_after_race(hearth: Hearth, actor: Actor, staged: StagedFile) -> IngestResult:
    async with hearth.db.session() as session:
        existing = await queries.find_by_checksum(session, actor.id, staged.checksum)
    return IngestResult('duplicate', existing, display_filename(staged.filename))


def taken_at_from(facts: media.MediaFacts, fallback_taken_at: datetime | None) -> datetime:
    # Without a date in the file, fall back to the server's local wall-clock time, as EXIF dates are local too.
    return facts.taken_at or (fallback_taken_at or datetime.now(UTC)).astimezone().replace(tzinfo=None)


async def _insert_rows(hearth: Hearth, asset: Asset, facts: media.MediaFacts, fallback_taken_at) -> None:
    """Insert a new asset whose files are in place, with its shared details, counted in its library's months."""
    taken_at = taken_at_from(facts, fallback_taken_at)
    position = await places.position_columns(facts.latitude, facts.longitude)
    async with hearth.db.session() as session:
        async with queries.keeping_month_counts(session, [asset.id]):
            session.add(asset)
            await session.flush()
            session.add(
                AssetDetails(
                    asset_id=asset.id,
                    owner_id=asset.owner_id,
                    library_id=asset.library_id,
                    taken_at=taken_at,
                    utc_offset_minutes=facts.utc_offset_minutes,
                    month_key=month_key(taken_at),
                    latitude=facts.latitude,
                    longitude=facts.longitude,
                    **position,
                )
            )
            await session.flush()
        await search_queries.refresh_words(session, [asset.id])
        # In the same transaction as the asset: a crash cannot leave an asset that never gets its faces searched.
        reading = (*READ_AT_UPLOAD, *clip_search.read_at_upload(hearth))
        for queue, kind in reading:
            await job_rows.enqueue(session, queue, kind, [job_rows.asset_subject(asset.id)])
        await session.commit()
    for queue, _ in reading:
        hearth.wake(queue)


def facts_columns(facts: media.MediaFacts) -> dict[str, object]:
    """The asset columns read from its file (scope A)."""
    return {
        'mime_type': facts.mime_type,
        'media_type': facts.media_type,
        'width': facts.width,
        'height': facts.height,
        'duration_seconds': facts.duration_seconds,
        'orientation': facts.orientation,
        'exif_taken_at': facts.taken_at,
        'exif_utc_offset_minutes': facts.utc_offset_minutes,
        'exif_latitude': facts.latitude,
        'exif_longitude': facts.longitude,
        'exif_altitude': facts.altitude,
        'camera_make': facts.camera_make,
        'camera_model': facts.camera_model,
        'lens_model': facts.lens_model,
        'exposure_time': facts.exposure_time,
        'f_number': facts.f_number,
        'iso': facts.iso,
        'focal_length_mm': facts.focal_length_mm,
    }


# ---- reading ------------------------------------------------------------------------------------------------------


async def require_permission(
    session, actor: Actor, permission: Permission, asset_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """The one gate for a set of assets: 404 if any is out of the actor's reach, 403 if any is not permitted."""
    roles = await access_queries.roles_on(session, actor.id, asset_ids)
    return access.require(permission, asset_ids, roles)


async def get_asset(hearth: Hearth, actor: Actor, asset_id: uuid.UUID) -> AssetView:
    async with hearth.db.session() as session:
        roles = await access_queries.roles_on(session, actor.id, [asset_id])
        access.require(Permission.VIEW, [asset_id], roles)
        record = await queries.load_record(session, actor.id, asset_id)
    if record is None:
        raise NotFound('Asset not found')
    return _view(hearth, actor, record, access.permissions_of(roles[asset_id]))


def _view(hearth: Hearth, actor: Actor, record: queries.AssetRecord, permissions) -> AssetView:
    asset, details, state = record.asset, record.details, record.state
    policy = TrashPolicy(hearth.settings.trash_retention_days)
    width, height = media.turned_size((asset.width, asset.height), details.rotation)
    return AssetView(
        id=asset.id,
        owner_id=asset.owner_id,
        owner_name=record.owner_name,
        is_mine=asset.owner_id == actor.id,
        filename=asset.original_filename,
        file_size=asset.file_size,
        mime_type=asset.mime_type,
        media_type=asset.media_type,
        width=width,
        height=height,
        duration_seconds=asset.duration_seconds,
        taken_at=details.taken_at,
        utc_offset_minutes=details.utc_offset_minutes,
        description=details.description,
        tags=record.tags,
        latitude=details.latitude,
        longitude=details.longitude,
        place=places.label_of(details),
        place_city=details.place_city,
        place_state=details.place_state,
        place_country=details.place_country,
        place_by_hand=details.place_source == place_queries.HAND,
        rotation=details.rotation,
        camera_make=asset.camera_make,
        camera_model=asset.camera_model,
        lens_model=asset.lens_model,
        exposure_time=asset.exposure_time,
        f_number=asset.f_number,
        iso=asset.iso,
        focal_length_mm=asset.focal_length_mm,
        uploaded_at=asset.uploaded_at,
        favorite=bool(state and state.favorite),
        rating=state.rating if state else 0,
        archived=bool(state and state.archived),
        trashed_at=asset.trashed_at,
        trashed_by=record.trashed_by_name,
        guest_name=asset.guest_name,
        purges_at=policy.purges_on(asset.trashed_at) if asset.trashed_at else None,
        permissions=tuple(sorted(permissions)),
    )


async def asset_file(hearth: Hearth, actor: Actor, asset_id: uuid.UUID, kind: str) -> tuple[Path, str, str]:
    """Path, media type and download name of an asset's original, preview or thumbnail."""
    permission = Permission.DOWNLOAD if kind == 'original' else Permission.VIEW
    async with hearth.db.session() as session:
        await require_permission(session, actor, permission, [asset_id])
        asset = await session.get(Asset, asset_id)
        if kind == 'original':
            return await original_of(session, hearth, asset), asset.mime_type, asset.original_filename
    files = hearth.files.files_of(asset)
    path = files.thumbnail if kind == 'thumbnail' else files.preview
    return path, 'image/jpeg', Path(asset.original_filename).stem + '.jpg'


async def original_of(session, hearth: Hearth, asset: Asset) -> Path:
    """Where the asset's original is: in Hearth's media folder, or in its external library while it is there."""
    if asset.library_id is None:
        return hearth.files.files_of(asset).original
    library = await session.get(ExternalLibrary, asset.library_id)
    return await asyncio.to_thread(_external_original, asset, library)


def _external_original(asset: Asset, library: ExternalLibrary) -> Path:
    """An external library's file where it lies, while it is there and still inside the library: a symlink swapped
    in since the scan must not lead anywhere else."""
    real = Path(os.path.realpath(asset.original_path))
    if asset.offline_at is not None or not real.is_file() or not is_inside(real, Path(library.path)):
        raise NotFound('The original file is offline')
    return real


def _check_view(view: str) -> str:
    if view not in queries.VIEWS:
        raise InvalidInput(f'View must be one of {", ".join(queries.VIEWS)}')
    return view


async def timeline_buckets(
    hearth: Hearth,
    actor: Actor,
    view: str = 'timeline',
    people: Collection[uuid.UUID] = (),
    place: str | None = None,
) -> list[tuple[str, int]]:
    """The view's months and counts, newest first; with `people`, of the photos in which all of them are; with
    `place` ('country:GB', 'city:GB/Edinburgh'), of the photos taken there."""
    async with hearth.db.session() as session:
        only = await _narrowed(session, actor, people, place)
        rows = await queries.month_buckets(session, actor.id, _check_view(view), only)
    return [(month_label(month), count) for month, count in rows]


async def timeline_bucket(
    hearth: Hearth,
    actor: Actor,
    month: str,
    view: str = 'timeline',
    people: Collection[uuid.UUID] = (),
    place: str | None = None,
):
    async with hearth.db.session() as session:
        only = await _narrowed(session, actor, people, place)
        return await queries.bucket_items(session, actor.id, _check_view(view), parse_month(month), only)


async def _narrowed(session, actor: Actor, people: Collection[uuid.UUID], place: str | None):
    """The photos with all these people and in this place, as a select of ids; None for no narrowing."""
    with_people, in_place = await _with_people(session, actor, people), places.only_in(place)
    if with_people is None or in_place is None:
        return with_people if in_place is None else in_place
    return in_place.where(AssetDetails.asset_id.in_(with_people))


async def _with_people(session, actor: Actor, people: Collection[uuid.UUID]):
    """Assets with every one of these people (each standing for their whole identity: all of my people and the
    spaces' people who are that person)."""
    if not people:
        return None
    return identity_queries.assets_with_each(await identities.expand(session, actor, people))


async def list_trash(hearth: Hearth, actor: Actor, limit: int = 100, offset: int = 0) -> list[AssetView]:
    async with hearth.db.session() as session:
        page = select(Asset.id).where(access_queries.is_in_my_trash(actor.id))
        ids = list(await session.scalars(page.order_by(Asset.trashed_at.desc(), Asset.id).limit(limit).offset(offset)))
        roles = await access_queries.roles_on(session, actor.id, ids)
        records = [await queries.load_record(session, actor.id, asset_id) for asset_id in ids]
    return [_view(hearth, actor, record, access.permissions_of(roles[record.asset.id])) for record in records]


async def neighbours(
    hearth: Hearth,
    actor: Actor,
    asset_id: uuid.UUID,
    view: str = 'timeline',
    people: Collection[uuid.UUID] = (),
    place: str | None = None,
):
    async with hearth.db.session() as session:
        await require_permission(session, actor, Permission.VIEW, [asset_id])
        only = await _narrowed(session, actor, people, place)
        return await queries.neighbours(session, actor.id, _check_view(view), asset_id, only)


# ---- shared details (scope E) -------------------------------------------------------------------------------------

FIELD_PERMISSIONS = {
    'taken_at': Permission.EDIT_DATE,
    'utc_offset_minutes': Permission.EDIT_DATE,
    'description': Permission.EDIT_DESCRIPTION,
    'tags': Permission.EDIT_TAGS,
    'position': Permission.EDIT_GPS,
}
# The steps each new photo is queued for, in the same transaction as the photo.
READ_AT_UPLOAD = (
    (Queue.FACES, 'faces'),
    (Queue.LABELS, 'labels'),
    (Queue.TEXT, 'text'),
    (Queue.DUPLICATES, 'duplicates'),
)
SEARCHED_FIELDS = {'description', 'tags', 'position'}  # a photo's words for search follow these


async def update_details(hearth: Hearth, actor: Actor, asset_ids: Collection[uuid.UUID], **changes) -> int:
    """Edit shared fields of one or many assets; everyone who sees them sees the new value. Returns the count."""
    unknown = set(changes) - set(FIELD_PERMISSIONS)
    if unknown or not changes:
        raise InvalidInput(f'Editable fields are {", ".join(FIELD_PERMISSIONS)}')
    values = _clean_details(changes)
    if 'latitude' in values:  # one position for all of them: looked up once, before the transaction
        values.update(await places.position_columns(values['latitude'], values['longitude']))
    asset_ids = set(asset_ids)
    async with hearth.db.session() as session:
        for permission in {FIELD_PERMISSIONS[name] for name in changes}:
            await require_permission(session, actor, permission, asset_ids)
        if 'tags' in values:
            await queries.replace_tags(session, list(asset_ids), values.pop('tags'))
        if values:
            values.update(updated_at=datetime.now(UTC), updated_by_id=actor.id)
            async with queries.keeping_month_counts(session, asset_ids):
                changed = update(AssetDetails).where(AssetDetails.asset_id.in_(asset_ids))
                await session.execute(changed.values(**place_queries.keeping_hand_places(values)))
            if 'month_key' in values:
                await move_references_to_month(session, asset_ids, values['month_key'])
        if SEARCHED_FIELDS & set(changes):
            await search_queries.refresh_words(session, asset_ids)
        await session.commit()
    return len(asset_ids)


def _clean_details(changes: dict) -> dict:
    values = {}
    if 'taken_at' in changes:
        taken_at = changes['taken_at']
        if not isinstance(taken_at, datetime):
            raise InvalidInput('Date taken must be a date and time')
        if not plausible_taken_at(taken_at.replace(tzinfo=None)):
            raise InvalidInput(f'Date taken must be from {FIRST_PHOTOGRAPH.year} to tomorrow')
        values.update(taken_at=taken_at.replace(tzinfo=None), month_key=month_key(taken_at))
    if 'utc_offset_minutes' in changes:
        values['utc_offset_minutes'] = validate_utc_offset(changes['utc_offset_minutes'])
    if 'description' in changes:
        values['description'] = clean_description(changes['description'])
    if 'tags' in changes:
        values['tags'] = clean_tags(changes['tags'] or [])
    if 'position' in changes:
        values['latitude'], values['longitude'] = validate_position(*(changes['position'] or (None, None)))
    return values


async def set_rotation(hearth: Hearth, actor: Actor, asset_id: uuid.UUID, degrees: int) -> None:
    """Turn a photo for everyone who sees it (scope E), `degrees` clockwise past its file's own orientation. The
    original stays untouched: its thumbnail and preview are rendered again from it, turned."""
    if degrees not in media.ROTATIONS:
        raise InvalidInput('Rotation must be 0, 90, 180 or 270 degrees')
    async with hearth.db.session() as session:
        # Whoever may correct a photo's date may turn it (SPEC §3): both correct a shared detail for everyone.
        await require_permission(session, actor, Permission.EDIT_DATE, [asset_id])
        asset = await session.get(Asset, asset_id)
        if asset.media_type != 'image':
            raise InvalidInput('Only photos can be rotated')
        original = await original_of(session, hearth, asset)
        async with rendered(hearth, original, degrees) as (_, thumbnail, preview):
            files = hearth.files.files_of(asset)
            await asyncio.to_thread(_place_all, hearth, ((thumbnail, files.thumbnail), (preview, files.preview)))
        values = {'rotation': degrees, 'updated_at': datetime.now(UTC), 'updated_by_id': actor.id}
        await session.execute(update(AssetDetails).where(AssetDetails.asset_id == asset_id).values(**values))
        # Faces were found on the preview as it was: their boxes no longer fit, and a sideways face may now be found;
        # the picture hash was of the thumbnail as it was.
        for queue, kind in ((Queue.FACES, 'faces'), (Queue.DUPLICATES, 'duplicates')):
            await job_rows.enqueue(session, queue, kind, [job_rows.asset_subject(asset_id)], force=True)
        await session.commit()
    hearth.wake(Queue.FACES)
    hearth.wake(Queue.DUPLICATES)


# ---- the actor's own state (scope U) ------------------------------------------------------------------------------


async def set_state(
    hearth: Hearth,
    actor: Actor,
    asset_ids: Collection[uuid.UUID],
    favorite: bool | None = None,
    rating: int | None = None,
    archived: bool | None = None,
) -> int:
    """Favorite, rate or archive for the actor only; nobody else's view changes."""
    wanted = {'favorite': favorite, 'rating': rating, 'archived': archived}
    wanted = {name: value for name, value in wanted.items() if value is not None}
    if not wanted:
        raise InvalidInput('Nothing to change: give favorite, rating or archived')
    if 'rating' in wanted:
        validate_rating(wanted['rating'])
    asset_ids = set(asset_ids)
    permissions = {'favorite': Permission.FAVORITE, 'rating': Permission.RATE, 'archived': Permission.ARCHIVE}
    async with hearth.db.session() as session:
        for name in wanted:
            await require_permission(session, actor, permissions[name], asset_ids)
        # The owner's archive hides an asset from partners too, so it moves the library's hidden counts.
        async with queries.keeping_month_counts(session, asset_ids if 'archived' in wanted else ()):
            states = await queries.user_states(session, actor.id, list(asset_ids))
            owners = await queries.owners_of(session, asset_ids - states.keys())
            for asset_id in asset_ids:
                state = states.get(asset_id) or AssetUserState(
                    user_id=actor.id, asset_id=asset_id, owner_id=owners[asset_id]
                )
                for name, value in wanted.items():
                    setattr(state, name, value)
                state.updated_at = datetime.now(UTC)
                session.add(state)
            await session.flush()
        await session.commit()
    return len(asset_ids)


# ---- trash ----------------------------------------------------------------------------------------------------------


async def trash(hearth: Hearth, actor: Actor, asset_ids: Collection[uuid.UUID], source: str = 'timeline') -> int:
    """Move assets to their owner's trash, recording who did it and from where."""
    asset_ids = set(asset_ids)
    async with hearth.db.session() as session:
        await require_permission(session, actor, Permission.TRASH, asset_ids)
        async with queries.keeping_month_counts(session, asset_ids):
            result = await session.execute(
                update(Asset)
                .where(Asset.id.in_(asset_ids), Asset.trashed_at.is_(None))
                .values(trashed_at=datetime.now(UTC), trashed_by_id=actor.id, trashed_from=source[:100])
            )
        await session.commit()
    return result.rowcount


async def restore(hearth: Hearth, actor: Actor, asset_ids: Collection[uuid.UUID]) -> int:
    asset_ids = set(asset_ids)
    async with hearth.db.session() as session:
        await require_permission(session, actor, Permission.RESTORE, asset_ids)
        async with queries.keeping_month_counts(session, asset_ids):
            result = await session.execute(
                update(Asset)
                .where(Asset.id.in_(asset_ids), Asset.trashed_at.is_not(None))
                .values(trashed_at=None, trashed_by_id=None, trashed_from=None)
            )
        await session.commit()
    return result.rowcount


async def delete_from_trash(hearth: Hearth, actor: Actor, asset_ids: Collection[uuid.UUID]) -> int:
    """Delete trashed assets for good, rows first, then their files."""
    asset_ids = set(asset_ids)
    async with hearth.db.session() as session:
        await require_permission(session, actor, Permission.DELETE_PERMANENTLY, asset_ids)
        doomed = list(
            await session.scalars(select(Asset).where(Asset.id.in_(asset_ids), Asset.trashed_at.is_not(None)))
        )
        if len(doomed) != len(asset_ids):
            raise InvalidInput('Only assets in the trash can be deleted permanently')
    return await _delete_assets(hearth, doomed)


async def empty_trash(hearth: Hearth, actor: Actor) -> int:
    async with hearth.db.session() as session:
        doomed = list(await session.scalars(select(Asset).where(access_queries.is_in_my_trash(actor.id))))
    return await _delete_assets(hearth, doomed)


async def purge_expired_trash(hearth: Hearth, now: datetime | None = None) -> int:
    """The scheduled job: delete what has been in any trash longer than the retention period."""
    cutoff = TrashPolicy(hearth.settings.trash_retention_days).purge_cutoff(now or datetime.now(UTC))
    purged = 0
    while True:
        async with hearth.db.session() as session:
            batch = await queries.expired_trash(session, cutoff)
        if not batch:
            return purged
        purged += await _delete_assets(hearth, batch)


async def _delete_assets(hearth: Hearth, doomed: list[Asset]) -> int:
    if not doomed:
        return 0
    doomed_ids = [asset.id for asset in doomed]
    async with hearth.db.session() as session:
        async with queries.keeping_month_counts(session, doomed_ids):
            await session.execute(delete(Asset).where(Asset.id.in_(doomed_ids)))
        await session.commit()
    # Files go after the rows: a crash in between leaves orphans, which `remove_orphan_files` sweeps up.
    await asyncio.to_thread(hearth.files.remove, hearth.files.paths_of(doomed))
    return len(doomed)


async def remove_orphan_files(hearth: Hearth, grace_seconds: float = 3600) -> int:
    """Remove stored files whose asset row does not exist (a crash between file and row), after a grace period
    that protects uploads still in flight."""
    now = datetime.now(UTC).timestamp()
    candidates = {}
    for path in await asyncio.to_thread(hearth.files.stored_originals):
        try:
            candidates[uuid.UUID(path.stem)] = path
        except ValueError:
            continue
    removed = 0
    async with hearth.db.session() as session:
        existing = await queries.existing_ids(session, list(candidates)) if candidates else set()
    for asset_id, original in candidates.items():
        if asset_id not in existing and now - original.stat().st_mtime > grace_seconds:
            owner_id = uuid.UUID(original.parent.parent.name)
            hearth.files.remove(hearth.files.files_for(owner_id, asset_id, original.suffix).all())
            removed += 1
    hearth.files.clear_staging(grace_seconds, now)
    return removed
