"""Faces of an asset and their crops, for whoever can see the asset and nobody else (SPEC §7 "never across a
boundary": a face crop is as private as its photo); who each face is, as the member knows them; and faces a member
adds by hand around someone face detection missed (a face in profile, say), named at once.

A face added by hand has no embedding: grouping never sees it, so it is someone only where a member said so. Looking
for faces again keeps it. Whoever added it, or the photo's owner, may remove it.
"""

import asyncio
import io
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy import delete, select

from domain import access
from domain.access import Permission
from domain.errors import Forbidden, HearthError, InvalidInput, NotFound
from domain.faces import BY_HAND, Box, require_box
from domain.jobs import Queue
from services import grouping, identities, people
from services.accounts import Actor
from services.assets import require_permission
from services.runtime import Hearth
from storage import access as access_queries
from storage import jobs as job_rows
from storage import people as people_queries
from storage.models import Asset, Face, PersonFace

CROP_SIDE = 160
CROP_MARGIN = 0.3  # of the face box on each side: a little hair and chin make faces recognisable to people


@dataclass(frozen=True)
class FaceView:
    id: uuid.UUID
    asset_id: uuid.UUID
    x: float
    y: float
    width: float
    height: float
    score: float
    added_by_hand: bool = False
    person_id: uuid.UUID | None = None  # who they are where I name this photo's people (my library, or a space)
    name: str | None = None  # the name I know them by (Global People): mine, else a space's
    name_from: str | None = None  # the space that name comes from; None when it is mine (or there is none)
    can_name: bool = False  # whether I may say who they are
    can_remove: bool = False  # added by hand, by me or in my photo


@dataclass(frozen=True)
class _Seen:
    """What the member may do with a photo's faces, and where they name them."""

    owner_id: uuid.UUID
    scope_id: uuid.UUID | None


async def refresh_faces(hearth: Hearth, actor: Actor, asset_id: uuid.UUID) -> None:
    """Find the asset's faces again (SPEC §3 "refresh faces"), in the background; the people of its library and of
    the spaces holding it follow. Faces added by hand stay."""
    async with hearth.db.session() as session:
        await require_permission(session, actor, Permission.REFRESH_FACES, [asset_id])
        await job_rows.enqueue(session, Queue.FACES, 'faces', [job_rows.asset_subject(asset_id)], force=True)
        await session.commit()
    hearth.wake(Queue.FACES)


async def faces_in_asset(
    hearth: Hearth, actor: Actor, asset_id: uuid.UUID, space_id: uuid.UUID | None = None
) -> list[FaceView]:
    """The photo's faces, left to right, each with who they are as I know them and what I may do; `space_id`: as
    seen in that space (named among its people, when I am its owner or editor)."""
    async with hearth.db.session() as session:
        roles = await access_queries.roles_on(session, actor.id, [asset_id])
        access.require(Permission.VIEW, [asset_id], roles)
        faces = list(await session.scalars(select(Face).where(Face.asset_id == asset_id).order_by(Face.x, Face.id)))
        if not faces:
            return []
        may_name = Permission.NAME_PEOPLE in access.permissions_of(roles[asset_id])
        seen = _Seen(
            await session.scalar(select(Asset.owner_id).where(Asset.id == asset_id)),
            await _scope_id(session, actor, asset_id, space_id) if may_name else None,
        )
        rows = (await session.execute(people_queries.people_of_faces([face.id for face in faces], actor.id))).all()
    known = await identities.identities_of(hearth, actor, {row.person_id for row in rows})
    rows_of: dict[uuid.UUID, list] = defaultdict(list)
    for row in rows:
        rows_of[row.face_id].append(row)
    return [_view(face, actor, seen, rows_of[face.id], known) for face in faces]


async def may_name_people(hearth: Hearth, actor: Actor, asset_id: uuid.UUID, space_id: uuid.UUID | None = None) -> bool:
    """Whether I may say who is in this photo (and add someone Hearth missed); 404 if I cannot see it."""
    async with hearth.db.session() as session:
        roles = await access_queries.roles_on(session, actor.id, [asset_id])
        access.require(Permission.VIEW, [asset_id], roles)
        if Permission.NAME_PEOPLE not in access.permissions_of(roles[asset_id]):
            return False
        return await _scope_id(session, actor, asset_id, space_id) is not None


async def _scope_id(session, actor: Actor, asset_id: uuid.UUID, space_id: uuid.UUID | None) -> uuid.UUID | None:
    try:
        scope = await people.naming_scope(session, actor, asset_id, space_id)
    except HearthError:  # a space I may not name people in, or that does not hold the photo: named where I may
        scope = await people.naming_scope(session, actor, asset_id)
    return scope.id if scope else None


