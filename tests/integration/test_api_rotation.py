"""Turning a photo over the REST API (PUT /assets/{id}/rotation): one value everyone sees (SPEC §2, scope E), allowed
to exactly the roles that may edit the date (SPEC §3); the original stays untouched while the thumbnail, the preview
and the timeline's width and height turn with it."""

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import select

from domain.access import Permission, Role, trust_level_of
from domain.jobs import Queue
from services.pipeline import JobRunner
from services.steps import STEPS
from storage import jobs as job_rows
from storage.models import Job
from tests.integration.api_client import sha1, uploaded
from tests.integration.test_api_links import make_link, token_of
from tests.integration.test_api_partners import EXPECTED, share
from tests.integration.test_api_spaces import invite, new_space

RED = (220, 30, 30)


def marked_jpeg(path, orientation: int = 1):
    """A 120 x 80 landscape JPEG, blue with a red top-left corner as stored, and the given EXIF orientation."""
    image = Image.new('RGB', (120, 80), (30, 30, 220))
    image.paste(RED, (0, 0, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(path, 'JPEG', quality=95, exif=exif.tobytes())
    return path


async def rendition(client, asset_id: str, kind: str) -> Image.Image:
    response = await client.get(f'/assets/{asset_id}/{kind}')
    assert response.status_code == 200, response.text
    return Image.open(io.BytesIO(response.content)).convert('RGB')


def red_corner(image: Image.Image) -> str:
    """Which corner of the image is the red one."""
    w, h = image.size
    corners = {'top-left': (3, 3), 'top-right': (w - 4, 3), 'bottom-left': (3, h - 4), 'bottom-right': (w - 4, h - 4)}
    return next(name for name, xy in corners.items() if image.getpixel(xy)[0] > 150 > image.getpixel(xy)[2])


async def timeline_size(client, asset_id: str) -> tuple[int, int]:
    """The photo's size on the timeline; its turn is there too, so that the grid asks for the new thumbnail."""
    for month in (await client.get('/timeline/buckets')).json():
        for item in (await client.get(f'/timeline/buckets/{month["month"]}')).json()['assets']:
            if item['id'] == asset_id:
                details = (await client.get(f'/assets/{asset_id}')).json()
                assert item['r'] == details['rotation']
                return item['w'], item['h']
    raise AssertionError('not on the timeline')


async def seen(clients, asset_id: str) -> list:
    """Everything that a rotation could change, as each client sees it."""
    return [
        (
            (await client.get(f'/assets/{asset_id}')).json(),
            sha1((await client.get(f'/assets/{asset_id}/thumbnail')).content),
            sha1((await client.get(f'/assets/{asset_id}/preview')).content),
        )
        for client in clients
    ]


async def test_the_owner_turns_a_photo_for_everyone_and_the_original_stays_as_it_was(as_alice, as_bob, tmp_path, bob):
    """GIVEN Alice's landscape photo, shared with Bob WHEN she turns it a quarter right THEN both see it turned in
    its details, thumbnail, preview and timeline size; the original's bytes are unchanged; 0 undoes it."""
    source = marked_jpeg(tmp_path / 'marked.jpg')
    asset_id = await uploaded(as_alice, source)
    await share(as_alice)
    assert await timeline_size(as_alice, asset_id) == (120, 80)

    response = await as_alice.put(f'/assets/{asset_id}/rotation', json={'degrees': 90})

    assert response.status_code == 200, response.text
    assert (response.json()['rotation'], response.json()['width'], response.json()['height']) == (90, 80, 120)
    for client in (as_alice, as_bob):
        assert (await client.get(f'/assets/{asset_id}')).json()['rotation'] == 90
        for kind in ('thumbnail', 'preview'):
            turned = await rendition(client, asset_id, kind)
            assert turned.height > turned.width and red_corner(turned) == 'top-right'
        assert await timeline_size(client, asset_id) == (80, 120)
    assert sha1((await as_alice.get(f'/assets/{asset_id}/original')).content) == sha1(source.read_bytes())

    await as_alice.put(f'/assets/{asset_id}/rotation', json={'degrees': 0})
    upright = await rendition(as_bob, asset_id, 'thumbnail')
    assert upright.width > upright.height and red_corner(upright) == 'top-left'
    assert await timeline_size(as_bob, asset_id) == (120, 80)


@pytest.mark.parametrize(
    ('orientation', 'degrees', 'corner', 'portrait'),
    [
        (6, 90, 'bottom-right', False),
        (6, 270, 'top-left', False),
        (8, 180, 'top-right', True),
        (3, 90, 'bottom-left', True),
    ],
)
async def test_a_rotation_adds_to_the_files_own_orientation(as_alice, tmp_path, orientation, degrees, corner, portrait):
    """GIVEN a photo whose file says to show it turned (EXIF orientation) WHEN it is rotated THEN the renditions show
    both turns, one after the other."""
    asset_id = await uploaded(as_alice, marked_jpeg(tmp_path / 'turned.jpg', orientation))

    assert (await as_alice.put(f'/assets/{asset_id}/rotation', json={'degrees': degrees})).status_code == 200

    thumbnail = await rendition(as_alice, asset_id, 'thumbnail')
    assert red_corner(thumbnail) == corner
    assert (thumbnail.height > thumbnail.width) == portrait
    w, h = await timeline_size(as_alice, asset_id)
    assert (h > w) == portrait


ROLE_CASES = [(role, role in EXPECTED[Permission.EDIT_DATE]) for role in Role if role != Role.OWNER]


def test_rotation_is_allowed_to_exactly_the_roles_that_edit_the_date():
    assert {role for role, allowed in ROLE_CASES if allowed} == {Role.COLLABORATOR, Role.CURATOR}


@pytest.mark.parametrize(('role', 'allowed'), ROLE_CASES, ids=[role.value for role, _ in ROLE_CASES])
async def test_a_partner_may_turn_a_photo_only_where_they_may_edit_its_date(as_alice, as_bob, photo, role, allowed):
    """GIVEN Alice's photo shared with Bob at each trust level WHEN Bob turns it THEN collaborators and curators
    turn it for both; contributors and viewers get 403 and nothing changes for either of them."""
    asset_id = await uploaded(as_alice, photo(70))
    await share(as_alice, trust_level=trust_level_of(role).value)
    before = await seen((as_alice, as_bob), asset_id)

    response = await as_bob.put(f'/assets/{asset_id}/rotation', json={'degrees': 270})

    if allowed:
        assert response.status_code == 200, response.text
        assert (await as_alice.get(f'/assets/{asset_id}')).json()['rotation'] == 270
    else:
        assert response.status_code == 403, response.text
        assert await seen((as_alice, as_bob), asset_id) == before


@pytest.mark.parametrize(('space_role', 'allowed'), [('editor', True), ('contributor', False), ('viewer', False)])
async def test_a_space_member_may_turn_a_photo_only_where_they_may_edit_its_date(
    as_alice, as_bob, photo, space_role, allowed
):
    asset_id = await uploaded(as_alice, photo(71))
    space_id = await new_space(as_alice)
    await invite(as_alice, space_id, space_role)
    await as_alice.post(f'/spaces/{space_id}/assets', json={'asset_ids': [asset_id]})
    before = await seen((as_alice, as_bob), asset_id)

    response = await as_bob.put(f'/assets/{asset_id}/rotation', json={'degrees': 180})

    assert response.status_code == (200 if allowed else 403), response.text
    if not allowed:
        assert await seen((as_alice, as_bob), asset_id) == before


async def test_unseen_photos_are_404_and_bad_values_422_changing_nothing(as_alice, as_bob, as_root, photo, shelf):
    asset_id = await uploaded(as_alice, photo(72))
    before = await seen((as_alice,), asset_id)

    for outsider in (as_bob, as_root):
        assert (await outsider.put(f'/assets/{asset_id}/rotation', json={'degrees': 90})).status_code == 404
    for bad in ({'degrees': 45}, {'degrees': -90}, {'degrees': 360}, {'degrees': '90deg'}, {}):
        assert (await as_alice.put(f'/assets/{asset_id}/rotation', json=bad)).status_code == 422, bad

    assert await seen((as_alice,), asset_id) == before


async def test_a_link_without_details_downloads_the_photo_turned_losslessly(as_alice, anonymous, tmp_path):
    """GIVEN a turned photo in a link that hides details WHEN a guest downloads it THEN the file, stripped of its
    metadata, carries only the orientation that shows it turned; its compressed pixels are the original's."""
    source = marked_jpeg(tmp_path / 'marked.jpg')
    asset_id = await uploaded(as_alice, source)
    await as_alice.put(f'/assets/{asset_id}/rotation', json={'degrees': 90})
    token = token_of(await make_link(as_alice, asset_ids=[asset_id], allow_download=True))

    seen = (await anonymous.get(f'/public/{token}/assets/{asset_id}')).json()
    download = await anonymous.get(f'/public/{token}/assets/{asset_id}/original', params={'download': True})

    assert (seen['width'], seen['height']) == (80, 120)
    with Image.open(io.BytesIO(download.content)) as image:
        assert dict(image.getexif()) == {0x0112: 6}
        assert image.size == (120, 80) and red_corner(image.convert('RGB')) == 'top-left'  # as stored


async def test_faces_are_looked_for_again_and_a_forced_rerender_keeps_the_turn(hearth, as_alice, tmp_path):
    """GIVEN a turned photo WHEN its faces are due again and the thumbnails job renders it anew from the original
    (the Jobs page's "run for all") THEN the faces job is queued, forced, and the renditions stay turned."""
    asset_id = await uploaded(as_alice, marked_jpeg(tmp_path / 'marked.jpg'))
    await as_alice.put(f'/assets/{asset_id}/rotation', json={'degrees': 90})
    subject = uuid.UUID(asset_id).hex
    async with hearth.db.session() as session:
        faces_job = await session.scalar(select(Job).where(Job.queue == Queue.FACES.value, Job.subject == subject))
        assert faces_job is not None and faces_job.force
        await job_rows.enqueue(session, Queue.THUMBNAILS, 'thumbnails', [subject], force=True)
        await session.commit()

    runner = JobRunner(hearth, STEPS)
    try:
        assert await runner.run_once(Queue.THUMBNAILS)
    finally:
        await runner.stop()

    thumbnail = await rendition(as_alice, asset_id, 'thumbnail')
    assert thumbnail.height > thumbnail.width and red_corner(thumbnail) == 'top-right'
