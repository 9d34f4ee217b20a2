"""What a public link shows to anyone who has it, without an account. A password-protected link takes the password as
the X-Link-Password header; the `key` it answers with then unlocks it as the `?key=` parameter (which <img> tags can
send) or the X-Link-Key header. Unknown, revoked and expired links, and links whose album or space is gone or no longer
shared by their creator, all answer 404 with the same message."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api import schemas
from api.deps import Instance, client_address
from api.multipart import receive_upload
from services import links
from services.links import Guest, PublicAsset, PublicAssetDetails, PublicAssetPage, PublicLinkInfo

router = APIRouter(prefix='/public/{token}', tags=['public links'])
# Guests' browsers may keep images a little while; a revoked link stops answering new requests at once.
HEADERS = {'Cache-Control': 'private, max-age=600', 'Referrer-Policy': 'no-referrer'}


def _guest(
    request: Request,
    key: Annotated[str | None, Query(description='The key a right password unlocked')] = None,
    x_link_key: Annotated[str | None, Header()] = None,
    x_link_password: Annotated[str | None, Header()] = None,
) -> Guest:
    return Guest(password=x_link_password, key=x_link_key or key, client=client_address(request))


Visitor = Annotated[Guest, Depends(_guest)]


@router.get('', response_model=PublicLinkInfo)
async def open_link(token: str, visitor: Visitor, instance: Instance):
    """The link's album or space, owner and settings; 401 when it needs a password or the password is wrong."""
    return await links.open_link(instance, token, visitor)


@router.get('/assets', response_model=PublicAssetPage)
async def list_assets(
    token: str,
    visitor: Visitor,
    instance: Instance,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: schemas.Offset = 0,
):
    """The link's photos and videos, newest first. When the link hides metadata, each has only its id, type, size
    and the day it was taken."""
    return await links.list_public_assets(instance, token, visitor, limit, offset)


@router.get('/assets/{asset_id}', response_model=PublicAssetDetails | PublicAsset)
async def get_asset(token: str, asset_id: uuid.UUID, visitor: Visitor, instance: Instance):
    return await links.get_public_asset(instance, token, visitor, asset_id)


async def _file(instance, token: str, visitor: Guest, asset_id: uuid.UUID, kind: str, attachment: bool):
    sent = await links.public_file(instance, token, visitor, asset_id, kind)
    return FileResponse(
        sent.path,
        media_type=sent.media_type,
        filename=sent.filename,
        content_disposition_type='attachment' if attachment else 'inline',
        headers=HEADERS,
        background=BackgroundTask(sent.path.unlink, missing_ok=True) if sent.temporary else None,
    )


@router.get('/assets/{asset_id}/thumbnail', response_class=FileResponse)
async def thumbnail(token: str, asset_id: uuid.UUID, visitor: Visitor, instance: Instance):
    return await _file(instance, token, visitor, asset_id, 'thumbnail', attachment=False)


@router.get('/assets/{asset_id}/preview', response_class=FileResponse)
async def preview(token: str, asset_id: uuid.UUID, visitor: Visitor, instance: Instance):
    return await _file(instance, token, visitor, asset_id, 'preview', attachment=False)


@router.get('/assets/{asset_id}/original', response_class=FileResponse)
async def original(token: str, asset_id: uuid.UUID, visitor: Visitor, instance: Instance, download: bool = False):
    """403 unless the link allows downloads. When it hides metadata, photos come without EXIF, GPS or their file
    name, and videos are not offered."""
    return await _file(instance, token, visitor, asset_id, 'original', attachment=download)


@router.post('/assets', response_model=schemas.UploadOut, status_code=status.HTTP_201_CREATED)
async def upload(token: str, request: Request, response: Response, visitor: Visitor, instance: Instance):
    """A guest adds one photo or video to the link's album or space, as multipart/form-data with a `guest_name` field.
    It belongs to the link's creator and counts against their quota. A file the creator already has answers 200 with
    status `duplicate`."""
    await links.open_for_upload(instance, token, visitor)
    staged, fields = await receive_upload(request, instance.files, instance.settings.max_upload_bytes)
    result = await links.upload_as_guest(instance, token, visitor, staged, fields.get('guest_name'))
    if result.status == 'duplicate':
        response.status_code = status.HTTP_200_OK
    return schemas.UploadOut(id=result.asset_id, status=result.status, filename=result.filename)
