"""Albums: curated sets I own or that are shared with me, their assets, members, comments and likes."""

import uuid

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from api import schemas
from api.deps import CurrentActor, Instance
from api.schemas import ShareIn, TimelineIn, TrustIn
from services import albums
from services.albums import Activity, AlbumDetail, AlbumItem, AlbumMemberView, AlbumSummary

router = APIRouter(prefix='/albums', tags=['albums'])
MAX_ASSETS_PER_REQUEST = 10_000


class AlbumIn(BaseModel):
    model_config = ConfigDict(extra='forbid')
    name: str
    description: str | None = None
    asset_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_ASSETS_PER_REQUEST)


class AlbumPatch(BaseModel):
    """Omit a field to leave it unchanged; a description of '' clears it."""

    model_config = ConfigDict(extra='forbid')
    name: str | None = None
    description: str | None = None
    cover_asset_id: uuid.UUID | None = None


class AssetIdsIn(BaseModel):
    asset_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_ASSETS_PER_REQUEST)


class AddedOut(BaseModel):
    added: int


class RemovedOut(BaseModel):
    removed: int


class CommentIn(BaseModel):
    text: str
    asset_id: uuid.UUID | None = None


class LikeIn(BaseModel):
    asset_id: uuid.UUID | None = None


# ---- the album itself -----------------------------------------------------------------------------------------------


@router.get('', response_model=list[AlbumSummary])
async def list_albums(actor: CurrentActor, instance: Instance):
    """Albums I own and albums shared with me, most recently changed first."""
    return await albums.list_albums(instance, actor)


@router.post('', response_model=AlbumSummary, status_code=status.HTTP_201_CREATED)
async def create_album(body: AlbumIn, actor: CurrentActor, instance: Instance):
    """Create an album, optionally with assets I can see and may put in albums."""
    return await albums.create_album(instance, actor, body.name, body.description, body.asset_ids)


@router.get('/{album_id}', response_model=AlbumDetail)
async def get_album(album_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """The album with its members and who added how many of its assets."""
    return await albums.get_album(instance, actor, album_id)


@router.patch('/{album_id}', response_model=AlbumSummary)
async def update_album(album_id: uuid.UUID, body: AlbumPatch, actor: CurrentActor, instance: Instance):
    """Rename, describe or set the cover (a photo in the album); only the owner may."""
    return await albums.update_album(instance, actor, album_id, body.name, body.description, body.cover_asset_id)


@router.delete('/{album_id}', status_code=status.HTTP_204_NO_CONTENT)
async def delete_album(album_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Delete the album with its memberships and comments; its assets stay where they are."""
    await albums.delete_album(instance, actor, album_id)


# ---- its assets -----------------------------------------------------------------------------------------------------


@router.get('/{album_id}/assets', response_model=list[AlbumItem])
async def album_items(album_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """The album's assets, newest first, with who added each and whether I may take it out."""
    return await albums.album_items(instance, actor, album_id)


@router.get('/{album_id}/timeline/buckets', response_model=list[schemas.BucketOut])
async def timeline_buckets(album_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """The album's months with their counts, newest first, as the timeline grid reads them."""
    months = await albums.timeline_buckets(instance, actor, album_id)
    return [schemas.BucketOut(month=month, count=count) for month, count in months]


@router.get('/{album_id}/timeline/buckets/{month}', response_model=schemas.BucketAssetsOut)
async def timeline_bucket(album_id: uuid.UUID, month: str, actor: CurrentActor, instance: Instance):
    """One month of the album (YYYY-MM), newest first."""
    return schemas.bucket_out(month, await albums.timeline_bucket(instance, actor, album_id, month))


@router.put('/{album_id}/assets', response_model=AddedOut)
async def add_assets(album_id: uuid.UUID, body: AssetIdsIn, actor: CurrentActor, instance: Instance):
    """Add assets I can see and may put in albums; answers how many were new to the album."""
    return AddedOut(added=await albums.add_assets(instance, actor, album_id, body.asset_ids))


@router.delete('/{album_id}/assets', response_model=RemovedOut)
async def remove_assets(album_id: uuid.UUID, body: AssetIdsIn, actor: CurrentActor, instance: Instance):
    """Take assets out of the album (never trashes them); members remove only what they added."""
    return RemovedOut(removed=await albums.remove_assets(instance, actor, album_id, body.asset_ids))


# ---- members --------------------------------------------------------------------------------------------------------


@router.post('/{album_id}/members', response_model=AlbumMemberView, status_code=status.HTTP_201_CREATED)
async def share_album(album_id: uuid.UUID, body: ShareIn, actor: CurrentActor, instance: Instance):
    """Share the album with another member at a trust level; only the owner may."""
    return await albums.share_album(instance, actor, album_id, body.email, body.trust_level)


@router.patch('/{album_id}/members/{user_id}', response_model=AlbumMemberView)
async def change_member_trust(
    album_id: uuid.UUID, user_id: uuid.UUID, body: TrustIn, actor: CurrentActor, instance: Instance
):
    """Change what a member may do with the album's assets; only the owner may."""
    return await albums.change_member_trust(instance, actor, album_id, user_id, body.trust_level)


@router.delete('/{album_id}/members/{user_id}', status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(album_id: uuid.UUID, user_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """End a member's access at once; what they added stays in the album."""
    await albums.remove_member(instance, actor, album_id, user_id)


@router.post('/{album_id}/leave', status_code=status.HTTP_204_NO_CONTENT)
async def leave_album(album_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Leave an album shared with me."""
    await albums.leave_album(instance, actor, album_id)


@router.put('/{album_id}/timeline', response_model=AlbumSummary)
async def show_in_timeline(album_id: uuid.UUID, body: TimelineIn, actor: CurrentActor, instance: Instance):
    """Show or hide an album shared with me on my own timeline."""
    return await albums.show_in_timeline(instance, actor, album_id, body.show_in_timeline)


# ---- comments and likes ---------------------------------------------------------------------------------------------


@router.get('/{album_id}/activity', response_model=list[Activity])
async def list_activity(
    album_id: uuid.UUID, actor: CurrentActor, instance: Instance, asset_id: uuid.UUID | None = None
):
    """Comments and likes on the album, or with `asset_id` on one of its assets, oldest first."""
    return await albums.list_activity(instance, actor, album_id, asset_id)


@router.post('/{album_id}/comments', response_model=Activity, status_code=status.HTTP_201_CREATED)
async def add_comment(album_id: uuid.UUID, body: CommentIn, actor: CurrentActor, instance: Instance):
    """Comment on the album, or with `asset_id` on one of its assets."""
    return await albums.add_comment(instance, actor, album_id, body.text, body.asset_id)


@router.put('/{album_id}/likes', response_model=Activity)
async def like(album_id: uuid.UUID, actor: CurrentActor, instance: Instance, body: LikeIn | None = None):
    """Like the album (no body) or one of its assets; liking twice keeps one like."""
    return await albums.like(instance, actor, album_id, body.asset_id if body else None)


@router.delete('/{album_id}/likes', status_code=status.HTTP_204_NO_CONTENT)
async def unlike(album_id: uuid.UUID, actor: CurrentActor, instance: Instance, asset_id: uuid.UUID | None = None):
    """Take back my like of the album, or with `asset_id` of one of its assets."""
    await albums.unlike(instance, actor, album_id, asset_id)


@router.delete('/{album_id}/activity/{activity_id}', status_code=status.HTTP_204_NO_CONTENT)
async def delete_activity(album_id: uuid.UUID, activity_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Delete a comment or like; its author and the album owner may."""
    await albums.delete_activity(instance, actor, album_id, activity_id)
