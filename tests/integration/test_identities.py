"""Global People (SPEC §7): for each member one identity per real person across their own library and the spaces on
their timeline; their own name wins; merges and splits are theirs alone; nothing crosses a boundary. Real database,
files and vector store; faces' vectors injected, so who is whom is known."""

import uuid

import pytest
from sqlalchemy import func, select

from domain import identities as rules
from domain.access import TrustLevel
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.jobs import Queue
from domain.spaces import SpaceRole
from services import albums, assets, identities, people, sharing, spaces
from storage.models import IdentityDecision, Person, PersonFace
from tests.integration.test_faces import run_queue
from tests.integration.test_people import filtered, person_with, someone, summary
from tests.integration.test_spaces import space_with

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


async def rows(hearth, actor) -> set[tuple[str | None, str | None, int]]:
    """(name, where the name comes from, photos) of each identity on the member's People page."""
    return {(row.name, row.name_from, row.photo_count) for row in await identities.list_identities(hearth, actor)}


async def grandpa_in_a_shared_space(hearth, alice, bob, tmp_path):
    """Alice's own person 'Dad' in 3 photos, which she puts in a space where Bob is an editor; the space groups them
    into its own person. Returns (space, Alice's person, the space's person, the photos)."""
    space = await space_with(hearth, alice, bob=SpaceRole.EDITOR)
    dad, photos = await person_with(hearth, alice, tmp_path, 3, centre=(grandpa := someone()), name='Dad')
    await spaces.add_assets(hearth, alice, space.id, photos)
    await run_queue(hearth, Queue.CLUSTERING)
    [in_space] = await people.list_space_people(hearth, bob, space.id)
    return space, dad, in_space, photos, grandpa


async def test_my_person_and_a_spaces_person_with_the_same_faces_are_one_identity_named_by_me(
    hearth, alice, bob, tmp_path
):
    space, dad, in_space, photos, _ = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    await people.rename_person(hearth, bob, in_space.id, 'Grandpa')

    assert await rows(hearth, alice) == {('Dad', None, 3)}  # her own name wins over the space's
    assert await rows(hearth, bob) == {('Grandpa', 'Lake trip', 3)}  # the space's name, and where it comes from
    identity = await identities.get_identity(hearth, alice, in_space.id)
    assert (identity.id, {member.id for member in identity.people}) == (dad.id, {dad.id, in_space.id})
    assert {link.reason for link in identity.links} == {rules.SHARED_FACES, rules.CLOSE_MATCH}  # the evidence


async def test_a_close_match_across_scopes_links_people_and_the_member_may_split_and_merge_them(
    hearth, alice, bob, tmp_path
):
    space, _, in_space, space_photos, grandpa = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    opa, bob_photos = await person_with(hearth, bob, tmp_path, 3, centre=grandpa, name='Opa')  # his own photos

    [identity] = await identities.list_identities(hearth, bob)
    assert (identity.name, identity.name_from, identity.photo_count) == ('Opa', None, 6)
    assert {link.reason for link in identity.links} == {rules.CLOSE_MATCH}

    alone = await identities.split(hearth, bob, in_space.id)
    assert {member.id for member in alone.people} == {in_space.id}
    assert await rows(hearth, bob) == {('Opa', None, 3), (None, None, 3)}

    merged = await identities.merge(hearth, bob, opa.id, [in_space.id])
    assert (merged.photo_count, {link.reason for link in merged.links}) == (6, {rules.MERGED, rules.CLOSE_MATCH})
    await identities.undo_merge(hearth, bob, opa.id, [in_space.id])
    assert len(await identities.list_identities(hearth, bob)) == 2  # split before the merge, split again
    assert await rows(hearth, alice) == {('Dad', None, 3)}  # Bob's decisions are his alone


