"""Shared Spaces: members and roles, adding by reference, connected libraries, the space timeline and activity."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from api import schemas
from api.deps import CurrentActor, Instance
from api.schemas import TimelineIn
from domain.spaces import SpaceRole
from services import people, spaces
from services.people import PersonView
from services.spaces import ActivityEntry, ConnectedLibrary, FilterChoices, MemberView, SpaceDetail, SpaceSummary, Visit

router = APIRouter(prefix='/spaces', tags=['spaces'])
MAX_ASSETS_PER_REQUEST = 10_000


class SpaceIn(BaseModel):
    model_config = ConfigDict(extra='forbid')
    name: str
    description: str | None = None
    color: str | None = Field(None, description='#rrggbb')


class SpacePatch(BaseModel):
    """Omit a field to leave it unchanged; a description of '' clears it."""

    model_config = ConfigDict(extra='forbid')
    name: str | None = None
    description: str | None = None
    color: str | None = None
    cover_asset_id: uuid.UUID | None = None


class MemberIn(BaseModel):
    email: str
    role: SpaceRole = SpaceRole.VIEWER


class RoleIn(BaseModel):
    role: SpaceRole


class LeaveIn(BaseModel):
    take_my_photos: bool = False


class AssetIdsIn(BaseModel):
    asset_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_ASSETS_PER_REQUEST)


class LibraryIn(BaseModel):
    library_id: uuid.UUID


class CountOut(BaseModel):
    count: int


class SpaceFiltersIn(BaseModel):
    """The filters panel, as query parameters."""

    taken_from: date | None = None
    taken_to: date | None = None
    owner: list[uuid.UUID] = Field(default_factory=list, description='contributors: whose library it is from')
    media_type: Literal['photo', 'video'] | None = None
    camera: str | None = None
    favorites: bool = False
    tag: list[str] = Field(default_factory=list)
    added_since: datetime | None = None
    person: list[uuid.UUID] = Field(default_factory=list, description="the space's people, all in the photo")
    place: str | None = Field(None, max_length=300, description="'country:GB' or 'city:GB/Edinburgh'")

    def to_filters(self) -> spaces.SpaceFilters:
        return spaces.SpaceFilters(
            self.taken_from,
            self.taken_to,
            tuple(self.owner),
            self.media_type,
            self.camera,
            self.favorites,
            tuple(self.tag),
            self.added_since,
            tuple(self.person),
            place=self.place,
        )


Filters = Annotated[SpaceFiltersIn, Query()]


# ---- the space itself -----------------------------------------------------------------------------------------------


@router.get('', response_model=list[SpaceSummary])
async def list_spaces(actor: CurrentActor, instance: Instance):
    """My spaces, with counts and how many assets others added since my last visit."""
    return await spaces.list_spaces(instance, actor)


@router.post('', response_model=SpaceSummary, status_code=status.HTTP_201_CREATED)
async def create_space(body: SpaceIn, actor: CurrentActor, instance: Instance):
    """Create a space; I am its first owner."""
    return await spaces.create_space(instance, actor, body.name, body.description, body.color)


@router.get('/{space_id}', response_model=SpaceDetail)
async def get_space(space_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    return await spaces.get_space(instance, actor, space_id)


@router.patch('/{space_id}', response_model=SpaceSummary)
async def update_space(space_id: uuid.UUID, body: SpacePatch, actor: CurrentActor, instance: Instance):
    """Owners rename, describe and colour; owners and editors set the cover (a photo in the space)."""
    return await spaces.update_space(
        instance, actor, space_id, body.name, body.description, body.color, body.cover_asset_id
    )


@router.delete('/{space_id}', status_code=status.HTTP_204_NO_CONTENT)
async def delete_space(space_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Owners only; no asset is deleted."""
    await spaces.delete_space(instance, actor, space_id)


