"""Public links (SPEC §5): an album, a Shared Space or a selection opened by people without an account, with an
optional password and expiry, downloads and metadata on or off, and an upload mode whose uploads belong to the link's
creator.

A link never shows more than its creator can still see: its assets are filtered in SQL by the creator's visibility on
every request, so a stopped partner share, a trashed photo or a deleted album or space take effect at once. A link to a
space works only while its creator may still share the space: leaving it or being removed ends the link."""

import asyncio
import os
import secrets
import tempfile
import uuid
from collections.abc import Collection
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from PIL import Image, ImageOps
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, update

from domain.access import Permission
from domain.albums import AlbumAction
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited, Unauthenticated
from domain.links import (
    GONE,
    NEEDS_PASSWORD,
    NO_DOWNLOADS,
    NO_UPLOADS,
    WRONG_PASSWORD,
    check_expiry,
    check_target,
    check_uploads,
    clean_guest_name,
    clean_label,
    is_expired,
    key_matches,
    public_filename,
    space_roles_allowed,
    unlock_key,
)
from domain.spaces import SpaceAction
from ml import media
from services import accounts, albums, assets, places, spaces
from services.accounts import Actor
from services.assets import IngestResult
from services.runtime import Hearth
from storage import access as access_queries
from storage import spaces as space_queries
from storage.files import StagedFile
from storage.models import (
    Album,
    AlbumAsset,
    Asset,
    AssetDetails,
    PublicLink,
    PublicLinkAsset,
    Space,
    SpaceMember,
    User,
)

UNCHANGED = object()
PUBLIC_PATH = '/s/'


@dataclass(frozen=True)
class LinkView:
    """A link as its creator manages it."""

    id: uuid.UUID
    token: str
    url: str  # path on this server, e.g. /s/<token>
    label: str | None
    album_id: uuid.UUID | None
    album_name: str | None
    space_id: uuid.UUID | None
    space_name: str | None
    asset_count: int
    has_password: bool
    expires_at: datetime | None
    expired: bool
    allow_download: bool
    show_metadata: bool
    allow_upload: bool
    created_at: datetime


@dataclass(frozen=True)
class Guest:
    """What a visitor brings: the password, or the key a right password unlocked; and where they call from."""

    password: str | None = None
    key: str | None = None
    client: str = ''


@dataclass(frozen=True)
class PublicLinkInfo:
    label: str | None
    album_name: str | None
    album_description: str | None
    space_name: str | None
    space_description: str | None
    owner_name: str
    has_password: bool
    expires_at: datetime | None
    allow_download: bool
    show_metadata: bool
    allow_upload: bool
    asset_count: int
    key: str | None  # for password-protected links: send it as ?key= or X-Link-Key instead of the password


@dataclass(frozen=True)
class PublicAsset:
    """An asset of a link that hides metadata: nothing that says where, with what, or who."""

    id: uuid.UUID
    media_type: str
    width: int
    height: int
    taken_at: date


@dataclass(frozen=True)
class PublicAssetDetails:
    """An asset of a link that shows metadata."""

    id: uuid.UUID
    media_type: str
    width: int
    height: int
    taken_at: datetime
    duration_seconds: float | None
    filename: str
    description: str | None
    latitude: float | None
    longitude: float | None
    place: str | None  # 'Edinburgh, Scotland, United Kingdom'
    camera_make: str | None
    camera_model: str | None
    lens_model: str | None
    exposure_time: str | None
    f_number: float | None
    iso: int | None
    focal_length_mm: float | None
    guest_name: str | None


@dataclass(frozen=True)
class PublicAssetPage:
    items: list[PublicAsset | PublicAssetDetails]
    total: int


@dataclass(frozen=True)
class PublicFile:
    path: Path
    media_type: str
    filename: str
    temporary: bool  # a metadata-free copy the caller deletes once sent


# ---- managing my links ----------------------------------------------------------------------------------------------


