"""External libraries: server folders the admin allows a member, the member's libraries made of them, and scans."""

import uuid

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from api.deps import CurrentActor, Instance
from services import libraries
from services.libraries import FolderView, LibraryView, ScanSummary

router = APIRouter(tags=['libraries'])


class LibraryIn(BaseModel):
    model_config = ConfigDict(extra='forbid')
    name: str
    path: str  # absolute, inside one of my allowed folders


class LibraryPatch(BaseModel):
    model_config = ConfigDict(extra='forbid')
    name: str


class FolderIn(BaseModel):
    model_config = ConfigDict(extra='forbid')
    user_id: uuid.UUID
    path: str


class RemovedOut(BaseModel):
    removed: int


# ---- my libraries ---------------------------------------------------------------------------------------------------


@router.get('/libraries', response_model=list[LibraryView])
async def list_libraries(actor: CurrentActor, instance: Instance):
    """My external libraries with their counts and last scan."""
    return await libraries.list_libraries(instance, actor)


@router.get('/libraries/folders', response_model=list[FolderView])
async def my_folders(actor: CurrentActor, instance: Instance):
    """The server folders the admin allows me to make libraries of."""
    return await libraries.list_my_folders(instance, actor)


@router.post('/libraries', response_model=LibraryView, status_code=status.HTTP_201_CREATED)
async def create_library(body: LibraryIn, actor: CurrentActor, instance: Instance):
    """Make a library of a folder inside one of my allowed folders; scan it to fill it."""
    return await libraries.create_library(instance, actor, body.name, body.path)


@router.patch('/libraries/{library_id}', response_model=LibraryView)
async def rename_library(library_id: uuid.UUID, body: LibraryPatch, actor: CurrentActor, instance: Instance):
    return await libraries.rename_library(instance, actor, library_id, body.name)


@router.delete('/libraries/{library_id}', response_model=RemovedOut)
async def delete_library(library_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Take the library's photos out of Hearth; the files in the folder stay as they are."""
    return RemovedOut(removed=await libraries.delete_library(instance, actor, library_id))


@router.post('/libraries/{library_id}/scan', response_model=ScanSummary)
async def scan_library(library_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Scan now and answer what changed; 409 while the library is being scanned."""
    return await libraries.scan_library(instance, actor, library_id)


# ---- the admin's allowed folders ------------------------------------------------------------------------------------


@router.get('/admin/external-folders', response_model=list[FolderView], tags=['admin'])
async def list_folders(actor: CurrentActor, instance: Instance, user_id: uuid.UUID | None = None):
    """Allowed folders (of one member with `user_id`) and the names and sizes of libraries made of them."""
    return await libraries.list_folders(instance, actor, user_id)


@router.post('/admin/external-folders', response_model=FolderView, status_code=status.HTTP_201_CREATED, tags=['admin'])
async def grant_folder(body: FolderIn, actor: CurrentActor, instance: Instance):
    """Allow a member to make libraries of an existing server folder."""
    return await libraries.grant_folder(instance, actor, body.user_id, body.path)


@router.delete('/admin/external-folders/{folder_id}', status_code=status.HTTP_204_NO_CONTENT, tags=['admin'])
async def revoke_folder(folder_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Libraries made of the folder keep their photos but are no longer scanned."""
    await libraries.revoke_folder(instance, actor, folder_id)
