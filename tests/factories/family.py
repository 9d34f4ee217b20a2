"""Photos as rows, for tests about who sees what: no files, no pipeline, the month counts kept as ingest keeps them."""

import uuid
from datetime import UTC, datetime

from domain.geo import geo_key
from services.runtime import Hearth
from storage import assets as asset_queries
from storage.models import Asset, AssetDetails, ExternalLibrary


async def photo_rows(
    hearth: Hearth, owner_id: uuid.UUID, months: list[int], library_id: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """One photo per month key (YYYYMM) for the owner, in their uploads or in one of their external libraries."""
    ids = [uuid.uuid4() for _ in months]
    async with hearth.db.session() as session:
        async with asset_queries.keeping_month_counts(session, ids):
            for day, (asset_id, month) in enumerate(zip(ids, months, strict=True), start=1):
                taken_at = datetime(month // 100, month % 100, day % 28 + 1, 12)
                session.add(_asset(asset_id, owner_id, library_id, taken_at))
                await session.flush()
                latitude, longitude = position_for(asset_id) or (None, None)
                session.add(
                    AssetDetails(
                        asset_id=asset_id,
                        owner_id=owner_id,
                        library_id=library_id,
                        taken_at=taken_at,
                        month_key=month,
                        latitude=latitude,
                        longitude=longitude,
                        geo_key=geo_key(latitude, longitude),
                    )
                )
            await session.flush()
        await session.commit()
    return ids


def position_for(asset_id: uuid.UUID) -> tuple[float, float] | None:
    """Where a photo was taken, from its id: two in three have a position, a few of them in the same places."""
    if asset_id.int % 3 == 0:
        return None
    spot = asset_id.int % 7
    return -60.0 + spot * 20.0 + (asset_id.int >> 8) % 100 / 1000, -170.0 + spot * 50.0 + (
        asset_id.int >> 16
    ) % 100 / 1000


async def external_library(hearth: Hearth, owner_id: uuid.UUID) -> uuid.UUID:
    library = ExternalLibrary(owner_id=owner_id, name='Old scans', path=f'/srv/photos/{owner_id.hex}')
    async with hearth.db.session() as session:
        session.add(library)
        await session.commit()
        return library.id


def _asset(asset_id: uuid.UUID, owner_id: uuid.UUID, library_id: uuid.UUID | None, taken_at: datetime) -> Asset:
    return Asset(
        id=asset_id,
        owner_id=owner_id,
        library_id=library_id,
        checksum=asset_id.hex[:40],
        original_path=f'originals/{owner_id.hex}/{asset_id.hex}.jpg',
        original_filename=f'IMG_{asset_id.hex[:6]}.JPG',
        file_size=1000,
        mime_type='image/jpeg',
        media_type='image',
        width=4,
        height=3,
        exif_taken_at=taken_at,
        uploaded_at=datetime.now(UTC),
    )