async def create_link(
    hearth: Hearth,
    actor: Actor,
    *,
    album_id: uuid.UUID | None = None,
    asset_ids: Collection[uuid.UUID] = (),
    space_id: uuid.UUID | None = None,
    label: str | None = None,
    password: str | None = None,
    expires_at: datetime | None = None,
    allow_download: bool = False,
    show_metadata: bool = False,
    allow_upload: bool = False,
) -> LinkView:
    """A link to an album I own, to a space I may share, or to a selection of assets I may put in albums."""
    asset_ids = tuple(dict.fromkeys(asset_ids))
    check_target(album_id, asset_ids, space_id)
    check_uploads(album_id is not None or space_id is not None, allow_upload)
    link = PublicLink(
        token=secrets.token_urlsafe(32),
        creator_id=actor.id,
        album_id=album_id,
        space_id=space_id,
        label=clean_label(label),
        password_hash=await accounts._hash(password) if password else None,
        expires_at=check_expiry(expires_at, datetime.now(UTC)),
        allow_download=bool(allow_download),
        show_metadata=bool(show_metadata),
        allow_upload=bool(allow_upload),
    )
    async with hearth.db.session() as session:
        await _require_target(session, actor, link, asset_ids)
        session.add(link)
        await session.flush()
        session.add_all(PublicLinkAsset(link_id=link.id, asset_id=asset_id) for asset_id in asset_ids)
        if space_id is not None:
            await spaces.record_link_created(session, space_id, actor, link.label)
        await session.commit()
        return await _link_view(session, link)


async def _require_target(session, actor: Actor, link: PublicLink, asset_ids: tuple[uuid.UUID, ...]) -> None:
    if link.album_id is not None:
        await albums.require_album_action(session, actor, link.album_id, AlbumAction.MANAGE)
    elif link.space_id is not None:
        await spaces.require_space_action(session, actor, link.space_id, SpaceAction.SHARE_LINK)
        if link.allow_upload:
            await spaces.require_space_action(session, actor, link.space_id, SpaceAction.ADD_ASSETS)
    else:
        await assets.require_permission(session, actor, Permission.ADD_TO_ALBUM, asset_ids)


async def list_links(hearth: Hearth, actor: Actor) -> list[LinkView]:
    """My links, newest first."""
    async with hearth.db.session() as session:
        links = await session.scalars(
            select(PublicLink)
            .where(PublicLink.creator_id == actor.id)
            .order_by(PublicLink.created_at.desc(), PublicLink.id)
        )
        return [await _link_view(session, link) for link in links]


async def update_link(hearth: Hearth, actor: Actor, link_id: uuid.UUID, **changes) -> LinkView:
    """Change label, password ('' or None removes it), expires_at (None: never), allow_download, show_metadata or
    allow_upload. A new password makes keys unlocked with the old one worthless."""
    unknown = set(changes) - {'label', 'password', 'expires_at', 'allow_download', 'show_metadata', 'allow_upload'}
    if unknown:
        raise InvalidInput(f'Unknown link settings: {", ".join(sorted(unknown))}')
    password_hash = UNCHANGED
    if 'password' in changes:
        password_hash = await accounts._hash(changes['password']) if changes['password'] else None
    async with hearth.db.session() as session:
        link = await _my_link(session, actor, link_id)
        if link.space_id is not None and changes.get('allow_upload') and not link.allow_upload:
            await spaces.require_space_action(session, actor, link.space_id, SpaceAction.ADD_ASSETS)
        if 'label' in changes:
            link.label = clean_label(changes['label'])
        if 'expires_at' in changes:
            link.expires_at = check_expiry(changes['expires_at'], datetime.now(UTC))
        for flag in ('allow_download', 'show_metadata', 'allow_upload'):
            if flag in changes:
                setattr(link, flag, bool(changes[flag]))
        check_uploads(link.album_id is not None or link.space_id is not None, link.allow_upload)
        if password_hash is not UNCHANGED:
            link.password_hash = password_hash
        await session.commit()
        return await _link_view(session, link)


async def revoke_link(hearth: Hearth, actor: Actor, link_id: uuid.UUID) -> None:
    """The link stops working at once; what it showed stays where it is."""
    async with hearth.db.session() as session:
        await session.delete(await _my_link(session, actor, link_id))
        await session.commit()


async def _my_link(session, actor: Actor, link_id: uuid.UUID) -> PublicLink:
    link = await session.get(PublicLink, link_id)
    if link is None or link.creator_id != actor.id:
        raise NotFound('Link not found')
    return link


async def _link_view(session, link: PublicLink) -> LinkView:
    album_name = await session.scalar(select(Album.name).where(Album.id == link.album_id)) if link.album_id else None
    space_name = await session.scalar(select(Space.name).where(Space.id == link.space_id)) if link.space_id else None
    return LinkView(
        id=link.id,
        token=link.token,
        url=PUBLIC_PATH + link.token,
        label=link.label,
        album_id=link.album_id,
        album_name=album_name,
        space_id=link.space_id,
        space_name=space_name,
        asset_count=await _count(session, link),
        has_password=link.password_hash is not None,
        expires_at=link.expires_at,
        expired=is_expired(link.expires_at, datetime.now(UTC)),
        allow_download=link.allow_download,
        show_metadata=link.show_metadata,
        allow_upload=link.allow_upload,
        created_at=link.created_at,
    )


