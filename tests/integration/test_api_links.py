"""Public links over HTTP: creators manage them signed in; guests open them with nothing but the address."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from api.app import create_api
from domain.links import GONE
from tests.factories.media_files import make_corrupt_jpeg, make_jpeg, make_text_file
from tests.integration.api_client import dummy_path, file_part, uploaded
from tests.integration.test_links import expire

GPS_IFD = 0x8825
HIDDEN_KEYS = {'id', 'media_type', 'width', 'height', 'taken_at'}
PUBLIC_ROUTES = sorted(
    (method.upper(), path)
    for path, operations in create_api().openapi()['paths'].items()
    for method in operations
    if path.startswith('/public/')
)


@pytest.fixture
async def album(as_alice, photo):
    ids = [await uploaded(as_alice, photo(n, datetime(2024, 6, n + 1))) for n in range(2)]
    response = await as_alice.post('/albums', json={'name': 'Garden party', 'asset_ids': ids})
    assert response.status_code == 201, response.text
    return response.json()['id'], ids


async def make_link(as_owner, **body):
    response = await as_owner.post('/links', json=body)
    assert response.status_code == 201, response.text
    return response.json()


def token_of(link):
    return link['url'].removeprefix('/s/')


async def guest_upload(guest, token, path, guest_name='Grandma', headers=None):
    data = {} if guest_name is None else {'guest_name': guest_name}
    return await guest.post(f'/public/{token}/assets', files={'file': file_part(path)}, data=data, headers=headers)


# ---- managing links -------------------------------------------------------------------------------------------------


async def test_a_creator_makes_lists_changes_and_revokes_a_link(as_alice, anonymous, album):
    album_id, _ = album
    link = await make_link(as_alice, album_id=album_id, label='Grandma', allow_download=True)

    assert link['url'] == f'/s/{link["token"]}' and len(link['token']) >= 43
    assert (link['album_name'], link['asset_count'], link['has_password']) == ('Garden party', 2, False)
    assert [each['id'] for each in (await as_alice.get('/links')).json()] == [link['id']]

    changed = await as_alice.patch(f'/links/{link["id"]}', json={'show_metadata': True, 'password': 'open sesame'})
    assert changed.status_code == 200
    assert (changed.json()['show_metadata'], changed.json()['has_password'], changed.json()['label']) == (
        True,
        True,
        'Grandma',
    )

    assert (await as_alice.delete(f'/links/{link["id"]}')).status_code == 204
    response = await anonymous.get(f'/public/{token_of(link)}')
    assert (response.status_code, response.json()) == (404, {'detail': GONE})


async def test_other_members_links_are_not_found(as_alice, as_bob, album):
    link = await make_link(as_alice, album_id=album[0])

    assert (await as_bob.patch(f'/links/{link["id"]}', json={'label': 'Mine'})).status_code == 404
    assert (await as_bob.delete(f'/links/{link["id"]}')).status_code == 404
    assert (await as_bob.get('/links')).json() == []
    assert (await as_bob.post('/links', json={'album_id': album[0]})).status_code == 404
    assert (await as_alice.get('/links')).json()[0]['label'] is None


async def test_bad_link_requests_are_refused(as_alice, album):
    album_id, ids = album
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    for body in ({}, {'asset_ids': ids, 'allow_upload': True}, {'album_id': album_id, 'expires_at': past}):
        assert (await as_alice.post('/links', json=body)).status_code == 400
    assert (await as_alice.post('/links', json={'album_id': album_id, 'password': 'short'})).status_code == 400
    assert (await as_alice.post('/links', json={'album_id': album_id, 'colour': 'red'})).status_code == 422
    assert (await as_alice.get('/links')).json() == []


# ---- opening links --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(('method', 'path'), PUBLIC_ROUTES, ids=[f'{m} {p}' for m, p in PUBLIC_ROUTES])
async def test_every_public_route_answers_an_unknown_token_with_the_same_404(anonymous, alice, method, path):
    response = await anonymous.request(method, dummy_path(path))

    assert (response.status_code, response.json()) == (404, {'detail': GONE})


async def test_a_guest_opens_a_link_and_sees_only_what_it_shows(as_alice, anonymous, album, photo):
    link = await make_link(as_alice, album_id=album[0])
    token = token_of(link)
    elsewhere = await uploaded(as_alice, photo(9))

    info = (await anonymous.get(f'/public/{token}')).json()
    page = (await anonymous.get(f'/public/{token}/assets', params={'limit': 1})).json()

    assert (info['album_name'], info['owner_name'], info['asset_count'], info['key']) == (
        'Garden party',
        'Alice',
        2,
        None,
    )
    assert page['total'] == 2 and [item['id'] for item in page['items']] == [album[1][1]]
    assert set(page['items'][0]) == HIDDEN_KEYS
    for path in ('', '/thumbnail', '/preview', '/original'):
        assert (await anonymous.get(f'/public/{token}/assets/{elsewhere}{path}')).status_code == 404


async def test_expired_and_unknown_links_answer_the_same_404(hearth, as_alice, anonymous, album):
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    link = await make_link(as_alice, album_id=album[0], expires_at=tomorrow)
    assert (await anonymous.get(f'/public/{token_of(link)}')).status_code == 200

    await expire(hearth, uuid.UUID(link['id']))

    for token in (token_of(link), 'x' * 43):
        for path in ('', '/assets', f'/assets/{album[1][0]}/thumbnail'):
            response = await anonymous.get(f'/public/{token}{path}')
            assert (response.status_code, response.json()) == (404, {'detail': GONE})
    assert (await as_alice.get('/links')).json()[0]['expired'] is True


async def test_deleting_the_album_answers_404_for_its_link(as_alice, anonymous, album):
    link = await make_link(as_alice, album_id=album[0])

    assert (await as_alice.delete(f'/albums/{album[0]}')).status_code == 204

    assert (await anonymous.get(f'/public/{token_of(link)}/assets')).status_code == 404


async def test_a_password_gives_a_key_for_images_and_a_new_password_voids_it(as_alice, anonymous, album):
    link = await make_link(as_alice, album_id=album[0], password='open sesame')
    token, asset_id = token_of(link), album[1][0]

    needs = await anonymous.get(f'/public/{token}')
    wrong = await anonymous.get(f'/public/{token}', headers={'X-Link-Password': 'guess'})
    right = await anonymous.get(f'/public/{token}', headers={'X-Link-Password': 'open sesame'})

    assert (needs.status_code, needs.json()['detail']) == (401, 'This link needs a password')
    assert (wrong.status_code, wrong.json()['detail']) == (401, 'Wrong password')
    key = right.json()['key']
    thumbnail = await anonymous.get(f'/public/{token}/assets/{asset_id}/thumbnail', params={'key': key})
    assert (thumbnail.status_code, thumbnail.headers['content-type']) == (200, 'image/jpeg')
    assert (await anonymous.get(f'/public/{token}/assets', headers={'X-Link-Key': key})).status_code == 200
    assert (await anonymous.get(f'/public/{token}/assets/{asset_id}/thumbnail')).status_code == 401

    await as_alice.patch(f'/links/{link["id"]}', json={'password': 'another secret'})

    stale = await anonymous.get(f'/public/{token}/assets/{asset_id}/thumbnail', params={'key': key})
    assert stale.status_code == 401


async def test_repeated_wrong_passwords_are_throttled(as_alice, anonymous, album):
    token = token_of(await make_link(as_alice, album_id=album[0], password='open sesame'))
    for _ in range(5):
        assert (await anonymous.get(f'/public/{token}', headers={'X-Link-Password': 'guess'})).status_code == 401

    assert (await anonymous.get(f'/public/{token}', headers={'X-Link-Password': 'open sesame'})).status_code == 429


async def test_the_link_forgets_what_its_creator_stops_seeing(as_alice, as_bob, anonymous, photo, alice):
    bobs = await uploaded(as_bob, photo(7))
    await as_bob.post('/partners', json={'email': 'alice@example.com'})
    token = token_of(await make_link(as_alice, asset_ids=[bobs]))
    assert (await anonymous.get(f'/public/{token}/assets/{bobs}/thumbnail')).status_code == 200

    await as_bob.delete(f'/partners/{alice.id}')

    assert (await anonymous.get(f'/public/{token}/assets/{bobs}/thumbnail')).status_code == 404
    assert (await anonymous.get(f'/public/{token}/assets')).json() == {'items': [], 'total': 0}


async def test_a_trashed_photo_disappears_from_the_link(as_alice, anonymous, album):
    token = token_of(await make_link(as_alice, album_id=album[0]))

    await as_alice.post('/assets/trash', json={'ids': [album[1][0]]})

    assert (await anonymous.get(f'/public/{token}')).json()['asset_count'] == 1
    assert (await anonymous.get(f'/public/{token}/assets/{album[1][0]}')).status_code == 404


# ---- metadata and downloads -----------------------------------------------------------------------------------------


async def test_hidden_metadata_leaves_no_gps_or_exif_in_json_or_download(as_alice, anonymous, tmp_path):
    source = make_jpeg(tmp_path / 'IMG_at_home.jpg', gps=(48.85, 2.35), taken_at=datetime(2024, 6, 1, 12))
    asset_id = await uploaded(as_alice, source)
    token = token_of(await make_link(as_alice, asset_ids=[asset_id], allow_download=True))

    seen = (await anonymous.get(f'/public/{token}/assets/{asset_id}')).json()
    original = await anonymous.get(f'/public/{token}/assets/{asset_id}/original', params={'download': True})

    assert seen == {'id': asset_id, 'media_type': 'image', 'width': 640, 'height': 480, 'taken_at': '2024-06-01'}
    assert original.headers['content-disposition'] == 'attachment; filename="photo-1.jpg"'
    assert b'Hearthcam' not in original.content and b'IMG_at_home' not in original.content
    with Image.open(io.BytesIO(original.content)) as image:
        assert not image.getexif().get_ifd(GPS_IFD) and not image.getexif()


async def test_shown_metadata_gives_place_camera_and_the_untouched_original(as_alice, anonymous, tmp_path):
    source = make_jpeg(tmp_path / 'IMG_at_home.jpg', gps=(48.85, 2.35))
    asset_id = await uploaded(as_alice, source)
    token = token_of(await make_link(as_alice, asset_ids=[asset_id], allow_download=True, show_metadata=True))

    seen = (await anonymous.get(f'/public/{token}/assets/{asset_id}')).json()
    original = await anonymous.get(f'/public/{token}/assets/{asset_id}/original')

    assert (seen['filename'], seen['camera_make'], round(seen['latitude'], 2)) == (
        'IMG_at_home.jpg',
        'Hearthcam',
        48.85,
    )
    assert original.content == source.read_bytes()


async def test_downloads_off_answers_403_while_previews_still_show(as_alice, anonymous, album):
    token, asset_id = token_of(await make_link(as_alice, album_id=album[0])), album[1][0]

    original = await anonymous.get(f'/public/{token}/assets/{asset_id}/original')

    assert (original.status_code, original.json()) == (403, {'detail': 'Downloads are turned off for this link'})
    preview = await anonymous.get(f'/public/{token}/assets/{asset_id}/preview')
    assert preview.status_code == 200
    with Image.open(io.BytesIO(preview.content)) as image:
        assert dict(image.getexif()) == {}


# ---- guests uploading -----------------------------------------------------------------------------------------------


async def test_a_guest_upload_is_the_creators_with_the_guests_name_and_in_the_album(as_alice, anonymous, album, photo):
    token = token_of(await make_link(as_alice, album_id=album[0], allow_upload=True))

    response = await guest_upload(anonymous, token, photo(5), 'Grandma')

    assert response.status_code == 201 and response.json()['status'] == 'created'
    asset_id = response.json()['id']
    assert (await as_alice.get(f'/assets/{asset_id}')).json()['is_mine'] is True
    items = (await as_alice.get(f'/albums/{album[0]}/assets')).json()
    assert asset_id in [item['id'] for item in items]
    again = await guest_upload(anonymous, token, photo(5), 'Grandpa')
    assert (again.status_code, again.json()['status'], again.json()['id']) == (200, 'duplicate', asset_id)
    shown = await anonymous.get(f'/public/{token}')
    assert shown.json()['asset_count'] == 3


async def test_uploads_are_refused_when_the_link_does_not_take_them(as_alice, anonymous, album, photo):
    token = token_of(await make_link(as_alice, album_id=album[0]))

    response = await guest_upload(anonymous, token, photo(5))

    assert (response.status_code, response.json()) == (403, {'detail': 'This link does not accept uploads'})
    assert (await anonymous.get(f'/public/{token}')).json()['asset_count'] == 2


async def test_bad_guest_uploads_get_the_usual_answers(as_alice, anonymous, album, photo, tmp_path):
    token = token_of(await make_link(as_alice, album_id=album[0], allow_upload=True))

    assert (await guest_upload(anonymous, token, photo(5), guest_name=None)).status_code == 400
    assert (await guest_upload(anonymous, token, photo(5), guest_name='x' * 101)).status_code == 400
    assert (await guest_upload(anonymous, token, make_text_file(tmp_path / 'list.jpg'))).status_code == 415
    assert (await guest_upload(anonymous, token, make_corrupt_jpeg(tmp_path / 'broken.jpg'))).status_code == 400
    assert (await anonymous.post(f'/public/{token}/assets', content=b'raw bytes')).status_code == 415
    assert (await anonymous.get(f'/public/{token}')).json()['asset_count'] == 2


async def test_a_password_protected_upload_link_takes_the_key_header(as_alice, anonymous, album, photo):
    token = token_of(await make_link(as_alice, album_id=album[0], allow_upload=True, password='open sesame'))

    refused = await guest_upload(anonymous, token, photo(5))
    key = (await anonymous.get(f'/public/{token}', headers={'X-Link-Password': 'open sesame'})).json()['key']
    accepted = await guest_upload(anonymous, token, photo(5), headers={'X-Link-Key': key})

    assert (refused.status_code, accepted.status_code) == (401, 201)