@router.post('/{space_id}/visit', response_model=Visit)
async def record_visit(space_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Opening the space: what is new since my previous visit; this visit becomes the last one."""
    return await spaces.record_visit(instance, actor, space_id)


@router.put('/{space_id}/timeline', response_model=SpaceSummary)
async def show_in_timeline(space_id: uuid.UUID, body: TimelineIn, actor: CurrentActor, instance: Instance):
    """Whether this space's assets show on my main timeline (mine only)."""
    return await spaces.show_in_timeline(instance, actor, space_id, body.show_in_timeline)


# ---- members --------------------------------------------------------------------------------------------------------


@router.post('/{space_id}/members', response_model=MemberView, status_code=status.HTTP_201_CREATED)
async def add_member(space_id: uuid.UUID, body: MemberIn, actor: CurrentActor, instance: Instance):
    return await spaces.add_member(instance, actor, space_id, body.email, body.role)


@router.patch('/{space_id}/members/{user_id}', response_model=MemberView)
async def change_role(space_id: uuid.UUID, user_id: uuid.UUID, body: RoleIn, actor: CurrentActor, instance: Instance):
    """Owners change roles; the last owner cannot be demoted (409)."""
    return await spaces.change_role(instance, actor, space_id, user_id, body.role)


@router.delete('/{space_id}/members/{user_id}', status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(space_id: uuid.UUID, user_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    await spaces.remove_member(instance, actor, space_id, user_id)


@router.post('/{space_id}/leave', response_model=CountOut)
async def leave_space(space_id: uuid.UUID, actor: CurrentActor, instance: Instance, body: LeaveIn | None = None):
    """Leave the space (not as its last owner: 409); optionally take the photos I added with me."""
    taken = await spaces.leave_space(instance, actor, space_id, body.take_my_photos if body else False)
    return CountOut(count=taken)


# ---- its assets -----------------------------------------------------------------------------------------------------


@router.post('/{space_id}/assets', response_model=CountOut)
async def add_assets(space_id: uuid.UUID, body: AssetIdsIn, actor: CurrentActor, instance: Instance):
    """Add photos of my own library; answers how many were new to the space."""
    return CountOut(count=await spaces.add_assets(instance, actor, space_id, body.asset_ids))


@router.post('/{space_id}/assets/all', response_model=CountOut)
async def add_all_my_assets(space_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Add every photo and video of mine (not trashed or archived) in one step."""
    return CountOut(count=await spaces.add_all_my_assets(instance, actor, space_id))


@router.post('/{space_id}/assets/remove', response_model=CountOut)
async def remove_assets(space_id: uuid.UUID, body: AssetIdsIn, actor: CurrentActor, instance: Instance):
    """Take assets out of the space (never deletes them); contributors take out only what they added."""
    return CountOut(count=await spaces.remove_assets(instance, actor, space_id, body.asset_ids))


@router.post('/{space_id}/libraries', response_model=ConnectedLibrary, status_code=status.HTTP_201_CREATED)
async def connect_library(space_id: uuid.UUID, body: LibraryIn, actor: CurrentActor, instance: Instance):
    """Connect one of my external libraries: all its assets, now and later, are in the space."""
    return await spaces.connect_library(instance, actor, space_id, body.library_id)


@router.delete('/{space_id}/libraries/{library_id}', status_code=status.HTTP_204_NO_CONTENT)
async def disconnect_library(space_id: uuid.UUID, library_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    await spaces.disconnect_library(instance, actor, space_id, library_id)


# ---- timeline and activity ------------------------------------------------------------------------------------------


@router.get('/{space_id}/timeline/buckets', response_model=list[schemas.BucketOut])
async def buckets(space_id: uuid.UUID, filters: Filters, actor: CurrentActor, instance: Instance):
    """Months of the space's assets (filtered), newest first, with their counts."""
    months = await spaces.timeline_buckets(instance, actor, space_id, filters.to_filters())
    return [schemas.BucketOut(month=month, count=count) for month, count in months]


@router.get('/{space_id}/timeline/buckets/{month}', response_model=schemas.BucketAssetsOut)
async def bucket(space_id: uuid.UUID, month: str, filters: Filters, actor: CurrentActor, instance: Instance):
    """The space's assets of one month (YYYY-MM), newest first."""
    items = await spaces.timeline_bucket(instance, actor, space_id, month, filters.to_filters())
    return schemas.bucket_out(month, items)


@router.get('/{space_id}/people', response_model=list[PersonView])
async def space_people(space_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """The space's people with their counts of the space's photos; names are given by its owners and editors (with
    PATCH /api/people/{id}, like merging and moving faces) and seen by every member."""
    return await people.list_space_people(instance, actor, space_id)


@router.get('/{space_id}/neighbours/{asset_id}', response_model=schemas.NeighboursOut)
async def neighbours(
    space_id: uuid.UUID, asset_id: uuid.UUID, filters: Filters, actor: CurrentActor, instance: Instance
):
    """The assets before (newer) and after (older) this one in the space's (filtered) order."""
    previous, following = await spaces.space_neighbours(instance, actor, space_id, asset_id, filters.to_filters())
    return schemas.NeighboursOut(previous=previous, next=following)


@router.get('/{space_id}/filters', response_model=FilterChoices)
async def filter_choices(space_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """What the filters panel offers: contributors, cameras, tags, and places (countries with their cities) with
    how many photos each, as `place` values."""
    return await spaces.filter_choices(instance, actor, space_id)


@router.get('/{space_id}/activity', response_model=list[ActivityEntry])
async def list_activity(
    space_id: uuid.UUID,
    actor: CurrentActor,
    instance: Instance,
    before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
):
    """The activity feed, newest first; page with `before` = the last entry's `created_at`."""
    return await spaces.list_activity(instance, actor, space_id, before, limit)
