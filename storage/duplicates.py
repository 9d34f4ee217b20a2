"""Duplicates in SQL: each asset's hashes, the candidates an asset's hashes point at through the indexes (its checksum,
its pHash bands and their neighbours, its camera and second), the links found, and the links between the assets a
reader sees (`storage.access.is_visible`) or a space holds."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, cast, delete, func, or_, select, tuple_, union, union_all
from sqlalchemy.dialects.postgresql import BIT
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duplicates import BURST_SECONDS, CopyFacts, Link, Reason
from ml import duplicates as ml_duplicates
from storage import access
from storage import spaces as space_queries
from storage.models import Album, AlbumAsset, Asset, AssetDetails, AssetHash, DuplicateDismissal, DuplicateLink, User

_BANDS = (AssetHash.band0, AssetHash.band1, AssetHash.band2, AssetHash.band3)


@dataclass(frozen=True)
class Candidate:
    asset_id: uuid.UUID
    checksum: str
    phash: int | None
    camera: str | None
    taken_at: datetime | None


@dataclass(frozen=True)
class Copy:
    """One copy of a group, as its reader sees it."""

    asset_id: uuid.UUID
    owner_id: uuid.UUID
    owner_name: str
    file_size: int
    width: int
    height: int
    mime_type: str
    taken_at: datetime
    place: str | None
    facts: CopyFacts  # what the keeper suggestion weighs


def hash_row(asset: Asset, phash: int | None, model: str) -> AssetHash:
    """The hashes row of an asset, from its pHash (None for videos) and its file's facts."""
    bands = ml_duplicates.bands(phash) if phash is not None else (None,) * ml_duplicates.BANDS
    camera = ' '.join(part for part in (asset.camera_make, asset.camera_model) if part) or None
    taken_at = asset.exif_taken_at.replace(microsecond=0) if asset.exif_taken_at else None
    columns = {f'band{index}': band for index, band in enumerate(bands)}
    return AssetHash(
        asset_id=asset.id,
        model=model,
        checksum=asset.checksum,
        phash=phash,
        camera=camera,
        taken_at=taken_at,
        **columns,
    )


def hashed_ids(model: str) -> Select:
    """Ids of the assets hashed by this model."""
    return select(AssetHash.asset_id).where(AssetHash.model == model)


async def candidates(session: AsyncSession, row: AssetHash, radius: int) -> list[Candidate]:
    """The hashed assets that may be copies of `row`'s: the same checksum, a pHash within `band_reach(radius)` bits
    (4 * radius + 3) found through a band within `radius` bits of one of its bands, or the same camera within a
    second."""
    found = (AssetHash.checksum == row.checksum, *await _band_matches(session, row, radius), *_burst_matches(row))
    columns = (AssetHash.asset_id, AssetHash.checksum, AssetHash.phash, AssetHash.camera, AssetHash.taken_at)
    rows = await session.execute(select(*columns).where(or_(*found), AssetHash.asset_id != row.asset_id))
    return [Candidate(*columns) for columns in rows]


async def _band_matches(session: AsyncSession, row: AssetHash, radius: int) -> list[ColumnElement[bool]]:
    """Terms for the pHashes within reach of `row`'s. Each band's index holds the pHash too, so the pHashes whose band
    is within `radius` bits come from the indexes alone (at a million photos about a thousand, nearly all far off:
    68 band values of 65,536); only those within reach are then read, by band and pHash, with the whole row."""
    if row.phash is None:
        return []
    reach = ml_duplicates.band_reach(radius)
    bands = zip(_BANDS, ml_duplicates.bands(row.phash), strict=True)
    near = [
        select(AssetHash.phash).where(
            column.in_(ml_duplicates.band_neighbours(value, radius)), *_within(session, row.phash, reach)
        )
        for column, value in bands
    ]
    found = await session.scalars(union_all(*near))
    hashes = {phash for phash in found if ml_duplicates.distance(phash, row.phash) <= reach}
    return [and_(AssetHash.band0 == ml_duplicates.bands(phash)[0], AssetHash.phash == phash) for phash in hashes]


def _within(session: AsyncSession, phash: int, reach: int) -> list[ColumnElement[bool]]:
    """PostgreSQL counts the differing bits in the index scan, so far pHashes never leave it (1.5 ms less at a
    million); SQLite has no bit count: its pHashes are counted in Python."""
    if session.bind.dialect.name != 'postgresql':
        return []
    return [func.bit_count(cast(AssetHash.phash.op('#')(phash), BIT(64))) <= reach]


def _burst_matches(row: AssetHash) -> list[ColumnElement[bool]]:
    if row.camera is None or row.taken_at is None or row.phash is None:
        return []
    second = timedelta(seconds=BURST_SECONDS)
    return [
        and_(AssetHash.camera == row.camera, AssetHash.taken_at.between(row.taken_at - second, row.taken_at + second))
    ]


async def save_hashes(session: AsyncSession, row: AssetHash) -> None:
    await session.merge(row)


