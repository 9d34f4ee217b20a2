"""The viewer's "In this photo", as a family member uses it: a face seen once is named by tapping it and typing the
name, someone Hearth missed is added by drawing a box and picking them from my people, and a guest only looks."""

import uuid

from nicegui.testing import User
from sqlalchemy import select

from domain.access import TrustLevel
from domain.faces import Box
from ml.faces import MODEL_VERSION
from services import faces, people, runtime, sharing
from storage.models import Face
from tests.ui.conftest import add_photo, eventually, member, sign_in, sign_up_admin
from ui.components.photo_people import DrawDialog


async def photo_with_a_face(actor, tmp_path) -> tuple[uuid.UUID, uuid.UUID]:
    """A photo with one face found (as the pipeline would), which nobody has named."""
    colour = tuple(uuid.uuid4().bytes[:3])  # a photo of its own, not a duplicate
    asset_id = await add_photo(actor, tmp_path, f'{uuid.uuid4().hex}.jpg', color=colour)
    face = Face(id=uuid.uuid4(), asset_id=asset_id, x=0.2, y=0.2, width=0.2, height=0.3, score=0.99)
    face.embedding_id, face.model = str(face.id), MODEL_VERSION
    async with runtime.current().db.session() as session:
        session.add(face)
        await session.commit()
    return asset_id, face.id


async def signed_in_bea(user: User):
    await sign_up_admin(user)
    bea = await member()
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    return bea


async def names_in(actor, asset_id) -> list[str | None]:
    return [face.name for face in await faces.faces_in_asset(runtime.current(), actor, asset_id)]


async def test_i_tap_a_face_seen_once_and_type_its_name(user: User, tmp_path):
    bea = await signed_in_bea(user)
    asset_id, _ = await photo_with_a_face(bea, tmp_path)

    await user.open(f'/photo/{asset_id}')
    user.find('viewer-info').click()
    await user.should_see('In this photo', retries=50)
    await user.should_see('Add a name')
    user.find('photo-face').click()
    await user.should_see('Who is this?', retries=50)
    user.find('who-name').type('Great-aunt Rose')
    await user.should_see('Add “Great-aunt Rose”', retries=30)
    user.find('who-new').click()

    await eventually(lambda: _names_are(bea, asset_id, ['Great-aunt Rose']))
    await user.should_see('Great-aunt Rose', retries=50)
    assert [person.name for person in await people.list_people(runtime.current(), bea)] == ['Great-aunt Rose']


async def test_i_draw_a_box_around_someone_missed_and_pick_them_from_my_people(user: User, tmp_path):
    bea = await signed_in_bea(user)
    _, named_face = await photo_with_a_face(bea, tmp_path)
    await people.name_face(runtime.current(), bea, named_face, name='Grandpa Joe')
    asset_id, _ = await photo_with_a_face(bea, tmp_path)

    await user.open(f'/photo/{asset_id}')
    user.find('viewer-info').click()
    await user.should_see('Add someone', retries=50)
    user.find('photo-add-someone').click()
    await user.should_see('Drag a box around their face', retries=50)
    [dialog] = user.find(DrawDialog).elements
    dialog.show_box(Box(0.005, 0.1, 0.004, 0.2))  # a slip of the finger
    await user.should_see('The box is too small', retries=30)
    dialog.show_box(Box(0.6, 0.2, 0.25, 0.4))
    user.find('draw-next').click()
    await user.should_see('Who is this?', retries=50)
    user.find('who-name').type('joe')
    await user.should_see('Grandpa Joe', retries=30)
    user.find('who-person').click()

    await eventually(lambda: _names_are(bea, asset_id, [None, 'Grandpa Joe']))
    await user.should_see('Added Grandpa Joe', retries=50)
    async with runtime.current().db.session() as session:
        drawn = await session.scalar(select(Face).where(Face.asset_id == asset_id, Face.source == 'manual'))
    assert (drawn.x, drawn.width, drawn.added_by_id) == (0.6, 0.25, bea.id)


async def test_a_guest_sees_who_is_in_the_photo_but_is_not_offered_to_name_them(user: User, tmp_path):
    await sign_up_admin(user)
    bea, carl = await member(), await member('carl@example.com', 'Carl', 'carl-password')
    asset_id, face_id = await photo_with_a_face(bea, tmp_path)
    await sharing.share_library(runtime.current(), bea, 'carl@example.com', TrustLevel.GUEST)
    user.find('sign-out').click()
    await sign_in(user, 'carl@example.com', 'carl-password')

    await user.open(f'/photo/{asset_id}')
    user.find('viewer-info').click()
    await user.should_see('In this photo', retries=50)
    await user.should_see('Unknown')
    await user.should_not_see('Add someone')
    user.find('photo-face').click()
    await user.should_not_see('Who is this?')
    assert await names_in(carl, asset_id) == [None]


async def _names_are(actor, asset_id, expected) -> bool:
    return sorted(await names_in(actor, asset_id), key=str) == sorted(expected, key=str)
