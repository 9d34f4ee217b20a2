"""Partner sharing (SPEC §4) and the role tables of SPEC §3 on shared assets, through the services."""

from datetime import datetime

import pytest

from domain.access import Permission, TrustLevel, trust_level_of
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from services import assets, sharing
from tests.factories.media_files import make_jpeg
from tests.fixtures import media_files
from tests.unit.test_domain import SPEC_TABLE

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')
P = Permission


async def photo(hearth, owner, tmp_path, name='a.jpg', color=(10, 20, 30), **exif):
    staged = hearth.files.stage_copy(make_jpeg(tmp_path / name, color=color, **exif), 10**9)
    return (await assets.ingest(hearth, owner, staged)).asset_id


async def timeline_ids(hearth, actor, view='timeline'):
    return [
        item.id
        for month, _ in await assets.timeline_buckets(hearth, actor, view)
        for item in await assets.timeline_bucket(hearth, actor, month, view)
    ]


async def test_partner_sees_my_library_on_their_timeline_with_locations(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path, gps=(51.5, -0.12))

    await sharing.share_library(hearth, alice, 'bob@example.com')

    view = await assets.get_asset(hearth, bob, mine)
    assert (view.owner_name, view.is_mine, round(view.latitude, 1)) == ('Alice', False, 51.5)
    assert await timeline_ids(hearth, bob) == [mine]
    assert await assets.timeline_buckets(hearth, bob) == await assets.timeline_buckets(hearth, alice)


async def test_partner_does_not_see_my_archived_or_trashed_assets(hearth, alice, bob, tmp_path):
    kept, archived, trashed = [await photo(hearth, alice, tmp_path, f'{i}.jpg', (i * 80, 0, 0)) for i in range(3)]
    await assets.set_state(hearth, alice, [archived], archived=True)
    await assets.trash(hearth, alice, [trashed])

    await sharing.share_library(hearth, alice, 'bob@example.com')

    assert await timeline_ids(hearth, bob) == [kept]
    for hidden in (archived, trashed):
        with pytest.raises(NotFound):
            await assets.get_asset(hearth, bob, hidden)
        with pytest.raises(NotFound):
            await assets.asset_file(hearth, bob, hidden, 'thumbnail')


async def test_recipient_can_hide_a_partner_from_their_timeline_only(hearth, alice, bob, tmp_path):
    shared = await photo(hearth, alice, tmp_path)
    own = await photo(hearth, bob, tmp_path, 'b.jpg', (0, 90, 0))
    await sharing.share_library(hearth, alice, 'bob@example.com')

    await sharing.show_in_timeline(hearth, bob, alice.id, False)

    assert await timeline_ids(hearth, bob) == [own]
    assert (await assets.get_asset(hearth, bob, shared)).owner_name == 'Alice'
    await sharing.show_in_timeline(hearth, bob, alice.id, True)
    assert set(await timeline_ids(hearth, bob)) == {own, shared}


async def test_sharing_is_one_way(hearth, alice, bob, tmp_path):
    bobs = await photo(hearth, bob, tmp_path)
    await sharing.share_library(hearth, alice, 'bob@example.com')

    with pytest.raises(NotFound):
        await assets.get_asset(hearth, alice, bobs)
    assert await timeline_ids(hearth, alice) == []


