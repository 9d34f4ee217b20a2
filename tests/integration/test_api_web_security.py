"""Security headers and cross-origin writes, against a real server: the browser session is NiceGUI's signed cookie,
which only the full app (not the API sub-app alone) reads.

The session is made as NiceGUI keeps one: the signed `session` cookie names a browser id, and that browser's user
storage file holds the signed-in user's id."""

import base64
import json
import uuid
from pathlib import Path

import httpx
import itsdangerous
import pytest

from tests.e2e.conftest import HearthProcess
from tests.factories.media_files import make_jpeg

EMAIL, PASSWORD = 'ann@example.com', 'family-pw'
EVIL = 'http://evil.example'
HTML_TAIL = b'<html><script>alert(document.cookie)</script></html>'


class Server:
    def __init__(self, hearth: HearthProcess, url: str):
        self.hearth, self.url = hearth, url
        token = self.call('POST', '/api/auth/login', json={'email': EMAIL, 'password': PASSWORD}).json()['access_token']
        self.bearer = {'Authorization': f'Bearer {token}'}
        self.user_id = self.call('GET', '/api/users/me', headers=self.bearer).json()['id']

    def call(self, method: str, path: str, **options) -> httpx.Response:
        return httpx.request(method, self.url + path, timeout=30, **options)

    def session_cookie(self) -> dict[str, str]:
        """A browser signed in as Ann: the Cookie header a browser would send."""
        browser_id = str(uuid.uuid4())
        storage = Path(self.hearth.env['NICEGUI_STORAGE_PATH'])
        storage.mkdir(parents=True, exist_ok=True)
        (storage / f'storage-user-{browser_id}.json').write_text(json.dumps({'user_id': self.user_id}))
        payload = base64.b64encode(json.dumps({'id': browser_id}).encode())
        signed = itsdangerous.TimestampSigner(self.hearth.env['HEARTH_SECRET']).sign(payload).decode()
        return {'Cookie': f'session={signed}'}

    def originals(self) -> int:
        return sum(1 for path in (self.hearth.data / 'data' / 'media' / 'originals').rglob('*') if path.is_file())


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    hearth = HearthProcess(tmp_path_factory.mktemp('web-security'))
    hearth.env['HEARTH_SECURE_COOKIES'] = '1'
    hearth.cli('user', 'create', '--email', EMAIL, '--name', 'Ann', '--password', PASSWORD, '--admin')
    with hearth.serving() as url:
        yield Server(hearth, url)


def jpeg_with_html(tmp_path: Path) -> bytes:
    return make_jpeg(tmp_path / 'photo.jpg', size=(64, 48)).read_bytes() + HTML_TAIL


def assert_security_headers(response: httpx.Response) -> None:
    policy = response.headers['content-security-policy']
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "default-src 'self'"):
        assert directive in policy, policy
    assert response.headers['x-frame-options'] == 'DENY'
    assert response.headers['x-content-type-options'] == 'nosniff'
    assert response.headers['referrer-policy'] == 'same-origin'


def test_pages_api_answers_and_originals_carry_security_headers_and_the_session_cookie_is_secure(server, tmp_path):
    """GIVEN Hearth told it is behind TLS WHEN a page, an API answer and an uploaded original (a JPEG with HTML
    appended) are fetched THEN each carries the policy, and the session cookie is Secure and HttpOnly; a public
    link's thumbnail keeps its stricter no-referrer."""
    page = server.call('GET', '/login')
    assert page.status_code == 200
    assert_security_headers(page)
    cookie = page.headers['set-cookie'].lower()
    assert cookie.startswith('session=') and '; secure' in cookie and '; httponly' in cookie

    me = server.call('GET', '/api/users/me', headers=server.session_cookie())
    assert me.json()['email'] == EMAIL
    assert_security_headers(me)

    files = {'file': ('party.jpg', jpeg_with_html(tmp_path), 'image/jpeg')}
    uploaded = server.call('POST', '/api/assets', files=files, headers=server.bearer)
    assert uploaded.status_code == 201, uploaded.text
    asset_id = uploaded.json()['id']
    original = server.call('GET', f'/api/assets/{asset_id}/original', headers=server.bearer)
    assert original.content.endswith(HTML_TAIL)
    assert original.headers['content-type'] == 'image/jpeg'
    assert_security_headers(original)

    link = server.call('POST', '/api/links', json={'asset_ids': [asset_id]}, headers=server.bearer).json()
    shared = server.call('GET', f'/api/public/{link["token"]}/assets/{asset_id}/thumbnail')
    assert shared.status_code == 200
    assert (shared.headers['referrer-policy'], shared.headers['x-content-type-options']) == ('no-referrer', 'nosniff')


