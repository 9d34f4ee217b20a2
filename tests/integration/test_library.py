"""A personal library through the services, on a real database (SQLite and PostgreSQL) and real files."""

import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain.access import Permission
from domain.errors import InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType
from services import accounts, assets
from storage.models import Asset, AssetDetails
from tests.factories.media_files import make_corrupt_jpeg, make_jpeg, make_mp4, make_text_file
from tests.fixtures import media_files


async def upload(hearth, actor, path: Path, name: str | None = None):
    staged = hearth.files.stage_copy(path, hearth.settings.max_upload_bytes)
    staged.filename = name or path.name
    return await assets.ingest(hearth, actor, staged)


async def count_rows(hearth, model=Asset) -> int:
    async with hearth.db.session() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_uploaded_photo_keeps_its_exif_facts_and_gets_renditions(hearth, alice, tmp_path):
    taken = datetime(2023, 7, 14, 18, 30, 5)
    photo = make_jpeg(tmp_path / 'beach.jpg', taken_at=taken, utc_offset='+02:00', gps=(-33.86, 151.21))

    result = await upload(hearth, alice, photo)

    view = await assets.get_asset(hearth, alice, result.asset_id)
    assert (result.status, view.filename, view.taken_at, view.utc_offset_minutes) == (
        'created',
        'beach.jpg',
        taken,
        120,
    )
    assert (round(view.latitude, 2), round(view.longitude, 2)) == (-33.86, 151.21)
    assert (view.camera_make, view.camera_model, view.iso, view.owner_name, view.is_mine) == (
        'Hearthcam',
        'HC-1',
        200,
        'Alice',
        True,
    )
    for kind in ('original', 'preview', 'thumbnail'):
        path, _, _ = await assets.asset_file(hearth, alice, result.asset_id, kind)
        assert path.is_file()


async def test_same_file_twice_is_reported_as_duplicate_and_stored_once(hearth, alice, tmp_path):
    photo = make_jpeg(tmp_path / 'a.jpg')
    first = await upload(hearth, alice, photo)

    second = await upload(hearth, alice, photo, name='copy.jpg')

    assert (second.status, second.asset_id) == ('duplicate', first.asset_id)
    assert await count_rows(hearth) == 1
    assert len(media_files(hearth)) == 3


async def test_same_file_from_another_owner_is_their_own_asset(hearth, alice, bob, tmp_path):
    photo = make_jpeg(tmp_path / 'a.jpg')
    await upload(hearth, alice, photo)

    result = await upload(hearth, bob, photo)

    assert result.status == 'created'
    assert await count_rows(hearth) == 2


@pytest.mark.parametrize(
    ('maker', 'error'),
    [(make_corrupt_jpeg, InvalidInput), (make_text_file, UnsupportedMediaType)],
)
async def test_bad_files_are_refused_and_leave_nothing_behind(hearth, alice, tmp_path, maker, error):
    bad = maker(tmp_path / 'bad.jpg')

    with pytest.raises(error):
        await upload(hearth, alice, bad)

    assert await count_rows(hearth) == 0
    assert media_files(hearth) == []
    assert list(hearth.settings.tmp_dir.iterdir()) == []


async def test_failure_between_file_and_row_leaves_no_orphan_and_no_row(hearth, alice, tmp_path, monkeypatch):
    async def crash(*args, **kwargs):
        raise RuntimeError('power cut')

    monkeypatch.setattr(assets, '_insert_rows', crash)

    with pytest.raises(RuntimeError):
        await upload(hearth, alice, make_jpeg(tmp_path / 'a.jpg'))

    assert await count_rows(hearth) == 0
    assert media_files(hearth) == []
    assert list(hearth.settings.tmp_dir.iterdir()) == []


async def test_failure_at_commit_removes_the_placed_files(hearth, alice, tmp_path, monkeypatch):
    original_month_key = assets.month_key

    def crash_after_files(taken_at):
        assert len(media_files(hearth)) == 3, 'files are placed before the row is written'
        raise RuntimeError('disk full')

    monkeypatch.setattr(assets, 'month_key', crash_after_files)
    with pytest.raises(RuntimeError):
        await upload(hearth, alice, make_jpeg(tmp_path / 'a.jpg'))
    monkeypatch.setattr(assets, 'month_key', original_month_key)

    assert (await count_rows(hearth), media_files(hearth)) == (0, [])


