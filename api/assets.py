"""Assets: upload, read, shared details, my own state, files, trash, and the timeline."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api import schemas
from api.deps import CurrentActor, Instance
from api.multipart import receive_upload
from domain.errors import InvalidInput
from services import assets, places
from services.accounts import Actor
from services.admission import Busy, Gate
from services.assets import AssetView
from services.runtime import Hearth

router = APIRouter(tags=['assets'])
View = Literal['timeline', 'favorites', 'archive', 'trash']
People = Annotated[list[uuid.UUID], Query(description='people of my library, all in the photo')]
Place = Annotated[
    str | None, Query(description="where the photo was taken: 'country:GB' or 'city:GB/Edinburgh'", max_length=300)
]


# Uploads waiting for a turn, per slot: their bodies are received (and staged) while they wait.
UPLOAD_WAITING_PER_SLOT = 4


@router.post(
    '/assets',
    response_model=schemas.UploadOut,
    status_code=status.HTTP_201_CREATED,
    responses={503: {'description': 'Too many uploads at once: send it again after `Retry-After` seconds'}},
)
async def upload(request: Request, response: Response, actor: CurrentActor, instance: Instance):
    """Upload one photo or video as multipart/form-data (any field name). An optional `taken_at` field (ISO 8601)
    dates files that carry no date of their own. A file you already have answers 200 with status `duplicate`.
    While too many uploads are in progress, the answer is 503 with `Retry-After`: nothing was stored, send it again."""
    gate = _upload_gate(request, instance)
    try:
        async with gate.place():
            staged, fields = await receive_upload(request, instance.files, instance.settings.max_upload_bytes)
            try:
                fallback = _fallback_date(fields.get('taken_at'))
            except InvalidInput:
                staged.discard()
                raise
            async with gate.turn():
                result = await assets.ingest(instance, actor, staged, fallback)
    except Busy as busy:
        await _drain(request, instance.settings.max_upload_bytes)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            'Too many uploads at once: send this one again shortly',
            headers={'Retry-After': str(busy.retry_after)},
        ) from None
    if result.status == 'duplicate':
        response.status_code = status.HTTP_200_OK
    return schemas.UploadOut(id=result.asset_id, status=result.status, filename=result.filename)


def _upload_gate(request: Request, instance: Hearth) -> Gate:
    state = request.app.state
    if getattr(state, 'upload_gate', None) is None:
        slots = instance.settings.upload_slots
        state.upload_gate = Gate(slots, UPLOAD_WAITING_PER_SLOT * slots)
    return state.upload_gate


async def _drain(request: Request, limit: int) -> None:
    """Read a refused upload's body without keeping it, so the client reads the answer rather than a reset
    connection; a body beyond the upload limit is not read to its end."""
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            return


def _fallback_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace('Z', '+00:00'))
    except ValueError as error:
        raise InvalidInput('taken_at must be an ISO 8601 date and time') from error


@router.get('/assets/{asset_id}', response_model=AssetView)
async def get_asset(asset_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    return await assets.get_asset(instance, actor, asset_id)


def _details_changes(body: schemas.DetailsPatch) -> dict:
    given = body.model_dump(exclude_unset=True, exclude={'ids'})
    if 'latitude' in given or 'longitude' in given:
        given['position'] = (given.pop('latitude', None), given.pop('longitude', None))
    return given


@router.patch('/assets/{asset_id}', response_model=AssetView)
async def update_asset(
    asset_id: uuid.UUID,
    body: schemas.DetailsPatch,
    actor: CurrentActor,
    instance: Instance,
):
    await assets.update_details(instance, actor, [asset_id], **_details_changes(body))
    return await assets.get_asset(instance, actor, asset_id)


@router.patch('/assets', response_model=schemas.CountOut)
async def update_assets(body: schemas.BulkDetailsPatch, actor: CurrentActor, instance: Instance):
    return schemas.CountOut(count=await assets.update_details(instance, actor, body.ids, **_details_changes(body)))


@router.put('/assets/{asset_id}/state', response_model=AssetView)
async def set_state(
    asset_id: uuid.UUID,
    body: schemas.StateIn,
    actor: CurrentActor,
    instance: Instance,
):
    await assets.set_state(instance, actor, [asset_id], **body.model_dump(exclude_unset=True))
    return await assets.get_asset(instance, actor, asset_id)


@router.put('/assets/state', response_model=schemas.CountOut)
async def set_states(body: schemas.BulkStateIn, actor: CurrentActor, instance: Instance):
    changes = body.model_dump(exclude_unset=True, exclude={'ids'})
    return schemas.CountOut(count=await assets.set_state(instance, actor, body.ids, **changes))


class RotationIn(BaseModel):
    degrees: Literal[0, 90, 180, 270] = Field(description="clockwise past the file's own orientation; 0 undoes it")


@router.put('/assets/{asset_id}/rotation', response_model=AssetView)
async def set_rotation(asset_id: uuid.UUID, body: RotationIn, actor: CurrentActor, instance: Instance):
    """Turn a photo for everyone who sees it, as those who may edit its date can; the original file is untouched,
    its thumbnail and preview are rendered again."""
    await assets.set_rotation(instance, actor, asset_id, body.degrees)
    return await assets.get_asset(instance, actor, asset_id)


@router.put('/assets/{asset_id}/place', response_model=AssetView)
async def set_place(asset_id: uuid.UUID, body: schemas.PlaceIn, actor: CurrentActor, instance: Instance):
    """Name the photo's place by hand, as those who may correct its position can; `automatic` (or every name empty)
    gives it back to the geocoder."""
    names = (None, None, None) if body.automatic else (body.city, body.state, body.country)
    await places.set_place(instance, actor, asset_id, *names)
    return await assets.get_asset(instance, actor, asset_id)


@router.delete('/assets/{asset_id}/place', response_model=AssetView)
async def automatic_place(asset_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Give the photo's place back to the geocoder, which names it again from its position now."""
    await places.automatic_place(instance, actor, asset_id)
    return await assets.get_asset(instance, actor, asset_id)


