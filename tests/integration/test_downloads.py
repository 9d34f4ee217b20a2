"""Downloading many originals as one streamed zip over the REST API: a selection, an album, a space and a public link;
who is refused and how; and that the zip goes out a chunk at a time."""

import asyncio
import io
import uuid
import zipfile
from datetime import date, datetime
from urllib.parse import quote, urlencode

import pytest
from PIL import Image

from domain.links import NO_DOWNLOADS
from services import downloads
from tests.integration.api_client import uploaded
from tests.integration.test_api_links import make_link, token_of
from tests.integration.test_api_spaces import add, invite, new_space

JUNE = [datetime(2024, 6, day, 12) for day in (1, 2, 3)]
EXIF_DATE_TAKEN = 0x9003


def unzipped(response) -> dict[str, bytes]:
    """The zip's files by name, in the zip's order, after checking every entry's checksum."""
    assert (response.status_code, response.headers['content-type']) == (200, 'application/zip'), response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
        return {name: archive.read(name) for name in archive.namelist()}


def saved_as(response) -> str:
    return response.headers['content-disposition']


async def select_download(as_user, ids, path='/downloads'):
    return await as_user.post(path, data={'ids': [str(each) for each in ids]})


@pytest.fixture
async def three_photos(as_alice, photo):
    """Alice's photos, newest first, two of them called IMG_1.jpg and one img_1.JPG."""
    paths = [photo(n, JUNE[n]) for n in range(3)]
    names = ['IMG_1.jpg', 'img_1.JPG', 'IMG_1.jpg']
    ids = [await uploaded(as_alice, path, name) for path, name in zip(paths, names, strict=True)]
    return list(reversed(ids)), [path.read_bytes() for path in reversed(paths)]


@pytest.fixture
async def album(as_alice, three_photos):
    ids, _ = three_photos
    response = await as_alice.post('/albums', json={'name': 'Grand-mère "été" 2024', 'asset_ids': ids})
    assert response.status_code == 201, response.text
    return response.json()['id']


# ---- what the zip holds ---------------------------------------------------------------------------------------------


async def test_a_selection_downloads_as_one_zip_of_the_originals_with_unique_names(as_alice, three_photos):
    ids, originals = three_photos

    response = await select_download(as_alice, ids)

    files = unzipped(response)
    assert list(files) == ['IMG_1.jpg', 'img_1 (2).JPG', 'IMG_1 (3).jpg']
    assert list(files.values()) == originals
    assert response.headers['x-hearth-file-count'] == '3'
    assert saved_as(response).startswith(f'attachment; filename="Hearth photos {date.today().isoformat()}.zip"')


async def test_each_file_in_the_zip_carries_the_date_the_photo_was_taken(as_alice, three_photos):
    response = await select_download(as_alice, three_photos[0])

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        dates = [info.date_time for info in archive.infolist()]
    assert dates == [moment.timetuple()[:6] for moment in reversed(JUNE)]


async def test_the_zip_is_streamed_a_chunk_at_a_time(api, as_alice, three_photos, monkeypatch):
    """GIVEN files larger than a chunk WHEN they are downloaded THEN the server sends the response in many pieces,
    none much larger than a chunk: memory holds one chunk, not the zip."""
    monkeypatch.setattr(downloads, 'CHUNK_BYTES', 256)
    ids, originals = three_photos

    pieces = await sent_pieces(api, '/downloads', as_alice.headers['authorization'], urlencode({'ids': ids}, True))

    assert len(pieces) > sum(len(original) for original in originals) // 256
    assert max(map(len, pieces)) <= 1024
    with zipfile.ZipFile(io.BytesIO(b''.join(pieces))) as archive:
        assert [archive.read(name) for name in archive.namelist()] == originals


async def sent_pieces(api, path: str, authorization: str, form: str) -> list[bytes]:
    """The body pieces the app hands to the server, one per ASGI message (an HTTP client would join them)."""
    headers = [(b'authorization', authorization.encode()), (b'content-type', b'application/x-www-form-urlencoded')]
    scope = {'type': 'http', 'method': 'POST', 'path': path, 'query_string': b'', 'headers': headers}
    scope.update(asgi={'version': '3.0'}, http_version='1.1', scheme='http', root_path='', server=('test', 80))
    requests = [{'type': 'http.request', 'body': form.encode(), 'more_body': False}]
    pieces = []

    async def receive():
        if not requests:
            await asyncio.Event().wait()  # the client stays connected
        return requests.pop(0)

    async def send(message):
        if message['type'] == 'http.response.body' and message.get('body'):
            pieces.append(message['body'])

    await api(scope, receive, send)
    return pieces


async def test_an_album_downloads_whole_or_in_part_under_its_own_name(as_alice, album, three_photos):
    ids, originals = three_photos

    whole = await as_alice.get(f'/albums/{album}/download')
    part = await select_download(as_alice, ids[1:], f'/albums/{album}/download')

    assert list(unzipped(whole).values()) == originals
    assert list(unzipped(part).values()) == originals[1:]
    ascii_name, utf8_name = 'Grand-mere ete 2024.zip', quote('Grand-mère été 2024.zip')
    assert saved_as(whole) == f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{utf8_name}'


async def test_a_space_downloads_under_its_name_for_a_member_who_may(as_alice, as_bob, three_photos):
    ids, originals = three_photos
    space_id = await new_space(as_alice, 'Lake trip')
    await add(as_alice, space_id, *ids)
    await invite(as_alice, space_id, 'contributor')

    whole = await as_bob.get(f'/spaces/{space_id}/download')
    part = await select_download(as_bob, ids[:1], f'/spaces/{space_id}/download')

    assert list(unzipped(whole).values()) == originals
    assert list(unzipped(part).values()) == originals[:1]
    assert 'filename="Lake trip.zip"' in saved_as(whole)


