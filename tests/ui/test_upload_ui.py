"""Uploading from the timeline as the page wires it up; the browser's part is in tests/e2e/test_upload_journey.py."""

from nicegui.testing import User

from services import runtime
from tests.ui.conftest import sign_up_admin
from ui.components.timeline_grid import TimelineGrid


async def test_the_timeline_uploads_to_the_api_within_the_server_limit(user: User):
    await sign_up_admin(user)

    panel = user.find('upload-panel').elements.pop()

    assert panel.props['url'] == '/api/assets'
    assert panel.props['max_bytes'] == runtime.current().settings.max_upload_bytes


async def test_upload_buttons_open_the_picker_inside_their_own_click(user: User):
    """GIVEN an empty library WHEN the timeline shows THEN both Upload buttons carry the attribute the panel listens
    for, since Safari opens a file chooser only inside the click, not after a round trip to the server."""
    await sign_up_admin(user)
    await user.should_see('Your library is empty')

    buttons = [element for element in user.find('Upload').elements if element.tag == 'q-btn']

    assert len(buttons) == 2
    assert all('data-upload-picker' in button.props for button in buttons)


async def test_the_timeline_refreshes_only_when_a_batch_added_photos(user: User, monkeypatch):
    reloads = []
    monkeypatch.setattr(TimelineGrid, 'reload', lambda grid: reloads.append(grid))
    await sign_up_admin(user)
    panel = user.find('upload-panel')

    panel.trigger('finished', {'added': 0, 'duplicate': 2, 'refused': 1})
    assert reloads == []
    panel.trigger('finished', {'added': 3, 'duplicate': 0, 'refused': 0})
    assert len(reloads) == 1


async def test_only_the_timeline_takes_uploads(user: User):
    await sign_up_admin(user)

    for path in ('/favorites', '/archive', '/trash'):
        await user.open(path)
        await user.should_not_see(marker='upload-panel')
        await user.should_not_see(marker='upload-button')
