"""Faces of an asset and their crops, for whoever can see the asset and nobody else (SPEC §7 "never across a
boundary": a face crop is as private as its photo)."""

import asyncio
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from domain.access import Permission
from domain.errors import NotFound
from domain.jobs import Queue
from services.accounts import Actor
from services.assets import require_permission
from services.runtime import Hearth
from storage import jobs as job_rows
from storage.models import Asset, Face

CROP_SIDE = 160
CROP_MARGIN = 0.3  # of the face box on each side: a little hair and chin make faces recognisable to people


@dataclass(frozen=True)
class FaceView:
    id: uuid.UUID
    asset_id: uuid.UUID
    x: float
    y: float
    width: float
    height: float
    score: float


async def refresh_faces(hearth: Hearth, actor: Actor, asset_id: uuid.UUID) -> None:
    """Find the asset's faces again (SPEC §3 "refresh faces"), in the background; the people of its library and of
    the spaces holding it follow."""
    async with hearth.db.session() as session:
        await require_permission(session, actor, Permission.REFRESH_FACES, [asset_id])
        await job_rows.enqueue(session, Queue.FACES, 'faces', [job_rows.asset_subject(asset_id)], force=True)
        await session.commit()
    hearth.wake(Queue.FACES)


async def faces_in_asset(hearth: Hearth, actor: Actor, asset_id: uuid.UUID) -> list[FaceView]:
    async with hearth.db.session() as session:
        await require_permission(session, actor, Permission.VIEW, [asset_id])
        faces = await session.scalars(select(Face).where(Face.asset_id == asset_id).order_by(Face.x))
        return [_view(face) for face in faces]


async def face_crop(hearth: Hearth, actor: Actor, face_id: uuid.UUID) -> bytes:
    """A small JPEG of the face, cut from the asset's preview."""
    async with hearth.db.session() as session:
        face = await session.get(Face, face_id)
        if face is None:
            raise NotFound('Face not found')
        await require_permission(session, actor, Permission.VIEW, [face.asset_id])
        asset = await session.get(Asset, face.asset_id)
    preview = hearth.files.files_of(asset).preview
    return await asyncio.to_thread(_crop, preview, _view(face))


def _crop(preview: Path, face: FaceView) -> bytes:
    with Image.open(preview) as image:
        width, height = image.size
        margin_x, margin_y = face.width * CROP_MARGIN, face.height * CROP_MARGIN
        box = (
            max(0, int((face.x - margin_x) * width)),
            max(0, int((face.y - margin_y) * height)),
            min(width, int((face.x + face.width + margin_x) * width)),
            min(height, int((face.y + face.height + margin_y) * height)),
        )
        crop = image.convert('RGB').crop(box)
    crop.thumbnail((CROP_SIDE, CROP_SIDE))
    output = io.BytesIO()
    crop.save(output, 'JPEG', quality=85)
    return output.getvalue()


def _view(face: Face) -> FaceView:
    return FaceView(face.id, face.asset_id, face.x, face.y, face.width, face.height, face.score)