async def test_quota_refuses_upload_that_would_exceed_it(hearth, tmp_path):
    admin = await accounts.create_user(hearth, None, 'root@example.com', 'Root', 'admin password', is_admin=True)
    carol = await accounts.create_user(hearth, admin, 'carol@example.com', 'Carol', 'password1', quota_bytes=1000)

    with pytest.raises(PayloadTooLarge):
        await upload(hearth, carol, make_jpeg(tmp_path / 'a.jpg', noise=True))

    assert await count_rows(hearth) == 0


async def test_video_gets_duration_and_poster(hearth, alice, tmp_path):
    result = await upload(hearth, alice, make_mp4(tmp_path / 'clip.mp4', seconds=2.0))

    view = await assets.get_asset(hearth, alice, result.asset_id)

    assert view.media_type == 'video'
    assert view.duration_seconds == pytest.approx(2.0, abs=0.3)
    thumbnail, mime, _ = await assets.asset_file(hearth, alice, result.asset_id, 'thumbnail')
    assert thumbnail.stat().st_size > 0 and mime == 'image/jpeg'


async def test_another_user_cannot_see_or_touch_my_asset(hearth, alice, bob, tmp_path):
    mine = (await upload(hearth, alice, make_jpeg(tmp_path / 'a.jpg'))).asset_id

    for attempt in (
        assets.get_asset(hearth, bob, mine),
        assets.asset_file(hearth, bob, mine, 'original'),
        assets.asset_file(hearth, bob, mine, 'thumbnail'),
        assets.set_state(hearth, bob, [mine], favorite=True),
        assets.update_details(hearth, bob, [mine], description='mine now'),
        assets.trash(hearth, bob, [mine]),
    ):
        with pytest.raises(NotFound):
            await attempt

    view = await assets.get_asset(hearth, alice, mine)
    assert (view.description, view.favorite, view.trashed_at) == (None, False, None)
    assert await assets.timeline_buckets(hearth, bob) == []


async def test_admin_cannot_see_a_members_photos(hearth, alice, tmp_path):
    admin = await accounts.create_user(hearth, None, 'root@example.com', 'Root', 'admin password', is_admin=True)
    mine = (await upload(hearth, alice, make_jpeg(tmp_path / 'a.jpg'))).asset_id

    with pytest.raises(NotFound):
        await assets.get_asset(hearth, admin, mine)
    assert await assets.timeline_buckets(hearth, admin) == []
    members = await accounts.list_members(hearth, admin)
    assert {m.email for m in members} == {'alice@example.com', 'root@example.com'}


async def test_timeline_groups_by_month_newest_first(hearth, alice, tmp_path):
    for index, day in enumerate([datetime(2024, 5, 3), datetime(2024, 5, 20), datetime(2023, 12, 31, 23, 59)]):
        await upload(hearth, alice, make_jpeg(tmp_path / f'{index}.jpg', taken_at=day, color=(index * 40, 10, 10)))

    buckets = await assets.timeline_buckets(hearth, alice)
    may = await assets.timeline_bucket(hearth, alice, '2024-05')

    assert buckets == [('2024-05', 2), ('2023-12', 1)]
    assert [item.taken_at.day for item in may] == [20, 3]


async def test_favorite_rating_and_archive_are_mine_and_shape_the_views(hearth, alice, tmp_path):
    first, second = [
        (await upload(hearth, alice, make_jpeg(tmp_path / f'{i}.jpg', color=(i * 90, 0, 0)))).asset_id for i in range(2)
    ]

    await assets.set_state(hearth, alice, [first], favorite=True, rating=4)
    await assets.set_state(hearth, alice, [second], archived=True)

    assert [
        i.id
        for (m, _) in await assets.timeline_buckets(hearth, alice)
        for i in await assets.timeline_bucket(hearth, alice, m)
    ] == [first]
    assert sum(c for _, c in await assets.timeline_buckets(hearth, alice, 'favorites')) == 1
    assert sum(c for _, c in await assets.timeline_buckets(hearth, alice, 'archive')) == 1
    view = await assets.get_asset(hearth, alice, first)
    assert (view.favorite, view.rating, view.archived) == (True, 4, False)


