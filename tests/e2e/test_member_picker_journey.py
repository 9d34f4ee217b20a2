"""Inviting family in Debian's Chromium, on a desktop and a phone: Alice picks cousins by name into a space, chooses
each newcomer's role in the invite area, and is asked before she lowers anyone's role. The admin's Members page fits
a phone."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, screenshot, sign_in
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e
SPACE = 'Cousins’ weekend'
LONG_NAME = 'Carolina Whitfield-Montgomery'
PASSWORD = 'family-pw'
FAMILY = (('bob', 'Bob'), ('bernard', 'Bernard'), ('carolina', LONG_NAME))


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('picker'))
    for login, name in (('alice', 'Alice'), *FAMILY):
        admin = ['--admin'] if login == 'alice' else []
        hearth.cli('user', 'create', '--email', f'{login}@example.com', '--name', name, '--password', PASSWORD, *admin)
    camera = hearth.data / 'camera'
    camera.mkdir()
    make_jpeg(camera / 'dune.jpg', size=(1200, 900), color=(200, 170, 90), taken_at=datetime(2024, 9, 7, 15))
    hearth.cli('import', '--user', 'alice@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def settle(page):
    page.wait_for_timeout(400)  # let Quasar's dialogs and menus finish moving


def open_members(page):
    page.locator('[role=button][aria-label=Members]:visible').first.click()
    dialog = page.get_by_test_id('members-dialog')
    expect(dialog).to_be_visible(timeout=10_000)
    return dialog


def invite(page, dialog, typed: str, name: str, role: str, members_after: int, shot: str):
    """Find `name` by typing part of it, pick them, give them `role` in the invite area and invite them."""
    candidates = dialog.get_by_test_id('member-candidate')
    dialog.get_by_label('Find someone by name').fill(typed)
    expect(candidates).to_have_count(1, timeout=10_000)  # the list has redrawn for what was typed
    candidates.filter(has_text=name).click()
    expect(dialog.get_by_test_id('member-picked')).to_contain_text(name, timeout=10_000)
    dialog.get_by_test_id('invite-role').click()
    page.get_by_role('option', name=role).click()
    expect(dialog.get_by_test_id('invite-role')).to_contain_text(role)
    settle(page)
    screenshot(page, shot)
    dialog.get_by_role('button', name='Invite').click()
    expect(page.get_by_text(f'{name} joined as {role}')).to_be_visible(timeout=10_000)
    expect(dialog.get_by_text(f'Members · {members_after}')).to_be_visible(timeout=10_000)  # redrawn with them


def test_alice_picks_cousins_by_name_and_is_asked_before_lowering_a_role(browser, server):
    alice = sign_in(browser, server, 'alice@example.com', DESKTOP)
    alice.goto(f'{server}/spaces')
    alice.get_by_test_id('new-space').click()
    alice.get_by_label('Name').fill(SPACE)
    alice.get_by_test_id('space-save').click()
    expect(alice.get_by_text('This space is empty')).to_be_visible(timeout=15_000)
    space_url = alice.url

    dialog = open_members(alice)
    expect(dialog.get_by_test_id('member-candidate')).to_have_count(3, timeout=10_000)
    settle(alice)
    screenshot(alice, 'picker-desktop-members')
    fonts = dialog.locator('.q-avatar *').evaluate_all(
        'parts => parts.filter((e) => !e.childElementCount && e.textContent.trim())'
        '.map((e) => getComputedStyle(e).fontFamily)'
    )
    assert fonts and not any('Material' in font for font in fonts)  # a letter in the icon font fell back to serif
    invite(alice, dialog, 'NARD', 'Bernard', 'Editor', 2, 'picker-desktop-picked')
    settle(alice)
    screenshot(alice, 'picker-desktop-invited')
    dialog.get_by_role('button', name='Close').click()
    expect(dialog).to_be_hidden()

    phone = browser.new_context(viewport=PHONE, storage_state=alice.context.storage_state()).new_page()
    phone.goto(space_url)
    dialog = open_members(phone)
    expect(dialog.get_by_test_id('member-candidate')).to_have_count(2, timeout=10_000)  # Bernard is in already
    settle(phone)
    screenshot(phone, 'picker-phone-members')
    invite(phone, dialog, 'whitfield', LONG_NAME, 'Viewer', 3, 'picker-phone-picked')
    settle(phone)
    screenshot(phone, 'picker-phone-invited')

    bernard = dialog.get_by_test_id('member-row').filter(has_text='Bernard')
    bernard.get_by_test_id('member-role').click()
    phone.get_by_role('option', name='Viewer').click()
    confirm = phone.get_by_test_id('confirm-dialog')
    expect(confirm).to_contain_text('Make Bernard a viewer?', timeout=10_000)
    expect(confirm).to_contain_text('Bernard will only be able to see the photos and favorite them for themselves.')
    settle(phone)
    screenshot(phone, 'picker-phone-lower-role')
    confirm.get_by_role('button', name='Cancel').click()
    expect(bernard.get_by_test_id('member-role')).to_contain_text('Editor', timeout=10_000)


def test_the_admins_members_page_fits_a_phone(browser, server):
    for viewport, shot in ((PHONE, 'admin-phone-members'), (DESKTOP, 'admin-desktop-members')):
        page = sign_in(browser, server, 'alice@example.com', viewport)
        page.goto(f'{server}/admin/members')
        row = page.locator('.q-card', has_text=LONG_NAME)
        expect(row).to_be_visible(timeout=15_000)
        delete = row.get_by_role('button', name=f'Delete {LONG_NAME}')
        edit = row.get_by_role('button', name=f'Edit {LONG_NAME}')
        assert delete.bounding_box()['y'] == edit.bounding_box()['y']  # the buttons keep one line
        assert row.bounding_box()['width'] <= viewport['width']
        screenshot(page, shot)