async def test_removing_a_partner_ends_access_at_once(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    await sharing.share_library(hearth, alice, 'bob@example.com')
    await assets.set_state(hearth, bob, [mine], favorite=True)

    await sharing.stop_sharing(hearth, alice, bob.id)

    with pytest.raises(NotFound):
        await assets.get_asset(hearth, bob, mine)
    assert await timeline_ids(hearth, bob) == []
    assert await timeline_ids(hearth, bob, 'favorites') == []


async def test_sharing_with_yourself_or_twice_or_nobody_is_refused(hearth, alice, bob):
    with pytest.raises(InvalidInput):
        await sharing.share_library(hearth, alice, 'alice@example.com')
    await sharing.share_library(hearth, alice, 'bob@example.com')
    with pytest.raises(Conflict):
        await sharing.share_library(hearth, alice, 'BOB@example.com')
    with pytest.raises(NotFound):
        await sharing.share_library(hearth, alice, 'nobody@example.com')
    with pytest.raises(InvalidInput):
        await sharing.change_trust_level(hearth, alice, bob.id, 'best friend')


async def test_partners_are_listed_from_both_sides_with_the_trust_level(hearth, alice, bob):
    await sharing.share_library(hearth, alice, 'bob@example.com', TrustLevel.VERY_CLOSE)

    alices, bobs = await sharing.list_partners(hearth, alice), await sharing.list_partners(hearth, bob)

    assert [(p.name, p.trust_level) for p in alices.shared_by_me] == [('Bob', TrustLevel.VERY_CLOSE)]
    assert [(p.name, p.show_in_timeline) for p in bobs.shared_with_me] == [('Alice', True)]
    assert alices.shared_with_me == bobs.shared_by_me == []


async def test_my_favorite_rating_and_archive_on_a_partner_asset_are_mine_alone(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    await sharing.share_library(hearth, alice, 'bob@example.com', TrustLevel.VERY_CLOSE)

    await assets.set_state(hearth, bob, [mine], favorite=True, rating=5, archived=True)

    bobs_view, alices_view = await assets.get_asset(hearth, bob, mine), await assets.get_asset(hearth, alice, mine)
    assert (bobs_view.favorite, bobs_view.rating, bobs_view.archived) == (True, 5, True)
    assert (alices_view.favorite, alices_view.rating, alices_view.archived) == (False, 0, False)
    assert await timeline_ids(hearth, bob) == [] and await timeline_ids(hearth, bob, 'archive') == [mine]
    assert await timeline_ids(hearth, alice) == [mine] and await timeline_ids(hearth, alice, 'favorites') == []


async def test_a_partner_trashing_sends_it_to_the_owners_trash(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    await sharing.share_library(hearth, alice, 'bob@example.com', TrustLevel.KNOWN)

    await assets.trash(hearth, bob, [mine], source='partner timeline')

    trashed = await assets.get_asset(hearth, alice, mine)
    assert (trashed.trashed_by, await timeline_ids(hearth, alice, 'trash')) == ('Bob', [mine])
    assert await timeline_ids(hearth, bob, 'trash') == []
    with pytest.raises(NotFound):  # a curator cannot restore, and no longer sees it
        await assets.restore(hearth, bob, [mine])
    assert len(media_files(hearth)) == 3


async def test_a_collaborator_partner_can_restore_what_was_trashed(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, alice, tmp_path)
    await sharing.share_library(hearth, alice, 'bob@example.com', TrustLevel.VERY_CLOSE)
    await assets.trash(hearth, bob, [mine])

    assert await assets.restore(hearth, bob, [mine]) == 1

    assert (await assets.get_asset(hearth, alice, mine)).trashed_at is None


# ---- SPEC §3 on a partner's asset, role by role -------------------------------------------------------------------


async def _owner_view(hearth, owner, partner, asset_id):
    return await assets.get_asset(hearth, owner, asset_id)


async def _partner_view(hearth, owner, partner, asset_id):
    return await assets.get_asset(hearth, partner, asset_id)


OPERATIONS = {
    P.FAVORITE: (lambda h, a, i: assets.set_state(h, a, [i], favorite=True), _partner_view, lambda v: v.favorite),
    P.RATE: (lambda h, a, i: assets.set_state(h, a, [i], rating=4), _partner_view, lambda v: v.rating == 4),
    P.ARCHIVE: (lambda h, a, i: assets.set_state(h, a, [i], archived=True), _partner_view, lambda v: v.archived),
    P.EDIT_DATE: (
        lambda h, a, i: assets.update_details(h, a, [i], taken_at=datetime(2001, 1, 1)),
        _owner_view,
        lambda v: v.taken_at == datetime(2001, 1, 1),
    ),
    P.EDIT_GPS: (
        lambda h, a, i: assets.update_details(h, a, [i], position=(1.0, 2.0)),
        _owner_view,
        lambda v: v.latitude == 1.0,
    ),
    P.EDIT_DESCRIPTION: (
        lambda h, a, i: assets.update_details(h, a, [i], description='Edited'),
        _owner_view,
        lambda v: v.description == 'Edited',
    ),
    P.EDIT_TAGS: (
        lambda h, a, i: assets.update_details(h, a, [i], tags=['edited']),
        _owner_view,
        lambda v: v.tags == ['edited'],
    ),
    P.TRASH: (lambda h, a, i: assets.trash(h, a, [i]), _owner_view, lambda v: v.trashed_at is not None),
    P.DOWNLOAD: (lambda h, a, i: assets.asset_file(h, a, i, 'original'), None, None),
}
EXPECTED = {permission: holders for permission, holders in SPEC_TABLE}
ROLES = [level.role for level in TrustLevel]


@pytest.mark.parametrize('permission', list(OPERATIONS), ids=[p.value for p in OPERATIONS])
@pytest.mark.parametrize('role', ROLES, ids=[r.value for r in ROLES])
async def test_partner_role_permits_exactly_what_spec_section_3_says(hearth, alice, bob, tmp_path, role, permission):
    mine = await photo(hearth, alice, tmp_path)
    await sharing.share_library(hearth, alice, 'bob@example.com', trust_level_of(role))
    operation, read, changed = OPERATIONS[permission]
    before = (await assets.get_asset(hearth, alice, mine), await assets.get_asset(hearth, bob, mine))

    if role in EXPECTED[permission]:
        await operation(hearth, bob, mine)
        assert read is None or changed(await read(hearth, alice, bob, mine))
    else:
        with pytest.raises(Forbidden):
            await operation(hearth, bob, mine)
        after = (await assets.get_asset(hearth, alice, mine), await assets.get_asset(hearth, bob, mine))
        assert after == before


async def test_timeline_counts_stay_exact_when_owner_and_partner_both_hide_an_asset(hearth, alice, bob, tmp_path):
    """Month counts come from stored totals less hidden sets; an asset hidden twice must count out once."""
    kept, both_archived, archived_then_trashed = [
        await photo(hearth, alice, tmp_path, f'{i}.jpg', (i * 60, 1, 1)) for i in range(3)
    ]
    await sharing.share_library(hearth, alice, 'bob@example.com', TrustLevel.VERY_CLOSE)
    await assets.set_state(hearth, bob, [both_archived, archived_then_trashed], archived=True)
    await assets.set_state(hearth, alice, [both_archived, archived_then_trashed], archived=True)
    await assets.trash(hearth, alice, [archived_then_trashed])

    for who in (alice, bob):
        assert await timeline_ids(hearth, who) == [kept]
        assert sum(count for _, count in await assets.timeline_buckets(hearth, who)) == 1
    await assets.restore(hearth, alice, [archived_then_trashed])
    await assets.set_state(hearth, alice, [both_archived, archived_then_trashed], archived=False)
    assert sum(count for _, count in await assets.timeline_buckets(hearth, alice)) == 3
    assert sum(count for _, count in await assets.timeline_buckets(hearth, bob)) == 1