# ---- refusals -------------------------------------------------------------------------------------------------------


async def test_downloads_without_signing_in_are_401(anonymous, as_alice, three_photos, album):
    ids, _ = three_photos

    refusals = [
        await select_download(anonymous, ids),
        await anonymous.get(f'/albums/{album}/download'),
        await select_download(anonymous, ids, f'/albums/{album}/download'),
    ]

    assert {(response.status_code, response.json()['detail']) for response in refusals} == {(401, 'Sign in first')}


async def test_one_id_the_caller_cannot_see_makes_the_whole_download_404(as_alice, as_bob, three_photos, photo):
    ids, _ = three_photos
    bobs = await uploaded(as_bob, photo(7))

    for unseen in (bobs, str(uuid.uuid4())):
        response = await select_download(as_alice, [*ids, unseen])
        assert (response.status_code, response.json()) == (404, {'detail': 'Asset not found'})


async def test_an_id_outside_the_album_or_space_is_404_there(as_alice, album, photo):
    elsewhere = await uploaded(as_alice, photo(8))
    space_id = await new_space(as_alice)

    for path in (f'/albums/{album}/download', f'/spaces/{space_id}/download'):
        response = await select_download(as_alice, [elsewhere], path)
        assert (response.status_code, response.json()) == (404, {'detail': 'Asset not found'})


async def test_outsiders_get_404_for_an_album_or_space_download(as_alice, as_carl, album, three_photos):
    space_id = await new_space(as_alice)
    await add(as_alice, space_id, *three_photos[0])

    for path, detail in ((f'/albums/{album}/download', 'Album'), (f'/spaces/{space_id}/download', 'Space')):
        response = await as_carl.get(path)
        assert (response.status_code, response.json()) == (404, {'detail': f'{detail} not found'})


async def test_a_space_viewer_may_not_download_and_gets_403(as_alice, as_bob, bob, three_photos):
    ids, _ = three_photos
    space_id = await new_space(as_alice)
    await add(as_alice, space_id, *ids)
    await invite(as_alice, space_id, 'viewer')

    refusals = [
        await as_bob.get(f'/spaces/{space_id}/download'),
        await select_download(as_bob, ids[:1], f'/spaces/{space_id}/download'),
        await select_download(as_bob, ids),
    ]

    assert [response.status_code for response in refusals] == [403, 403, 403]
    await as_alice.patch(f'/spaces/{space_id}/members/{bob.id}', json={'role': 'editor'})
    assert (await as_bob.get(f'/spaces/{space_id}/download')).status_code == 200


async def test_an_album_guest_may_not_download_and_gets_403(as_alice, as_bob, album):
    shared = await as_alice.post(f'/albums/{album}/members', json={'email': 'bob@example.com', 'trust_level': 'guest'})
    assert shared.status_code == 201, shared.text

    response = await as_bob.get(f'/albums/{album}/download')

    assert response.status_code == 403


async def test_too_many_ids_are_refused_with_413(as_alice):
    response = await select_download(as_alice, [uuid.uuid4() for _ in range(downloads.MAX_IDS + 1)])

    assert response.status_code == 413


async def test_an_empty_selection_is_a_bad_request(as_alice, photo):
    await uploaded(as_alice, photo(1))

    assert (await as_alice.post('/downloads', data={})).status_code == 422


# ---- public links ---------------------------------------------------------------------------------------------------


async def test_a_link_with_downloads_off_refuses_the_zip(as_alice, anonymous, album, three_photos):
    token = token_of(await make_link(as_alice, album_id=album, show_metadata=True))

    refusals = [
        await anonymous.get(f'/public/{token}/download'),
        await select_download(anonymous, three_photos[0][:1], f'/public/{token}/download'),
    ]

    assert {(response.status_code, response.json()['detail']) for response in refusals} == {(403, NO_DOWNLOADS)}


async def test_a_link_that_allows_downloads_and_shows_details_gives_the_originals(as_alice, anonymous, album):
    link = await make_link(as_alice, album_id=album, allow_download=True, show_metadata=True)
    as_members_get_it = unzipped(await as_alice.get(f'/albums/{album}/download'))

    response = await anonymous.get(f'/public/{token_of(link)}/download')

    assert unzipped(response) == as_members_get_it
    assert 'filename="Grand-mere ete 2024.zip"' in saved_as(response)


async def test_a_link_that_hides_details_gives_photos_without_metadata_under_neutral_names(
    as_alice, anonymous, album, three_photos
):
    token = token_of(await make_link(as_alice, album_id=album, allow_download=True))

    whole = unzipped(await anonymous.get(f'/public/{token}/download'))
    part = unzipped(await select_download(anonymous, three_photos[0][2:], f'/public/{token}/download'))

    assert list(whole) == ['photo-1.jpg', 'photo-2.jpg', 'photo-3.jpg']
    assert list(part) == ['photo-3.jpg']
    for data in whole.values():
        assert EXIF_DATE_TAKEN not in Image.open(io.BytesIO(data)).getexif().get_ifd(0x8769)


async def test_a_link_refuses_ids_it_does_not_show_with_404(as_alice, anonymous, album, photo):
    token = token_of(await make_link(as_alice, album_id=album, allow_download=True))
    elsewhere = await uploaded(as_alice, photo(9))

    response = await select_download(anonymous, [elsewhere], f'/public/{token}/download')

    assert (response.status_code, response.json()) == (404, {'detail': 'Asset not found'})