async def replace_links(session: AsyncSession, asset_id: uuid.UUID, links: Collection[Link]) -> None:
    """The links of this asset become `links` (each with `asset_id` < `other_id`); a link another job wrote at the
    same moment is the same link."""
    await session.execute(
        delete(DuplicateLink).where(or_(DuplicateLink.asset_id == asset_id, DuplicateLink.other_id == asset_id))
    )
    if not links:
        return
    rows = [
        {'asset_id': link.asset_id, 'other_id': link.other_id, 'reason': link.reason.value, 'distance': link.distance}
        for link in links
    ]
    await session.execute(_insert(session)(DuplicateLink).values(rows).on_conflict_do_nothing())


def _insert(session: AsyncSession):
    return sqlite_insert if session.bind.dialect.name == 'sqlite' else postgresql_insert


def _now() -> datetime:
    return datetime.now(UTC)


def seen_by(actor_id: uuid.UUID) -> Select:
    """Ids of the linked assets the actor sees."""
    return select(Asset.id).where(Asset.id.in_(_linked_ids()), access.is_visible(actor_id))


def held_by_space(space_id: uuid.UUID) -> Select:
    """Ids of the linked live assets the space holds."""
    held = space_queries.live_asset_ids(space_id).subquery()
    return select(held.c[0]).where(held.c[0].in_(_linked_ids()))


def _linked_ids() -> Select:
    return union(select(DuplicateLink.asset_id), select(DuplicateLink.other_id))


async def links_among(session: AsyncSession, asset_ids: Select, reader_id: uuid.UUID) -> list[Link]:
    """The links both of whose assets are among `asset_ids`, but those the reader said are not duplicates."""
    among = asset_ids.cte('among')
    dismissed = select(DuplicateDismissal.asset_id, DuplicateDismissal.other_id).where(
        DuplicateDismissal.user_id == reader_id
    )
    statement = select(DuplicateLink).where(
        DuplicateLink.asset_id.in_(select(among.c[0])),
        DuplicateLink.other_id.in_(select(among.c[0])),
        tuple_(DuplicateLink.asset_id, DuplicateLink.other_id).not_in(dismissed),
    )
    rows = await session.scalars(statement)
    return [Link(row.asset_id, row.other_id, Reason(row.reason), row.distance) for row in rows]


async def dismiss_links(session: AsyncSession, user_id: uuid.UUID, asset_ids: Collection[uuid.UUID]) -> int:
    """Remember that the user said these assets are not duplicates: every link among them; returns how many."""
    among = DuplicateLink.asset_id.in_(asset_ids), DuplicateLink.other_id.in_(asset_ids)
    links = (await session.execute(select(DuplicateLink.asset_id, DuplicateLink.other_id).where(*among))).all()
    rows = [
        {'user_id': user_id, 'asset_id': first, 'other_id': second, 'dismissed_at': _now()} for first, second in links
    ]
    if rows:
        await session.execute(_insert(session)(DuplicateDismissal).values(rows).on_conflict_do_nothing())
    return len(rows)


async def taken_at(session: AsyncSession, asset_ids: Select) -> dict[uuid.UUID, datetime]:
    """When each of these assets was taken (a query, as they may be more than a statement's parameters)."""
    rows = await session.execute(
        select(AssetDetails.asset_id, AssetDetails.taken_at).where(AssetDetails.asset_id.in_(asset_ids))
    )
    return {asset_id: taken for asset_id, taken in rows}


async def copies(session: AsyncSession, asset_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Copy]:
    statement = (
        select(
            Asset.id,
            Asset.owner_id,
            User.name,
            Asset.file_size,
            Asset.width,
            Asset.height,
            Asset.mime_type,
            AssetDetails.taken_at,
            AssetDetails.place_city,
            AssetDetails.place_country,
            Asset.exif_taken_at.is_not(None),
            AssetDetails.latitude.is_not(None),
            Asset.uploaded_at,
        )
        .join(User, User.id == Asset.owner_id)
        .join(AssetDetails, AssetDetails.asset_id == Asset.id)
        .where(Asset.id.in_(asset_ids))
    )
    return {row[0]: _copy(*row) for row in await session.execute(statement)}


def _copy(asset_id, owner_id, owner_name, size, width, height, mime, taken, city, country, dated, placed, uploaded):
    place = ', '.join(part for part in (city, country) if part) or None
    facts = CopyFacts(asset_id, width, height, mime, size, dated, placed, uploaded)
    return Copy(asset_id, owner_id, owner_name, size, width, height, mime, taken, place, facts)


async def albums_of(
    session: AsyncSession, reader_id: uuid.UUID, asset_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """(id, name) of the albums the reader owns or is a member of that hold each asset."""
    statement = (
        select(AlbumAsset.asset_id, Album.id, Album.name)
        .join(Album, Album.id == AlbumAsset.album_id)
        .where(AlbumAsset.asset_id.in_(asset_ids), Album.id.in_(access.album_ids(reader_id)))
        .order_by(Album.name)
    )
    found: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for asset_id, album_id, name in await session.execute(statement):
        found.setdefault(asset_id, []).append((album_id, name))
    return found
