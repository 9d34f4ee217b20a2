"""Rules of external libraries: which paths a member may use, which files are photos, what a scan does."""

import uuid

import pytest

from domain.errors import InvalidInput
from domain.libraries import (
    FileState,
    KnownFile,
    clean_absolute_path,
    clean_library_name,
    is_media_name,
    is_skipped_folder,
    overlapping,
    plan_scan,
    resolve_inside,
)
from ml import media


@pytest.fixture
def allowed(tmp_path):
    (tmp_path / 'photos' / '2024').mkdir(parents=True)
    (tmp_path / 'private').mkdir()
    return tmp_path / 'photos'


def test_a_folder_inside_an_allowed_folder_is_accepted_as_its_real_path(allowed):
    assert resolve_inside(f'{allowed}/2024/', [str(allowed)]) == allowed / '2024'
    assert resolve_inside(str(allowed), [str(allowed)]) == allowed


def test_a_folder_outside_every_allowed_folder_is_refused(allowed, tmp_path):
    with pytest.raises(InvalidInput, match='not inside a folder the administrator allowed'):
        resolve_inside(str(tmp_path / 'private'), [str(allowed)])
    with pytest.raises(InvalidInput):
        resolve_inside(str(tmp_path / 'private'), [])


def test_dot_dot_cannot_climb_out_of_an_allowed_folder(allowed):
    with pytest.raises(InvalidInput):
        resolve_inside(f'{allowed}/2024/../../private', [str(allowed)])
    assert resolve_inside(f'{allowed}/2024/../2024', [str(allowed)]) == allowed / '2024'


def test_a_folder_whose_name_only_starts_like_the_allowed_one_is_outside(allowed, tmp_path):
    (tmp_path / 'photos-of-others').mkdir()
    with pytest.raises(InvalidInput):
        resolve_inside(str(tmp_path / 'photos-of-others'), [str(allowed)])


def test_a_symlink_inside_the_allowed_folder_that_leads_out_is_refused(allowed, tmp_path):
    (allowed / 'escape').symlink_to(tmp_path / 'private')
    with pytest.raises(InvalidInput):
        resolve_inside(str(allowed / 'escape'), [str(allowed)])


def test_an_allowed_folder_reached_through_a_symlink_still_counts(allowed, tmp_path):
    (tmp_path / 'link-to-photos').symlink_to(allowed)
    assert resolve_inside(str(tmp_path / 'link-to-photos' / '2024'), [str(allowed)]) == allowed / '2024'


@pytest.mark.parametrize('path', ['photos/2024', '~/photos', '', '   ', '/photos/\x00x', '/' + 'a' * 1000])
def test_relative_empty_or_unusable_paths_are_refused(path):
    with pytest.raises(InvalidInput):
        clean_absolute_path(path)


def test_a_library_inside_or_around_another_overlaps_it(tmp_path):
    existing = [str(tmp_path / 'photos')]
    assert overlapping(tmp_path / 'photos' / '2024', existing) == existing[0]
    assert overlapping(tmp_path, existing) == existing[0]
    assert overlapping(tmp_path / 'photos', existing) == existing[0]
    assert overlapping(tmp_path / 'photos-2', existing) is None


def test_library_names_are_tidied_and_bounded():
    assert clean_library_name('  Family   NAS ') == 'Family NAS'
    for bad in ('', '   ', None, 'x' * 201):
        with pytest.raises(InvalidInput):
            clean_library_name(bad)


@pytest.mark.parametrize('name', ['IMG_0001.JPG', 'a.jpeg', 'b.png', 'c.webp', 'd.HEIC', 'e.heif', 'f.mp4', 'g.MOV'])
def test_photo_and_video_names_are_scanned(name):
    assert is_media_name(name)


@pytest.mark.parametrize('name', ['.hidden.jpg', '._IMG_0001.JPG', 'notes.txt', 'raw.CR2', 'anim.gif', 'jpg'])
def test_hidden_and_other_files_are_passed_over(name):
    assert not is_media_name(name)


def test_hidden_and_nas_thumbnail_folders_are_skipped():
    assert is_skipped_folder('.thumbnails') and is_skipped_folder('@eaDir')
    assert not is_skipped_folder('2024 Holiday')


def test_every_kind_the_media_reader_accepts_is_scanned():
    kinds = (media.JPEG, media.PNG, media.WEBP, media.HEIC, media.HEIF, media.MP4, media.MOV)
    assert all(is_media_name(f'file{kind.extension}') for kind in kinds)


def test_a_scan_plan_sorts_files_into_new_changed_vanished_back_and_unchanged():
    same, kept, rewritten, gone, returned, still_gone = (uuid.uuid4() for _ in range(6))
    state = FileState(100, 1)
    known = {
        '/p/same.jpg': KnownFile(same, state, offline=False),
        '/p/rewritten.jpg': KnownFile(rewritten, state, offline=False),
        '/p/gone.jpg': KnownFile(gone, state, offline=False),
        '/p/returned.jpg': KnownFile(returned, state, offline=True),
        '/p/still-gone.jpg': KnownFile(still_gone, state, offline=True),
        '/p/kept.jpg': KnownFile(kept, state, offline=False),
    }
    found = {
        '/p/same.jpg': state,
        '/p/kept.jpg': state,
        '/p/rewritten.jpg': FileState(100, 2),
        '/p/returned.jpg': state,
        '/p/new.jpg': FileState(5, 5),
    }

    plan = plan_scan(found, known)

    assert plan.new == ['/p/new.jpg']
    assert plan.changed == [('/p/rewritten.jpg', rewritten)]
    assert plan.vanished == [gone]
    assert plan.back == [returned]
    assert plan.unchanged == 2


def test_a_file_that_returns_rewritten_is_back_and_read_again():
    asset_id = uuid.uuid4()
    plan = plan_scan({'/p/a.jpg': FileState(2, 2)}, {'/p/a.jpg': KnownFile(asset_id, FileState(1, 1), offline=True)})
    assert (plan.back, plan.changed, plan.unchanged) == ([asset_id], [('/p/a.jpg', asset_id)], 0)
