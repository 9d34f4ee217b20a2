"""People of my library: listed, counted and named for me alone (SPEC §7)."""

import uuid

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import CurrentActor, Instance
from services import people
from services.people import PersonView

router = APIRouter(prefix='/people', tags=['people'])


class PersonPatch(BaseModel):
    name: str | None = None
    hidden: bool | None = None


@router.get('', response_model=list[PersonView])
async def list_people(actor: CurrentActor, instance: Instance, hidden: bool = False):
    """My library's people; `hidden=true` lists those I hid instead."""
    return await people.list_people(instance, actor, hidden)


@router.patch('/{person_id}', response_model=PersonView)
async def rename_person(person_id: uuid.UUID, body: PersonPatch, actor: CurrentActor, instance: Instance):
    """Name a person (an empty name takes the name away; only I see it), or hide them, or show them again."""
    return await people.update_person(instance, actor, person_id, **body.model_dump(exclude_unset=True))
