"""The REST API over HTTP (ASGI, in process), on a real database (SQLite and PostgreSQL) and real files.

Passwords are hashed with cheap Argon2 parameters here: hashing cost is not under test, and the default cost
would make every sign-in take a tenth of a second.
"""

import dataclasses
import re
import unicodedata
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from api import deps
from api.app import create_api
from tests.factories.media_files import (
    SUPPORTED_FORMATS,
    make_bomb_png,
    make_corrupt_jpeg,
    make_jpeg,
    make_mp4,
    make_png,
    make_text_file,
)
from tests.fixtures import media_files
from tests.integration.api_client import (
    MULTIPART,
    chunked,
    client,
    dummy_path,
    multipart_body,
    sha1,
    upload,
    uploaded,
)
from tests.integration.conftest import ALICE, ROOT
from tests.integration.test_api_jobs import ADMIN_JOB_CALLS
from tests.integration.test_api_libraries import ADMIN_FOLDER_CALLS

MEMBER_KEYS = {'id', 'email', 'name', 'is_admin', 'disabled', 'quota_bytes', 'used_bytes'}
BASE_MAP = {'/map/config', '/map/world', '/map/tiles/{z}/{x}/{y}'}
PROTECTED_ROUTES = sorted(
    (method.upper(), path)
    for path, operations in create_api().openapi()['paths'].items()
    for method in operations
    if path != '/auth/login'
    and not path.startswith('/public/')  # links work without an account
    and path not in BASE_MAP  # what the map draws under the photos is no one's: links' guests need it too
    and path != '/health'  # container health checks: it says only ok, starting or unavailable
)


def staging(hearth) -> list[Path]:
    return list(hearth.settings.tmp_dir.iterdir())


async def asset_count(as_user: httpx.AsyncClient, view: str = 'timeline') -> int:
    response = await as_user.get('/timeline/buckets', params={'view': view})
    assert response.status_code == 200, response.text
    return sum(bucket['count'] for bucket in response.json())


def small_limit(hearth, limit: int) -> None:
    hearth.settings = dataclasses.replace(hearth.settings, max_upload_bytes=limit)


# ---- auth ---------------------------------------------------------------------------------------------------------


async def test_login_gives_a_bearer_token_that_works(anonymous, alice):
    response = await anonymous.post('/auth/login', json={'email': ' Alice@Example.com ', 'password': ALICE[1]})

    assert response.status_code == 200
    assert response.json()['token_type'] == 'bearer'
    me = await anonymous.get('/users/me', headers={'Authorization': f'Bearer {response.json()["access_token"]}'})
    assert (me.status_code, me.json()['email']) == (200, ALICE[0])


async def test_wrong_password_is_401_with_a_clear_detail(anonymous, alice):
    response = await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': 'wrong horse'})

    assert (response.status_code, response.json()) == (401, {'detail': 'Wrong email or password'})
    assert response.headers['www-authenticate'] == 'Bearer'


async def test_unknown_email_is_401_with_the_same_message(anonymous, alice):
    response = await anonymous.post('/auth/login', json={'email': 'nobody@example.com', 'password': ALICE[1]})

    assert (response.status_code, response.json()) == (401, {'detail': 'Wrong email or password'})


async def test_five_failed_logins_lock_the_email_even_for_the_right_password(anonymous, alice):
    wrong = {'email': ALICE[0], 'password': 'wrong horse'}
    statuses = [(await anonymous.post('/auth/login', json=wrong)).status_code for _ in range(5)]

    locked_wrong = await anonymous.post('/auth/login', json=wrong)
    locked_right = await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': ALICE[1]})

    assert statuses == [401] * 5
    assert (locked_wrong.status_code, locked_right.status_code) == (429, 429)
    assert 'Try again in' in locked_right.json()['detail']


async def test_a_locked_email_leaves_everyone_else_at_the_same_address_signing_in(anonymous, alice, bob):
    for _ in range(6):
        await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': 'wrong horse'})

    response = await anonymous.post('/auth/login', json={'email': 'bob@example.com', 'password': 'battery staple'})

    assert response.status_code == 200


