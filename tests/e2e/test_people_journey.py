"""People in Debian's Chromium, on the real face pipeline: photos imported, faces found and grouped by the server's
own workers, then a member names the person, filters the timeline by him and opens his photos and faces."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, HearthProcess, screenshot, sign_in
from tests.factories.face_photos import ANOTHER_PERSON, ONE_PERSON, face_photo

pytestmark = pytest.mark.e2e


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('people'), face_workers=1)
    hearth.cli('user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'family-pw', '--admin')
    camera = hearth.data / 'camera'
    camera.mkdir()
    for name in (*ONE_PERSON, ANOTHER_PERSON):
        (camera / name).write_bytes(face_photo(name).read_bytes())
    hearth.cli('import', '--user', 'ann@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def test_faces_become_a_person_whom_i_name_filter_by_and_open(browser, server):
    page = sign_in(browser, server)
    for _ in range(60):  # the server finds faces and groups them in the background
        page.goto(f'{server}/people')
        if page.get_by_text('Add a name').count():
            break
        page.wait_for_timeout(1000)
    expect(page.get_by_text('1 person')).to_be_visible()
    expect(page.get_by_text('3 photos')).to_be_visible()
    screenshot(page, 'people-desktop-unnamed')

    page.get_by_text('Add a name').click()
    page.get_by_label('Name', exact=True).fill('The President')
    page.get_by_role('button', name='Save').click()
    expect(page.get_by_text('The President')).to_be_visible(timeout=10_000)
    page.wait_for_timeout(400)
    screenshot(page, 'people-desktop-named')

    page.goto(server)  # my timeline, filtered to the photos he is in
    cells = page.locator('[data-testid=timeline-grid] .htg-cell img')
    expect(cells).to_have_count(4, timeout=15_000)
    page.get_by_role('button', name='People').click()
    page.get_by_test_id('people-picker').get_by_text('The President').click()
    page.get_by_role('button', name='Show').click()
    expect(cells).to_have_count(3, timeout=15_000)
    expect(page.get_by_text('3 items')).to_be_visible()
    page.wait_for_timeout(400)
    screenshot(page, 'people-desktop-filtered')
    page.get_by_role('button', name='Stop filtering by The President').click()
    expect(cells).to_have_count(4, timeout=15_000)

    phone = sign_in(browser, server, viewport=PHONE)
    phone.goto(f'{server}/people')
    phone.get_by_role('link', name='The President').click()
    expect(phone.locator('[data-testid=timeline-grid] .htg-cell img')).to_have_count(3, timeout=15_000)
    screenshot(phone, 'people-phone-person')
    phone.get_by_role('button', name='Faces').click()
    expect(phone.get_by_text('Faces of The President')).to_be_visible(timeout=10_000)
    phone.wait_for_timeout(400)
    screenshot(phone, 'people-phone-faces')
