"""Duplicates (SPEC §9): groups of copies of one photo among everything I can see, across owners, or among what a
space holds (its Owners and Editors), each with why its copies are copies and how alike they are."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api import schemas
from api.deps import CurrentActor, Instance
from domain.duplicates import MAX_PAGE
from services import duplicates
from storage.duplicates import Copy

router = APIRouter(prefix='/duplicates', tags=['duplicates'])
FORMATS = {'quicktime': 'MOV', 'jpeg': 'JPEG'}


class OwnerOut(BaseModel):
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

    @classmethod
    def of(cls, copy: Copy) -> 'CopyOut':
        subtype = copy.mime_type.split('/')[-1]
        return cls(
            id=str(copy.asset_id),
            owner=OwnerOut(id=str(copy.owner_id), name=copy.owner_name),
            size=copy.file_size,
            width=copy.width,
            height=copy.height,
            format=FORMATS.get(subtype, subtype.upper()),
            taken_at=copy.taken_at,
        )


class GroupOut(BaseModel):
    reason: str = Field(description="'file' (same checksum), 'picture' (same picture) or 'burst'")
    why: str = Field(description='The reason in words, e.g. "same picture, resized"')
    similarity: float = Field(description='Share of the 64 picture-hash bits the least alike copies agree on')
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
    offset: Annotated[int, Query(ge=0)] = 0,
):
    """One page of groups of copies, the group with the newest copy first. Copies I cannot see never show."""
    page = await duplicates.list_groups(instance, actor, space_id, limit, offset)
    groups = [
        GroupOut(
            reason=group.reason.value,
            why=group.why,
            similarity=group.similarity,
            copies=list(map(CopyOut.of, group.copies)),
        )
        for group in page.groups
    ]
    return GroupsOut(total=page.total, groups=groups)