async def test_rating_outside_zero_to_five_is_refused(hearth, alice, tmp_path):
    mine = (await upload(hearth, alice, make_jpeg(tmp_path / 'a.jpg'))).asset_id

    with pytest.raises(InvalidInput):
        await assets.set_state(hearth, alice, [mine], rating=6)


async def test_shared_details_edit_moves_the_asset_in_the_timeline(hearth, alice, tmp_path):
    mine = (await upload(hearth, alice, make_jpeg(tmp_path / 'a.jpg', taken_at=datetime(2024, 5, 3)))).asset_id

    await assets.update_details(
        hearth,
        alice,
        [mine],
        taken_at=datetime(2019, 1, 2, 3, 4),
        description=' Grandma ',
        tags=['Beach', 'beach', 'Sun'],
    )

    view = await assets.get_asset(hearth, alice, mine)
    assert (view.description, view.tags, view.taken_at) == ('Grandma', ['Beach', 'Sun'], datetime(2019, 1, 2, 3, 4))
    assert await assets.timeline_buckets(hearth, alice) == [('2019-01', 1)]


async def test_trash_restore_and_purge(hearth, alice, tmp_path):
    keep, purge = [
        (await upload(hearth, alice, make_jpeg(tmp_path / f'{i}.jpg', color=(0, i * 90, 0)))).asset_id for i in range(2)
    ]
    await assets.trash(hearth, alice, [keep, purge])
    assert await assets.timeline_buckets(hearth, alice) == []
    assert sum(c for _, c in await assets.timeline_buckets(hearth, alice, 'trash')) == 2

    await assets.restore(hearth, alice, [keep])
    purged_early = await assets.purge_expired_trash(hearth, now=datetime.now(UTC) + timedelta(days=29))
    purged = await assets.purge_expired_trash(hearth, now=datetime.now(UTC) + timedelta(days=31))

    assert (purged_early, purged) == (0, 1)
    assert sum(c for _, c in await assets.timeline_buckets(hearth, alice)) == 1
    assert len(media_files(hearth)) == 3
    with pytest.raises(NotFound):
        await assets.get_asset(hearth, alice, purge)


async def test_empty_trash_deletes_rows_and_files(hearth, alice, tmp_path):
    mine = (await upload(hearth, alice, make_jpeg(tmp_path / 'a.jpg'))).asset_id
    await assets.trash(hearth, alice, [mine])

    assert await assets.empty_trash(hearth, alice) == 1

    assert (await count_rows(hearth), await count_rows(hearth, AssetDetails), media_files(hearth)) == (0, 0, [])


async def test_orphan_sweep_removes_files_without_rows_after_grace(hearth, alice, tmp_path):
    kept = (await upload(hearth, alice, make_jpeg(tmp_path / 'a.jpg'))).asset_id
    stored = hearth.files.files_for(alice.id, kept, '.jpg')
    orphan = hearth.files.files_for(alice.id, uuid.uuid4(), '.jpg')  # as left by a kill before the row committed
    for source, copy in zip(stored.all(), orphan.all(), strict=True):
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, copy)

    assert await assets.remove_orphan_files(hearth, grace_seconds=3600) == 0
    assert await assets.remove_orphan_files(hearth, grace_seconds=-1) == 1
    assert media_files(hearth) == sorted(stored.all())


async def test_owner_holds_every_permission_on_their_assets(hearth, alice, tmp_path):
    """The owner holds every permission on their own assets."""
    mine = (await upload(hearth, alice, make_jpeg(tmp_path / 'a.jpg'))).asset_id

    view = await assets.get_asset(hearth, alice, mine)

    assert set(view.permissions) == set(Permission)
