"""Duplicates (SPEC §9): groups of copies of one photo among everything I can see, across owners, or among what a
space holds (its Owners and Editors), each with why its copies are copies and how alike they are."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api import schemas
from api.deps import CurrentActor, Instance
from domain.duplicates import MAX_PAGE, format_name
from services import duplicates

router = APIRouter(prefix='/duplicates', tags=['duplicates'])


class OwnerOut(BaseModel):
    id: str
    name: str


class NamedOut(BaseModel):
    id: str
    name: str


class CopyOut(BaseModel):
    id: str
    owner: OwnerOut
    size: int = Field(description='File size in bytes')
    width: int = Field(description='Width in pixels as shown (after orientation)')
    height: int
    format: str = Field(description='JPEG, PNG, WEBP, HEIC, HEIF, MP4 or MOV')
    taken_at: datetime
    place: str | None = Field(description='Town and country, where known')
    albums: list[NamedOut] = Field(description='My albums, and albums shared with me, that hold it')
    spaces: list[NamedOut] = Field(description='Spaces I am in that hold it')
    can_trash: bool = Field(description="Whether resolving may move it to the trash (its owner's trash)")
    note: str | None = Field(description='Why it would stay, e.g. "Their copy stays: ask Ann"')

    @classmethod
    def of(cls, view: duplicates.CopyView) -> 'CopyOut':
        copy = view.copy
        return cls(
            id=str(copy.asset_id),
            owner=OwnerOut(id=str(copy.owner_id), name=copy.owner_name),
            size=copy.file_size,
            width=copy.width,
            height=copy.height,
            format=format_name(copy.mime_type),
            taken_at=copy.taken_at,
            place=copy.place,
            albums=[NamedOut(id=str(album_id), name=name) for album_id, name in view.albums],
            spaces=[NamedOut(id=str(space_id), name=name) for space_id, name in view.spaces],
            can_trash=view.can_trash,
            note=view.note,
        )


class GroupOut(BaseModel):
    reason: str = Field(description="'file' (same checksum), 'picture' (same picture) or 'burst'")
    why: str = Field(description='The reason in words, e.g. "same picture, resized"')
    similarity: float = Field(description='Share of the 64 picture-hash bits the least alike copies agree on')
    keeper_id: str = Field(description='The copy suggested to keep')
    keeper_reason: str = Field(description='Why, e.g. "most pixels" (docs/duplicates.md: the score)')
    copies: list[CopyOut]


class GroupsOut(BaseModel):
    total: int = Field(description='How many groups in all')
    groups: list[GroupOut]


class DismissIn(BaseModel):
    asset_ids: list[uuid.UUID] = Field(min_length=2, max_length=1000, description="A group's copies")


@router.post('/dismiss', response_model=schemas.CountOut)
async def dismiss(body: DismissIn, actor: CurrentActor, instance: Instance):
    """Not duplicates: these copies never group again for me (a copy that arrives later still joins them). Answers
    how many links between them were set aside; 404 unless I see every one of them."""
    return schemas.CountOut(count=await duplicates.dismiss_group(instance, actor, body.asset_ids))


@router.get('', response_model=GroupsOut)
async def list_groups(
    actor: CurrentActor,
    instance: Instance,
    space_id: Annotated[
        uuid.UUID | None, Query(description="A space's duplicates: for its Owners and Editors (404 if not a member)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 30,
    offset: schemas.Offset = 0,
):
    """One page of groups of copies, the group with the newest copy first. Copies I cannot see never show."""
    page = await duplicates.list_groups(instance, actor, space_id, limit, offset)
    groups = [
        GroupOut(
            reason=group.reason.value,
            why=group.why,
            similarity=group.similarity,
            keeper_id=str(group.keeper_id),
            keeper_reason=group.keeper_reason,
            copies=list(map(CopyOut.of, group.copies)),
        )
        for group in page.groups
    ]
    return GroupsOut(total=page.total, groups=groups)


class ResolveIn(BaseModel):
    asset_ids: list[uuid.UUID] = Field(min_length=2, max_length=100, description="The group's copies, as listed")
    keeper_id: uuid.UUID = Field(description='The copy to keep')
    let_spaces_lose: list[uuid.UUID] = Field(
        default=[], max_length=1000, description='Spaces that asked first and may lose their copy (see 409)'
    )


class StayedOut(BaseModel):
    id: str
    why: str


class ResolutionOut(BaseModel):
    resolution_id: str | None = Field(description='For undo; null when there was nothing to resolve')
    keeper_id: str
    trashed: list[str] = Field(description="Copies moved to their owners' trash")
    stayed: list[StayedOut] = Field(description='Copies left where they are, each with why')
    joined_spaces: list[NamedOut] = Field(description='Spaces the kept copy joined in place of a trashed one')


class QuestionOut(BaseModel):
    space_id: str
    space_name: str
    asset_id: str = Field(description='The copy that space holds')


@router.post(
    '/resolve',
    response_model=ResolutionOut,
    responses={409: {'description': 'Nothing changed: `detail.questions` lists spaces that would lose a copy'}},
)
async def resolve(body: ResolveIn, actor: CurrentActor, instance: Instance):
    """Keep one copy and move the others I may trash to their owners' trash. The kept copy joins every space a trashed
    copy was in where I am an Owner or Editor; where I am less, the answer is 409 with `detail.questions` and nothing
    changes, until I keep that copy instead or name the space in `let_spaces_lose`. Running it again changes nothing."""
    try:
        done = await duplicates.resolve(instance, actor, body.asset_ids, body.keeper_id, body.let_spaces_lose)
    except duplicates.NeedsAnswer as asking:
        questions = [
            QuestionOut(space_id=str(q.space_id), space_name=q.space_name, asset_id=str(q.asset_id))
            for q in asking.questions
        ]
        detail = {'message': str(asking), 'questions': [question.model_dump() for question in questions]}
        return JSONResponse({'detail': detail}, status_code=409)
    return ResolutionOut(
        resolution_id=str(done.resolution_id) if done.resolution_id else None,
        keeper_id=str(done.keeper_id),
        trashed=[str(asset_id) for asset_id in done.trashed],
        stayed=[StayedOut(id=str(stay.asset_id), why=stay.why) for stay in done.stayed],
        joined_spaces=[NamedOut(id=str(space.space_id), name=space.name) for space in done.joined_spaces],
    )


@router.post('/resolutions/{resolution_id}/undo', response_model=schemas.CountOut)
async def undo(resolution_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Put back the copies my resolution moved to the trash, if the trash still holds them; the kept copy keeps the
    spaces, albums and state it gained. 404 for another member's resolution."""
    return schemas.CountOut(count=await duplicates.undo(instance, actor, resolution_id))


