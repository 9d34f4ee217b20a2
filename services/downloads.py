"""Downloading many originals at once (issue 16): a selection, an album, a space, or a public link that allows it, as
one zip.

The zip is streamed as it is written: entries are stored, not deflated (photos and videos are compressed already),
with their sizes and checksums after the data, so nothing is built in memory or on disk first. Memory holds one
chunk of one file and the list of entries, however large the files.

Every permission is checked over the whole set before the first byte: one id the caller cannot see is a 404 for the
whole request, one they see but may not download a 403, and nothing is sent."""

import asyncio
import re
import uuid
import zipfile
from collections.abc import AsyncIterable, AsyncIterator, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path, PurePath

from sqlalchemy import select

from domain.access import Permission
from domain.albums import AlbumAction
from domain.assets import display_filename
from domain.errors import Forbidden, InvalidInput, NotFound, PayloadTooLarge
from domain.links import NO_DOWNLOADS
from domain.spaces import SpaceAction
from services import albums, assets, links, spaces
from services.accounts import Actor
from services.links import Guest, PublicAsset, PublicAssetDetails, PublicLinkInfo
from services.runtime import Hearth
from storage import access as access_queries
from storage import spaces as space_queries
from storage.models import AlbumAsset, Asset, AssetDetails

MAX_IDS = 10_000
CHUNK_BYTES = 1024 * 1024
# Permission checks go in batches: each id is a bound parameter, and databases cap how many a statement takes.
_CHECK_BATCH = 5_000
_LINK_PAGE = 500
_ZIP_EPOCH, _ZIP_END = datetime(1980, 1, 1), datetime(2107, 12, 31, 23, 59, 58)
_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
NO_VIDEOS = 'Videos can be downloaded only from links that show details'


@dataclass(frozen=True)
class ZipEntry:
    path: Path
    filename: str
    taken_at: datetime | None = None
    temporary: bool = False  # a metadata-free copy, deleted once sent


@dataclass(frozen=True)
class ZipDownload:
    filename: str
    count: int
    entries: AsyncIterable[ZipEntry]

    def chunks(self) -> AsyncIterator[bytes]:
        return stream_zip(self.entries)


# ---- members -------------------------------------------------------------------------------------------------------


async def download_selection(hearth: Hearth, actor: Actor, asset_ids: Collection[uuid.UUID]) -> ZipDownload:
    """A selection from the timeline (or anywhere): every id must be one the actor may download."""
    ids = _bounded(asset_ids)
    return await _originals(hearth, actor, ids, dated_zip_name(date.today()))


async def download_album(
    hearth: Hearth, actor: Actor, album_id: uuid.UUID, asset_ids: Collection[uuid.UUID] | None = None
) -> ZipDownload:
    """The whole album, or a selection of it, named after the album."""
    async with hearth.db.session() as session:
        album = await albums.require_album_action(session, actor, album_id, AlbumAction.VIEW)
        shown = select(AlbumAsset.asset_id).join(Asset, Asset.id == AlbumAsset.asset_id)
        held = set(await session.scalars(shown.where(access_queries.shown_in_album(album_id), _live())))
    return await _originals(hearth, actor, _chosen(held, asset_ids), zip_name(album.name))


async def download_space(
    hearth: Hearth, actor: Actor, space_id: uuid.UUID, asset_ids: Collection[uuid.UUID] | None = None
) -> ZipDownload:
    """The whole space, or a selection of it, named after the space; only for roles that may download."""
    async with hearth.db.session() as session:
        space = await spaces.require_space_action(session, actor, space_id, SpaceAction.VIEW)
        held = set(await session.scalars(space_queries.live_asset_ids(space_id)))
    return await _originals(hearth, actor, _chosen(held, asset_ids), zip_name(space.name))


def _live():
    return Asset.trashed_at.is_(None)


def _bounded(asset_ids: Collection[uuid.UUID]) -> list[uuid.UUID]:
    ids = list(dict.fromkeys(asset_ids))
    if not ids:
        raise InvalidInput('Choose at least one photo to download')
    if len(ids) > MAX_IDS:
        raise PayloadTooLarge(f'Download at most {MAX_IDS:,} photos at a time')
    return ids