def _view(face: Face, actor: Actor, seen: _Seen, rows: list, known: dict) -> FaceView:
    """The face with whom I know it as: the person where I name people first, then my library's, then a space's."""
    scope_of = {row.person_id: row.space_id or actor.id for row in rows}
    ranked = sorted(rows, key=lambda row: (scope_of[row.person_id] != seen.scope_id, row.space_id is not None))
    person_id = next((row.person_id for row in ranked if scope_of[row.person_id] == seen.scope_id), None)
    name = name_from = None
    for row in ranked:
        identity = known.get(row.person_id)
        if identity is not None and identity.name:
            name, name_from = identity.name, identity.name_from
            break
        if row.name:
            name, name_from = row.name, row.space_name
            break
    by_hand = face.source == BY_HAND
    return FaceView(
        *_box(face),
        added_by_hand=by_hand,
        person_id=person_id,
        name=name,
        name_from=name_from,
        can_name=seen.scope_id is not None,
        can_remove=by_hand and seen.scope_id is not None and actor.id in (face.added_by_id, seen.owner_id),
    )


def _box(face: Face) -> tuple:
    return face.id, face.asset_id, face.x, face.y, face.width, face.height, face.score


async def add_face(
    hearth: Hearth,
    actor: Actor,
    asset_id: uuid.UUID,
    box: Box,
    person_id: uuid.UUID | None = None,
    name: str | None = None,
    space_id: uuid.UUID | None = None,
) -> FaceView:
    """Add a face Hearth missed, from a box I drew on the photo (fractions of its width and height), and say who it
    is at once, as `people.name_face` does."""
    async with hearth.db.session() as session:
        await require_permission(session, actor, Permission.NAME_PEOPLE, [asset_id])
        box = require_box(box)
        face = Face(
            id=uuid.uuid4(),
            asset_id=asset_id,
            x=box.x,
            y=box.y,
            width=box.width,
            height=box.height,
            score=1.0,
            embedding_id='',
            model=BY_HAND,
            source=BY_HAND,
            added_by_id=actor.id,
        )
        session.add(face)
        await session.flush()
        await people.put_face(session, actor, face, person_id, name, space_id)
        await session.commit()
    shown = await faces_in_asset(hearth, actor, asset_id, space_id)
    return next(view for view in shown if view.id == face.id)


async def remove_face(hearth: Hearth, actor: Actor, face_id: uuid.UUID) -> None:
    """Remove a face added by hand (by whoever added it, or the photo's owner); the people it was leave it."""
    async with hearth.db.session() as session:
        face = await _face_in_reach(session, actor, face_id, Permission.NAME_PEOPLE)
        if face.source != BY_HAND:
            raise InvalidInput('Only a face added by hand can be removed')
        owner_id = await session.scalar(select(Asset.owner_id).where(Asset.id == face.asset_id))
        if actor.id not in (face.added_by_id, owner_id):
            raise Forbidden('Only whoever added this face, or the owner of the photo, can remove it')
        people_of_face = list(await session.scalars(select(PersonFace.person_id).where(PersonFace.face_id == face_id)))
        await session.execute(delete(Face).where(Face.id == face_id))
        await session.flush()
        for person_id in people_of_face:
            await grouping.repair_person(session, person_id)
        await session.commit()


async def _face_in_reach(session, actor: Actor, face_id: uuid.UUID, permission: Permission) -> Face:
    """The face, if the actor may do this to its photo (404 for a face of a photo they cannot see)."""
    face = await session.get(Face, face_id)
    if face is None:
        raise NotFound('Face not found')
    await require_permission(session, actor, permission, [face.asset_id])
    return face


async def face_crop(hearth: Hearth, actor: Actor, face_id: uuid.UUID) -> bytes:
    """A small JPEG of the face, cut from the asset's preview."""
    async with hearth.db.session() as session:
        face = await _face_in_reach(session, actor, face_id, Permission.VIEW)
        asset = await session.get(Asset, face.asset_id)
    preview = hearth.files.files_of(asset).preview
    return await asyncio.to_thread(_crop, preview, FaceView(*_box(face)))


def _crop(preview: Path, face: FaceView) -> bytes:
    with Image.open(preview) as image:
        width, height = image.size
        margin_x, margin_y = face.width * CROP_MARGIN, face.height * CROP_MARGIN
        box = (
            max(0, int((face.x - margin_x) * width)),
            max(0, int((face.y - margin_y) * height)),
            min(width, int((face.x + face.width + margin_x) * width)),
            min(height, int((face.y + face.height + margin_y) * height)),
        )
        crop = image.convert('RGB').crop(box)
    crop.thumbnail((CROP_SIDE, CROP_SIDE))
    output = io.BytesIO()
    crop.save(output, 'JPEG', quality=85)
    return output.getvalue()