async def test_undoing_a_merge_of_people_nothing_else_links_leaves_no_decision_behind(hearth, alice, bob, tmp_path):
    space, _, in_space, _, _ = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    stranger, _ = await person_with(hearth, bob, tmp_path, 3, name='Stranger')

    merged = await identities.merge(hearth, bob, stranger.id, [in_space.id])
    assert {member.id for member in merged.people} == {stranger.id, in_space.id}
    await identities.undo_merge(hearth, bob, stranger.id, [in_space.id])

    assert await rows(hearth, bob) == {('Stranger', None, 3), (None, None, 3)}
    async with hearth.db.session() as session:  # nothing stays to keep them apart should evidence appear later
        assert await session.scalar(select(func.count()).select_from(IdentityDecision)) == 0


async def test_filtering_by_an_identity_finds_its_photos_in_every_scope_i_see(hearth, alice, bob, tmp_path):
    space, _, in_space, space_photos, grandpa = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    opa, bob_photos = await person_with(hearth, bob, tmp_path, 3, centre=grandpa, name='Opa')
    someone_else, _ = await person_with(hearth, bob, tmp_path, 3)

    months = await assets.timeline_buckets(hearth, bob, people=[opa.id])
    found = {
        item.id for month, _ in months for item in await assets.timeline_bucket(hearth, bob, month, people=[opa.id])
    }
    assert found == {*space_photos, *bob_photos}
    in_space_timeline = spaces.SpaceFilters(people=(opa.id,))
    assert {
        item.id
        for month, _ in await spaces.timeline_buckets(hearth, bob, space.id, in_space_timeline)
        for item in await spaces.timeline_bucket(hearth, bob, space.id, month, in_space_timeline)
    } == set(space_photos)
    assert await assets.timeline_buckets(hearth, bob, people=[opa.id, someone_else.id]) == []


async def test_naming_from_the_global_view_writes_only_my_own_name(hearth, alice, bob, tmp_path):
    space, dad, in_space, _, _ = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    await people.rename_person(hearth, alice, in_space.id, 'Grandpa')

    named = await identities.rename(hearth, bob, in_space.id, 'Opa')  # Bob has no person of his own for him yet

    assert (named.name, named.name_from, named.photo_count) == ('Opa', None, 3)
    assert [p.name for p in await people.list_space_people(hearth, alice, space.id)] == ['Grandpa']
    assert await rows(hearth, alice) == {('Dad', None, 3)}
    await identities.rename(hearth, bob, in_space.id, '')  # taking my name away shows the space's again
    assert await rows(hearth, bob) == {('Grandpa', 'Lake trip', 3)}


async def test_an_editor_may_also_name_the_person_in_the_space_and_a_contributor_may_not(
    hearth, alice, bob, carl, tmp_path
):
    space, dad, in_space, _, _ = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    await spaces.add_member(hearth, alice, space.id, 'carl@example.com', SpaceRole.CONTRIBUTOR)

    with pytest.raises(Forbidden):
        await identities.rename(hearth, carl, in_space.id, 'Someone', in_spaces=[space.id])
    assert await rows(hearth, carl) == {(None, None, 3)}  # refused whole: not even his own name was written
    with pytest.raises(InvalidInput):
        await identities.rename(hearth, bob, in_space.id, 'Opa', in_spaces=[uuid.uuid4()])

    await identities.rename(hearth, bob, in_space.id, 'Opa', in_spaces=[space.id])
    assert await rows(hearth, bob) == {('Opa', None, 3)}
    assert await rows(hearth, carl) == {('Opa', 'Lake trip', 3)}  # the space's name now, for every member
    assert await rows(hearth, alice) == {('Dad', None, 3)}  # her own name still wins for her
    assert [row.name for row in await identities.list_identities(hearth, carl, named_like='op')] == ['Opa']
    assert await identities.list_identities(hearth, alice, named_like='opa') == []  # she calls him Dad
    assert [member.can_name for member in (await identities.get_identity(hearth, carl, in_space.id)).people] == [False]