# ---- what a link shows -----------------------------------------------------------------------------------------------


def _shown_ids(link: PublicLink) -> Select:
    """The link's assets that are live and that its creator can still see."""
    if link.space_id is not None:
        return select(Asset.id).where(
            Asset.id.in_(space_queries.live_asset_ids(link.space_id)),
            access_queries.is_visible(link.creator_id),
            _creator_holds(link.space_id, link.creator_id, SpaceAction.SHARE_LINK),
        )
    if link.album_id is not None:
        targets = select(AlbumAsset.asset_id).where(access_queries.shown_in_album(link.album_id))
    else:
        targets = select(PublicLinkAsset.asset_id).where(PublicLinkAsset.link_id == link.id)
    return select(Asset.id).where(Asset.id.in_(targets), access_queries.is_visible(link.creator_id))


def _creator_holds(space_id, creator_id, *actions: SpaceAction) -> ColumnElement[bool]:
    """The creator is a member of the space with a role allowing these actions (values, or a link's columns)."""
    return exists().where(
        SpaceMember.space_id == space_id,
        SpaceMember.user_id == creator_id,
        SpaceMember.role.in_(space_roles_allowed(*actions)),
    )


async def _count(session, link: PublicLink) -> int:
    return await session.scalar(select(func.count()).select_from(_shown_ids(link).subquery()))


async def _open(hearth: Hearth, token: str, guest: Guest) -> tuple[PublicLink, str | None]:
    """The link behind a token, if it works and the guest may open it; and the key that unlocks it."""
    async with hearth.db.session() as session:
        link = await session.scalar(
            select(PublicLink)
            .join(User, User.id == PublicLink.creator_id)
            .where(
                PublicLink.token == token,
                User.disabled.is_(False),
                or_(
                    PublicLink.space_id.is_(None),
                    _creator_holds(PublicLink.space_id, PublicLink.creator_id, SpaceAction.SHARE_LINK),
                ),
            )
        )
    if link is None or is_expired(link.expires_at, datetime.now(UTC)):
        raise NotFound(GONE)
    if link.password_hash is None:
        return link, None
    key = unlock_key(hearth.settings.storage_secret, link.id, link.password_hash)
    if key_matches(guest.key, key):
        return link, key
    if not guest.password:
        raise Unauthenticated(NEEDS_PASSWORD)
    await _check_password(hearth, link, guest)
    return link, key


async def _check_password(hearth: Hearth, link: PublicLink, guest: Guest) -> None:
    """Wrong passwords are throttled per link and per client, as sign-ins are."""
    account = f'link:{link.id}'
    try:
        hearth.throttle.check(account, guest.client)
    except RateLimited:
        raise RateLimited('Too many wrong passwords. Try again in a few minutes.') from None
    if not await accounts._verify(link.password_hash, guest.password):
        hearth.throttle.failed(account, guest.client)
        raise Unauthenticated(WRONG_PASSWORD)
    hearth.throttle.succeeded(account)


async def open_link(hearth: Hearth, token: str, guest: Guest) -> PublicLinkInfo:
    link, key = await _open(hearth, token, guest)
    async with hearth.db.session() as session:
        album = await session.get(Album, link.album_id) if link.album_id else None
        space = await session.get(Space, link.space_id) if link.space_id else None
        return PublicLinkInfo(
            label=link.label,
            album_name=album.name if album else None,
            album_description=album.description if album else None,
            space_name=space.name if space else None,
            space_description=space.description if space else None,
            owner_name=await session.scalar(select(User.name).where(User.id == link.creator_id)),
            has_password=link.password_hash is not None,
            expires_at=link.expires_at,
            allow_download=link.allow_download,
            show_metadata=link.show_metadata,
            allow_upload=link.allow_upload,
            asset_count=await _count(session, link),
            key=key,
        )


_NEWEST_FIRST = (AssetDetails.taken_at.desc(), Asset.id.desc())


async def list_public_assets(
    hearth: Hearth, token: str, guest: Guest, limit: int = 100, offset: int = 0
) -> PublicAssetPage:
    """A page of the link's assets, newest first."""
    link, _ = await _open(hearth, token, guest)
    async with hearth.db.session() as session:
        rows = await session.execute(
            select(Asset, AssetDetails)
            .join(AssetDetails, AssetDetails.asset_id == Asset.id)
            .where(Asset.id.in_(_shown_ids(link)))
            .order_by(*_NEWEST_FIRST)
            .limit(limit)
            .offset(offset)
        )
        items = [_public_asset(link, asset, details) for asset, details in rows]
        return PublicAssetPage(items, await _count(session, link))


