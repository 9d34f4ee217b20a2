"""Global People in Debian's Chromium, on the real face pipeline: Alice and Bob each have photos of Grandpa in their
own library, and Alice's are in a space they share. Each names him in their own way; each sees their own name on
their People page and in the space's people, where hovering tells the space's name; Carl, outside the space, sees
nothing of him."""

import time

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, HearthProcess, screenshot, sign_in
from tests.factories.face_photos import ONE_PERSON, face_photo

pytestmark = pytest.mark.e2e
MEMBERS = (('alice@example.com', 'Alice'), ('bob@example.com', 'Bob'), ('carl@example.com', 'Carl'))


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('global-people'), face_workers=1)
    for email, name in MEMBERS:
        hearth.cli('user', 'create', '--email', email, '--name', name, '--password', 'family-pw')
    for email in ('alice@example.com', 'bob@example.com'):  # each took the same three photos of Grandpa
        camera = hearth.data / email
        camera.mkdir()
        for name in ONE_PERSON:
            (camera / name).write_bytes(face_photo(name).read_bytes())
        hearth.cli('import', '--user', email, str(camera))
    with hearth.serving() as url:
        yield url


def api_as(server: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=f'{server}/api', timeout=30)
    login = client.post('/auth/login', json={'email': email, 'password': 'family-pw'})
    client.headers['Authorization'] = f'Bearer {login.raise_for_status().json()["access_token"]}'
    return client


@pytest.fixture(scope='module')
def space(server):
    """Alice's space 'Lake trip' with her photos in it and Bob as an editor, once everyone's people are grouped:
    (space id, the space's person)."""
    alice, bob = api_as(server, 'alice@example.com'), api_as(server, 'bob@example.com')
    space_id = alice.post('/spaces', json={'name': 'Lake trip'}).raise_for_status().json()['id']
    alice.post(f'/spaces/{space_id}/members', json={'email': 'bob@example.com', 'role': 'editor'}).raise_for_status()
    alice.post(f'/spaces/{space_id}/assets/all').raise_for_status()
    for _ in range(120):  # faces are found and grouped in the background
        grouped = alice.get(f'/spaces/{space_id}/people').json()
        mine, his = alice.get('/identities').json(), bob.get('/identities').json()
        if grouped and [len(row['people']) for row in (*mine, *his)] == [2, 2]:
            return space_id, grouped[0]['id']
        time.sleep(1)
    raise AssertionError('the people were never grouped')


def give_name(page, shown: str, name: str, also_in_space: bool = False) -> None:
    """On the People page, name the person shown as `shown` (their name, or 'Add a name')."""
    page.get_by_test_id('people-grid').get_by_text(shown, exact=True).click()
    page.get_by_label('Name', exact=True).fill(name)
    if also_in_space:
        page.get_by_text('Also rename in Lake trip').click()
    page.get_by_role('button', name='Save').click()


def hover_in_space(page, server: str, space_id: str, person_id: str):
    """The space's people sidebar, hovering over this person; returns their row."""
    page.goto(f'{server}/spaces/{space_id}')
    page.get_by_test_id('space-filters').click()
    row = page.get_by_test_id(f'space-person-{person_id}')
    expect(row).to_be_visible(timeout=15_000)
    row.hover()
    page.wait_for_timeout(500)  # the hover text fades in
    return row


def test_each_names_grandpa_their_own_way_and_carl_sees_nothing_of_him(browser, server, space):
    space_id, in_space = space
    alice = sign_in(browser, server, 'alice@example.com')
    alice.goto(f'{server}/people')
    expect(alice.get_by_text('Add a name')).to_be_visible(timeout=15_000)
    give_name(alice, 'Add a name', 'Grandpa', also_in_space=True)  # the name everyone in the space sees
    expect(alice.get_by_text('Also renamed in Lake trip: everyone there sees it')).to_be_visible(timeout=10_000)
    give_name(alice, 'Grandpa', 'Dad')  # and what she calls him herself
    expect(alice.get_by_text('Only you see the names you give')).to_be_visible(timeout=10_000)
    expect(alice.get_by_test_id('people-grid').get_by_text('Dad')).to_be_visible()
    alice.wait_for_timeout(400)
    screenshot(alice, 'global-people-desktop-alice')

    bob = sign_in(browser, server, 'bob@example.com', viewport=PHONE)
    bob.goto(f'{server}/people')
    expect(bob.get_by_text('Grandpa')).to_be_visible(timeout=15_000)  # the space's name, until he gives his own
    expect(bob.get_by_text('named in Lake trip')).to_be_visible()
    expect(bob.get_by_text('6 photos')).to_be_visible()  # his three and the space's three: one person
    give_name(bob, 'Grandpa', 'Opa')
    expect(bob.get_by_test_id('people-grid').get_by_text('Opa')).to_be_visible(timeout=10_000)
    expect(bob.get_by_text('Dad')).to_have_count(0)  # Alice's own name is hers alone
    bob.wait_for_timeout(400)
    screenshot(bob, 'global-people-phone-bob')
    bob.get_by_test_id('people-grid').get_by_role('link').click()  # his Opa and the space's Grandpa: why one?
    expect(bob.get_by_text('Also known as Grandpa in Lake trip')).to_be_visible(timeout=15_000)
    expect(bob.get_by_role('button', name='Not the same person')).to_be_visible()
    expect(bob.locator('[data-testid=timeline-grid] .htg-cell img').first).to_be_visible(timeout=15_000)
    screenshot(bob, 'global-people-phone-also-known-as')
    bob.get_by_role('button', name='Why we think this is the same person').click()
    expect(bob.get_by_test_id('links-dialog').get_by_text('faces alike')).to_be_visible(timeout=15_000)
    bob.wait_for_timeout(400)
    screenshot(bob, 'global-people-phone-why-linked')

    row = hover_in_space(bob, server, space_id, in_space)
    expect(row.get_by_text('Opa')).to_be_visible()  # his own name in the space's people too
    expect(row.get_by_text('Grandpa in this space')).to_be_visible()  # and the space's, without hovering
    expect(bob.get_by_text('Called Grandpa in Lake trip')).to_be_visible(timeout=10_000)
    screenshot(bob, 'global-people-phone-space-hover')
    row = hover_in_space(alice, server, space_id, in_space)
    expect(row.get_by_text('Dad')).to_be_visible()
    expect(alice.get_by_text('Called Grandpa in Lake trip')).to_be_visible(timeout=10_000)
    screenshot(alice, 'global-people-desktop-space-hover')

    carl = sign_in(browser, server, 'carl@example.com')
    carl.goto(f'{server}/people')
    expect(carl.get_by_text('No people yet')).to_be_visible(timeout=15_000)
    carl.goto(f'{server}/people/{in_space}')
    expect(carl.get_by_text('Grandpa')).to_have_count(0)
    as_carl = api_as(server, 'carl@example.com')
    assert as_carl.get('/identities').json() == []
    assert as_carl.get(f'/identities/{in_space}').status_code == 404
