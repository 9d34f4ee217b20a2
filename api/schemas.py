"""Request and response bodies of the REST API."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from domain.access import TrustLevel
from domain.accounts import KeyScope

MAX_OFFSET = 1_000_000_000  # far past any family's library, well inside what a database stores
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description='How many to skip')]


class LoginIn(BaseModel):
    email: str
    password: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = 'bearer'


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    is_admin: bool


class DirectoryEntryOut(BaseModel):
    """A member to invite: no email (see GET /users/directory)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str


class PasswordChangeIn(BaseModel):
    current_password: str
    new_password: str


class ApiKeyIn(BaseModel):
    name: str
    scope: KeyScope = Field(
        default=KeyScope.FULL, description="'read', 'upload' (read and send photos) or 'full' (all but keys)"
    )


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    prefix: str
    scope: KeyScope
    created_at: datetime
    last_used_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    secret: str = Field(description='Shown once; send it as the x-api-key header')


class MemberIn(BaseModel):
    email: str
    name: str
    password: str
    is_admin: bool = False
    quota_bytes: int | None = None


class MemberPatch(BaseModel):
    model_config = ConfigDict(extra='forbid')
    email: str | None = None
    name: str | None = None
    password: str | None = None
    is_admin: bool | None = None
    disabled: bool | None = None
    quota_bytes: int | None = None


class UploadOut(BaseModel):
    id: uuid.UUID
    status: str = Field(description="'created', or 'duplicate' when you already have this exact file")
    filename: str


class DetailsPatch(BaseModel):
    """Shared fields: everyone who sees the asset sees the new value. Omit a field to leave it unchanged."""

    model_config = ConfigDict(extra='forbid')
    taken_at: datetime | None = None
    utc_offset_minutes: int | None = None
    description: str | None = None
    tags: list[str] | None = None
    latitude: float | None = None
    longitude: float | None = None


class PlaceIn(BaseModel):
    """A photo's place named by hand; the geocoder never overwrites it. Every name empty, or `automatic`, gives it
    back to the geocoder, which names it again from the photo's position."""

    model_config = ConfigDict(extra='forbid')
    city: str | None = Field(None, max_length=200)
    state: str | None = Field(None, max_length=200, description='region: a state, province or nation')
    country: str | None = Field(None, max_length=100)
    automatic: bool = False


class PlaceChoiceOut(BaseModel):
    """A place to filter by (`value`, e.g. 'country:GB' or 'city:GB/Edinburgh') with how many photos are there."""

    model_config = ConfigDict(from_attributes=True)
    value: str
    name: str
    count: int
    cities: list['PlaceChoiceOut'] = []


class BulkDetailsPatch(DetailsPatch):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=50_000)


class StateIn(BaseModel):
    """Your own state on the asset: nobody else sees it."""

    model_config = ConfigDict(extra='forbid')
    favorite: bool | None = None
    rating: int | None = Field(default=None, ge=0, le=5)
    archived: bool | None = None


class BulkStateIn(StateIn):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=50_000)


class IdsIn(BaseModel):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=50_000)


class CountOut(BaseModel):
    count: int


class BucketOut(BaseModel):
    month: str
    count: int


class TimelineItemOut(BaseModel):
    id: uuid.UUID
    taken_at: datetime
    type: str
    duration: float | None
    favorite: bool
    rating: int
    w: int = Field(description='Width in pixels as shown (after orientation)')
    h: int = Field(description='Height in pixels as shown (after orientation)')
    r: int = Field(description='Degrees the photo is turned for everyone (0, 90, 180, 270): a new thumbnail')


class BucketAssetsOut(BaseModel):
    month: str
    assets: list[TimelineItemOut]


def bucket_out(month: str, items) -> BucketAssetsOut:
    """One month of a timeline (`storage.assets.TimelineItem`s) as the grid reads it."""
    return BucketAssetsOut(
        month=month,
        assets=[
            TimelineItemOut(
                id=item.id,
                taken_at=item.taken_at,
                type=item.media_type,
                duration=item.duration_seconds,
                favorite=item.favorite,
                rating=item.rating,
                w=item.width,
                h=item.height,
                r=item.rotation,
            )
            for item in items
        ],
    )


class NeighboursOut(BaseModel):
    previous: uuid.UUID | None
    next: uuid.UUID | None


class ShareIn(BaseModel):
    """Share with a member, by email, at a trust level (SPEC §3)."""

    email: str
    trust_level: TrustLevel = TrustLevel.KNOWN


class TrustIn(BaseModel):
    trust_level: TrustLevel


class TimelineIn(BaseModel):
    show_in_timeline: bool