async def get_public_asset(
    hearth: Hearth, token: str, guest: Guest, asset_id: uuid.UUID
) -> PublicAsset | PublicAssetDetails:
    link, _ = await _open(hearth, token, guest)
    async with hearth.db.session() as session:
        asset, details = await _shown_asset(session, link, asset_id)
    return _public_asset(link, asset, details)


async def _shown_asset(session, link: PublicLink, asset_id: uuid.UUID) -> tuple[Asset, AssetDetails]:
    row = (
        await session.execute(
            select(Asset, AssetDetails)
            .join(AssetDetails, AssetDetails.asset_id == Asset.id)
            .where(Asset.id == asset_id, Asset.id.in_(_shown_ids(link)))
        )
    ).first()
    if row is None:
        raise NotFound('Asset not found')
    return row[0], row[1]


def _public_asset(link: PublicLink, asset: Asset, details: AssetDetails) -> PublicAsset | PublicAssetDetails:
    width, height = media.turned_size((asset.width, asset.height), details.rotation)
    if not link.show_metadata:
        return PublicAsset(asset.id, asset.media_type, width, height, details.taken_at.date())
    return PublicAssetDetails(
        id=asset.id,
        media_type=asset.media_type,
        width=width,
        height=height,
        taken_at=details.taken_at,
        duration_seconds=asset.duration_seconds,
        filename=asset.original_filename,
        description=details.description,
        latitude=details.latitude,
        longitude=details.longitude,
        place=places.label_of(details),
        camera_make=asset.camera_make,
        camera_model=asset.camera_model,
        lens_model=asset.lens_model,
        exposure_time=asset.exposure_time,
        f_number=asset.f_number,
        iso=asset.iso,
        focal_length_mm=asset.focal_length_mm,
        guest_name=asset.guest_name,
    )


async def public_file(hearth: Hearth, token: str, guest: Guest, asset_id: uuid.UUID, kind: str) -> PublicFile:
    """The thumbnail, preview or original of one of the link's assets. Renditions never carry metadata; an original
    is sent only when downloads are on, and without its metadata when the link hides it."""
    link, _ = await _open(hearth, token, guest)
    async with hearth.db.session() as session:
        asset, details = await _shown_asset(session, link, asset_id)
        if kind != 'original':
            files = hearth.files.files_of(asset)
            path = files.thumbnail if kind == 'thumbnail' else files.preview
            return PublicFile(path, 'image/jpeg', f'{kind}.jpg', temporary=False)
        if not link.allow_download:
            raise Forbidden(NO_DOWNLOADS)
        position = await _position(session, link, asset, details)
        original = await assets.original_of(session, hearth, asset)
    if link.show_metadata:
        return PublicFile(original, asset.mime_type, asset.original_filename, temporary=False)
    if asset.media_type == 'video':
        raise Forbidden('Videos can be downloaded only from links that show details')
    staging = hearth.files.new_staging_path()
    clean = await asyncio.to_thread(_without_metadata, original, asset, details.rotation, staging)
    return PublicFile(clean, asset.mime_type, public_filename(asset.media_type, position, original.suffix), True)


async def _position(session, link: PublicLink, asset: Asset, details: AssetDetails) -> int:
    """1-based place of the asset in the link's newest-first order, for download names that say nothing else."""
    before = or_(
        AssetDetails.taken_at > details.taken_at,
        and_(AssetDetails.taken_at == details.taken_at, Asset.id > asset.id),
    )
    ahead = (
        select(Asset.id)
        .join(AssetDetails, AssetDetails.asset_id == Asset.id)
        .where(Asset.id.in_(_shown_ids(link)), before)
    )
    return 1 + await session.scalar(select(func.count()).select_from(ahead.subquery()))


# ---- guests adding photos -------------------------------------------------------------------------------------------


async def open_for_upload(hearth: Hearth, token: str, guest: Guest) -> PublicLink:
    """The link, if this guest may upload through it: checked before an upload is received, and again after."""
    link, _ = await _open(hearth, token, guest)
    if not link.allow_upload or (link.album_id is None and link.space_id is None):
        raise Forbidden(NO_UPLOADS)
    if link.space_id is not None and not await _creator_may_add(hearth, link):
        raise Forbidden(NO_UPLOADS)
    return link


async def _creator_may_add(hearth: Hearth, link: PublicLink) -> bool:
    async with hearth.db.session() as session:
        return await session.scalar(
            select(_creator_holds(link.space_id, link.creator_id, SpaceAction.SHARE_LINK, SpaceAction.ADD_ASSETS))
        )


