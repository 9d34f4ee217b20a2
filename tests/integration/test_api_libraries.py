"""External libraries over the REST API: the admin allows a folder, the member makes, scans, renames and deletes a
library, and each refusal answers its status and changes nothing."""

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


@pytest.fixture
def nas(tmp_path, photo) -> Path:
    root = tmp_path / 'nas'
    (root / 'trip').mkdir(parents=True)
    shutil.copy(photo(1), root / 'one.jpg')
    shutil.copy(photo(2), root / 'trip' / 'two.jpg')
    return root


async def allow(as_root, user_id, path: Path):
    response = await as_root.post('/admin/external-folders', json={'user_id': str(user_id), 'path': str(path)})
    assert response.status_code == 201, response.text
    return response.json()


async def library(as_user, path: Path, name='NAS'):
    response = await as_user.post('/libraries', json={'name': name, 'path': str(path)})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_member_makes_scans_renames_and_deletes_a_library(as_root, as_alice, alice, nas):
    await allow(as_root, alice.id, nas)
    assert [f['path'] for f in (await as_alice.get('/libraries/folders')).json()] == [str(nas)]
    made = await library(as_alice, nas)
    assert (made['asset_count'], made['last_scan'], made['scanning']) == (0, None, False)

    scan = await as_alice.post(f'/libraries/{made["id"]}/scan')

    assert scan.status_code == 200
    assert {k: v for k, v in scan.json().items() if v} == {'added': 2}
    (listed,) = (await as_alice.get('/libraries')).json()
    assert (listed['asset_count'], listed['last_scan']['added']) == (2, 2)
    assert len((await as_alice.get('/timeline/buckets')).json()) == 1

    renamed = await as_alice.patch(f'/libraries/{made["id"]}', json={'name': ' Family NAS '})
    assert (renamed.status_code, renamed.json()['name']) == (200, 'Family NAS')

    deleted = await as_alice.delete(f'/libraries/{made["id"]}')
    assert (deleted.status_code, deleted.json()) == (200, {'removed': 2})
    assert (await as_alice.get('/libraries')).json() == []
    assert sorted(p.name for p in nas.rglob('*.jpg')) == ['one.jpg', 'two.jpg']


async def test_an_offline_original_answers_404_while_its_thumbnail_still_shows(as_root, as_alice, alice, nas):
    await allow(as_root, alice.id, nas)
    made = await library(as_alice, nas)
    await as_alice.post(f'/libraries/{made["id"]}/scan')
    (bucket,) = (await as_alice.get('/timeline/buckets')).json()
    ids = [item['id'] for item in (await as_alice.get(f'/timeline/buckets/{bucket["month"]}')).json()['assets']]
    assert [(await as_alice.get(f'/assets/{i}/original')).status_code for i in ids] == [200, 200]

    (nas / 'one.jpg').unlink()
    (nas / 'trip' / 'two.jpg').unlink()
    scan = await as_alice.post(f'/libraries/{made["id"]}/scan')

    assert scan.json()['offline'] == 2
    for asset_id in ids:
        original = await as_alice.get(f'/assets/{asset_id}/original')
        assert (original.status_code, original.json()) == (404, {'detail': 'The original file is offline'})
        assert (await as_alice.get(f'/assets/{asset_id}/thumbnail')).status_code == 200


async def test_bad_library_requests_answer_their_status_and_change_nothing(as_root, as_alice, alice, nas, tmp_path):
    (tmp_path / 'elsewhere').mkdir()
    assert (await as_alice.post('/libraries', json={'name': 'NAS', 'path': str(nas)})).status_code == 400
    await allow(as_root, alice.id, nas / 'trip')

    outside = await as_alice.post('/libraries', json={'name': 'x', 'path': str(tmp_path / 'elsewhere')})
    climbing = await as_alice.post('/libraries', json={'name': 'x', 'path': f'{nas}/trip/..'})
    relative = await as_alice.post('/libraries', json={'name': 'x', 'path': 'trip'})
    nameless = await as_alice.post('/libraries', json={'name': ' ', 'path': str(nas / 'trip')})
    unknown = await as_alice.post('/libraries', json={'name': 'x', 'path': str(nas / 'trip'), 'owner': 'bob'})

    assert [r.status_code for r in (outside, climbing, relative, nameless, unknown)] == [400, 400, 400, 400, 422]
    assert 'not inside a folder the administrator allowed' in outside.json()['detail']
    assert (await as_alice.get('/libraries')).json() == []
    await library(as_alice, nas / 'trip')
    assert (await as_alice.post('/libraries', json={'name': 'y', 'path': str(nas / 'trip')})).status_code == 409
    assert len((await as_alice.get('/libraries')).json()) == 1


async def test_someone_elses_library_is_404_for_every_action(as_root, as_alice, as_bob, alice, nas):
    await allow(as_root, alice.id, nas)
    made = await library(as_alice, nas)
    path = f'/libraries/{made["id"]}'

    responses = [
        await as_bob.post(f'{path}/scan'),
        await as_bob.patch(path, json={'name': 'Mine'}),
        await as_bob.delete(path),
        await as_root.post(f'{path}/scan'),
    ]

    assert [r.status_code for r in responses] == [404] * 4
    assert (await as_bob.get('/libraries')).json() == []
    assert (await as_alice.get('/libraries')).json()[0]['name'] == 'NAS'


ADMIN_FOLDER_CALLS = [
    ('GET', '/admin/external-folders', None),
    ('POST', '/admin/external-folders', {'user_id': '{bob}', 'path': '/'}),
    ('DELETE', '/admin/external-folders/{folder}', None),
]


@pytest.mark.parametrize(
    ('method', 'path', 'body'), ADMIN_FOLDER_CALLS, ids=[f'{m} {p}' for m, p, _ in ADMIN_FOLDER_CALLS]
)
async def test_a_member_gets_403_on_the_admins_folder_routes(as_root, as_alice, bob, nas, method, path, body):
    folder = await allow(as_root, bob.id, nas)
    if body:
        body = {key: value.format(bob=bob.id) for key, value in body.items()}

    response = await as_alice.request(method, path.format(folder=folder['id']), json=body)

    assert (response.status_code, response.json()) == (403, {'detail': 'Only the administrator allows server folders'})
    assert [f['id'] for f in (await as_root.get('/admin/external-folders')).json()] == [folder['id']]


async def test_the_admin_allows_lists_and_revokes_folders(as_root, alice, bob, nas):
    first = await allow(as_root, alice.id, nas)
    await allow(as_root, bob.id, nas / 'trip')

    again = await as_root.post('/admin/external-folders', json={'user_id': str(alice.id), 'path': f'{nas}/'})
    missing = await as_root.post('/admin/external-folders', json={'user_id': str(alice.id), 'path': f'{nas}/none'})
    nobody = await as_root.post('/admin/external-folders', json={'user_id': str(first['id']), 'path': str(nas)})

    assert [r.status_code for r in (again, missing, nobody)] == [409, 400, 404]
    alices = (await as_root.get('/admin/external-folders', params={'user_id': str(alice.id)})).json()
    assert [(f['user_name'], f['path']) for f in alices] == [('Alice', str(nas))]
    assert (await as_root.delete(f'/admin/external-folders/{first["id"]}')).status_code == 204
    assert (await as_root.delete(f'/admin/external-folders/{first["id"]}')).status_code == 404
    assert [f['user_name'] for f in (await as_root.get('/admin/external-folders')).json()] == ['Bob']
