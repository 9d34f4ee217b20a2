"""Member management for the instance admin. Nothing here reveals a member's photos or their metadata."""

import uuid

from fastapi import APIRouter, status

from api import schemas
from api.deps import CurrentActor, Instance
from services import accounts
from services.accounts import Member

router = APIRouter(prefix='/admin', tags=['admin'])


@router.get('/users', response_model=list[Member])
async def list_members(actor: CurrentActor, instance: Instance):
    return await accounts.list_members(instance, actor)


@router.post('/users', response_model=schemas.UserOut, status_code=status.HTTP_201_CREATED)
async def create_member(body: schemas.MemberIn, actor: CurrentActor, instance: Instance):
    created = await accounts.create_user(instance, actor, **body.model_dump())
    return schemas.UserOut(id=created.id, email=created.email, name=created.name, is_admin=created.is_admin)


@router.patch('/users/{user_id}', response_model=Member)
async def update_member(
    user_id: uuid.UUID,
    body: schemas.MemberPatch,
    actor: CurrentActor,
    instance: Instance,
):
    return await accounts.update_member(instance, actor, user_id, **body.model_dump(exclude_unset=True))


@router.delete('/users/{user_id}', response_model=schemas.CountOut)
async def delete_member(user_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Deletes the member and their whole library; the count is how many of their assets went with them."""
    return schemas.CountOut(count=await accounts.delete_member(instance, actor, user_id))