async def _file(instance: Hearth, actor: Actor, asset_id: uuid.UUID, kind: str, attachment: bool) -> FileResponse:
    path, media_type, filename = await assets.asset_file(instance, actor, asset_id, kind)
    return FileResponse(
        path,
        media_type=media_type,
        filename=filename,
        content_disposition_type='attachment' if attachment else 'inline',
        headers={'Cache-Control': 'private, max-age=604800'},
    )


@router.get('/assets/{asset_id}/thumbnail', response_class=FileResponse)
async def thumbnail(asset_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    return await _file(instance, actor, asset_id, 'thumbnail', attachment=False)


@router.get('/assets/{asset_id}/preview', response_class=FileResponse)
async def preview(asset_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    return await _file(instance, actor, asset_id, 'preview', attachment=False)


@router.get('/assets/{asset_id}/original', response_class=FileResponse)
async def original(
    asset_id: uuid.UUID,
    actor: CurrentActor,
    instance: Instance,
    download: bool = False,
):
    return await _file(instance, actor, asset_id, 'original', attachment=download)


@router.get('/assets/{asset_id}/neighbours', response_model=schemas.NeighboursOut)
async def neighbours(
    asset_id: uuid.UUID,
    actor: CurrentActor,
    instance: Instance,
    view: View = 'timeline',
    person: People = (),
    place: Place = None,
):
    previous, following = await assets.neighbours(instance, actor, asset_id, view, person, place)
    return schemas.NeighboursOut(previous=previous, next=following)


@router.post('/assets/trash', response_model=schemas.CountOut)
async def trash(body: schemas.IdsIn, actor: CurrentActor, instance: Instance):
    """Move assets to their owner's trash; they are deleted for good after the retention period."""
    return schemas.CountOut(count=await assets.trash(instance, actor, body.ids, source='api'))


@router.post('/assets/restore', response_model=schemas.CountOut)
async def restore(body: schemas.IdsIn, actor: CurrentActor, instance: Instance):
    return schemas.CountOut(count=await assets.restore(instance, actor, body.ids))


@router.get('/trash', response_model=list[AssetView])
async def list_trash(
    actor: CurrentActor,
    instance: Instance,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: schemas.Offset = 0,
):
    """My trash, most recently trashed first, with who trashed each asset and when it will be purged."""
    return await assets.list_trash(instance, actor, limit, offset)


@router.post('/trash/empty', response_model=schemas.CountOut)
async def empty_trash(actor: CurrentActor, instance: Instance):
    return schemas.CountOut(count=await assets.empty_trash(instance, actor))


@router.post('/trash/delete', response_model=schemas.CountOut)
async def delete_from_trash(body: schemas.IdsIn, actor: CurrentActor, instance: Instance):
    return schemas.CountOut(count=await assets.delete_from_trash(instance, actor, body.ids))


@router.get('/timeline/buckets', response_model=list[schemas.BucketOut])
async def buckets(
    actor: CurrentActor, instance: Instance, view: View = 'timeline', person: People = (), place: Place = None
):
    """Months that hold assets in this view, newest first, with their counts; with `person` (repeatable), only
    the photos in which all those people of my library are; with `place`, only those taken there."""
    months = await assets.timeline_buckets(instance, actor, view, person, place)
    return [schemas.BucketOut(month=month, count=count) for month, count in months]


@router.get('/timeline/buckets/{month}', response_model=schemas.BucketAssetsOut)
async def bucket(
    month: str,
    actor: CurrentActor,
    instance: Instance,
    view: View = 'timeline',
    person: People = (),
    place: Place = None,
):
    """The assets of one month (YYYY-MM), newest first (with `person` and `place`, as for the months)."""
    items = await assets.timeline_bucket(instance, actor, month, view, person, place)
    return schemas.bucket_out(month, items)


@router.get('/timeline/places', response_model=list[schemas.PlaceChoiceOut])
async def timeline_places(actor: CurrentActor, instance: Instance):
    """The places of the photos on my timeline, countries with their cities, each with how many photos: the
    values to filter the timeline by (`place`)."""
    return await places.timeline_choices(instance, actor)