async def test_login_works_again_once_the_throttle_window_has_passed(anonymous, hearth, alice):
    now = [1000.0]
    hearth.throttle.clock = lambda: now[0]
    for _ in range(5):
        await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': 'wrong horse'})
    assert (await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': ALICE[1]})).status_code == 429

    now[0] += hearth.settings.login_window_seconds + 1
    response = await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': ALICE[1]})

    assert response.status_code == 200


async def test_logout_revokes_the_bearer_token(as_alice):
    assert (await as_alice.post('/auth/logout')).status_code == 204

    response = await as_alice.get('/users/me')

    assert (response.status_code, response.json()) == (401, {'detail': 'Sign in first'})


async def test_logout_leaves_my_other_tokens_working(client_for, alice):
    phone, laptop = await client_for(*ALICE), await client_for(*ALICE)

    await phone.post('/auth/logout')

    assert (await phone.get('/users/me')).status_code == 401
    assert (await laptop.get('/users/me')).status_code == 200


async def test_disabled_members_token_and_api_key_stop_working_at_once(api, as_alice, as_root, anonymous, alice):
    secret = (await as_alice.post('/users/me/api-keys', json={'name': 'backup'})).json()['secret']
    async with client(api, {'x-api-key': secret}) as with_key:
        assert (await with_key.get('/users/me')).status_code == 200

        disabled = await as_root.patch(f'/admin/users/{alice.id}', json={'disabled': True})

        assert disabled.status_code == 200
        assert (await as_alice.get('/users/me')).status_code == 401
        assert (await with_key.get('/users/me')).status_code == 401
    login = await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': ALICE[1]})
    assert (login.status_code, login.json()) == (401, {'detail': 'Wrong email or password'})


async def test_api_key_secret_is_shown_once_and_the_listing_shows_only_its_prefix(as_alice):
    created = await as_alice.post('/users/me/api-keys', json={'name': ' Nightly  backup '})

    assert created.status_code == 201
    key = created.json()
    assert key['secret'].startswith('hearth_') and key['prefix'] == key['secret'][:12]
    assert key['name'] == 'Nightly backup'
    listing = await as_alice.get('/users/me/api-keys')
    assert listing.status_code == 200
    assert [set(item) for item in listing.json()] == [{'id', 'name', 'prefix', 'scope', 'created_at', 'last_used_at'}]
    assert (listing.json()[0]['id'], listing.json()[0]['prefix']) == (key['id'], key['prefix'])
    assert key['secret'] not in listing.text


async def test_a_keys_scope_decides_what_it_may_do_and_no_key_manages_keys(api, as_alice, photo):
    asset_id = await uploaded(as_alice, photo(0))
    secrets = {
        scope: (await as_alice.post('/users/me/api-keys', json={'name': scope, 'scope': scope})).json()['secret']
        for scope in ('read', 'upload', 'full')
    }
    may = {}
    for scope, secret in secrets.items():
        async with client(api, {'x-api-key': secret}) as with_key:
            may[scope] = (
                (await with_key.get(f'/assets/{asset_id}')).status_code,
                (await upload(with_key, photo(1 + len(may)))).status_code,
                (await with_key.patch(f'/assets/{asset_id}', json={'description': scope})).status_code,
                (await with_key.post('/users/me/api-keys', json={'name': 'another'})).status_code,
                (await with_key.get('/users/me/api-keys')).status_code,
                (
                    await with_key.post(
                        '/users/me/password', json={'current_password': ALICE[1], 'new_password': 'x' * 12}
                    )
                ).status_code,
            )

    assert may == {
        'read': (200, 403, 403, 403, 403, 403),
        'upload': (200, 201, 403, 403, 403, 403),
        'full': (200, 201, 200, 403, 403, 403),
    }
    listing = (await as_alice.get('/users/me/api-keys')).json()
    assert [key['scope'] for key in listing] == ['read', 'upload', 'full']  # and no key made another
    assert (await as_alice.get(f'/assets/{asset_id}')).json()['description'] == 'full'
    assert (await as_alice.post('/users/me/api-keys', json={'name': 'x', 'scope': 'admin'})).status_code == 422


async def test_api_key_without_a_name_is_400(as_alice):
    response = await as_alice.post('/users/me/api-keys', json={'name': '   '})

    assert response.status_code == 400


async def test_api_key_authenticates_via_x_api_key_until_revoked(api, as_alice):
    key = (await as_alice.post('/users/me/api-keys', json={'name': 'backup'})).json()
    async with client(api, {'x-api-key': key['secret']}) as with_key:
        me = await with_key.get('/users/me')
        assert (me.status_code, me.json()['email']) == (200, ALICE[0])
        assert (await as_alice.get('/users/me/api-keys')).json()[0]['last_used_at'] is not None

        revoked = await as_alice.delete(f'/users/me/api-keys/{key["id"]}')

        assert revoked.status_code == 204
        assert (await with_key.get('/users/me')).status_code == 401
    assert (await as_alice.get('/users/me/api-keys')).json() == []


async def test_revoking_someone_elses_api_key_is_404_and_keeps_it(api, as_alice, as_bob):
    key = (await as_alice.post('/users/me/api-keys', json={'name': 'backup'})).json()

    response = await as_bob.delete(f'/users/me/api-keys/{key["id"]}')

    assert response.status_code == 404
    async with client(api, {'x-api-key': key['secret']}) as with_key:
        assert (await with_key.get('/users/me')).status_code == 200


@pytest.mark.parametrize(('method', 'path'), PROTECTED_ROUTES, ids=[f'{m} {p}' for m, p in PROTECTED_ROUTES])
async def test_every_protected_route_without_credentials_is_401(anonymous, method, path):
    response = await anonymous.request(method, dummy_path(path))

    assert (response.status_code, response.json()) == (401, {'detail': 'Sign in first'})
    assert response.headers['www-authenticate'] == 'Bearer'


@pytest.mark.parametrize(
    'headers',
    [{'Authorization': 'Bearer not-a-token'}, {'x-api-key': 'hearth_not-a-key'}, {'Authorization': 'Basic eDp5'}],
    ids=['bad bearer', 'bad api key', 'basic auth'],
)
async def test_unknown_credentials_are_401(api, alice, headers):
    async with client(api, headers) as stranger:
        response = await stranger.get('/users/me')

    assert response.status_code == 401


async def test_the_browser_session_yields_no_user_outside_nicegui():
    assert deps.session_user_id() is None


# ---- users --------------------------------------------------------------------------------------------------------


async def test_users_me_returns_my_account(as_alice, alice):
    response = await as_alice.get('/users/me')

    assert (response.status_code, response.json()) == (
        200,
        {'id': str(alice.id), 'email': ALICE[0], 'name': 'Alice', 'is_admin': False},
    )


async def test_changing_password_with_a_wrong_current_one_is_400(as_alice):
    response = await as_alice.post(
        '/users/me/password', json={'current_password': 'wrong horse', 'new_password': 'a new password'}
    )

    assert (response.status_code, response.json()) == (400, {'detail': 'The current password is wrong'})


async def test_changing_password_to_a_too_short_one_is_400(as_alice, anonymous):
    response = await as_alice.post('/users/me/password', json={'current_password': ALICE[1], 'new_password': 'short'})

    assert response.status_code == 400
    assert 'at least 8' in response.json()['detail']
    assert (await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': ALICE[1]})).status_code == 200


async def test_changed_password_signs_in_and_the_old_one_does_not(as_alice, anonymous):
    response = await as_alice.post(
        '/users/me/password', json={'current_password': ALICE[1], 'new_password': 'a new password'}
    )

    assert response.status_code == 204
    new = await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': 'a new password'})
    old = await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': ALICE[1]})
    assert (new.status_code, old.status_code) == (200, 401)


# ---- admin --------------------------------------------------------------------------------------------------------

ADMIN_CALLS = [
    ('GET', '/admin/users', None),
    ('POST', '/admin/users', {'email': 'carol@example.com', 'name': 'Carol', 'password': 'carol password'}),
    ('PATCH', '/admin/users/{bob}', {'name': 'Robert'}),
    ('DELETE', '/admin/users/{bob}', None),
]


@pytest.mark.parametrize(('method', 'path', 'body'), ADMIN_CALLS, ids=[f'{m} {p}' for m, p, _ in ADMIN_CALLS])
async def test_a_member_gets_403_on_every_admin_route(as_alice, bob, root, method, path, body):
    response = await as_alice.request(method, path.format(bob=bob.id), json=body)

    assert (response.status_code, response.json()) == (403, {'detail': 'Only the administrator manages members'})


async def test_admin_routes_are_all_covered_by_the_403_test():
    assert {(m, p) for m, p in PROTECTED_ROUTES if p.startswith('/admin')} == {
        (m, p.replace('{bob}', '{user_id}').replace('{folder}', '{folder_id}'))
        for m, p, _ in ADMIN_CALLS + ADMIN_FOLDER_CALLS + ADMIN_JOB_CALLS
    }


async def test_admin_creates_a_member_who_can_sign_in(as_root, anonymous):
    response = await as_root.post(
        '/admin/users',
        json={'email': ' Carol@Example.com', 'name': 'Carol', 'password': 'carol password', 'quota_bytes': 10**9},
    )

    assert response.status_code == 201
    assert {k: v for k, v in response.json().items() if k != 'id'} == {
        'email': 'carol@example.com',
        'name': 'Carol',
        'is_admin': False,
    }
    login = await anonymous.post('/auth/login', json={'email': 'carol@example.com', 'password': 'carol password'})
    assert login.status_code == 200
    members = {m['email']: m for m in (await as_root.get('/admin/users')).json()}
    assert members['carol@example.com']['quota_bytes'] == 10**9


async def test_creating_a_member_with_a_taken_email_is_409(as_root, alice):
    response = await as_root.post(
        '/admin/users', json={'email': 'ALICE@example.com', 'name': 'Alice 2', 'password': 'another password'}
    )

    assert response.status_code == 409
    assert 'alice@example.com' in response.json()['detail']


@pytest.mark.parametrize('email', ['not-an-email', 'a@b', 'two words@example.com', ''])
async def test_creating_a_member_with_a_bad_email_is_refused(as_root, email):
    response = await as_root.post('/admin/users', json={'email': email, 'name': 'Carol', 'password': 'carol password'})

    assert response.status_code in (400, 422)
    assert len((await as_root.get('/admin/users')).json()) == 1


async def test_creating_a_member_with_a_short_password_is_400(as_root):
    response = await as_root.post(
        '/admin/users', json={'email': 'carol@example.com', 'name': 'Carol', 'password': 'short'}
    )

    assert response.status_code == 400
    assert 'at least 8' in response.json()['detail']


async def test_admin_changes_a_members_name_quota_and_disabled(as_root, alice):
    response = await as_root.patch(
        f'/admin/users/{alice.id}', json={'name': 'Alice Liddell', 'quota_bytes': 5000, 'disabled': True}
    )

    assert response.status_code == 200
    assert response.json() == {
        'id': str(alice.id),
        'email': ALICE[0],
        'name': 'Alice Liddell',
        'is_admin': False,
        'disabled': True,
        'quota_bytes': 5000,
        'used_bytes': 0,
    }
    listed = next(m for m in (await as_root.get('/admin/users')).json() if m['id'] == str(alice.id))
    assert listed == response.json()


async def test_admin_patching_an_unknown_member_is_404(as_root):
    response = await as_root.patch(f'/admin/users/{uuid.uuid4()}', json={'name': 'Nobody'})

    assert response.status_code == 404


async def test_admin_patching_an_unknown_field_is_422(as_root, alice):
    response = await as_root.patch(f'/admin/users/{alice.id}', json={'photos': []})

    assert response.status_code == 422


@pytest.mark.parametrize(
    ('method', 'body'),
    [('PATCH', {'disabled': True}), ('PATCH', {'is_admin': False}), ('DELETE', None)],
    ids=['disable', 'demote', 'delete'],
)
async def test_admin_cannot_disable_demote_or_delete_themself(as_root, root, method, body):
    response = await as_root.request(method, f'/admin/users/{root.id}', json=body)

    assert response.status_code == 400
    me = (await as_root.get('/admin/users')).json()
    assert [(m['id'], m['is_admin'], m['disabled']) for m in me] == [(str(root.id), True, False)]


async def test_deleting_a_member_removes_their_assets_and_files(hearth, as_root, as_alice, alice, photo):
    for index in range(2):
        await uploaded(as_alice, photo(index))
    assert len(media_files(hearth)) == 6

    response = await as_root.delete(f'/admin/users/{alice.id}')

    assert (response.status_code, response.json()) == (200, {'count': 2})
    assert media_files(hearth) == []
    assert [m['email'] for m in (await as_root.get('/admin/users')).json()] == [ROOT[0]]
    assert (await as_alice.get('/users/me')).status_code == 401


async def test_deleting_a_member_without_assets_counts_zero_and_removes_them(as_root, alice, anonymous):
    response = await as_root.delete(f'/admin/users/{alice.id}')

    assert (response.status_code, response.json()) == (200, {'count': 0})
    assert [m['email'] for m in (await as_root.get('/admin/users')).json()] == [ROOT[0]]
    assert (await anonymous.post('/auth/login', json={'email': ALICE[0], 'password': ALICE[1]})).status_code == 401


async def test_deleting_an_unknown_member_is_404(as_root):
    assert (await as_root.delete(f'/admin/users/{uuid.uuid4()}')).status_code == 404


async def test_admin_listing_exposes_no_photo_data(as_root, as_alice, photo):
    jpeg = photo(0)
    await uploaded(as_alice, jpeg, name='secret-beach.jpg')

    response = await as_root.get('/admin/users')

    assert response.status_code == 200
    assert [set(member) for member in response.json()] == [MEMBER_KEYS, MEMBER_KEYS]
    alice = next(m for m in response.json() if m['email'] == ALICE[0])
    assert alice['used_bytes'] == jpeg.stat().st_size
    assert 'secret-beach' not in response.text


@pytest.mark.parametrize('suffix', ['', '/thumbnail', '/preview', '/original', '/neighbours'])
async def test_admin_gets_404_for_a_members_asset_and_its_files(as_root, as_alice, photo, suffix):
    asset_id = await uploaded(as_alice, photo(0))

    response = await as_root.get(f'/assets/{asset_id}{suffix}')

    assert (response.status_code, response.json()) == (404, {'detail': 'Asset not found'})


async def test_admin_sees_nothing_of_a_members_assets_in_any_view(as_root, as_alice, photo):
    asset_id = await uploaded(as_alice, photo(0))
    await as_alice.put('/assets/state', json={'ids': [asset_id], 'favorite': True})

    for view in ('timeline', 'favorites', 'archive', 'trash'):
        assert (await as_root.get('/timeline/buckets', params={'view': view})).json() == []
    assert (await as_root.get('/trash')).json() == []


# ---- upload -------------------------------------------------------------------------------------------------------


async def test_uploading_a_jpeg_creates_an_asset(hearth, as_alice, photo):
    response = await upload(as_alice, photo(0), name='beach.jpg')

    assert response.status_code == 201
    body = response.json()
    assert (body['status'], body['filename']) == ('created', 'beach.jpg')
    assert uuid.UUID(body['id'])
    assert len(media_files(hearth)) == 3
    assert staging(hearth) == []


async def test_uploading_the_same_bytes_again_is_a_200_duplicate_with_the_same_id(hearth, as_alice, photo):
    first = await upload(as_alice, photo(0), name='beach.jpg')

    again = await upload(as_alice, photo(0), name='copy of beach.jpg')

    assert again.status_code == 200
    assert again.json() == {'id': first.json()['id'], 'status': 'duplicate', 'filename': 'copy of beach.jpg'}
    assert len(media_files(hearth)) == 3
    assert staging(hearth) == []


@pytest.mark.parametrize(('maker', 'suffix', 'mime_type', 'media_type'), SUPPORTED_FORMATS[1:])
async def test_other_photo_and_video_formats_are_accepted(as_alice, shelf, maker, suffix, mime_type, media_type):
    response = await upload(as_alice, shelf.get(maker, suffix))

    assert (response.status_code, response.json()['status']) == (201, 'created')
    asset = (await as_alice.get(f'/assets/{response.json()["id"]}')).json()
    assert (asset['mime_type'], asset['media_type']) == (mime_type, media_type)


async def test_a_text_file_is_415_and_leaves_nothing(hearth, as_alice, shelf):
    response = await upload(as_alice, shelf.get(make_text_file, '.txt'), name='list.jpg')

    assert response.status_code == 415
    assert response.json()['detail']
    assert (media_files(hearth), staging(hearth)) == ([], [])


@pytest.mark.parametrize(
    ('maker', 'suffix'), [(make_corrupt_jpeg, '.jpg'), (make_bomb_png, '.png')], ids=['corrupt jpeg', 'bomb png']
)
async def test_a_broken_or_hostile_image_is_400_with_a_message(hearth, as_alice, shelf, maker, suffix):
    response = await upload(as_alice, shelf.get(maker, suffix))

    assert response.status_code == 400
    assert len(response.json()['detail']) > 10
    assert (media_files(hearth), staging(hearth), await asset_count(as_alice)) == ([], [], 0)


async def test_a_json_body_is_415(as_alice):
    response = await as_alice.post('/assets', json={'file': 'aGVsbG8='})

    assert (response.status_code, response.json()) == (415, {'detail': 'Send the file as multipart/form-data'})


async def test_multipart_without_a_boundary_is_415(as_alice):
    response = await as_alice.post('/assets', content=b'x', headers={'Content-Type': 'multipart/form-data'})

    assert response.status_code == 415


async def test_a_file_name_of_thousands_of_characters_is_400_saying_so(hearth, as_alice, photo):
    body = multipart_body(('file', 'a' * 5000 + '.jpg', photo(0).read_bytes()))

    response = await as_alice.post('/assets', content=body, headers={'Content-Type': MULTIPART})

    assert (response.status_code, response.json()['detail']) == (
        400,
        'The file name is too long: rename the file and send it again',
    )
    assert staging(hearth) == []


async def test_multipart_without_a_file_part_is_400(hearth, as_alice):
    body = multipart_body(('taken_at', None, b'2020-06-15T12:30:00'))

    response = await as_alice.post('/assets', content=body, headers={'Content-Type': MULTIPART})

    assert (response.status_code, response.json()) == (400, {'detail': 'The request holds no complete file'})
    assert staging(hearth) == []


async def test_a_truncated_multipart_body_is_400_and_leaves_nothing(hearth, as_alice, photo):
    body = multipart_body(('file', 'a.jpg', photo(0).read_bytes()))

    response = await as_alice.post('/assets', content=body[:-200], headers={'Content-Type': MULTIPART})

    assert response.status_code == 400
    assert (media_files(hearth), staging(hearth)) == ([], [])


async def test_two_files_in_one_request_is_400_and_stores_neither(hearth, as_alice, photo):
    files = [('file', ('a.jpg', photo(0).read_bytes())), ('file', ('b.jpg', photo(1).read_bytes()))]

    response = await as_alice.post('/assets', files=files)

    assert (response.status_code, response.json()) == (400, {'detail': 'Send one file per upload request'})
    assert (media_files(hearth), staging(hearth), await asset_count(as_alice)) == ([], [], 0)


@pytest.mark.parametrize(
    ('name', 'stored'),
    [
        ('../../etc/passwd.jpg', 'passwd.jpg'),
        ('/etc/hearth-api-test.jpg', 'hearth-api-test.jpg'),
        ('..\\..\\windows\\win.jpg', 'win.jpg'),
        ('bad\x00name\x07\x1b.jpg', 'badname.jpg'),
        ('...', 'unnamed'),
    ],
    ids=['relative', 'absolute', 'backslashes', 'control characters', 'dots only'],
)
async def test_hostile_file_names_are_stored_as_a_safe_base_name_inside_the_media_folder(
    hearth, as_alice, photo, tmp_path, name, stored
):
    data = photo(0).read_bytes()
    body = multipart_body(('file', name, data))

    response = await as_alice.post('/assets', content=body, headers={'Content-Type': MULTIPART})

    assert response.status_code == 201, response.text
    assert response.json()['filename'] == stored
    assert (await as_alice.get(f'/assets/{response.json()["id"]}')).json()['filename'] == stored
    stored_files = media_files(hearth)
    assert len(stored_files) == 3
    assert all(path.resolve().is_relative_to(hearth.settings.media_dir.resolve()) for path in stored_files)
    assert [path.read_bytes() for path in stored_files if path.parent.parent.parent.name == 'originals'] == [data]
    assert not any(unicodedata.category(ch)[0] == 'C' for p in stored_files for ch in str(p))
    assert written_outside_the_data_folder(hearth, tmp_path) == set()


def written_outside_the_data_folder(hearth, tmp_path: Path) -> set[Path]:
    """Files a path-traversing name could have created: next to the test folders, in /etc, or beside the data."""
    escaped = {tmp_path.parent / 'etc', tmp_path / 'etc', Path('/etc/hearth-api-test.jpg'), Path('/windows')}
    database = {'hearth.db', 'hearth.db-wal', 'hearth.db-shm'}
    beside = {
        p
        for p in tmp_path.rglob('*')
        if p.is_file() and not p.is_relative_to(hearth.settings.data_dir) and p.name not in database
    }
    return {p for p in escaped if p.exists()} | beside


async def test_an_upload_declaring_a_length_over_the_limit_is_413_before_reading(hearth, as_alice, photo):
    small_limit(hearth, 1024)
    body = multipart_body(('file', 'big.jpg', photo(0).read_bytes() + bytes(128 * 1024)))

    response = await as_alice.post('/assets', content=body, headers={'Content-Type': MULTIPART})

    assert response.status_code == 413
    assert 'upload limit' in response.json()['detail']
    assert (media_files(hearth), staging(hearth)) == ([], [])


@pytest.mark.parametrize('declared', [None, '300'], ids=['no length', 'false length'])
async def test_an_upload_streaming_past_the_limit_is_413_and_leaves_nothing(hearth, as_alice, photo, declared):
    small_limit(hearth, 8 * 1024)
    body = multipart_body(('file', 'big.jpg', photo(0).read_bytes() + bytes(40 * 1024)))
    headers = {'Content-Type': MULTIPART} | ({'Content-Length': declared} if declared else {})

    response = await as_alice.post('/assets', content=chunked(body, 4096), headers=headers)

    assert response.status_code == 413
    assert 'upload limit' in response.json()['detail']
    assert (media_files(hearth), staging(hearth), await asset_count(as_alice)) == ([], [], 0)


async def test_an_upload_just_under_the_limit_is_accepted(hearth, as_alice, photo):
    data = photo(0).read_bytes()
    small_limit(hearth, len(data))
    body = multipart_body(('file', 'a.jpg', data))

    response = await as_alice.post('/assets', content=chunked(body, 1000), headers={'Content-Type': MULTIPART})

    assert response.status_code == 201


async def test_an_upload_over_quota_is_413_and_leaves_nothing(hearth, as_root, as_alice, alice, photo):
    await as_root.patch(f'/admin/users/{alice.id}', json={'quota_bytes': 1000})

    response = await upload(as_alice, photo(0))

    assert response.status_code == 413
    assert 'quota' in response.json()['detail']
    assert (media_files(hearth), staging(hearth), await asset_count(as_alice)) == ([], [], 0)


async def test_taken_at_field_dates_a_png_without_exif(as_alice, shelf):
    response = await upload(as_alice, shelf.get(make_png, '.png'), taken_at='2020-06-15T12:30:00')

    assert response.status_code == 201
    asset = (await as_alice.get(f'/assets/{response.json()["id"]}')).json()
    assert asset['taken_at'] == '2020-06-15T12:30:00'
    assert (await as_alice.get('/timeline/buckets')).json() == [{'month': '2020-06', 'count': 1}]


async def test_taken_at_field_does_not_override_the_exif_date(as_alice, shelf):
    jpeg = shelf.get(make_jpeg, '.jpg', size=(64, 48), taken_at=datetime(2011, 3, 4, 5, 6, 7))

    response = await upload(as_alice, jpeg, taken_at='2020-06-15T12:30:00')

    assert (await as_alice.get(f'/assets/{response.json()["id"]}')).json()['taken_at'] == '2011-03-04T05:06:07'


async def test_a_bad_taken_at_is_400_and_leaves_nothing(hearth, as_alice, shelf):
    response = await upload(as_alice, shelf.get(make_png, '.png'), taken_at='last summer')

    assert (response.status_code, response.json()) == (400, {'detail': 'taken_at must be an ISO 8601 date and time'})
    assert (media_files(hearth), await asset_count(as_alice)) == ([], 0)
    assert staging(hearth) == []


async def test_a_bad_taken_at_is_400_and_stores_no_asset(hearth, as_alice, shelf):
    response = await upload(as_alice, shelf.get(make_png, '.png'), taken_at='last summer')

    assert (response.status_code, response.json()) == (400, {'detail': 'taken_at must be an ISO 8601 date and time'})
    assert (media_files(hearth), await asset_count(as_alice)) == ([], 0)


# ---- assets -------------------------------------------------------------------------------------------------------


async def test_owner_reads_an_asset_with_owner_name_own_state_and_permissions(as_alice, alice, photo):
    asset_id = await uploaded(as_alice, photo(0, taken_at=datetime(2024, 5, 3, 10, 0)), name='beach.jpg')
    await as_alice.put(f'/assets/{asset_id}/state', json={'favorite': True, 'rating': 4})

    response = await as_alice.get(f'/assets/{asset_id}')

    assert response.status_code == 200
    asset = response.json()
    assert (asset['id'], asset['owner_id'], asset['owner_name'], asset['is_mine']) == (
        asset_id,
        str(alice.id),
        'Alice',
        True,
    )
    assert (asset['filename'], asset['taken_at'], asset['width'], asset['height']) == (
        'beach.jpg',
        '2024-05-03T10:00:00',
        96,
        72,
    )
    assert (asset['favorite'], asset['rating'], asset['archived'], asset['trashed_at']) == (True, 4, False, None)
    assert {'view', 'download', 'trash', 'delete_permanently', 'edit_date'} <= set(asset['permissions'])
    assert asset['permissions'] == sorted(asset['permissions'])


async def test_put_state_returns_the_updated_asset(as_alice, photo):
    asset_id = await uploaded(as_alice, photo(0))

    response = await as_alice.put(f'/assets/{asset_id}/state', json={'archived': True, 'rating': 2})

    assert response.status_code == 200
    assert (response.json()['archived'], response.json()['rating'], response.json()['favorite']) == (True, 2, False)


OTHERS_CALLS = [
    ('GET', '/assets/{id}', None),
    ('PATCH', '/assets/{id}', {'description': 'mine now'}),
    ('PUT', '/assets/{id}/state', {'favorite': True}),
    ('GET', '/assets/{id}/thumbnail', None),
    ('GET', '/assets/{id}/preview', None),
    ('GET', '/assets/{id}/original', None),
    ('GET', '/assets/{id}/neighbours', None),
    ('POST', '/assets/trash', {'ids': ['{id}']}),
    ('POST', '/assets/restore', {'ids': ['{id}']}),
    ('POST', '/trash/delete', {'ids': ['{id}']}),
    ('PATCH', '/assets', {'ids': ['{id}'], 'tags': ['mine']}),
    ('PUT', '/assets/state', {'ids': ['{id}'], 'archived': True}),
]


def _fill(value, asset_id: str):
    if isinstance(value, str):
        return value.replace('{id}', asset_id)
    if isinstance(value, list):
        return [_fill(item, asset_id) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, asset_id) for key, item in value.items()}
    return value


@pytest.mark.parametrize('trashed', [False, True], ids=['live', 'trashed'])
@pytest.mark.parametrize(('method', 'path', 'body'), OTHERS_CALLS, ids=[f'{m} {p}' for m, p, _ in OTHERS_CALLS])
async def test_another_user_gets_404_on_my_asset_and_changes_nothing(
    hearth, as_alice, as_bob, photo, method, path, body, trashed
):
    asset_id = await uploaded(as_alice, photo(0))
    if trashed:
        await as_alice.post('/assets/trash', json={'ids': [asset_id]})
    before = (await as_alice.get(f'/assets/{asset_id}')).json()

    response = await as_bob.request(method, _fill(path, asset_id), json=_fill(body, asset_id))

    assert (response.status_code, response.json()) == (404, {'detail': 'Asset not found'})
    assert (await as_alice.get(f'/assets/{asset_id}')).json() == before
    assert len(media_files(hearth)) == 3


@pytest.mark.parametrize('path', ['/assets/not-a-uuid', '/assets/123/original', '/assets/zz/neighbours'])
async def test_an_invalid_uuid_is_422(as_alice, path):
    assert (await as_alice.get(path)).status_code == 422


async def test_an_unknown_asset_is_404(as_alice):
    assert (await as_alice.get(f'/assets/{uuid.uuid4()}')).status_code == 404


async def test_patching_details_shows_in_get(as_alice, photo):
    asset_id = await uploaded(as_alice, photo(0, taken_at=datetime(2024, 5, 3)))

    response = await as_alice.patch(
        f'/assets/{asset_id}',
        json={
            'description': '  Grandma at the beach ',
            'tags': ['Beach', 'beach', ' Sun '],
            'taken_at': '2019-01-02T03:04:05',
            'latitude': 48.85,
            'longitude': 2.35,
        },
    )

    assert response.status_code == 200
    asset = (await as_alice.get(f'/assets/{asset_id}')).json()
    assert response.json() == asset
    assert (asset['description'], asset['tags'], asset['taken_at'], asset['latitude'], asset['longitude']) == (
        'Grandma at the beach',
        ['Beach', 'Sun'],
        '2019-01-02T03:04:05',
        48.85,
        2.35,
    )
    assert (await as_alice.get('/timeline/buckets')).json() == [{'month': '2019-01', 'count': 1}]


async def test_patching_position_to_null_clears_it(as_alice, photo):
    asset_id = await uploaded(as_alice, photo(0))
    await as_alice.patch(f'/assets/{asset_id}', json={'latitude': 1.5, 'longitude': 2.5})

    response = await as_alice.patch(f'/assets/{asset_id}', json={'latitude': None, 'longitude': None})

    assert (response.status_code, response.json()['latitude'], response.json()['longitude']) == (200, None, None)


@pytest.mark.parametrize(
    'body',
    [{'latitude': 48.85}, {'longitude': 2.35}, {'latitude': 91, 'longitude': 0}, {'latitude': 0, 'longitude': 181}],
    ids=['latitude only', 'longitude only', 'latitude out of range', 'longitude out of range'],
)
async def test_an_incomplete_or_impossible_position_is_400_and_changes_nothing(as_alice, photo, body):
    asset_id = await uploaded(as_alice, photo(0))

    response = await as_alice.patch(f'/assets/{asset_id}', json=body)

    assert response.status_code == 400
    asset = (await as_alice.get(f'/assets/{asset_id}')).json()
    assert (asset['latitude'], asset['longitude']) == (None, None)


@pytest.mark.parametrize('rating', [6, -1, 'five'])
async def test_a_rating_outside_zero_to_five_is_422(as_alice, photo, rating):
    asset_id = await uploaded(as_alice, photo(0))

    response = await as_alice.put(f'/assets/{asset_id}/state', json={'rating': rating})

    assert response.status_code == 422
    assert (await as_alice.get(f'/assets/{asset_id}')).json()['rating'] == 0


@pytest.mark.parametrize(
    ('method', 'path', 'body'),
    [
        ('PATCH', '/assets/{id}', {'owner_id': str(uuid.uuid4())}),
        ('PATCH', '/assets/{id}', {'description': 'x', 'filename': 'y.jpg'}),
        ('PUT', '/assets/{id}/state', {'hidden': True}),
        ('PATCH', '/assets', {'ids': ['{id}'], 'trashed_at': None}),
        ('PUT', '/assets/state', {'ids': ['{id}'], 'owner_id': str(uuid.uuid4())}),
    ],
    ids=['owner_id', 'filename', 'state hidden', 'bulk trashed_at', 'bulk state owner_id'],
)
async def test_an_unknown_field_is_422_and_changes_nothing(as_alice, photo, method, path, body):
    asset_id = await uploaded(as_alice, photo(0))
    before = (await as_alice.get(f'/assets/{asset_id}')).json()

    response = await as_alice.request(method, _fill(path, asset_id), json=_fill(body, asset_id))

    assert response.status_code == 422
    assert (await as_alice.get(f'/assets/{asset_id}')).json() == before


@pytest.mark.parametrize(
    ('method', 'path'), [('PATCH', '/assets/{id}'), ('PUT', '/assets/{id}/state')], ids=['details', 'state']
)
async def test_a_change_with_nothing_to_change_is_400(as_alice, photo, method, path):
    asset_id = await uploaded(as_alice, photo(0))

    response = await as_alice.request(method, _fill(path, asset_id), json={})

    assert response.status_code == 400


async def test_bulk_state_and_details_apply_to_all_ids_and_return_the_count(as_alice, photo):
    ids = [await uploaded(as_alice, photo(index)) for index in range(3)]

    state = await as_alice.put('/assets/state', json={'ids': ids, 'favorite': True, 'rating': 3})
    details = await as_alice.patch('/assets', json={'ids': ids, 'tags': ['Holiday'], 'description': 'Rome'})

    assert (state.status_code, state.json(), details.status_code, details.json()) == (
        200,
        {'count': 3},
        200,
        {'count': 3},
    )
    for asset_id in ids:
        asset = (await as_alice.get(f'/assets/{asset_id}')).json()
        assert (asset['favorite'], asset['rating'], asset['tags'], asset['description']) == (
            True,
            3,
            ['Holiday'],
            'Rome',
        )
    assert await asset_count(as_alice, 'favorites') == 3


@pytest.mark.parametrize('path', ['/assets/state', '/assets', '/assets/trash'])
async def test_a_bulk_request_with_no_ids_is_422(as_alice, path):
    method = {'/assets/state': 'PUT', '/assets': 'PATCH', '/assets/trash': 'POST'}[path]

    response = await as_alice.request(method, path, json={'ids': [], 'favorite': True, 'description': 'x'})

    assert response.status_code == 422


BULK_CALLS = [
    ('PUT', '/assets/state', {'favorite': True, 'rating': 5}),
    ('PATCH', '/assets', {'description': 'ours now', 'tags': ['mixed']}),
    ('POST', '/assets/trash', {}),
]


@pytest.mark.parametrize(('method', 'path', 'extra'), BULK_CALLS, ids=[f'{m} {p}' for m, p, _ in BULK_CALLS])
async def test_a_bulk_request_mixing_someone_elses_asset_is_404_and_changes_nothing(
    as_alice, as_bob, photo, method, path, extra
):
    mine = await uploaded(as_alice, photo(0))
    theirs = await uploaded(as_bob, photo(1))
    my_before = (await as_alice.get(f'/assets/{mine}')).json()
    their_before = (await as_bob.get(f'/assets/{theirs}')).json()

    response = await as_alice.request(method, path, json={'ids': [mine, theirs], **extra})

    assert response.status_code == 404
    assert (await as_alice.get(f'/assets/{mine}')).json() == my_before
    assert (await as_bob.get(f'/assets/{theirs}')).json() == their_before


async def test_restore_and_delete_mixing_someone_elses_trashed_asset_are_404(hearth, as_alice, as_bob, photo):
    mine = await uploaded(as_alice, photo(0))
    theirs = await uploaded(as_bob, photo(1))
    await as_alice.post('/assets/trash', json={'ids': [mine]})
    await as_bob.post('/assets/trash', json={'ids': [theirs]})

    restore = await as_alice.post('/assets/restore', json={'ids': [mine, theirs]})
    delete = await as_alice.post('/trash/delete', json={'ids': [mine, theirs]})

    assert (restore.status_code, delete.status_code) == (404, 404)
    assert [a['id'] for a in (await as_alice.get('/trash')).json()] == [mine]
    assert [a['id'] for a in (await as_bob.get('/trash')).json()] == [theirs]
    assert len(media_files(hearth)) == 6


# ---- files --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize('kind', ['thumbnail', 'preview'])
async def test_thumbnail_and_preview_are_jpeg(as_alice, photo, kind):
    asset_id = await uploaded(as_alice, photo(0), name='beach.jpg')

    response = await as_alice.get(f'/assets/{asset_id}/{kind}')

    assert response.status_code == 200
    assert response.headers['content-type'] == 'image/jpeg'
    assert response.content[:3] == b'\xff\xd8\xff'
    assert response.headers['content-disposition'].startswith('inline')
    assert 'private' in response.headers['cache-control']


async def test_video_thumbnail_is_a_jpeg_poster(as_alice, shelf):
    asset_id = await uploaded(as_alice, shelf.get(make_mp4, '.mp4'))

    response = await as_alice.get(f'/assets/{asset_id}/thumbnail')

    assert (response.status_code, response.headers['content-type'], response.content[:2]) == (
        200,
        'image/jpeg',
        b'\xff\xd8',
    )


async def test_original_has_the_uploaded_bytes_inline(as_alice, photo):
    data = photo(0).read_bytes()
    asset_id = await uploaded(as_alice, photo(0), name='beach.jpg')

    response = await as_alice.get(f'/assets/{asset_id}/original')

    assert response.status_code == 200
    assert sha1(response.content) == sha1(data)
    assert response.headers['content-type'] == 'image/jpeg'
    assert response.headers['content-disposition'].startswith('inline')


async def test_original_with_download_is_an_attachment_with_the_file_name(as_alice, photo):
    asset_id = await uploaded(as_alice, photo(0), name='Grandma at the beach.jpg')

    response = await as_alice.get(f'/assets/{asset_id}/original', params={'download': 1})

    assert response.status_code == 200
    disposition = response.headers['content-disposition']
    assert disposition.startswith('attachment')
    assert 'Grandma%20at%20the%20beach.jpg' in disposition or 'Grandma at the beach.jpg' in disposition
    assert sha1(response.content) == sha1(photo(0).read_bytes())


# ---- trash --------------------------------------------------------------------------------------------------------


async def test_trashed_asset_leaves_the_timeline_and_shows_in_trash_with_who_and_when(as_alice, photo):
    asset_id = await uploaded(as_alice, photo(0, taken_at=datetime(2024, 5, 3)))

    response = await as_alice.post('/assets/trash', json={'ids': [asset_id]})

    assert (response.status_code, response.json()) == (200, {'count': 1})
    assert (await as_alice.get('/timeline/buckets')).json() == []
    assert (await as_alice.get('/timeline/buckets', params={'view': 'trash'})).json() == [
        {'month': '2024-05', 'count': 1}
    ]
    trash = (await as_alice.get('/trash')).json()
    assert [(item['id'], item['trashed_by']) for item in trash] == [(asset_id, 'Alice')]
    trashed_at = datetime.fromisoformat(trash[0]['trashed_at'])
    assert datetime.fromisoformat(trash[0]['purges_at']) - trashed_at == timedelta(days=30)


async def test_trashing_twice_counts_only_what_moved(as_alice, photo):
    ids = [await uploaded(as_alice, photo(index)) for index in range(2)]
    await as_alice.post('/assets/trash', json={'ids': ids[:1]})

    response = await as_alice.post('/assets/trash', json={'ids': ids})

    assert response.json() == {'count': 1}


async def test_restore_brings_a_trashed_asset_back(as_alice, photo):
    asset_id = await uploaded(as_alice, photo(0, taken_at=datetime(2024, 5, 3)))
    await as_alice.post('/assets/trash', json={'ids': [asset_id]})

    response = await as_alice.post('/assets/restore', json={'ids': [asset_id]})

    assert (response.status_code, response.json()) == (200, {'count': 1})
    assert (await as_alice.get('/timeline/buckets')).json() == [{'month': '2024-05', 'count': 1}]
    assert (await as_alice.get('/trash')).json() == []
    asset = (await as_alice.get(f'/assets/{asset_id}')).json()
    assert (asset['trashed_at'], asset['trashed_by'], asset['purges_at']) == (None, None, None)


async def test_trash_delete_refuses_assets_not_in_the_trash(hearth, as_alice, photo):
    trashed, live = [await uploaded(as_alice, photo(index)) for index in range(2)]
    await as_alice.post('/assets/trash', json={'ids': [trashed]})

    response = await as_alice.post('/trash/delete', json={'ids': [trashed, live]})

    assert (response.status_code, response.json()) == (
        400,
        {'detail': 'Only assets in the trash can be deleted permanently'},
    )
    assert (await as_alice.get(f'/assets/{live}')).status_code == 200
    assert (await as_alice.get(f'/assets/{trashed}')).status_code == 200
    assert len(media_files(hearth)) == 6


async def test_trash_delete_deletes_trashed_assets_for_good(hearth, as_alice, photo):
    doomed, kept = [await uploaded(as_alice, photo(index)) for index in range(2)]
    await as_alice.post('/assets/trash', json={'ids': [doomed, kept]})

    response = await as_alice.post('/trash/delete', json={'ids': [doomed]})

    assert (response.status_code, response.json()) == (200, {'count': 1})
    assert (await as_alice.get(f'/assets/{doomed}')).status_code == 404
    assert [item['id'] for item in (await as_alice.get('/trash')).json()] == [kept]
    assert len(media_files(hearth)) == 3


async def test_empty_trash_deletes_rows_and_files(hearth, as_alice, as_bob, photo):
    ids = [await uploaded(as_alice, photo(index)) for index in range(2)]
    bobs = await uploaded(as_bob, photo(5))
    await as_alice.post('/assets/trash', json={'ids': ids})
    await as_bob.post('/assets/trash', json={'ids': [bobs]})

    response = await as_alice.post('/trash/empty')

    assert (response.status_code, response.json()) == (200, {'count': 2})
    assert (await as_alice.get('/trash')).json() == []
    assert [(await as_alice.get(f'/assets/{asset_id}')).status_code for asset_id in ids] == [404, 404]
    assert len(media_files(hearth)) == 3, "Bob's trash is his own"
    assert [item['id'] for item in (await as_bob.get('/trash')).json()] == [bobs]


async def test_emptying_an_empty_trash_counts_zero(as_alice):
    assert (await as_alice.post('/trash/empty')).json() == {'count': 0}


async def test_trash_listing_pages(as_alice, photo):
    ids = [await uploaded(as_alice, photo(index)) for index in range(3)]
    await as_alice.post('/assets/trash', json={'ids': ids})

    first = (await as_alice.get('/trash', params={'limit': 2})).json()
    rest = (await as_alice.get('/trash', params={'limit': 2, 'offset': 2})).json()

    assert sorted(item['id'] for item in first + rest) == sorted(ids)
    assert (len(first), len(rest)) == (2, 1)
    assert (await as_alice.get('/trash', params={'limit': 0})).status_code == 422


# ---- timeline -----------------------------------------------------------------------------------------------------

DAYS = [datetime(2024, 5, 3, 9), datetime(2023, 12, 31, 23, 59), datetime(2024, 5, 20, 18), datetime(2024, 6, 1)]


@pytest.fixture
async def library(as_alice, photo) -> dict[datetime, str]:
    """Alice's four photos, by date taken."""
    return {day: await uploaded(as_alice, photo(index, taken_at=day)) for index, day in enumerate(DAYS)}


async def test_buckets_are_newest_first_with_counts(as_alice, library):
    response = await as_alice.get('/timeline/buckets')

    assert response.status_code == 200
    assert response.json() == [
        {'month': '2024-06', 'count': 1},
        {'month': '2024-05', 'count': 2},
        {'month': '2023-12', 'count': 1},
    ]


async def test_bucket_page_lists_its_assets_newest_first(as_alice, library):
    response = await as_alice.get('/timeline/buckets/2024-05')

    assert response.status_code == 200
    page = response.json()
    assert page['month'] == '2024-05'
    assert [(item['id'], item['taken_at']) for item in page['assets']] == [
        (library[DAYS[2]], '2024-05-20T18:00:00'),
        (library[DAYS[0]], '2024-05-03T09:00:00'),
    ]
    assert {(item['type'], item['duration'], item['favorite'], item['rating']) for item in page['assets']} == {
        ('image', None, False, 0)
    }


async def test_an_empty_month_is_an_empty_page(as_alice, library):
    assert (await as_alice.get('/timeline/buckets/1999-01')).json() == {'month': '1999-01', 'assets': []}


async def test_views_favorites_archive_and_trash(as_alice, library):
    may_3, dec_31, may_20, june = (library[day] for day in DAYS)
    await as_alice.put('/assets/state', json={'ids': [may_3, june], 'favorite': True})
    await as_alice.put(f'/assets/{dec_31}/state', json={'archived': True})
    await as_alice.post('/assets/trash', json={'ids': [may_20]})

    async def view(name: str) -> list[str]:
        months = [b['month'] for b in (await as_alice.get('/timeline/buckets', params={'view': name})).json()]
        pages = [await as_alice.get(f'/timeline/buckets/{m}', params={'view': name}) for m in months]
        return [str(uuid.UUID(item['id'])) for page in pages for item in page.json()['assets']]

    assert await view('timeline') == [june, may_3]
    assert await view('favorites') == [june, may_3]
    assert await view('archive') == [dec_31]
    assert await view('trash') == [may_20]


@pytest.mark.parametrize('path', ['/timeline/buckets', '/timeline/buckets/2024-05', '/assets/{id}/neighbours'])
async def test_an_unknown_view_is_422(as_alice, library, path):
    response = await as_alice.get(_fill(path, library[DAYS[0]]), params={'view': 'everything'})

    assert response.status_code == 422


@pytest.mark.parametrize('month', ['2024-13', '2024-00', 'abc', '2024-5', '202405'])
async def test_a_bad_month_is_refused(as_alice, month):
    response = await as_alice.get(f'/timeline/buckets/{month}')

    assert response.status_code in (400, 422)
    assert 'Month must look like 2024-05' in response.json()['detail']


async def test_neighbours_follow_timeline_order(as_alice, library):
    june, may_20, may_3, dec_31 = (library[day] for day in sorted(DAYS, reverse=True))

    async def neighbours(asset_id: str, **params) -> tuple[str | None, str | None]:
        response = await as_alice.get(f'/assets/{asset_id}/neighbours', params=params)
        assert response.status_code == 200
        return response.json()['previous'], response.json()['next']

    assert await neighbours(june) == (None, may_20)
    assert await neighbours(may_20) == (june, may_3)
    assert await neighbours(dec_31) == (may_3, None)
    await as_alice.put(f'/assets/{may_3}/state', json={'archived': True})
    assert await neighbours(may_20) == (june, dec_31)
    assert await neighbours(may_3, view='archive') == (None, None)


# ---- OpenAPI ------------------------------------------------------------------------------------------------------


async def test_openapi_lists_the_routes(anonymous):
    response = await anonymous.get('/openapi.json')

    assert response.status_code == 200
    paths = {(method.upper(), path) for path, ops in response.json()['paths'].items() for method in ops}
    public = {(method, path) for method, path in paths if path.startswith('/public/')}
    base_map = {('GET', path) for path in BASE_MAP}
    assert paths == {('POST', '/auth/login'), ('GET', '/health')} | set(PROTECTED_ROUTES) | public | base_map
    assert ('POST', '/public/{token}/assets') in public
    assert {
        ('POST', '/assets'),
        ('GET', '/assets/{asset_id}/original'),
        ('PUT', '/assets/state'),
        ('POST', '/trash/empty'),
        ('GET', '/timeline/buckets/{month}'),
        ('DELETE', '/admin/users/{user_id}'),
        ('POST', '/users/me/api-keys'),
    } <= paths
    assert response.json()['info']['title'] == 'Hearth'


async def test_docs_reference_no_external_host_and_their_assets_are_served_under_api():
    outer = Starlette(routes=[Mount('/api', app=create_api())])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=outer), base_url='http://test') as browser:
        page = await browser.get('/api/docs')
        assert (page.status_code, page.headers['content-type'].split(';')[0]) == (200, 'text/html')
        sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', page.text)
        assert sources, page.text
        assert not [s for s in sources if '://' in s or s.startswith('//') or 'cdn.' in s]
        assert 'https://' not in page.text and 'cdn.' not in page.text
        for source in sources:
            assert source.startswith('/api/'), source
            assert (await browser.get(source)).status_code == 200, source
        assert "'/api/openapi.json'" in page.text
        assert (await browser.get('/api/openapi.json')).status_code == 200
