"""External libraries through the services, on real folders: the admin allows a folder, a member makes a library of
it, and scans keep Hearth in step with the folder without ever writing into it."""

import asyncio
import hashlib
import os
import threading
from datetime import datetime
from pathlib import Path

import pytest

from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from services import albums, assets, libraries
from services.accounts import create_user
from tests.factories.media_files import make_corrupt_jpeg, make_jpeg, make_text_file
from tests.fixtures import media_files
from tests.integration.test_partners import timeline_ids

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


@pytest.fixture
async def admin(hearth):
    return await create_user(hearth, None, 'root@example.com', 'Root', 'admin password', is_admin=True)


@pytest.fixture
def nas(tmp_path) -> Path:
    """A server folder with two photos at the top, one in a subfolder, and files that are not photos."""
    root = tmp_path / 'nas'
    (root / '2024').mkdir(parents=True)
    (root / '.thumbnails').mkdir()
    shoot(root / 'beach.jpg', 1)
    shoot(root / 'hills.JPG', 2)
    shoot(root / '2024' / 'party.jpg', 3)
    shoot(root / '.thumbnails' / 'beach.jpg', 4)
    shoot(root / '.hidden.jpg', 5)
    make_text_file(root / 'notes.txt')
    return root


def shoot(path: Path, index: int, taken_at: datetime | None = None) -> Path:
    return make_jpeg(path, size=(96 + index, 72), color=(index * 40 % 256, 90, 30), taken_at=taken_at)


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under the folder with its modification time and content hash."""
    return {
        str(path.relative_to(folder)): (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(folder.rglob('*'))
        if path.is_file()
    }


async def library_of(hearth, admin, owner, folder: Path, name='NAS'):
    await libraries.grant_folder(hearth, admin, owner.id, str(folder))
    return await libraries.create_library(hearth, owner, name, str(folder))


async def scanned_library(hearth, admin, owner, folder: Path):
    library = await library_of(hearth, admin, owner, folder)
    await libraries.scan_library(hearth, owner, library.id)
    return library


async def asset_named(hearth, owner, filename: str):
    for asset_id in await timeline_ids(hearth, owner):
        if (await assets.get_asset(hearth, owner, asset_id)).filename == filename:
            return asset_id
    raise AssertionError(f'no asset named {filename}')


def counts(summary: libraries.ScanSummary) -> dict[str, int]:
    keys = ('added', 'changed', 'offline', 'back_online', 'unchanged', 'failed')
    return {key: getattr(summary, key) for key in keys if getattr(summary, key)}


async def test_a_scan_adds_the_folders_photos_as_the_owners_assets_and_writes_nothing_there(hearth, admin, alice, nas):
    before = snapshot(nas)
    library = await library_of(hearth, admin, alice, nas)

    summary = await libraries.scan_library(hearth, alice, library.id)

    assert counts(summary) == {'added': 3}
    ids = await timeline_ids(hearth, alice)
    assert len(ids) == 3
    party = await asset_named(hearth, alice, 'party.jpg')
    view = await assets.get_asset(hearth, alice, party)
    assert (view.filename, view.is_mine, view.width) == ('party.jpg', True, 99)
    thumbnail, _, _ = await assets.asset_file(hearth, alice, party, 'thumbnail')
    assert thumbnail.is_file() and thumbnail.is_relative_to(hearth.settings.media_dir)
    assert snapshot(nas) == before
    assert not (hearth.settings.media_dir / 'originals').exists()  # no copy of any original
    (listed,) = await libraries.list_libraries(hearth, alice)
    assert (listed.asset_count, listed.offline_count, listed.last_scan) == (3, 0, summary)
    assert listed.last_scan_finished_at >= listed.last_scan_started_at


async def test_a_second_scan_finds_everything_unchanged(hearth, admin, alice, nas):
    library = await scanned_library(hearth, admin, alice, nas)
    ids = set(await timeline_ids(hearth, alice))

    summary = await libraries.scan_library(hearth, alice, library.id)

    assert counts(summary) == {'unchanged': 3}
    assert set(await timeline_ids(hearth, alice)) == ids


async def test_a_rewritten_file_is_read_again_as_the_same_asset_keeping_favorite_and_album(hearth, admin, alice, nas):
    library = await scanned_library(hearth, admin, alice, nas)
    beach = await asset_named(hearth, alice, 'beach.jpg')
    await assets.set_state(hearth, alice, [beach], favorite=True)
    album = await albums.create_album(hearth, alice, 'Seaside', asset_ids=[beach])
    thumbnail, _, _ = await assets.asset_file(hearth, alice, beach, 'thumbnail')
    old_thumbnail = thumbnail.read_bytes()

    make_jpeg(nas / 'beach.jpg', size=(200, 100), color=(250, 250, 0), taken_at=datetime(2019, 3, 4, 5, 6))
    summary = await libraries.scan_library(hearth, alice, library.id)

    assert counts(summary) == {'changed': 1, 'unchanged': 2}
    view = await assets.get_asset(hearth, alice, beach)
    assert (view.width, view.height, view.taken_at, view.favorite) == (200, 100, datetime(2019, 3, 4, 5, 6), True)
    assert thumbnail.read_bytes() != old_thumbnail
    assert [item.id for item in await albums.album_items(hearth, alice, album.id)] == [beach]
    assert beach in await timeline_ids(hearth, alice)


async def test_a_rewritten_file_keeps_a_date_someone_corrected_by_hand(hearth, admin, alice, nas):
    library = await scanned_library(hearth, admin, alice, nas)
    beach = await asset_named(hearth, alice, 'beach.jpg')
    await assets.update_details(hearth, alice, [beach], taken_at=datetime(2001, 1, 1, 12))

    make_jpeg(nas / 'beach.jpg', size=(200, 100), taken_at=datetime(2019, 3, 4, 5, 6))
    await libraries.scan_library(hearth, alice, library.id)

    view = await assets.get_asset(hearth, alice, beach)
    assert (view.width, view.taken_at) == (200, datetime(2001, 1, 1, 12))


async def test_a_vanished_file_goes_offline_stays_listed_and_comes_back(hearth, admin, alice, nas):
    library = await scanned_library(hearth, admin, alice, nas)
    hills = await asset_named(hearth, alice, 'hills.JPG')
    kept = (nas / 'hills.JPG').read_bytes()

    (nas / 'hills.JPG').unlink()
    summary = await libraries.scan_library(hearth, alice, library.id)

    assert counts(summary) == {'offline': 1, 'unchanged': 2}
    assert hills in await timeline_ids(hearth, alice)
    assert (await assets.asset_file(hearth, alice, hills, 'preview'))[0].is_file()
    with pytest.raises(NotFound, match='The original file is offline'):
        await assets.asset_file(hearth, alice, hills, 'original')
    assert (await libraries.get_library(hearth, alice, library.id)).offline_count == 1

    (nas / 'hills.JPG').write_bytes(kept)
    summary = await libraries.scan_library(hearth, alice, library.id)

    assert counts(summary) == {'back_online': 1, 'unchanged': 2}
    assert (await assets.asset_file(hearth, alice, hills, 'original'))[0] == nas / 'hills.JPG'
    assert (await libraries.get_library(hearth, alice, library.id)).offline_count == 0


async def test_corrupt_and_mislabelled_files_are_counted_as_failed_and_the_scan_goes_on(hearth, admin, alice, nas):
    make_corrupt_jpeg(nas / 'broken.jpg')
    make_text_file(nas / 'letter.jpg')
    library = await library_of(hearth, admin, alice, nas)

    summary = await libraries.scan_library(hearth, alice, library.id)

    assert counts(summary) == {'added': 3, 'failed': 2}
    assert sorted(problem.split(':')[0] for problem in summary.problems) == ['broken.jpg', 'letter.jpg']
    assert 'damaged or incomplete' in ' '.join(summary.problems)
    assert len(media_files(hearth)) == 3 * 2  # a thumbnail and a preview each, none left behind by the failures


async def test_a_scan_never_follows_symlinks_out_of_the_library(hearth, admin, alice, nas, tmp_path):
    outside = tmp_path / 'elsewhere'
    outside.mkdir()
    shoot(outside / 'secret.jpg', 9)
    (nas / 'linked.jpg').symlink_to(outside / 'secret.jpg')
    (nas / 'linked-folder').symlink_to(outside, target_is_directory=True)
    (nas / 'inside-link.jpg').symlink_to(nas / 'beach.jpg')
    library = await library_of(hearth, admin, alice, nas)

    summary = await libraries.scan_library(hearth, alice, library.id)

    assert counts(summary) == {'added': 4, 'failed': 1}
    assert summary.problems == ('linked.jpg: it links to a file outside the library',)
    originals = [(await assets.asset_file(hearth, alice, i, 'original'))[0] for i in await timeline_ids(hearth, alice)]
    assert all(path.is_relative_to(nas) for path in originals)


async def test_an_original_whose_link_was_swapped_to_the_outside_is_not_served(hearth, admin, alice, nas, tmp_path):
    (nas / 'inside-link.jpg').symlink_to(nas / 'beach.jpg')
    await scanned_library(hearth, admin, alice, nas)
    linked = await asset_named(hearth, alice, 'inside-link.jpg')
    assert (await assets.asset_file(hearth, alice, linked, 'original'))[0] == nas / 'beach.jpg'
    secret = shoot(tmp_path / 'secret.jpg', 9)

    (nas / 'inside-link.jpg').unlink()
    (nas / 'inside-link.jpg').symlink_to(secret)

    with pytest.raises(NotFound):
        await assets.asset_file(hearth, alice, linked, 'original')


async def test_one_scan_at_a_time_and_no_delete_meanwhile(hearth, admin, alice, nas, monkeypatch):
    library = await library_of(hearth, admin, alice, nas)
    walking, release = threading.Event(), threading.Event()
    walk = libraries.walk_library

    def slow_walk(root):
        walking.set()
        release.wait(10)
        return walk(root)

    monkeypatch.setattr(libraries, 'walk_library', slow_walk)
    first = asyncio.create_task(libraries.scan_library(hearth, alice, library.id))
    await asyncio.to_thread(walking.wait, 10)

    assert (await libraries.get_library(hearth, alice, library.id)).scanning
    with pytest.raises(Conflict, match='This library is being scanned'):
        await libraries.scan_library(hearth, alice, library.id)
    with pytest.raises(Conflict):
        await libraries.delete_library(hearth, alice, library.id)
    release.set()

    assert counts(await first) == {'added': 3}
    assert not (await libraries.get_library(hearth, alice, library.id)).scanning


async def test_someone_elses_library_does_not_exist_for_them(hearth, admin, alice, bob, nas):
    library = await scanned_library(hearth, admin, alice, nas)
    for attempt in (
        libraries.get_library(hearth, bob, library.id),
        libraries.scan_library(hearth, bob, library.id),
        libraries.rename_library(hearth, bob, library.id, 'Mine'),
        libraries.delete_library(hearth, bob, library.id),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert await libraries.list_libraries(hearth, bob) == []
    assert await timeline_ids(hearth, bob) == []
    assert (await libraries.get_library(hearth, alice, library.id)).name == 'NAS'


async def test_the_admin_sees_folders_and_library_counts_but_never_the_photos(hearth, admin, alice, nas):
    library = await scanned_library(hearth, admin, alice, nas)

    (folder,) = await libraries.list_folders(hearth, admin)

    assert (folder.user_name, folder.path, folder.libraries) == ('Alice', str(nas), (libraries.LibraryBrief('NAS', 3),))
    photo = (await timeline_ids(hearth, alice))[0]
    with pytest.raises(NotFound):
        await assets.get_asset(hearth, admin, photo)
    with pytest.raises(NotFound):
        await assets.asset_file(hearth, admin, photo, 'thumbnail')
    with pytest.raises(NotFound):
        await libraries.scan_library(hearth, admin, library.id)
    assert await timeline_ids(hearth, admin) == []


async def test_only_the_admin_allows_and_revokes_folders(hearth, admin, alice, bob, nas):
    with pytest.raises(Forbidden):
        await libraries.grant_folder(hearth, alice, alice.id, str(nas))
    folder = await libraries.grant_folder(hearth, admin, alice.id, str(nas))
    with pytest.raises(Forbidden):
        await libraries.list_folders(hearth, alice)
    with pytest.raises(Forbidden):
        await libraries.revoke_folder(hearth, bob, folder.id)
    assert [f.path for f in await libraries.list_my_folders(hearth, alice)] == [str(nas)]
    assert await libraries.list_my_folders(hearth, bob) == []


async def test_a_folder_is_allowed_once_and_only_if_it_exists(hearth, admin, alice, nas):
    await libraries.grant_folder(hearth, admin, alice.id, f'{nas}/2024/..')
    with pytest.raises(Conflict):
        await libraries.grant_folder(hearth, admin, alice.id, str(nas))
    for bad in (str(nas / 'missing'), str(nas / 'beach.jpg'), 'relative/path', ''):
        with pytest.raises(InvalidInput):
            await libraries.grant_folder(hearth, admin, alice.id, bad)
    assert [folder.path for folder in await libraries.list_folders(hearth, admin)] == [str(nas)]


async def test_a_library_outside_the_allowed_folders_is_refused(hearth, admin, alice, nas, tmp_path):
    await libraries.grant_folder(hearth, admin, alice.id, str(nas / '2024'))
    (tmp_path / 'other').mkdir()
    for path in (str(nas), str(tmp_path / 'other'), f'{nas}/2024/../', str(nas / '2024' / 'missing')):
        with pytest.raises(InvalidInput):
            await libraries.create_library(hearth, alice, 'Sneaky', path)
    assert await libraries.list_libraries(hearth, alice) == []


async def test_a_library_may_not_overlap_another_of_the_same_member(hearth, admin, alice, nas):
    await library_of(hearth, admin, alice, nas)
    for path in (nas, nas / '2024'):
        with pytest.raises(Conflict):
            await libraries.create_library(hearth, alice, 'Again', str(path))
    assert len(await libraries.list_libraries(hearth, alice)) == 1


async def test_a_revoked_folder_is_no_longer_scanned_and_its_library_stays(hearth, admin, alice, nas):
    library = await scanned_library(hearth, admin, alice, nas)
    (folder,) = await libraries.list_folders(hearth, admin)

    await libraries.revoke_folder(hearth, admin, folder.id)

    with pytest.raises(InvalidInput, match='no longer allows'):
        await libraries.scan_library(hearth, alice, library.id)
    assert (await libraries.get_library(hearth, alice, library.id)).asset_count == 3
    with pytest.raises(NotFound):
        await libraries.revoke_folder(hearth, admin, folder.id)


async def test_renaming_tidies_the_name(hearth, admin, alice, nas):
    library = await library_of(hearth, admin, alice, nas)
    assert (await libraries.rename_library(hearth, alice, library.id, '  Family  NAS ')).name == 'Family NAS'
    with pytest.raises(InvalidInput):
        await libraries.rename_library(hearth, alice, library.id, '  ')


async def test_deleting_a_library_forgets_its_photos_and_keeps_the_files_on_disk(hearth, admin, alice, nas):
    library = await scanned_library(hearth, admin, alice, nas)
    before = snapshot(nas)

    removed = await libraries.delete_library(hearth, alice, library.id)

    assert removed == 3
    assert snapshot(nas) == before
    assert media_files(hearth) == []
    assert await timeline_ids(hearth, alice) == []
    assert await libraries.list_libraries(hearth, alice) == []
    (folder,) = await libraries.list_my_folders(hearth, alice)
    assert folder.libraries == ()


async def test_the_scheduled_scan_goes_through_every_library(hearth, admin, alice, bob, nas, tmp_path):
    theirs = tmp_path / 'bobs'
    theirs.mkdir()
    shoot(theirs / 'bob.jpg', 7)
    mine = await library_of(hearth, admin, alice, nas)
    bobs = await library_of(hearth, admin, bob, theirs)

    summaries = await libraries.scan_all(hearth)

    assert {library_id: s.added for library_id, s in summaries.items()} == {mine.id: 3, bobs.id: 1}
    assert len(await timeline_ids(hearth, bob)) == 1


async def test_a_missing_folder_puts_everything_offline_and_loses_nothing(hearth, admin, alice, nas, tmp_path):
    library = await scanned_library(hearth, admin, alice, nas)
    os.rename(nas, tmp_path / 'unmounted')

    summary = await libraries.scan_library(hearth, alice, library.id)

    assert (summary.offline, summary.failed) == (3, 1)
    assert len(await timeline_ids(hearth, alice)) == 3
    os.rename(tmp_path / 'unmounted', nas)
    assert counts(await libraries.scan_library(hearth, alice, library.id)) == {'back_online': 3}
