"""Faces found in assets, and their crops: only for whoever can see the asset."""

import uuid

from fastapi import APIRouter, Response, status

from api.deps import CurrentActor, Instance
from services import faces
from services.faces import FaceView

router = APIRouter(tags=['people'])


@router.get('/assets/{asset_id}/faces', response_model=list[FaceView])
async def faces_in_asset(asset_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """The faces found in the asset; boxes are fractions of its width and height."""
    return await faces.faces_in_asset(instance, actor, asset_id)


@router.post('/assets/{asset_id}/refresh-faces', status_code=status.HTTP_202_ACCEPTED)
async def refresh_faces(asset_id: uuid.UUID, actor: CurrentActor, instance: Instance) -> None:
    """Find the asset's faces again in the background (owners, editors, curators and viewers; not contributors)."""
    await faces.refresh_faces(instance, actor, asset_id)


@router.get('/faces/{face_id}/thumbnail', response_class=Response)
async def face_thumbnail(face_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    crop = await faces.face_crop(instance, actor, face_id)
    return Response(crop, media_type='image/jpeg', headers={'Cache-Control': 'private, max-age=86400'})
