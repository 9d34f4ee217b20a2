"""Faces in assets, and their crops: only for whoever can see the asset. Who each face is, said face by face, and
faces added by hand around someone face detection missed."""

import uuid

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field, model_validator

from api.deps import CurrentActor, Instance
from domain.faces import Box, box_problem
from services import faces, people
from services.faces import FaceView
from services.people import PersonView

router = APIRouter(tags=['people'])


class WhoIn(BaseModel):
    """One of my people, or a name: the person of that name where I name people in the photo (made if need be)."""

    person_id: uuid.UUID | None = Field(None, description='one of the people I may name (my library’s, or a space’s)')
    name: str | None = Field(None, max_length=100, description='used when no person_id is given')
    space_id: uuid.UUID | None = Field(None, description='name them among this space’s people (I own or edit it)')

    @model_validator(mode='after')
    def _someone(self):
        if self.person_id is None and not (self.name and self.name.strip()):
            raise ValueError('Give a person_id or a name')
        return self


class FaceIn(WhoIn):
    """A box drawn around a face, in fractions of the photo's width and height from its top-left corner."""

    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)
    width: float = Field(gt=0, le=1)
    height: float = Field(gt=0, le=1)

    @model_validator(mode='after')
    def _sensible_box(self):
        problem = box_problem(self.box())
        if problem:
            raise ValueError(problem)
        return self

    def box(self) -> Box:
        return Box(self.x, self.y, self.width, self.height)


@router.get('/assets/{asset_id}/faces', response_model=list[FaceView])
async def faces_in_asset(
    asset_id: uuid.UUID, actor: CurrentActor, instance: Instance, space_id: uuid.UUID | None = None
):
    """The faces in the asset, left to right; boxes are fractions of its width and height. Each says who it is as I
    know them (`name`: mine, else a space's, `name_from`), `person_id` where I name this photo's people (my library,
    or a space I own or edit; with `space_id`, that space), and whether I may name it or remove it."""
    return await faces.faces_in_asset(instance, actor, asset_id, space_id)


@router.post('/assets/{asset_id}/faces', response_model=FaceView, status_code=status.HTTP_201_CREATED)
async def add_face(asset_id: uuid.UUID, body: FaceIn, actor: CurrentActor, instance: Instance):
    """Add a face Hearth missed, from a box drawn on the photo, and say who it is (as `PUT /faces/{id}/person`)."""
    return await faces.add_face(instance, actor, asset_id, body.box(), body.person_id, body.name, body.space_id)


@router.put('/faces/{face_id}/person', response_model=PersonView)
async def name_face(face_id: uuid.UUID, body: WhoIn, actor: CurrentActor, instance: Instance):
    """Say who this face is: confirmed, so grouping leaves it there (it leaves whoever grouping had given it to).
    Named in my library when the photo is in it, else in a space holding it that I own or edit; 403 elsewhere."""
    return await people.name_face(instance, actor, face_id, body.person_id, body.name, body.space_id)


@router.delete('/faces/{face_id}', status_code=status.HTTP_204_NO_CONTENT)
async def remove_face(face_id: uuid.UUID, actor: CurrentActor, instance: Instance) -> None:
    """Remove a face added by hand (whoever added it, or the photo's owner); found faces stay (400)."""
    await faces.remove_face(instance, actor, face_id)


@router.post('/assets/{asset_id}/refresh-faces', status_code=status.HTTP_202_ACCEPTED)
async def refresh_faces(asset_id: uuid.UUID, actor: CurrentActor, instance: Instance) -> None:
    """Find the asset's faces again in the background (owners, editors, curators and viewers; not contributors).
    Faces added by hand stay."""
    await faces.refresh_faces(instance, actor, asset_id)


@router.get('/faces/{face_id}/thumbnail', response_class=Response)
async def face_thumbnail(face_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    crop = await faces.face_crop(instance, actor, face_id)
    return Response(crop, media_type='image/jpeg', headers={'Cache-Control': 'private, max-age=86400'})
