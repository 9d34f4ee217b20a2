"""A family member's first hour, in Debian's Chromium against the real server, real database and real files."""

from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, HearthProcess, connected, screenshot
from tests.factories.media_files import make_jpeg, make_mp4, make_text_file

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def hearth_server(tmp_path_factory):
    with HearthProcess(tmp_path_factory.mktemp('journey')).serving() as url:
        yield url


@pytest.fixture(scope='module')
def photos(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp('camera')
    made = [
        make_jpeg(
            folder / f'IMG_{i}.jpg',
            size=(1600, 1200),
            color=(40 + 60 * i, 120, 200 - 50 * i),
            taken_at=datetime(2024, 7, 10 + i, 9 + i, 30),
            gps=(45.43, 12.33),
        )
        for i in range(3)
    ]
    made.append(make_mp4(folder / 'clip.mp4', seconds=1.5))
    made.append(make_text_file(folder / 'notes.jpg'))
    return made


def test_onboard_upload_browse_and_view(browser, hearth_server, photos):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(hearth_server)
    expect(page.get_by_text('Create the administrator account')).to_be_visible()
    screenshot(page, 'journey-desktop-onboarding')
    page.get_by_label('Your name').fill('Ann')
    page.get_by_label('Email').fill('ann@example.com')
    page.get_by_label('Password').fill('hearth-admin')
    page.get_by_role('button', name='Create administrator').click()
    expect(page.get_by_text('Your library is empty')).to_be_visible(timeout=15_000)
    screenshot(page, 'journey-desktop-empty')

    with page.expect_file_chooser() as chooser:
        page.get_by_test_id('upload-button').click()
    chooser.value.set_files([str(p) for p in photos])
    expect(page.get_by_test_id('upload-title')).to_have_text('4 added, 1 refused', timeout=60_000)
    notes = page.get_by_test_id('upload-list').locator('li', has_text='notes.jpg')
    expect(notes).to_contain_text('not a photo or video')
    screenshot(page, 'journey-desktop-upload')
    page.get_by_test_id('upload-close').click()

    cells = page.locator('[data-testid=timeline-grid] .htg-cell img')
    expect(cells).to_have_count(4, timeout=15_000)
    expect(page.get_by_text('4 items')).to_be_visible()
    screenshot(page, 'journey-desktop-timeline')

    page.locator('[data-testid=timeline-grid] .htg-open').nth(1).click()
    expect(page.get_by_test_id('zoom-image')).to_be_visible(timeout=15_000)
    connected(page)  # the viewer is a new page: a click before its socket is up is lost (CI, under load)
    page.get_by_role('button', name='Details').click()
    expect(page.get_by_text('Hearthcam HC-1')).to_be_visible()
    expect(page.get_by_text('45.43000, 12.33000')).to_be_visible()
    screenshot(page, 'journey-desktop-viewer')

    expect(page.get_by_text('Fri, 12 Jul 2024, 11:30')).to_be_visible()
    page.keyboard.press('ArrowRight')
    expect(page.get_by_text('Thu, 11 Jul 2024, 10:30')).to_be_visible(timeout=5_000)
    page.keyboard.press('ArrowLeft')
    expect(page.get_by_text('Fri, 12 Jul 2024, 11:30')).to_be_visible(timeout=5_000)

    active_stars = page.locator('[data-testid=viewer-rating] .q-icon').filter(has_text='star')
    active_stars = active_stars.filter(has_not_text='border')
    page.get_by_test_id('viewer-star-4').click()  # four stars for this photo
    expect(active_stars).to_have_count(4, timeout=5_000)
    page.get_by_test_id('viewer-next').click()  # the desktop's own buttons, not only the arrow keys
    expect(page.get_by_text('Thu, 11 Jul 2024, 10:30')).to_be_visible(timeout=5_000)
    expect(active_stars).to_have_count(0)  # this photo's own rating, not the last one's
    page.get_by_test_id('viewer-previous').click()
    expect(page.get_by_text('Fri, 12 Jul 2024, 11:30')).to_be_visible(timeout=5_000)
    expect(active_stars).to_have_count(4)
    page.keyboard.press('Escape')
    expect(page.get_by_text('4 items')).to_be_visible(timeout=15_000)

    phone = browser.new_context(viewport=PHONE, storage_state=page.context.storage_state()).new_page()
    phone.goto(hearth_server)
    expect(phone.locator('[data-testid=timeline-grid] .htg-cell img')).to_have_count(4, timeout=15_000)
    screenshot(phone, 'journey-phone-timeline')
    phone.locator('[data-testid=timeline-grid] .htg-open').first.click()
    expect(phone.get_by_test_id('viewer')).to_be_visible(timeout=15_000)
    screenshot(phone, 'journey-phone-viewer')
