"""People of my library: listed, counted, named, merged and repaired for me alone (SPEC §7)."""

import uuid

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import CurrentActor, Instance
from api.schemas import CountOut
from services import people
from services.people import FaceView, PersonView

router = APIRouter(prefix='/people', tags=['people'])


class PersonPatch(BaseModel):
    name: str | None = None
    hidden: bool | None = None
    cover_face_id: uuid.UUID | None = Field(None, description='one of this person’s faces')


class MergeIn(BaseModel):
    person_ids: list[uuid.UUID] = Field(min_length=1, max_length=100, description='the same person as this one')


class MoveFacesIn(BaseModel):
    face_ids: list[uuid.UUID] = Field(min_length=1, max_length=10_000)
    to_person_id: uuid.UUID | None = Field(description='another of my people, or null: "not this person"')


@router.get('', response_model=list[PersonView])
async def list_people(actor: CurrentActor, instance: Instance, hidden: bool = False):
    """My library's people; `hidden=true` lists those I hid instead."""
    return await people.list_people(instance, actor, hidden)


@router.get('/{person_id}', response_model=PersonView)
async def get_person(person_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    return await people.get_person(instance, actor, person_id)


@router.patch('/{person_id}', response_model=PersonView)
async def update_person(person_id: uuid.UUID, body: PersonPatch, actor: CurrentActor, instance: Instance):
    """Name a person (an empty name takes the name away; only I see it), hide them or show them again, or choose
    their cover face."""
    return await people.update_person(instance, actor, person_id, **body.model_dump(exclude_unset=True))


@router.post('/{person_id}/merge', response_model=PersonView)
async def merge(person_id: uuid.UUID, body: MergeIn, actor: CurrentActor, instance: Instance):
    """The given people are this person: their faces join this one, who keeps their name. Undo with `undo-merge`."""
    return await people.merge_people(instance, actor, person_id, body.person_ids)


@router.post('/{person_id}/undo-merge', response_model=PersonView)
async def undo_merge(person_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Part a person merged into another again, with the faces they brought."""
    return await people.undo_merge(instance, actor, person_id)


@router.get('/{person_id}/faces', response_model=list[FaceView])
async def faces(person_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """The person's faces, newest photo first; crops at /api/faces/{id}/thumbnail."""
    return await people.faces_of(instance, actor, person_id)


@router.post('/{person_id}/faces/move', response_model=CountOut)
async def move_faces(person_id: uuid.UUID, body: MoveFacesIn, actor: CurrentActor, instance: Instance):
    """Faces wrongly given to this person go to another person, or to nobody (and never back to this one)."""
    return CountOut(count=await people.move_faces(instance, actor, person_id, body.face_ids, body.to_person_id))
