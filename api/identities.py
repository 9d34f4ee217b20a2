"""Global People: one identity per real person across my library and the spaces on my timeline (SPEC §7).

An identity is addressed by the id of any person in it. Decisions made here (same person, not the same, my name
for them) are mine alone.
"""

import uuid

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import CurrentActor, Instance
from services import identities
from services.identities import IdentityView

router = APIRouter(prefix='/identities', tags=['people'])


class PeopleIn(BaseModel):
    person_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)


class NameIn(BaseModel):
    name: str | None = Field(None, description='empty or null takes my name away (a space name may show again)')
    spaces: list[uuid.UUID] = Field(
        [], max_length=100, description="also name the person's people in these spaces (where I am owner or editor)"
    )


@router.get('', response_model=list[IdentityView])
async def list_identities(
    actor: CurrentActor, instance: Instance, hidden: bool = False, q: str = Query('', max_length=100)
):
    """My people, one per real person, with the count of their photos I may see; `hidden=true`: those I hid; `q`:
    those whose name (mine, else a space's) holds this text: one hit per real person."""
    return await identities.list_identities(instance, actor, hidden, q)


@router.get('/{person_id}', response_model=IdentityView)
async def get_identity(person_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """The identity holding this person, with the people it is made of and why they are linked."""
    return await identities.get_identity(instance, actor, person_id)


@router.post('/{person_id}/merge', response_model=IdentityView)
async def merge(person_id: uuid.UUID, body: PeopleIn, actor: CurrentActor, instance: Instance):
    """These people are the same real person as this one (for me)."""
    return await identities.merge(instance, actor, person_id, body.person_ids)


@router.post('/{person_id}/undo-merge', status_code=204)
async def undo_merge(person_id: uuid.UUID, body: PeopleIn, actor: CurrentActor, instance: Instance) -> None:
    await identities.undo_merge(instance, actor, person_id, body.person_ids)


@router.post('/{person_id}/split', response_model=IdentityView)
async def split(person_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """This person is not the others they are linked with (for me); returns them on their own."""
    return await identities.split(instance, actor, person_id)


@router.put('/{person_id}/name', response_model=IdentityView)
async def rename(person_id: uuid.UUID, body: NameIn, actor: CurrentActor, instance: Instance):
    """My name for this person (on my own person in the identity, made if needed), and in the spaces I choose
    among those where I name people; other spaces' names stay theirs."""
    return await identities.rename(instance, actor, person_id, body.name, body.spaces)