def test_a_write_riding_on_the_session_from_another_origin_is_refused_and_changes_nothing(server, tmp_path):
    """GIVEN Ann's browser session WHEN another origin (a sibling port, a same-site page, a linking page) makes it
    create an API key or upload a photo THEN 403, no key and no file; from Hearth's own page both work."""
    session = server.session_cookie()
    own = server.url
    originals = server.originals()
    forged = [
        {'Origin': EVIL},
        {'Origin': own.rsplit(':', 1)[0] + ':9'},  # another service on the same host
        {'Origin': 'null'},
        {'Sec-Fetch-Site': 'same-site'},
        {'Referer': f'{EVIL}/cats.html'},
    ]
    for headers in forged:
        refused = server.call('POST', '/api/users/me/api-keys', json={'name': 'x'}, headers={**session, **headers})
        assert (refused.status_code, 'another origin' in refused.json()['detail']) == (403, True), headers
        files = {'file': ('cat.jpg', jpeg_with_html(tmp_path), 'image/jpeg')}
        assert server.call('POST', '/api/assets', files=files, headers={**session, **headers}).status_code == 403
    assert server.call('GET', '/api/users/me/api-keys', headers=session).json() == []
    assert server.originals() == originals

    created = server.call('POST', '/api/users/me/api-keys', json={'name': 'own'}, headers={**session, 'Origin': own})
    assert created.status_code == 201, created.text
    files = {'file': ('own.jpg', jpeg_with_html(tmp_path)[: -len(HTML_TAIL)], 'image/jpeg')}
    own_upload = {**session, 'Origin': own, 'Sec-Fetch-Site': 'same-origin'}
    assert server.call('POST', '/api/assets', files=files, headers=own_upload).status_code == 201
    revoked = server.call('DELETE', f'/api/users/me/api-keys/{created.json()["id"]}', headers=session)  # like curl
    assert revoked.status_code == 204


def test_api_keys_and_bearer_tokens_work_from_any_origin(server):
    """GIVEN a bearer token and an API key (which no page of another origin can send) WHEN a script sends a
    write with a foreign Origin, even next to a session cookie THEN it is done as the token's or key's user."""
    key = server.call('POST', '/api/users/me/api-keys', json={'name': 'script'}, headers=server.bearer).json()
    for credentials in (server.bearer, {'x-api-key': key['secret']}):
        headers = {**credentials, **server.session_cookie(), 'Origin': EVIL}
        album = server.call('POST', '/api/albums', json={'name': 'From a script'}, headers=headers)
        assert album.status_code == 201, album.text


def test_calls_with_an_api_key_or_a_bearer_token_get_no_cookie_while_a_browser_gets_its_session(server):
    """GIVEN a script with a bearer token and one with an API key, neither holding a cookie WHEN they read and write
    THEN no answer sets a cookie (issue 20: no browser session, nor NiceGUI's storage for one, per call); a browser
    opening the sign-in page still gets its session cookie, and keeps it on its next visit."""
    key = server.call('POST', '/api/users/me/api-keys', json={'name': 'no cookie'}, headers=server.bearer)
    assert (key.status_code, 'set-cookie' in key.headers) == (201, False)
    for credentials in (server.bearer, {'x-api-key': key.json()['secret']}):
        for path in ('/api/users/me', '/api/timeline/buckets'):
            read = server.call('GET', path, headers=credentials)
            assert (read.status_code, read.headers.get('set-cookie')) == (200, None), path

    page = server.call('GET', '/login')
    cookie = page.headers['set-cookie']
    assert cookie.startswith('session=')
    again = server.call('GET', '/login', headers={'Cookie': cookie.split(';')[0]})
    assert again.status_code == 200 and again.headers.get('set-cookie', cookie).split(';')[0] == cookie.split(';')[0]