async def test_hiding_a_space_from_my_timeline_or_leaving_it_takes_its_people_and_names_at_once(
    hearth, alice, bob, carl, as_bob, tmp_path
):
    space, _, in_space, _, _ = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    await people.rename_person(hearth, alice, in_space.id, 'Grandpa')
    assert await rows(hearth, bob) == {('Grandpa', 'Lake trip', 3)}

    await spaces.show_in_timeline(hearth, bob, space.id, False)
    assert await rows(hearth, bob) == set()
    with pytest.raises(NotFound):
        await identities.get_identity(hearth, bob, in_space.id)
    assert (await as_bob.put(f'/spaces/{space.id}/timeline', json={'show_in_timeline': True})).status_code == 200
    assert [row['name'] for row in (await as_bob.get('/identities')).json()] == ['Grandpa']
    assert (await as_bob.put(f'/spaces/{space.id}/timeline', json={'show_in_timeline': False})).status_code == 200
    assert (await as_bob.get('/identities')).json() == []
    assert (await as_bob.get(f'/identities/{in_space.id}')).status_code == 404
    await spaces.show_in_timeline(hearth, bob, space.id, True)
    assert (await as_bob.post(f'/spaces/{space.id}/leave', json={})).status_code == 200
    assert (await as_bob.get('/identities')).json() == []
    assert (await as_bob.get(f'/identities/{in_space.id}')).status_code == 404
    assert await rows(hearth, bob) == set()
    assert await rows(hearth, carl) == set()  # never in it
    with pytest.raises(NotFound):
        await identities.merge(hearth, carl, in_space.id, [in_space.id])


async def test_a_partners_photos_join_my_people_by_their_faces_and_leave_at_once_when_the_share_ends(
    hearth, alice, bob, as_bob, tmp_path
):
    opa, bob_photos = await person_with(hearth, bob, tmp_path, 3, centre=(grandpa := someone()), name='Opa')
    _, alice_photos = await person_with(hearth, alice, tmp_path, 3, centre=grandpa, name='Dad')

    await sharing.share_library(hearth, alice, 'bob@example.com')
    await run_queue(hearth, Queue.CLUSTERING)  # the share regroups Bob's people with her photos' faces
    assert await rows(hearth, bob) == {('Opa', None, 6)}
    assert await filtered(hearth, bob, [opa.id]) == {*bob_photos, *alice_photos}
    assert 'Dad' not in (await as_bob.get('/identities')).text  # her own name for him stays hers

    await sharing.show_in_timeline(hearth, bob, alice.id, False)
    assert await rows(hearth, bob) == {('Opa', None, 3)}  # at once, before any regrouping
    await sharing.show_in_timeline(hearth, bob, alice.id, True)
    await run_queue(hearth, Queue.CLUSTERING)
    assert (await faces_in_scope(hearth, bob.id), await rows(hearth, bob)) == (6, {('Opa', None, 6)})
    await sharing.stop_sharing(hearth, alice, bob.id)
    assert (await as_bob.get(f'/identities/{opa.id}')).json()['photo_count'] == 3
    assert await summary(hearth, bob) == {('Opa', 3)}
    await run_queue(hearth, Queue.CLUSTERING)  # and the regroup the end queued lets her faces go
    assert await faces_in_scope(hearth, bob.id) == 3
    assert await rows(hearth, alice) == {('Dad', None, 3)}