class RunIn(BaseModel):
    space_id: uuid.UUID | None = Field(default=None, description="A space's list (its Owners and Editors)")


class RunStarted(BaseModel):
    run_id: str


class RunResultOut(BaseModel):
    keeper_id: str
    status: str = Field(description="'resolved', 'asks' (a space would lose a copy: decide on the page) or 'failed'")
    message: str


class RunOut(BaseModel):
    state: str = Field(description="'running' or 'done'")
    done: int
    total: int | None = Field(description='Groups in the run, once it has read the list')
    results: list[RunResultOut]


@router.post('/resolve-suggested', response_model=RunStarted, status_code=202)
async def resolve_suggested(body: RunIn, actor: CurrentActor, instance: Instance):
    """Resolve every group of my list (or a space's) with its suggested keeper, in the background; groups that ask
    about a space are left for me. Follow it at GET /api/duplicates/runs/{run_id}."""
    return RunStarted(run_id=str(await duplicates.start_resolve_suggested(instance, actor, body.space_id)))


@router.get('/runs/{run_id}', response_model=RunOut)
async def run_progress(run_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    progress = await duplicates.run_progress(instance, actor, run_id)
    return RunOut(
        state='done' if progress.finished else 'running',
        done=progress.done,
        total=progress.total,
        results=[
            RunResultOut(keeper_id=str(result.keeper_id), status=result.status, message=result.message)
            for result in progress.results
        ],
    )