def _chosen(held: set[uuid.UUID], asset_ids: Collection[uuid.UUID] | None) -> list[uuid.UUID]:
    """What the album or space holds, or the asked-for part of it: an id it does not hold is not found."""
    if asset_ids is None:
        if not held:
            raise InvalidInput('There is nothing to download here yet')
        return list(held)
    ids = _bounded(asset_ids)
    if not held.issuperset(ids):
        raise NotFound('Asset not found')
    return ids


async def _originals(hearth: Hearth, actor: Actor, ids: list[uuid.UUID], filename: str) -> ZipDownload:
    """The originals of these assets, newest first, once the actor may download every one of them."""
    async with hearth.db.session() as session:
        for batch in _batches(ids):
            await assets.require_permission(session, actor, Permission.DOWNLOAD, batch)
        found = []
        for batch in _batches(ids):
            rows = await session.execute(
                select(Asset, AssetDetails.taken_at)
                .join(AssetDetails, AssetDetails.asset_id == Asset.id)
                .where(Asset.id.in_(batch))
            )
            for asset, taken_at in rows:
                original = await assets.original_of(session, hearth, asset)
                found.append((taken_at, asset.id, ZipEntry(original, asset.original_filename, taken_at)))
    entries = [entry for *_, entry in sorted(found, key=lambda row: row[:2], reverse=True)]
    return ZipDownload(filename, len(entries), _each(entries))


def _batches(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), _CHECK_BATCH):
        yield ids[start : start + _CHECK_BATCH]


async def _each(entries: Iterable[ZipEntry]) -> AsyncIterator[ZipEntry]:
    for entry in entries:
        yield entry


# ---- public links --------------------------------------------------------------------------------------------------


async def download_from_link(
    hearth: Hearth, token: str, guest: Guest, asset_ids: Collection[uuid.UUID] | None = None
) -> ZipDownload:
    """The link's photos, or a selection of them, when its creator allowed downloads. Each file is sent as the
    link sends it alone: without metadata and under a neutral name when the link hides details, so videos are left
    out then (and a selection with one is refused)."""
    info = await links.open_link(hearth, token, guest)
    if not info.allow_download:
        raise Forbidden(NO_DOWNLOADS)
    guest = replace(guest, key=info.key or guest.key, password=None)  # the password is checked once, not per file
    shown = await _link_items(hearth, token, guest)
    items = list(shown.values()) if asset_ids is None else [shown.get(asset_id) for asset_id in _bounded(asset_ids)]
    if None in items:
        raise NotFound('Asset not found')
    if not info.show_metadata:
        items = _photos_only(items, refuse_videos=asset_ids is not None)
    if not items:
        raise InvalidInput('There is nothing to download here')
    entries = _link_entries(hearth, token, guest, [(item.id, _day_start(item.taken_at)) for item in items])
    return ZipDownload(_link_zip_name(info), len(items), entries)


async def _link_items(hearth: Hearth, token: str, guest: Guest) -> dict[uuid.UUID, PublicAsset | PublicAssetDetails]:
    """The link's assets by id, newest first."""
    shown, offset = {}, 0
    while True:
        page = await links.list_public_assets(hearth, token, guest, _LINK_PAGE, offset)
        shown.update((item.id, item) for item in page.items)
        offset += _LINK_PAGE
        if len(page.items) < _LINK_PAGE:
            return shown


def _photos_only(items: list, refuse_videos: bool) -> list:
    photos = [item for item in items if item.media_type != 'video']
    if refuse_videos and len(photos) < len(items):
        raise Forbidden(NO_VIDEOS)
    return photos


def _day_start(taken: date | datetime) -> datetime:
    return taken if isinstance(taken, datetime) else datetime.combine(taken, time())


def _link_zip_name(info: PublicLinkInfo) -> str:
    title = info.album_name or info.space_name
    return zip_name(title) if title else dated_zip_name(date.today())


