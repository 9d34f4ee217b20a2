"""Downloading many originals as one zip, streamed as it is written: a selection, an album, a space, or a public link
that allows downloads. GET downloads everything there; POST downloads the ids sent as form fields (`ids`, repeated,
at most 10,000: what an HTML form sends, so a browser saves the zip straight to disk). Anything you cannot see makes
the whole request 404, anything you see but may not download 403, and nothing is sent."""

import unicodedata
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form
from fastapi.responses import StreamingResponse

from api.deps import CurrentActor, Instance
from api.public import Visitor
from services import downloads
from services.downloads import MAX_IDS, ZipDownload

router = APIRouter(tags=['downloads'])
# Room for more ids than allowed, so that a few too many get the service's clear 413 rather than a parser's 400.
FORM_LIMITS = {'max_fields': 2 * MAX_IDS}
Ids = Annotated[list[uuid.UUID], Form(description=f'asset ids, repeated; at most {MAX_IDS:,}')]
OptionalIds = Annotated[list[uuid.UUID] | None, Form(description=f'asset ids, repeated; at most {MAX_IDS:,}')]
ZIP = {200: {'content': {'application/zip': {}}, 'description': 'The zip, streamed'}}


def zip_response(download: ZipDownload) -> StreamingResponse:
    headers = {
        'Content-Disposition': attachment(download.filename),
        'Cache-Control': 'no-store',
        'X-Hearth-File-Count': str(download.count),
    }
    return StreamingResponse(download.chunks(), media_type='application/zip', headers=headers)


def attachment(filename: str) -> str:
    """RFC 6266: a plain ASCII name for old clients, and the real one, UTF-8 and percent-encoded, as filename*."""
    plain = unicodedata.normalize('NFKD', filename).encode('ascii', 'ignore').decode()
    plain = ''.join(ch for ch in plain if ch.isprintable() and ch not in '"\\') or 'download.zip'
    return f'attachment; filename="{plain}"; filename*=UTF-8\'\'{quote(filename, safe="")}'


@router.post('/downloads', response_class=StreamingResponse, responses=ZIP, form_limits=FORM_LIMITS)
async def download_selection(ids: Ids, actor: CurrentActor, instance: Instance):
    """The originals of a selection as one zip named 'Hearth photos <date>.zip'."""
    return zip_response(await downloads.download_selection(instance, actor, ids))


@router.get('/albums/{album_id}/download', response_class=StreamingResponse, responses=ZIP)
async def download_album(album_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Every photo and video of the album as one zip named after it."""
    return zip_response(await downloads.download_album(instance, actor, album_id))


@router.post('/albums/{album_id}/download', response_class=StreamingResponse, responses=ZIP, form_limits=FORM_LIMITS)
async def download_from_album(album_id: uuid.UUID, ids: Ids, actor: CurrentActor, instance: Instance):
    return zip_response(await downloads.download_album(instance, actor, album_id, ids))


@router.get('/spaces/{space_id}/download', response_class=StreamingResponse, responses=ZIP)
async def download_space(space_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Every photo and video of the space as one zip named after it; 403 for roles that may not download."""
    return zip_response(await downloads.download_space(instance, actor, space_id))


@router.post('/spaces/{space_id}/download', response_class=StreamingResponse, responses=ZIP, form_limits=FORM_LIMITS)
async def download_from_space(space_id: uuid.UUID, ids: Ids, actor: CurrentActor, instance: Instance):
    return zip_response(await downloads.download_space(instance, actor, space_id, ids))


@router.get('/public/{token}/download', response_class=StreamingResponse, responses=ZIP, tags=['public links'])
async def download_link(token: str, visitor: Visitor, instance: Instance):
    """Everything the link shows, as one zip; 403 unless the link allows downloads. When it hides details, photos
    come without metadata under neutral names and videos are left out."""
    return zip_response(await downloads.download_from_link(instance, token, visitor))


@router.post(
    '/public/{token}/download',
    response_class=StreamingResponse,
    responses=ZIP,
    form_limits=FORM_LIMITS,
    tags=['public links'],
)
async def download_from_link(token: str, visitor: Visitor, instance: Instance, ids: OptionalIds = None):
    return zip_response(await downloads.download_from_link(instance, token, visitor, ids or []))
