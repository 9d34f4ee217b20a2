"""External libraries in the web UI: the admin allows a folder, the member adds it as a library, scans and deletes."""

from pathlib import Path

from nicegui.testing import User

from services import accounts, libraries, runtime
from tests.factories.media_files import make_jpeg
from tests.ui.conftest import member, sign_up_admin


async def signed_in_admin(user: User):
    await sign_up_admin(user)
    return await accounts.authenticate(runtime.current(), 'ann@example.com', 'hearth-admin')


def nas_with_photos(tmp_path: Path, count: int = 2) -> Path:
    root = tmp_path / 'nas'
    root.mkdir()
    for index in range(count):
        make_jpeg(root / f'{index}.jpg', size=(80, 60), color=(index * 70, 90, 30))
    return root


async def test_without_an_allowed_folder_the_page_says_to_ask_the_admin(user: User):
    await signed_in_admin(user)

    await user.open('/libraries')

    await user.should_see('Ask the administrator to allow a folder on the server for you.', retries=50)
    await user.should_not_see('Add library')


async def test_adding_a_library_scans_it_and_shows_what_was_found(user: User, tmp_path):
    ann = await signed_in_admin(user)
    nas = nas_with_photos(tmp_path)
    await libraries.grant_folder(runtime.current(), ann, ann.id, str(nas))
    await user.open('/libraries')
    await user.should_see('No libraries yet', retries=50)

    user.find('add-library').click()
    await user.should_see('Add a library', retries=20)
    user.find('library-name').type('Family NAS')
    user.find('library-create').click()

    await user.should_see('Family NAS: 2 added', retries=100)
    await user.should_see('2 items')
    (library,) = await libraries.list_libraries(runtime.current(), ann)
    assert (library.name, library.path, library.asset_count) == ('Family NAS', str(nas), 2)


async def test_scan_now_reports_new_and_vanished_files(user: User, tmp_path):
    ann = await signed_in_admin(user)
    nas = nas_with_photos(tmp_path)
    await libraries.grant_folder(runtime.current(), ann, ann.id, str(nas))
    library = await libraries.create_library(runtime.current(), ann, 'NAS', str(nas))
    await libraries.scan_library(runtime.current(), ann, library.id)
    make_jpeg(nas / 'new.jpg', size=(80, 60))
    (nas / '0.jpg').unlink()
    await user.open('/libraries')
    await user.should_see('Last scan', retries=50)

    user.find('scan-NAS').click()

    await user.should_see('NAS: 1 added · 1 offline · 1 unchanged', retries=100)
    await user.should_see('1 offline (their files are missing from the folder)')


async def test_deleting_a_library_says_how_many_items_leave_and_keeps_the_files(user: User, tmp_path):
    ann = await signed_in_admin(user)
    nas = nas_with_photos(tmp_path, count=3)
    await libraries.grant_folder(runtime.current(), ann, ann.id, str(nas))
    library = await libraries.create_library(runtime.current(), ann, 'NAS', str(nas))
    await libraries.scan_library(runtime.current(), ann, library.id)
    await user.open('/libraries')
    await user.should_see('3 items', retries=50)

    user.find('delete-NAS').click()
    await user.should_see(
        f'3 items will leave Hearth, with their favorites, albums and comments. '
        f'The files stay on the server, untouched, in {nas}.',
        retries=20,
    )
    user.find('confirm-ok').click()

    await user.should_see('NAS deleted: 3 items left Hearth', retries=50)
    assert await libraries.list_libraries(runtime.current(), ann) == []
    assert sorted(path.name for path in nas.iterdir()) == ['0.jpg', '1.jpg', '2.jpg']


async def test_the_admin_allows_a_member_a_folder_from_the_members_page(user: User, tmp_path):
    await signed_in_admin(user)
    bea = await member()
    nas = nas_with_photos(tmp_path, count=0)
    await user.open('/admin/members')
    await user.should_see('member-bea@example.com', retries=50)

    user.find('folders-bea@example.com').click()
    await user.should_see('Server folders for Bea', retries=20)
    user.find('folder-path').type(str(tmp_path / 'missing'))
    user.find('folder-allow').click()
    await user.should_see(f'There is no folder {tmp_path / "missing"} on the server', retries=20)
    user.find('folder-path').clear().type(str(nas))
    user.find('folder-allow').click()

    await user.should_see(f'folder-{nas}', retries=50)
    assert [folder.path for folder in await libraries.list_my_folders(runtime.current(), bea)] == [str(nas)]
