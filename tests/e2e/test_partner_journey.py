"""Partner sharing in Debian's Chromium: one member shares her library, another favorites a photo of it."""

from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, HearthProcess, connected, screenshot, sign_in
from tests.factories.media_files import make_jpeg

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('partners'))
    for email, name, extra in (('ann@example.com', 'Ann', ['--admin']), ('bea@example.com', 'Bea', [])):
        hearth.cli('user', 'create', '--email', email, '--name', name, '--password', 'family-pw', *extra)
    camera = hearth.data / 'camera'
    camera.mkdir()
    make_jpeg(camera / 'lake.jpg', size=(1200, 900), color=(30, 140, 200), taken_at=datetime(2024, 8, 2, 17))
    hearth.cli('import', '--user', 'ann@example.com', str(camera))
    with hearth.serving() as url:
        yield url


def test_share_library_then_partner_favorites_for_herself(browser, server):
    ann = sign_in(browser, server, 'ann@example.com')
    ann.goto(f'{server}/sharing')
    ann.get_by_role('button', name='Share my library').click()
    ann.get_by_test_id('member-candidate').filter(has_text='Bea').click()
    expect(ann.get_by_test_id('member-picked')).to_contain_text('Bea', timeout=10_000)
    ann.get_by_text('Very close person').click()
    ann.get_by_text('What they will be able to do').click()
    expect(ann.get_by_text('Restore them from your trash')).to_be_visible()
    ann.wait_for_timeout(400)  # let Quasar's expansion finish opening
    screenshot(ann, 'partners-desktop-share-dialog')
    ann.get_by_role('button', name='Share', exact=True).click()
    expect(ann.get_by_text('bea@example.com')).to_be_visible(timeout=10_000)
    expect(ann.get_by_text('Your library is now shared')).to_be_visible()
    ann.wait_for_timeout(400)  # let the dialog finish fading out
    screenshot(ann, 'partners-desktop-sharing')

    bea = sign_in(browser, server, 'bea@example.com', PHONE)
    expect(bea.locator('[data-testid=timeline-grid] .htg-cell img')).to_have_count(1, timeout=15_000)
    bea.locator('[data-testid=timeline-grid] .htg-open').first.click()
    expect(bea.get_by_role('button', name='Details')).to_be_visible(timeout=15_000)
    connected(bea)  # the viewer is a page of its own, just loaded
    bea.get_by_role('button', name='Details').click()
    expect(bea.get_by_text('Owned by Ann')).to_be_visible(timeout=10_000)
    bea.get_by_role('button', name='Favorite').click()
    bea.goto(f'{server}/favorites')
    expect(bea.locator('[data-testid=timeline-grid] .htg-cell img')).to_have_count(1, timeout=15_000)
    screenshot(bea, 'partners-phone-favorites')
    bea.goto(f'{server}/sharing')
    expect(bea.get_by_text('On my timeline')).to_be_visible(timeout=10_000)
    screenshot(bea, 'partners-phone-sharing')

    ann.goto(f'{server}/favorites')
    expect(ann.get_by_text('No favorites yet')).to_be_visible(timeout=15_000)
