"""The shell in Debian's Chromium: the admin's first step, the phone's bottom bar, dark mode and dates in the reader's
own language."""

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, screenshot
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e

# The height a `var(--hearth-bottom-nav)` box takes on this page (the bar's own height on phones, else 0).
BOTTOM_NAV_HEIGHT = """() => { const probe = document.createElement('div');
  probe.style.height = 'var(--hearth-bottom-nav)'; document.body.append(probe);
  const height = probe.getBoundingClientRect().height; probe.remove(); return height; }"""
IS_DARK = "() => document.body.classList.contains('body--dark')"
GRID_BACKGROUND = "() => getComputedStyle(document.querySelector('[data-testid=timeline-grid]')).backgroundColor"
HEADER_BACKGROUND = "() => getComputedStyle(document.querySelector('.q-header')).backgroundColor"
WHITE = 'rgb(255, 255, 255)'


@pytest.fixture(scope='module')
def fresh_server(tmp_path_factory):
    with HearthProcess(tmp_path_factory.mktemp('shell-fresh')).serving() as url:
        yield url


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('shell'))
    hearth.cli('user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'family-pw', '--admin')
    camera = hearth.data / 'camera'
    camera.mkdir()
    for i in range(12):
        color = (40 + 15 * i, 120, 200 - 10 * i)
        make_jpeg(camera / f'{i}.jpg', size=(1200, 900), color=color, taken_at=datetime(2024, 7, 1 + i, 10))
    hearth.cli('import', '--user', 'ann@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def open_signed_in(browser, server: str, viewport=DESKTOP, **context):
    page = browser.new_context(viewport=viewport, **context).new_page()
    page.goto(f'{server}/login')
    page.get_by_label('Email').fill('ann@example.com')
    page.get_by_label('Password').fill('family-pw')
    page.get_by_role('button', name='Sign in').click()
    expect(page.get_by_test_id('timeline-grid')).to_be_visible(timeout=15_000)
    return page


def settle(page):
    page.wait_for_timeout(400)  # let Quasar's dialogs and menus finish moving


def test_after_onboarding_the_admin_is_offered_to_add_the_family(browser, fresh_server):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(fresh_server)
    page.get_by_label('Your name').fill('Ann')
    page.get_by_label('Email').fill('ann@example.com')
    page.get_by_label('Password').fill('hearth-admin')
    page.get_by_role('button', name='Create administrator').click()

    step = page.get_by_test_id('family-step')
    expect(step.get_by_text('Add your family')).to_be_visible(timeout=15_000)
    expect(page.get_by_text('Your library is empty')).to_be_visible()
    expect(page.get_by_role('button', name='Connect a folder')).to_be_visible()
    screenshot(page, 'shell-desktop-family-step')

    step.get_by_role('button', name='Add a family member').click()
    page.get_by_label('Name').fill('Bea')
    page.get_by_label('Email').fill('bea@example.com')
    page.get_by_label('Password').fill('bea-password')
    page.get_by_role('button', name='Save').click()
    expect(step.get_by_text('Added: Bea. They can sign in now.')).to_be_visible(timeout=10_000)
    step.get_by_role('button', name='Done').click()
    expect(step).to_be_hidden()

    page.reload()
    expect(page.get_by_text('Your library is empty')).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id('family-step')).to_be_hidden()


def test_on_a_phone_the_bottom_bar_leads_everywhere(browser, server):
    page = open_signed_in(browser, server, PHONE)
    bar = page.get_by_test_id('bottom-nav')
    expect(bar).to_be_visible()
    expect(page.get_by_test_id('bottom-nav-photos')).to_have_attribute('aria-current', 'page')
    box = bar.bounding_box()
    assert (box['height'], box['y'] + box['height']) == (56, PHONE['height'])
    assert page.evaluate(BOTTOM_NAV_HEIGHT) == 56
    expect(page.locator('[data-testid=timeline-grid] .htg-cell img').first).to_be_visible(timeout=15_000)
    page.evaluate('window.scrollTo(0, document.body.scrollHeight)')
    grid = page.get_by_test_id('timeline-grid').bounding_box()
    assert grid['y'] + grid['height'] <= box['y'] + 0.5  # the grid's last row can come out from under the bar
    expect(page.get_by_role('button', name='Choose people')).to_contain_text('Choose people')
    screenshot(page, 'shell-phone-timeline')

    page.get_by_test_id('bottom-nav-spaces').click()
    expect(page).to_have_url(f'{server}/spaces')
    expect(page.get_by_test_id('bottom-nav-spaces')).to_have_attribute('aria-current', 'page')

    page.get_by_test_id('bottom-nav-more').click()
    sheet = page.get_by_test_id('more-sheet')
    expect(sheet.get_by_text('Trash')).to_be_visible()
    expect(sheet.get_by_text('Sign out')).to_be_visible()
    settle(page)
    screenshot(page, 'shell-phone-more')
    sheet.get_by_test_id('more-albums').click()
    expect(page).to_have_url(f'{server}/albums')
    expect(page.get_by_test_id('bottom-nav-more')).to_have_attribute('aria-current', 'page')


def test_on_a_desktop_the_drawer_stays_and_the_bottom_bar_is_hidden(browser, server):
    page = open_signed_in(browser, server)
    expect(page.get_by_test_id('bottom-nav')).to_be_attached()  # on the page, but not shown at this width
    expect(page.get_by_test_id('bottom-nav')).to_be_hidden()
    expect(page.get_by_role('link', name='Spaces')).to_be_visible()
    assert page.evaluate(BOTTOM_NAV_HEIGHT) == 0


def test_dark_mode_follows_the_system_until_this_browser_chooses(browser, server):
    page = open_signed_in(browser, server, color_scheme='dark')
    assert page.evaluate(IS_DARK)
    assert page.evaluate(HEADER_BACKGROUND) != WHITE
    assert page.evaluate(GRID_BACKGROUND) == 'rgb(18, 18, 18)'
    expect(page.locator('[data-testid=timeline-grid] .htg-cell img').first).to_be_visible(timeout=15_000)
    screenshot(page, 'shell-desktop-dark')

    page.get_by_role('button', name='Account', exact=True).click()
    settle(page)
    screenshot(page, 'shell-desktop-dark-account-menu')
    page.get_by_role('button', name='Light').click()
    page.wait_for_function(f'() => !({IS_DARK})()')
    assert page.evaluate(GRID_BACKGROUND) == WHITE
    page.reload()
    expect(page.get_by_test_id('timeline-grid')).to_be_visible(timeout=15_000)
    assert not page.evaluate(IS_DARK)  # remembered by this browser

    page.get_by_role('button', name='Account', exact=True).click()
    page.get_by_role('button', name='System').click()
    page.wait_for_function(IS_DARK)

    phone = browser.new_context(viewport=PHONE, color_scheme='dark', storage_state=page.context.storage_state())
    phone_page = phone.new_page()
    phone_page.goto(server)
    expect(phone_page.get_by_test_id('bottom-nav')).to_be_visible(timeout=15_000)
    assert phone_page.evaluate(IS_DARK)
    phone_page.get_by_test_id('bottom-nav-more').click()
    expect(phone_page.get_by_test_id('more-sheet').get_by_role('button', name='Dark')).to_be_visible()
    settle(phone_page)
    screenshot(phone_page, 'shell-phone-dark-more')


def test_dates_are_written_in_the_readers_language(browser, server):
    page = open_signed_in(browser, server, locale='de-DE')
    expect(page.get_by_text('Juli 2024')).to_be_visible(timeout=15_000)  # the timeline's month, in German
    screenshot(page, 'shell-de-timeline')
    page.goto(f'{server}/account')
    page.get_by_label('Key name').fill('Phone')
    page.get_by_role('button', name='Create key').click()
    page.get_by_role('button', name='Done').click()
    settle(page)
    # German writes the day with a full stop and German month names ("6. Dez. 2026"), not "6 Dec 2026"
    expect(page.get_by_text(re.compile(r'created \d{1,2}\. \w+\.? \d{4}'))).to_be_visible(timeout=10_000)
    screenshot(page, 'shell-de-account')

    page.goto(f'{server}/spaces')
    page.get_by_test_id('new-space').click()
    page.get_by_label('Name').fill('Familie')
    page.get_by_test_id('space-save').click()
    expect(page.get_by_text('This space is empty')).to_be_visible(timeout=15_000)
    page.get_by_test_id('space-filters').click()
    expect(page.get_by_test_id('filters-panel')).to_be_visible(timeout=10_000)
    settle(page)
    screenshot(page, 'shell-de-space-filters')
