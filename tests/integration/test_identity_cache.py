"""Resolved identities are kept per member while nothing they depend on changes, by this process or another: a
People page reads them once, and a name, a merge, a new face or a lost grant shows on the very next read."""

import pytest
from sqlalchemy import update

from services import identities, people, spaces
from storage.db import Database
from storage.models import Person
from tests.integration.test_identities import grandpa_in_a_shared_space, rows

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


@pytest.fixture
def resolutions(monkeypatch) -> list:
    """Each time identities are resolved afresh (rather than read from the cache), the member's id."""
    made = []
    resolve = identities._resolve_in

    async def counted(session, actor, with_photos=True):
        made.append(actor.id)
        return await resolve(session, actor, with_photos)

    monkeypatch.setattr(identities, '_resolve_in', counted)
    identities.resolved.clear()
    return made


async def test_the_people_page_is_resolved_once_until_a_name_changes(hearth, alice, bob, tmp_path, resolutions):
    _, dad, _, _, _ = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    resolutions.clear()

    assert await rows(hearth, alice) == {('Dad', None, 3)}
    assert await rows(hearth, alice) == {('Dad', None, 3)}
    assert (await identities.get_identity(hearth, alice, dad.id)).name == 'Dad'
    assert resolutions == [alice.id]

    await people.rename_person(hearth, alice, dad.id, 'Papa')

    assert await rows(hearth, alice) == {('Papa', None, 3)}
    assert resolutions == [alice.id, alice.id]


async def test_a_lost_grant_takes_the_spaces_people_away_at_the_next_read(hearth, alice, bob, tmp_path, resolutions):
    space, _, in_space, _, _ = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    await people.rename_person(hearth, bob, in_space.id, 'Grandpa')
    assert await rows(hearth, bob) == {('Grandpa', 'Lake trip', 3)}

    await spaces.remove_member(hearth, alice, space.id, bob.id)

    assert await rows(hearth, bob) == set()


async def test_a_change_by_another_process_is_seen_at_the_next_read(hearth, alice, bob, tmp_path, resolutions):
    _, dad, _, _, _ = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    assert await rows(hearth, alice) == {('Dad', None, 3)}

    elsewhere = Database(hearth.settings.database_url)  # a worker's own engine and sessions on the same database
    try:
        async with elsewhere.session() as session:
            await session.execute(update(Person).where(Person.id == dad.id).values(name='Father'))
            await session.commit()
    finally:
        await elsewhere.dispose()

    assert await rows(hearth, alice) == {('Father', None, 3)}