async def test_an_album_shares_its_photos_but_nothing_of_its_owners_people(hearth, alice, bob, as_bob, tmp_path):
    dad, photos = await person_with(hearth, alice, tmp_path, 3, centre=(grandpa := someone()), name='Dad')
    album = await albums.create_album(hearth, alice, 'Holiday', asset_ids=photos)
    await albums.share_album(hearth, alice, album.id, 'bob@example.com', TrustLevel.KNOWN)
    opa, _ = await person_with(hearth, bob, tmp_path, 3, centre=grandpa, name='Opa')

    assert await rows(hearth, bob) == {('Opa', None, 3)}  # his photos only: an album is no scope of his people
    for path in (f'/identities/{dad.id}', f'/people/{dad.id}', f'/people/{dad.id}/faces'):
        assert (await as_bob.get(path)).status_code == 404, path
    assert 'Dad' not in (await as_bob.get(f'/assets/{photos[0]}')).text


async def test_over_http_identities_are_mine_and_404_to_whoever_does_not_see_the_person(
    hearth, alice, bob, carl, as_bob, client_for, tmp_path
):
    space, dad, in_space, _, _ = await grandpa_in_a_shared_space(hearth, alice, bob, tmp_path)
    as_carl = await client_for('carl@example.com', 'a long password')

    listed = await as_bob.get('/identities')
    assert (await as_bob.get('/identities', params={'q': 'Dad'})).json() == []
    assert [(row['id'], row['photo_count']) for row in listed.json()] == [(str(in_space.id), 3)]
    assert 'Dad' not in listed.text  # Alice's own name never reaches Bob
    named = await as_bob.put(f'/identities/{in_space.id}/name', json={'name': 'Opa'})
    assert (named.status_code, named.json()['name']) == (200, 'Opa')
    assert [row['name'] for row in (await as_bob.get('/identities', params={'q': 'opa'})).json()] == ['Opa']
    assert (await as_bob.get(f'/identities/{dad.id}')).status_code == 404  # Alice's own person

    for method, path, body in [
        ('GET', f'/identities/{in_space.id}', None),
        ('POST', f'/identities/{in_space.id}/split', None),
        ('POST', f'/identities/{in_space.id}/merge', {'person_ids': [str(in_space.id)]}),
        ('PUT', f'/identities/{in_space.id}/name', {'name': 'Someone'}),
        ('PUT', f'/identities/{in_space.id}/name', {'name': 'Someone', 'spaces': [str(space.id)]}),
        ('GET', '/timeline/buckets', {'person': str(in_space.id)}),
    ]:
        params, json = (body, None) if method == 'GET' else (None, body)
        refused = await as_carl.request(method, path, params=params, json=json)
        assert refused.status_code == 404, (method, path)
    assert (await as_carl.get('/identities')).json() == []
    await spaces.add_member(hearth, alice, space.id, 'carl@example.com', SpaceRole.VIEWER)
    in_the_space = {'name': 'Someone', 'spaces': [str(space.id)]}
    assert (await as_carl.put(f'/identities/{in_space.id}/name', json=in_the_space)).status_code == 403
    assert (await as_carl.put(f'/identities/{in_space.id}/name', json={'spaces': ['nope']})).status_code == 422
    assert await rows(hearth, bob) == {('Opa', None, 3)}
    assert uuid.UUID((await as_bob.get(f'/identities/{in_space.id}')).json()['id']) != in_space.id  # now his own


async def test_people_keep_their_centres_through_grouping_merges_and_moves(hearth, alice, tmp_path):
    anna, _ = await person_with(hearth, alice, tmp_path, 3, name='Anna')
    twin, _ = await person_with(hearth, alice, tmp_path, 3)
    before = await centre_of(hearth, anna.id)
    assert before is not None and len(before) == 128 * 4

    await people.merge_people(hearth, alice, anna.id, [twin.id])
    await run_queue(hearth, Queue.CLUSTERING)  # the merge queued the library's grouping, which recentres
    assert await centre_of(hearth, anna.id) != before


async def faces_in_scope(hearth, scope_id) -> int:
    async with hearth.db.session() as session:
        return await session.scalar(select(func.count()).where(PersonFace.scope_id == scope_id))


async def centre_of(hearth, person_id):
    async with hearth.db.session() as session:
        return (await session.get(Person, person_id)).centroid