async def _link_entries(
    hearth: Hearth, token: str, guest: Guest, chosen: list[tuple[uuid.UUID, datetime]]
) -> AsyncIterator[ZipEntry]:
    """Each file fetched as the zip reaches it, through the link's own checks: a link revoked or turned to no
    downloads meanwhile stops the download; a photo that left it meanwhile is left out."""
    for asset_id, taken_at in chosen:
        try:
            sent = await links.public_file(hearth, token, guest, asset_id, 'original')
        except NotFound:
            continue
        yield ZipEntry(sent.path, sent.filename, taken_at, sent.temporary)


# ---- names ---------------------------------------------------------------------------------------------------------


def zip_name(title: str) -> str:
    """A file name for the zip that every system accepts."""
    cleaned = ' '.join(_UNSAFE_IN_NAMES.sub(' ', title).split()).strip('. ')[:100].strip()
    return f'{cleaned or "Hearth photos"}.zip'


def dated_zip_name(day: date) -> str:
    return f'Hearth photos {day.isoformat()}.zip'


class UniqueNames:
    """Names inside one zip: a second 'IMG_1.jpg' becomes 'IMG_1 (2).jpg'. Compared without case, as Windows and
    macOS would overwrite one with the other when unpacking."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, filename: str) -> str:
        name = display_filename(_UNSAFE_IN_NAMES.sub('_', filename))
        stem, suffix = PurePath(name).stem, PurePath(name).suffix
        candidate, number = name, 1
        while candidate.casefold() in self._taken:
            number += 1
            candidate = f'{stem} ({number}){suffix}'
        self._taken.add(candidate.casefold())
        return candidate


# ---- the zip stream ------------------------------------------------------------------------------------------------


class _Sink:
    """Where the zip writer puts its bytes until the response takes them. It has no tell() or seek(), so zipfile
    writes sizes and checksums after each file's data instead of going back to the header."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []

    def write(self, data) -> int:
        self._pending.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b''.join(self._pending)
        self._pending.clear()
        return data


async def stream_zip(entries: AsyncIterable[ZipEntry]) -> AsyncIterator[bytes]:
    """The zip of these files, a chunk at a time; file reads run in a thread so the server stays responsive."""
    sink, names = _Sink(), UniqueNames()
    archive = zipfile.ZipFile(sink, 'w', compression=zipfile.ZIP_STORED)
    async for entry in entries:
        try:
            async for chunk in _entry_chunks(archive, sink, entry, names.claim(entry.filename)):
                yield chunk
        finally:
            _discard_if_temporary(entry)
    archive.close()
    yield sink.take()


def _discard_if_temporary(entry: ZipEntry) -> None:
    # Not awaited: after a client goes away, every await in the cancelled response raises again.
    if entry.temporary:
        entry.path.unlink(missing_ok=True)


async def _entry_chunks(archive: zipfile.ZipFile, sink: _Sink, entry: ZipEntry, name: str) -> AsyncIterator[bytes]:
    info = zipfile.ZipInfo(name, date_time=_zip_time(entry.taken_at))
    info.external_attr = 0o644 << 16  # rw-r--r-- once unpacked
    source = await asyncio.to_thread(entry.path.open, 'rb')
    try:
        info.file_size = await asyncio.to_thread(lambda: entry.path.stat().st_size)  # decides on ZIP64 up front
        with archive.open(info, 'w') as target:
            while await asyncio.to_thread(_copy_chunk, source, target):
                yield sink.take()
        yield sink.take()
    finally:
        source.close()


def _copy_chunk(source, target) -> bool:
    chunk = source.read(CHUNK_BYTES)
    target.write(chunk)
    return bool(chunk)


def _zip_time(taken_at: datetime | None) -> tuple[int, int, int, int, int, int]:
    """The photo's own date, so unpacked files sort as they were taken; zip dates run from 1980 to 2107."""
    moment = min(max(taken_at or datetime.now(), _ZIP_EPOCH), _ZIP_END)
    return moment.timetuple()[:6]
