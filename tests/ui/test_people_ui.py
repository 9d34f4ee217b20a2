"""The People page and a person's page, as a member uses them: faces grouped into people, named privately."""

import uuid

from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from ml.faces import MODEL_VERSION
from services import assets, identities, people, runtime, spaces
from storage.models import Face, Job, Person, PersonFace
from tests.ui.conftest import add_photo, member, sign_in, sign_up_admin


async def person_in_photos(actor, tmp_path, count: int = 3) -> uuid.UUID:
    """A person of the actor's library in `count` new photos (faces put in place as the pipeline would)."""
    asset_ids = [
        await add_photo(actor, tmp_path, f'{uuid.uuid4().hex}.jpg', color=tuple(uuid.uuid4().bytes[:3]))
        for _ in range(count)
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
    await user.should_see('3 photos', retries=50)

    user.find(f'name-{person_id}').click()
    await user.should_see('Name this person', retries=50)
    user.find('dialog-text').type('Grandpa')
    user.find('dialog-ok').click()
    await user.should_see('Only you see the names you give', retries=50)
    await user.should_see('Grandpa')
    assert (await people.list_people(runtime.current(), bea))[0].name == 'Grandpa'

    await user.open(f'/people/{person_id}')
    await user.should_see('Grandpa', retries=50)
    await user.should_see('3 photos', retries=50)


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
    await assets.trash(hearth, bea, [face.asset_id for face in await people.faces_of(hearth, bea, person_id)])

    renamed = await people.rename_person(hearth, bea, person_id, 'Grandpa')

    assert (renamed.name, renamed.photo_count, renamed.hidden) == ('Grandpa', 0, False)
    assert await people.list_people(hearth, bea) == []


async def bea_with_people(user: User, tmp_path, *counts: int) -> tuple:
    """Bea signed in, with people of the given photo counts; the first is named Grandpa."""
    await sign_up_admin(user)
    bea = await member()
    person_ids = [await person_in_photos(bea, tmp_path, count) for count in counts]
    await people.rename_person(runtime.current(), bea, person_ids[0], 'Grandpa')
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')
    return bea, person_ids


async def test_i_merge_a_person_into_another_and_undo_it(user: User, tmp_path):
    bea, (grandpa, twin) = await bea_with_people(user, tmp_path, 3, 2)
    await user.open(f'/people/{grandpa}')
    await user.should_see('3 photos', retries=50)

    user.find('merge-person').click()
    await user.should_see('Who else is Grandpa?', retries=50)
    user.find(f'pick-{twin}').click()
    user.find('picker-ok').click()
    await user.should_see('That person merged into Grandpa', retries=50)
    await user.should_see('5 photos', retries=50)
    assert [(p.name, p.photo_count) for p in await people.list_people(runtime.current(), bea)] == [('Grandpa', 5)]

    user.find('undo').click()
    await user.should_see('Merge undone', retries=50)
    await user.should_see('3 photos', retries=50)
    assert {p.photo_count for p in await people.list_people(runtime.current(), bea)} == {3, 2}


async def test_giving_a_person_a_name_i_already_use_offers_to_merge_them(user: User, tmp_path):
    bea, (grandpa, twin) = await bea_with_people(user, tmp_path, 3, 2)
    await user.open('/people')
    await user.should_see('Add a name', retries=50)

    user.find(f'name-{twin}').click()
    await user.should_see('Name this person', retries=50)
    user.find('dialog-text').type('grandpa ')
    user.find('dialog-ok').click()
    await user.should_see('Is this Grandpa?', retries=50)
    user.find('confirm-ok').click()

    await user.should_see('merged into Grandpa', retries=50)
    assert [(p.id, p.photo_count) for p in await people.list_people(runtime.current(), bea)] == [(grandpa, 5)]


async def test_i_take_a_wrong_face_out_move_one_to_someone_else_and_choose_the_cover(user: User, tmp_path):
    bea, (grandpa, other) = await bea_with_people(user, tmp_path, 5, 3)
    hearth = runtime.current()
    wrong, moved, cover = [face.id for face in await people.faces_of(hearth, bea, grandpa)][:3]
    await user.open(f'/people/{grandpa}')
    user.find('review-faces').click()
    await user.should_see('Faces of Grandpa', retries=50)

    user.find(f'face-{wrong}').click()
    await user.should_see('1 chosen', retries=50)
    user.find('not-person').click()
    await user.should_see('1 face moved to nobody', retries=50)

    user.find(f'face-{moved}').click()
    user.find('move-faces').click()
    await user.should_see('Whose faces are these?', retries=50)
    user.find(f'pick-{other}').click()
    await user.should_see('1 face moved to that person', retries=50)

    user.find(f'face-{cover}').click()
    user.find('use-as-cover').click()
    await user.should_see('Cover changed', retries=50)

    now = await people.get_person(hearth, bea, grandpa)
    assert (now.photo_count, now.cover_face_id) == (3, cover)
    assert moved in {face.id for face in await people.faces_of(hearth, bea, other)}
    assert wrong not in {face.id for face in await people.faces_of(hearth, bea, grandpa)}


async def test_i_filter_my_timeline_by_a_person_and_clear_the_filter(user: User, tmp_path):
    _, (grandpa,) = await bea_with_people(user, tmp_path, 3)
    await user.open('/')
    grid = user.find('timeline-grid').elements.pop()

    user.find('filter-people').click()
    await user.should_see('Photos with…', retries=50)
    user.find(f'pick-{grandpa}').click()
    user.find('picker-ok').click()
    await user.should_see(marker=f'unfilter-{grandpa}', retries=50)
    assert grid.props['query'] == {'person': [str(grandpa)]}

    user.find(f'unfilter-{grandpa}').click()
    await user.should_not_see(marker=f'unfilter-{grandpa}', retries=50)
    assert grid.props['query'] == {}


async def space_person(owner, asset_ids, name: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A space of `owner` holding the assets, with one person of the space in them: (space id, person id)."""
    hearth = runtime.current()
    space = await spaces.create_space(hearth, owner, 'Family')
    await spaces.add_assets(hearth, owner, space.id, asset_ids)
    async with hearth.db.session() as session:
        faces = list(await session.scalars(select(Face).where(Face.asset_id.in_(asset_ids))))
        person = Person(id=uuid.uuid4(), space_id=space.id, name=name, cover_face_id=faces[0].id)
        session.add(person)
        await session.flush()
        session.add_all(PersonFace(person_id=person.id, face_id=face.id, scope_id=space.id) for face in faces)
        await session.commit()
    return space.id, person.id


def photos_from(user: User) -> str:
    """Where a person's page takes the photos it shows."""
    return user.find('person-photos').elements.pop().props['api_base']


def sidebar_names(user: User, person_id) -> list[str]:
    """The name on a person's row of a space's people sidebar, and its hover text."""
    row = user.find(f'space-person-{person_id}').elements.pop()
    name = next(e.text for e in row.descendants() if isinstance(e, ui.label))
    return [name, next(e.text for e in row.descendants() if isinstance(e, ui.tooltip))]


async def test_a_spaces_people_filter_its_timeline_and_only_editors_may_rename_them(user: User, tmp_path):
    bea, (grandpa,) = await bea_with_people(user, tmp_path, 3)
    hearth = runtime.current()
    photos = [face.asset_id for face in await people.faces_of(hearth, bea, grandpa)]
    space_id, person_id = await space_person(bea, photos, 'Great-grandpa')
    cleo = await member('cleo@example.com', 'Cleo', 'cleo-password')
    await spaces.add_member(hearth, bea, space_id, 'cleo@example.com', 'viewer')

    await user.open(f'/spaces/{space_id}')
    user.find('space-filters').click()
    await user.should_see(marker=f'space-person-{person_id}', retries=50)
    assert sidebar_names(user, person_id) == ['Grandpa', 'Called Great-grandpa in Family']  # mine, the space's on hover
    grid = user.find('timeline-grid').elements.pop()
    user.find(f'space-person-{person_id}').click()
    await user.should_see('Filters · 1', retries=50)
    assert grid.props['query'] == {'person': [str(person_id)]}
    await user.open(f'/people/{person_id}')
    await user.should_see(marker='rename-person', retries=50)

    user.find('sign-out').click()
    await sign_in(user, 'cleo@example.com', 'cleo-password')
    await user.open(f'/spaces/{space_id}')
    user.find('space-filters').click()
    await user.should_see(marker=f'space-person-{person_id}', retries=50)
    assert sidebar_names(user, person_id) == ['Great-grandpa', 'Called Great-grandpa in Family']
    await user.open(f'/people/{person_id}')  # Cleo sees the space's name for him, and cannot change it
    await user.should_see('Great-grandpa', retries=50)
    await user.should_see('3 photos')
    await user.should_not_see(marker='rename-person')
    assert photos_from(user) == '/api/timeline'  # the real person across everything she sees
    await spaces.show_in_timeline(hearth, cleo, space_id, False)
    await user.open(f'/people/{person_id}')
    await user.should_see('Great-grandpa', retries=50)
    assert photos_from(user) == f'/api/spaces/{space_id}/timeline'  # the space's photos alone
    assert [p.name for p in await people.list_space_people(hearth, cleo, space_id)] == ['Great-grandpa']
    await user.open(f'/people/{grandpa}')  # Bea's own name for him stays hers
    await user.should_not_see('Grandpa', retries=5)


async def test_i_ask_hearth_to_look_for_faces_in_a_photo_again(user: User, tmp_path):
    bea, (grandpa,) = await bea_with_people(user, tmp_path, 3)
    hearth = runtime.current()
    asset_id = (await people.faces_of(hearth, bea, grandpa))[0].asset_id

    await user.open(f'/photo/{asset_id}')
    user.find('viewer-more').click()
    user.find('viewer-refresh-faces').click()
    await user.should_see('Hearth is looking for faces in this photo again', retries=50)
    async with hearth.db.session() as session:
        job = await session.scalar(select(Job).where(Job.kind == 'faces', Job.subject == asset_id.hex))
    assert job is not None and job.force


async def test_one_card_per_real_person_across_my_library_and_spaces_and_i_may_unlink_them(user: User, tmp_path):
    bea, (grandpa,) = await bea_with_people(user, tmp_path, 3)
    hearth = runtime.current()
    photos = [face.asset_id for face in await people.faces_of(hearth, bea, grandpa)]
    space_id, in_space = await space_person(bea, photos, 'Great-grandpa')
    await member('cleo@example.com', 'Cleo', 'cleo-password')
    await spaces.add_member(hearth, bea, space_id, 'cleo@example.com', 'viewer')

    await user.open('/people')
    await user.should_see('1 person', retries=50)  # my Grandpa and the space's Great-grandpa are one
    await user.should_see('Grandpa')
    await user.open(f'/people/{grandpa}')
    await user.should_see('Also known as Great-grandpa in Family', retries=50)
    user.find(f'split-{in_space}').click()
    await user.should_see('Great-grandpa is no longer linked here', retries=50)
    await user.open('/people')
    await user.should_see('2 people', retries=50)

    user.find('sign-out').click()
    await sign_in(user, 'cleo@example.com', 'cleo-password')
    await user.open('/people')  # Cleo sees the space's name, says where it comes from, and never Bea's
    await user.should_see('Great-grandpa', retries=50)
    await user.should_see('named in Family')
    await user.should_not_see('Grandpa')


def names_in_order(user: User) -> list[str]:
    """The names on the People page's cards, as they are laid out."""
    grid = user.find('people-grid').elements.pop()
    return [next(e.text for e in card.descendants() if isinstance(e, ui.label)) for card in grid.default_slot.children]


async def test_typing_part_of_a_name_shows_only_the_people_called_so_and_says_when_no_one_is(user: User, tmp_path):
    bea, (grandpa, may, unnamed) = await bea_with_people(user, tmp_path, 3, 2, 4)
    await people.rename_person(runtime.current(), bea, may, 'Aunt May')
    await user.open('/people')
    await user.should_see(marker=f'person-{unnamed}', retries=50)

    user.find('people-search').type('ANDPA')
    await user.should_see(marker=f'person-{grandpa}')
    await user.should_not_see(marker=f'person-{may}')
    await user.should_not_see(marker=f'person-{unnamed}')

    user.find('people-search').clear().type('Zed')
    await user.should_see('No one called “Zed”')
    await user.should_not_see(marker='people-grid')

    user.find('people-search').clear()
    assert names_in_order(user) == ['Add a name', 'Grandpa', 'Aunt May']


async def test_sorting_by_name_puts_people_a_to_z_and_the_unnamed_last(user: User, tmp_path):
    bea, (_, may, _) = await bea_with_people(user, tmp_path, 2, 4, 3)
    await people.rename_person(runtime.current(), bea, may, 'aunt May')
    await user.open('/people')
    await user.should_see(marker='people-grid', retries=50)
    assert names_in_order(user) == ['aunt May', 'Add a name', 'Grandpa']

    user.find('people-sort').trigger('update:modelValue', 1)  # what the browser sends on a tap on "Name"
    assert names_in_order(user) == ['aunt May', 'Grandpa', 'Add a name']


async def test_a_persons_other_names_read_as_family_words_and_an_unnamed_one_says_nothing(user: User, tmp_path):
    bea, (grandpa, twin) = await bea_with_people(user, tmp_path, 3, 2)
    hearth = runtime.current()
    photos = [face.asset_id for face in await people.faces_of(hearth, bea, grandpa)]
    _, in_space = await space_person(bea, photos, 'Great-grandpa')
    await identities.merge(hearth, bea, grandpa, [twin])

    await user.open(f'/people/{grandpa}')

    await user.should_see('Also known as Great-grandpa in Family', retries=50)
    await user.should_not_see('Unnamed')
    await user.should_not_see(marker=f'split-{twin}')
    assert user.find(marker=f'split-{in_space}').elements.pop().text == 'Not the same person'
    assert user.find(marker='why-linked').elements.pop().text == 'Why we think this is the same person'
    user.find('why-linked').click()
    await user.should_see(marker='link-reasons', retries=50)
    assert user.find(marker=f'why-split-{in_space}').elements.pop().text == 'Not the same person'


async def test_why_linked_tells_in_words_what_makes_my_people_one_and_lets_me_take_one_out(user: User, tmp_path):
    bea, (grandpa, twin) = await bea_with_people(user, tmp_path, 3, 2)
    hearth = runtime.current()
    photos = [face.asset_id for face in await people.faces_of(hearth, bea, grandpa)]
    _, in_space = await space_person(bea, photos, 'Great-grandpa')
    await identities.merge(hearth, bea, grandpa, [twin])
    await user.open(f'/people/{grandpa}')
    await user.should_see(marker='why-linked', retries=50)

    user.find('why-linked').click()
    await user.should_see('Grandpa (your library) and Great-grandpa (Family): 3 faces in common', retries=50)
    await user.should_see('Grandpa (your library) and Unnamed (your library): you merged them')
    await user.should_see('Family · 3 photos')
    await user.should_not_see(marker=f'why-split-{grandpa}')

    user.find(f'why-split-{in_space}').click()
    await user.should_see('Great-grandpa is no longer linked here', retries=50)
    assert {member.id for member in (await identities.get_identity(hearth, bea, grandpa)).people} == {grandpa, twin}


async def test_my_name_for_a_person_reaches_a_space_i_edit_only_when_i_tick_it(user: User, tmp_path):
    bea, (grandpa,) = await bea_with_people(user, tmp_path, 3)
    hearth = runtime.current()
    photos = [face.asset_id for face in await people.faces_of(hearth, bea, grandpa)]
    space_id, in_space = await space_person(bea, photos, 'Great-grandpa')

    async def names() -> tuple:
        return tuple([(await people.get_person(hearth, bea, each)).name for each in (grandpa, in_space)])

    await user.open('/people')
    await user.should_see(marker=f'name-{grandpa}', retries=50)
    user.find(f'name-{grandpa}').click()
    await user.should_see('Also rename in Family (everyone in the space sees it)', retries=50)
    user.find('dialog-text').clear().type('Pops')
    user.find('dialog-ok').click()
    await user.should_see('Only you see the names you give', retries=50)
    assert await names() == ('Pops', 'Great-grandpa')

    user.find(f'name-{grandpa}').click()
    await user.should_see(marker=f'rename-in-{space_id}', retries=50)
    user.find('dialog-text').clear().type('Papa')
    user.find(f'rename-in-{space_id}').click()
    user.find('dialog-ok').click()
    await user.should_see('Also renamed in Family: everyone there sees it', retries=50)
    assert await names() == ('Papa', 'Papa')