async def upload_as_guest(
    hearth: Hearth, token: str, guest: Guest, staged: StagedFile, guest_name: str | None
) -> IngestResult:
    """A guest adds a photo to the link's album or space: it is stored as the creator's (their quota applies),
    remembers the guest's name, and joins the album or space as added by the creator. The staged file is always
    consumed."""
    try:
        link = await open_for_upload(hearth, token, guest)
        name = clean_guest_name(guest_name)
        creator = await accounts.actor_by_id(hearth, link.creator_id)
        if creator is None:
            raise NotFound(GONE)
    except BaseException:
        staged.discard()
        raise
    result = await assets.ingest(hearth, creator, staged)
    await _place(hearth, creator, link, result, name)
    return result


async def _place(hearth: Hearth, creator: Actor, link: PublicLink, result: IngestResult, guest: str) -> None:
    if result.status == 'created':
        async with hearth.db.session() as session:
            await session.execute(update(Asset).where(Asset.id == result.asset_id).values(guest_name=guest))
            await session.commit()
    with suppress(Conflict):  # another guest added the same photo at the same moment: it is there already
        if link.space_id is not None:
            await spaces.add_assets(hearth, creator, link.space_id, [result.asset_id])
        else:
            await albums.add_assets(hearth, creator, link.album_id, [result.asset_id])


# ---- originals without metadata -------------------------------------------------------------------------------------

_SOI, _SOS, _EOI = 0xD8, 0xDA, 0xD9
_METADATA_SEGMENTS = {0xE1, 0xED, 0xFE}  # APP1 (EXIF, XMP), APP13 (IPTC), COM
_EXIF_ORIENTATION = 0x0112


def _without_metadata(original: Path, asset: Asset, rotation: int, destination: Path) -> Path:
    """A copy of an image original without EXIF, GPS, XMP or IPTC, written atomically to `destination`, turned as
    everyone sees it in Hearth (its rotation: a JPEG's orientation tag says so, losslessly)."""
    if asset.mime_type == 'image/jpeg':
        data = _strip_jpeg(original.read_bytes(), media.turned_orientation(asset.orientation, rotation))
        _write_atomically(destination, lambda file: file.write(data))
    else:
        _write_atomically(destination, lambda file: _reencode(original, rotation, file))
    return destination


def _strip_jpeg(data: bytes, orientation: int | None) -> bytes:
    """Drop metadata segments without touching the compressed image (lossless). The orientation alone is kept, in a
    minimal EXIF segment, so the photo still shows the right way up."""
    if data[:2] != b'\xff\xd8':
        raise ValueError('not a JPEG')
    kept = [b'\xff\xd8', _orientation_segment(orientation)]
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise ValueError('damaged JPEG marker')
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (_SOS, _EOI):
            kept.append(data[position:])
            return b''.join(kept)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            kept.append(data[position : position + 2])
            position += 2
            continue
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], 'big')
        if marker not in _METADATA_SEGMENTS:
            kept.append(data[position:end])
        position = end
    raise ValueError('JPEG without image data')


def _orientation_segment(orientation: int | None) -> bytes:
    if not orientation or orientation == 1:
        return b''
    exif = Image.Exif()
    exif[_EXIF_ORIENTATION] = orientation
    payload = exif.tobytes()
    return b'\xff\xe1' + (len(payload) + 2).to_bytes(2, 'big') + payload


def _reencode(original: Path, rotation: int, file) -> None:
    """PNG, WebP and HEIC: decode and save the pixels alone (upright, with their colour profile) in the same format."""
    with Image.open(original) as image:
        upright = ImageOps.exif_transpose(image).rotate(-rotation, expand=True)
        icc_profile = image.info.get('icc_profile')
        image_format = image.format
    pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())  # a fresh image: no info carried over
    options = {'icc_profile': icc_profile} if icc_profile else {}
    if image_format == 'WEBP':
        options.update(lossless=True)
    elif image_format == 'HEIF':
        options.update(quality=90)
    pixels.save(file, format=image_format, **options)


def _write_atomically(destination: Path, write) -> None:
    descriptor, temp_name = tempfile.mkstemp(dir=destination.parent, prefix=f'.{destination.name}.', suffix='.tmp')
    try:
        with os.fdopen(descriptor, 'wb') as file:
            write(file)
        os.replace(temp_name, destination)
    finally:
        if os.path.exists(temp_name):
            os.unlink(temp_name)


async def shown_on_map(hearth: Hearth, token: str, guest: Guest) -> Select:
    """The link's photos, for its map: only when the link shows metadata, since where a photo was taken is."""
    link, _ = await _open(hearth, token, guest)
    if not link.show_metadata:
        raise NotFound('This link shows no map')
    return _shown_ids(link)
