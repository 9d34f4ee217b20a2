"""The People page and a person's page, as a member uses them: faces grouped into people, named privately."""

import uuid

from nicegui.testing import User

from ml.faces import MODEL_VERSION
from services import assets, people, runtime
from storage.models import Face, Person, PersonFace
from tests.ui.conftest import add_photo, member, sign_in, sign_up_admin


async def person_in_photos(actor, tmp_path, count: int = 3) -> uuid.UUID:
    """A person of the actor's library in `count` new photos (faces put in place as the pipeline would)."""
    asset_ids = [
        await add_photo(actor, tmp_path, f'{uuid.uuid4().hex}.jpg', color=(40 * index, 90, 120))
        for index in range(count)
    ]
    async with runtime.current().db.session() as session:
        person = Person(id=uuid.uuid4(), owner_id=actor.id)
        faces = [
            Face(id=uuid.uuid4(), asset_id=asset_id, x=0.3, y=0.2, width=0.3, height=0.4, score=0.99)
            for asset_id in asset_ids
        ]
        for face in faces:
            face.embedding_id, face.model = str(face.id), MODEL_VERSION
        person.cover_face_id = faces[0].id
        session.add_all([*faces, person])
        await session.flush()
        session.add_all(PersonFace(person_id=person.id, face_id=face.id, scope_id=actor.id) for face in faces)
        await session.commit()
    return person.id


async def test_i_name_a_person_and_open_their_photos(user: User, tmp_path):
    await sign_up_admin(user)
    bea = await member()
    person_id = await person_in_photos(bea, tmp_path)
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')

    await user.open('/people')
    await user.should_see('Add a name', retries=50)
    await user.should_see('3 photos')

    user.find(f'name-{person_id}').click()
    await user.should_see('Name this person', retries=50)
    user.find('dialog-text').type('Grandpa')
    user.find('dialog-ok').click()
    await user.should_see('Only you see the names you give', retries=50)
    await user.should_see('Grandpa')
    assert (await people.list_people(runtime.current(), bea))[0].name == 'Grandpa'

    await user.open(f'/people/{person_id}')
    await user.should_see('Grandpa', retries=50)
    await user.should_see('3 photos')


async def test_nobody_else_sees_my_people_or_their_names(user: User, tmp_path):
    await sign_up_admin(user)
    bea = await member()
    person_id = await person_in_photos(bea, tmp_path)
    await people.rename_person(runtime.current(), bea, person_id, 'Grandpa')

    await user.open('/people')  # Ann, the admin
    await user.should_see('No people yet', retries=50)
    await user.should_not_see('Grandpa')

    await user.open(f'/people/{person_id}')
    await user.should_see('No people yet', retries=50)
    await user.should_not_see('Grandpa')


async def test_a_hidden_person_leaves_the_page_and_can_come_back(user: User, tmp_path):
    await sign_up_admin(user)
    bea = await member()
    person_id = await person_in_photos(bea, tmp_path)
    await people.rename_person(runtime.current(), bea, person_id, 'Uncle Bob')
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    await user.open('/people')
    await user.should_see('Uncle Bob', retries=50)

    user.find(f'hide-{person_id}').click()
    await user.should_see('Uncle Bob hidden', retries=50)
    await user.should_see('No people yet')
    user.find('toggle-hidden').click()
    await user.should_see('Back to people', retries=50)
    await user.should_see('Uncle Bob', retries=50)
    user.find(f'hide-{person_id}').click()
    await user.should_see('Uncle Bob shown again', retries=50)
    assert [person.name for person in await people.list_people(runtime.current(), bea)] == ['Uncle Bob']


async def test_a_person_whose_photos_are_all_in_the_trash_can_still_be_named(user: User, tmp_path):
    await sign_up_admin(user)
    bea = await member()
    person_id = await person_in_photos(bea, tmp_path)
    hearth = runtime.current()
    await assets.trash(hearth, bea, await people.photos_of(hearth, bea, person_id))

    renamed = await people.rename_person(hearth, bea, person_id, 'Grandpa')

    assert (renamed.name, renamed.photo_count, renamed.hidden) == ('Grandpa', 0, False)
    assert await people.list_people(hearth, bea) == []
