"""Sign-in, the caller's own account, and their API keys."""

import uuid

from fastapi import APIRouter, Depends, Query, Request, Response, status

from api import schemas
from api.deps import CurrentActor, Instance, bearer_token, client_address, refuse_api_keys
from services import accounts

router = APIRouter(tags=['auth'])


NO_KEYS = Depends(refuse_api_keys)  # a leaked key must not make itself another


@router.post('/auth/login', response_model=schemas.TokenOut)
async def login(body: schemas.LoginIn, request: Request, instance: Instance):
    """Exchange email and password for a bearer token (send it as `Authorization: Bearer <token>`)."""
    actor = await accounts.authenticate(instance, body.email, body.password, client_address(request))
    return schemas.TokenOut(access_token=await accounts.issue_token(instance, actor))


@router.post('/auth/logout', status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, _: CurrentActor, instance: Instance):
    if token := bearer_token(request):
        await accounts.revoke_token(instance, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get('/users/me', response_model=schemas.UserOut)
async def me(actor: CurrentActor):
    return schemas.UserOut(id=actor.id, email=actor.email, name=actor.name, is_admin=actor.is_admin)


@router.get('/users/directory', response_model=list[schemas.DirectoryEntryOut])
async def directory(
    actor: CurrentActor,
    instance: Instance,
    q: str = Query('', max_length=200),
    limit: int = Query(accounts.DIRECTORY_LIMIT, ge=1, le=100),
):
    """The members of this Hearth the caller may invite to a space, an album or their library, A to Z: id and name
    (avatars are drawn from the name). `q` finds part of a name, or a whole email address. Never the caller, never a
    disabled account, and never anyone's email, not even to the administrator (who has GET /admin/users)."""
    return await accounts.member_directory(instance, actor, q, limit=limit)


@router.post('/users/me/password', status_code=status.HTTP_204_NO_CONTENT, dependencies=[NO_KEYS])
async def change_password(body: schemas.PasswordChangeIn, actor: CurrentActor, instance: Instance):
    await accounts.change_password(instance, actor, body.current_password, body.new_password)


@router.get('/users/me/api-keys', response_model=list[schemas.ApiKeyOut], dependencies=[NO_KEYS])
async def list_keys(actor: CurrentActor, instance: Instance):
    return await accounts.list_api_keys(instance, actor)


@router.post(
    '/users/me/api-keys',
    response_model=schemas.ApiKeyCreatedOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[NO_KEYS],
)
async def create_key(body: schemas.ApiKeyIn, actor: CurrentActor, instance: Instance):
    info, secret = await accounts.create_api_key(instance, actor, body.name, body.scope)
    return schemas.ApiKeyCreatedOut(**schemas.ApiKeyOut.model_validate(info).model_dump(), secret=secret)


@router.delete('/users/me/api-keys/{key_id}', status_code=status.HTTP_204_NO_CONTENT, dependencies=[NO_KEYS])
async def revoke_key(key_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    await accounts.revoke_api_key(instance, actor, key_id)
