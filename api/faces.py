"""Faces found in assets, and their crops: only for whoever can see the asset."""

import uuid

from fastapi import APIRouter, Response
from pydantic import BaseModel

from api.deps import CurrentActor, Instance
from services import faces

router = APIRouter(tags=['people'])


class FaceOut(BaseModel):
    id: uuid.UUID
    asset_id: uuid.UUID
    x: float
    y: float
    width: float
    height: float
    score: float


@router.get('/assets/{asset_id}/faces', response_model=list[FaceOut])
async def faces_in_asset(asset_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """The faces found in the asset; boxes are fractions of its width and height."""
    return [FaceOut(**vars(face)) for face in await faces.faces_in_asset(instance, actor, asset_id)]


@router.get('/faces/{face_id}/thumbnail', response_class=Response)
async def face_thumbnail(face_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    crop = await faces.face_crop(instance, actor, face_id)
    return Response(crop, media_type='image/jpeg', headers={'Cache-Control': 'private, max-age=86400'})
