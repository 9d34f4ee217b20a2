"""Shared Spaces in Debian's Chromium: Alice and Bob gather their photos of one trip into a space, and Bob sees
what Alice added since his last visit."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, HearthProcess, connected, screenshot, sign_in
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e
SPACE = 'Summer in Brittany'


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('spaces'))
    for email, name, extra in (('alice@example.com', 'Alice', ['--admin']), ('bob@example.com', 'Bob', [])):
        hearth.cli('user', 'create', '--email', email, '--name', name, '--password', 'family-pw', *extra)
    for email, count, tint, day in (('alice@example.com', 3, 40, 10), ('bob@example.com', 2, 160, 20)):
        camera = hearth.data / email
        camera.mkdir()
        for i in range(count):
            color = (tint + 30 * i, 120 + 20 * i, 200 - tint // 2)
            make_jpeg(camera / f'{i}.jpg', size=(1200, 900), color=color, taken_at=datetime(2024, 7, day + i, 11 + i))
        hearth.cli('import', '--user', email, str(camera))
    with hearth.serving() as url:
        yield url


def same_user(browser, page, viewport):
    return browser.new_context(viewport=viewport, storage_state=page.context.storage_state()).new_page()


def thumbnails(page):
    return page.locator('[data-testid=timeline-grid] .htg-cell img')


def settle(page):
    page.wait_for_timeout(400)  # let Quasar's dialogs and notifications finish moving


def test_a_family_builds_one_timeline_and_bob_sees_what_is_new(browser, server):
    alice = sign_in(browser, server, 'alice@example.com')
    alice.get_by_role('link', name='Spaces').click()
    expect(alice.get_by_text('No spaces yet')).to_be_visible(timeout=15_000)
    alice.get_by_test_id('new-space').click()
    alice.get_by_label('Name').fill(SPACE)
    alice.get_by_label('Description (optional)').fill('Two weeks by the sea with the whole family.')
    alice.get_by_role('button', name='Colour #0e7490').click()
    alice.get_by_test_id('space-save').click()
    expect(alice.get_by_text('This space is empty')).to_be_visible(timeout=15_000)
    connected(alice)  # the space's own page has just loaded

    alice.get_by_test_id('space-members').click()
    members = alice.get_by_test_id('members-dialog')
    members.get_by_label('Find someone by name').fill('Bob')
    members.get_by_test_id('member-candidate').filter(has_text='Bob').click()
    expect(members.get_by_test_id('member-picked')).to_contain_text('Bob', timeout=10_000)
    members.get_by_test_id('invite-role').click()
    alice.get_by_role('option', name='Editor').click()
    members.get_by_role('button', name='Invite').click()
    expect(alice.get_by_text('Bob joined as Editor')).to_be_visible(timeout=10_000)
    expect(members.get_by_text('Members · 2')).to_be_visible()  # the dialog has redrawn with Bob in it
    members.get_by_role('button', name='Close').click()
    expect(members).to_be_hidden()

    bob = sign_in(browser, server, 'bob@example.com')
    bob.get_by_role('link', name='Spaces').click()
    bob.get_by_test_id('space-card').click()
    bob.get_by_test_id('space-add').click()
    bob.get_by_test_id('space-add-all').click()
    bob.get_by_test_id('confirm-ok').click()
    expect(bob.get_by_text('Added 2 photos')).to_be_visible(timeout=15_000)
    expect(thumbnails(bob)).to_have_count(2, timeout=15_000)

    alice.get_by_role('link', name='Photos').click()
    checks = alice.locator('[data-testid=timeline-grid] .htg-cell .htg-check')
    expect(checks).to_have_count(5, timeout=15_000)  # Bob's two, newer, show on her timeline through the space
    for i in (2, 3, 4):
        checks.nth(i).click()
    expect(alice.get_by_text('3 selected')).to_be_visible()
    alice.get_by_role('button', name='Add to space').click()
    alice.get_by_text(SPACE).click()
    expect(alice.get_by_text(f'3 items added to {SPACE}')).to_be_visible(timeout=10_000)

    bob.goto(f'{server}/spaces')
    expect(bob.get_by_test_id('space-new-badge')).to_have_text('3 new', timeout=15_000)
    screenshot(bob, 'spaces-desktop-list')
    bob_phone = same_user(browser, bob, PHONE)
    bob_phone.goto(f'{server}/spaces')
    expect(bob_phone.get_by_test_id('space-new-badge')).to_have_text('3 new', timeout=15_000)
    screenshot(bob_phone, 'spaces-phone-list')

    bob.get_by_test_id('space-card').click()
    expect(bob.get_by_test_id('new-since')).to_contain_text('3 new since', timeout=15_000)
    expect(thumbnails(bob)).to_have_count(5, timeout=15_000)
    bob.get_by_test_id('new-only').click()
    expect(thumbnails(bob)).to_have_count(3, timeout=15_000)
    bob.get_by_test_id('new-only').click()
    expect(thumbnails(bob)).to_have_count(5, timeout=15_000)
    screenshot(bob, 'spaces-desktop-timeline')

    bob.get_by_test_id('space-filters').click()
    expect(bob.get_by_test_id('filters-panel')).to_be_visible(timeout=10_000)
    settle(bob)
    screenshot(bob, 'spaces-desktop-filters')
    bob.get_by_test_id('filters-panel').get_by_role('button', name='Close').click()

    bob.get_by_test_id('tab-activity').click()
    feed = bob.get_by_test_id('activity-feed')
    expect(feed.get_by_text('Alice added 3 photos')).to_be_visible(timeout=15_000)
    expect(feed.get_by_text('You added 2 photos')).to_be_visible()
    expect(feed.get_by_text('Alice added Bob as Editor')).to_be_visible()
    screenshot(bob, 'spaces-desktop-activity')

    alice_phone = same_user(browser, alice, PHONE)
    alice_phone.goto(f'{server}/spaces')
    alice_phone.get_by_test_id('space-card').click()
    expect(alice_phone.get_by_test_id('new-since')).to_contain_text('2 new since', timeout=15_000)
    expect(thumbnails(alice_phone)).to_have_count(5, timeout=15_000)
    screenshot(alice_phone, 'spaces-phone-timeline')
    alice_phone.get_by_test_id('space-filters').click()
    expect(alice_phone.get_by_test_id('filters-panel')).to_be_visible(timeout=10_000)
    settle(alice_phone)
    screenshot(alice_phone, 'spaces-phone-filters')
    alice_phone.get_by_test_id('filters-panel').get_by_role('button', name='Close').click()
    alice_phone.get_by_test_id('tab-activity').click()
    expect(alice_phone.get_by_text('Bob added 2 photos')).to_be_visible(timeout=15_000)
    screenshot(alice_phone, 'spaces-phone-activity')
