"""My public links: make, list, change and revoke links to my albums, to spaces I may share, or to a selection of
assets."""

import uuid
from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentActor, Instance
from services import links
from services.links import LinkView

router = APIRouter(prefix='/links', tags=['links'])
MAX_ASSETS_PER_LINK = 10_000


class LinkIn(BaseModel):
    """Give one of album_id, space_id or asset_ids. Only links to an album or a space may accept uploads."""

    model_config = ConfigDict(extra='forbid')
    album_id: uuid.UUID | None = None
    space_id: uuid.UUID | None = None
    asset_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_ASSETS_PER_LINK)
    label: str | None = None
    password: str | None = None
    expires_at: datetime | None = None
    allow_download: bool = False
    show_metadata: bool = False
    allow_upload: bool = False


class LinkPatch(BaseModel):
    """Omit a field to leave it unchanged; a password of null or '' removes it, an expires_at of null never ends."""

    model_config = ConfigDict(extra='forbid')
    label: str | None = None
    password: str | None = None
    expires_at: datetime | None = None
    allow_download: bool | None = None
    show_metadata: bool | None = None
    allow_upload: bool | None = None


@router.post('', response_model=LinkView, status_code=status.HTTP_201_CREATED)
async def create_link(body: LinkIn, actor: CurrentActor, instance: Instance):
    """A link to an album I own, to a space where I am an owner or editor (404 if I am not in it, 403 for other
    roles), or to assets I may put in albums. Its `url` is the page guests open."""
    return await links.create_link(instance, actor, **body.model_dump())


@router.get('', response_model=list[LinkView])
async def list_links(actor: CurrentActor, instance: Instance):
    """My links, newest first, with their settings and how many assets each shows now."""
    return await links.list_links(instance, actor)


@router.patch('/{link_id}', response_model=LinkView)
async def update_link(link_id: uuid.UUID, body: LinkPatch, actor: CurrentActor, instance: Instance):
    changes = body.model_dump(exclude_unset=True)
    for flag in ('allow_download', 'show_metadata', 'allow_upload'):
        if flag in changes and changes[flag] is None:
            del changes[flag]
    return await links.update_link(instance, actor, link_id, **changes)


@router.delete('/{link_id}', status_code=status.HTTP_204_NO_CONTENT)
async def revoke_link(link_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """The link stops working at once."""
    await links.revoke_link(instance, actor, link_id)
