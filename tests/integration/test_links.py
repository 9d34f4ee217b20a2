"""Public links (SPEC §5) through the services: who may make them, what they show, and how they stop working."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import update

from domain.access import TrustLevel
from domain.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unauthenticated,
    UnsupportedMediaType,
)
from domain.links import GONE, NEEDS_PASSWORD, WRONG_PASSWORD
from services import accounts, albums, assets, links, sharing
from services.links import Guest, PublicAsset, PublicAssetDetails
from storage.models import Asset, PublicLink, User
from tests.factories.media_files import make_heic, make_jpeg, make_mp4, make_png, make_text_file, make_webp
from tests.fixtures import media_files
from tests.integration.test_partners import photo

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')
ANYONE = Guest()
GPS_IFD = 0x8825


async def album_link(hearth, owner, tmp_path, count=1, **settings):
    ids = [await photo(hearth, owner, tmp_path, f'{i}.jpg', (40 * i, 90, 9), gps=(48.85, 2.35)) for i in range(count)]
    album = await albums.create_album(hearth, owner, 'Garden party', 'In June', asset_ids=ids)
    return await links.create_link(hearth, owner, album_id=album.id, **settings), album, ids


async def expire(hearth, link_id):
    async with hearth.db.session() as session:
        await session.execute(
            update(PublicLink).where(PublicLink.id == link_id).values(expires_at=datetime.now(UTC) - timedelta(hours=1))
        )
        await session.commit()


async def download(hearth, token, asset_id, guest=ANYONE, kind='original'):
    sent = await links.public_file(hearth, token, guest, asset_id, kind)
    data = sent.path.read_bytes()
    if sent.temporary:
        sent.path.unlink()
    return sent, data


# ---- making links ---------------------------------------------------------------------------------------------------


async def test_links_have_unguessable_distinct_tokens_and_a_public_address(hearth, alice, tmp_path):
    first, album, _ = await album_link(hearth, alice, tmp_path)
    second = await links.create_link(hearth, alice, album_id=album.id, label='  For   grandma ')

    for link in (first, second):
        assert re.fullmatch(r'[A-Za-z0-9_-]{43,}', link.token)  # 32 random bytes: 256 bits
        assert link.url == f'/s/{link.token}'
    assert first.token != second.token
    assert (second.label, second.album_name, second.asset_count) == ('For grandma', 'Garden party', 1)
    assert [link.id for link in await links.list_links(hearth, alice)] == [second.id, first.id]


async def test_only_the_album_owner_links_an_album(hearth, alice, bob, tmp_path):
    _, album, _ = await album_link(hearth, alice, tmp_path)
    with pytest.raises(NotFound):
        await links.create_link(hearth, bob, album_id=album.id)

    await albums.share_album(hearth, alice, album.id, 'bob@example.com', TrustLevel.VERY_CLOSE)

    with pytest.raises(Forbidden):
        await links.create_link(hearth, bob, album_id=album.id)
    assert await links.list_links(hearth, bob) == []


async def test_a_selection_needs_the_right_to_put_every_asset_in_albums(hearth, alice, bob, tmp_path):
    mine = await photo(hearth, bob, tmp_path, 'mine.jpg', (1, 2, 3))
    theirs = await photo(hearth, alice, tmp_path, 'theirs.jpg', (200, 2, 3))
    with pytest.raises(NotFound):
        await links.create_link(hearth, bob, asset_ids=[mine, theirs])

    await sharing.share_library(hearth, alice, 'bob@example.com', TrustLevel.GUEST)
    with pytest.raises(Forbidden):
        await links.create_link(hearth, bob, asset_ids=[mine, theirs])

    await sharing.change_trust_level(hearth, alice, bob.id, TrustLevel.KNOWN)
    link = await links.create_link(hearth, bob, asset_ids=[mine, theirs, mine])
    assert (link.album_id, link.asset_count) == (None, 2)


async def test_a_link_targets_one_album_or_a_selection_and_only_albums_take_uploads(hearth, alice, tmp_path):
    link, album, ids = await album_link(hearth, alice, tmp_path)
    for bad in ({}, {'album_id': album.id, 'asset_ids': ids}, {'asset_ids': ids, 'allow_upload': True}):
        with pytest.raises(InvalidInput):
            await links.create_link(hearth, alice, **bad)
    with pytest.raises(InvalidInput):
        await links.create_link(hearth, alice, album_id=album.id, expires_at=datetime.now(UTC) - timedelta(days=1))
    selection = await links.create_link(hearth, alice, asset_ids=ids)
    with pytest.raises(InvalidInput):
        await links.update_link(hearth, alice, selection.id, allow_upload=True)
    assert len(await links.list_links(hearth, alice)) == 2


async def test_creators_change_and_revoke_only_their_own_links(hearth, alice, bob, tmp_path):
    link, _, _ = await album_link(hearth, alice, tmp_path)
    for attempt in (links.update_link(hearth, bob, link.id, label='Mine now'), links.revoke_link(hearth, bob, link.id)):
        with pytest.raises(NotFound):
            await attempt

    changed = await links.update_link(hearth, alice, link.id, label='Family', allow_download=True, allow_upload=True)

    assert (changed.label, changed.allow_download, changed.allow_upload, changed.show_metadata) == (
        'Family',
        True,
        True,
        False,
    )
    await links.revoke_link(hearth, alice, link.id)
    assert await links.list_links(hearth, alice) == []


# ---- opening links --------------------------------------------------------------------------------------------------


async def test_a_guest_sees_the_album_its_owner_and_its_photos_newest_first(hearth, alice, tmp_path):
    link, _, ids = await album_link(hearth, alice, tmp_path, count=3)

    info = await links.open_link(hearth, link.token, ANYONE)
    page = await links.list_public_assets(hearth, link.token, ANYONE, limit=2)

    assert (info.album_name, info.album_description, info.owner_name, info.asset_count) == (
        'Garden party',
        'In June',
        'Alice',
        3,
    )
    assert info.key is None and page.total == 3 and len(page.items) == 2
    rest = await links.list_public_assets(hearth, link.token, ANYONE, limit=2, offset=2)
    assert {item.id for item in page.items + rest.items} == set(ids)


async def test_unknown_revoked_and_expired_links_fail_alike(hearth, alice, tmp_path):
    expired, album, _ = await album_link(hearth, alice, tmp_path)
    revoked = await links.create_link(hearth, alice, album_id=album.id)
    await expire(hearth, expired.id)
    await links.revoke_link(hearth, alice, revoked.id)

    for token in ('not-a-token', expired.token, revoked.token):
        with pytest.raises(NotFound) as refused:
            await links.open_link(hearth, token, ANYONE)
        assert str(refused.value) == GONE
    assert [link.expired for link in await links.list_links(hearth, alice)] == [True]


async def test_deleting_the_album_ends_its_links(hearth, alice, tmp_path):
    link, album, ids = await album_link(hearth, alice, tmp_path)

    await albums.delete_album(hearth, alice, album.id)

    with pytest.raises(NotFound):
        await links.public_file(hearth, link.token, ANYONE, ids[0], 'thumbnail')
    assert await links.list_links(hearth, alice) == []


async def test_a_disabled_creators_links_stop_working(hearth, alice, tmp_path):
    link, _, _ = await album_link(hearth, alice, tmp_path)
    async with hearth.db.session() as session:
        await session.execute(update(User).where(User.id == alice.id).values(disabled=True))
        await session.commit()

    with pytest.raises(NotFound):
        await links.open_link(hearth, link.token, ANYONE)


async def test_a_password_unlocks_a_key_that_a_new_password_invalidates(hearth, alice, tmp_path):
    link, _, ids = await album_link(hearth, alice, tmp_path, password='open sesame')
    for guest, message in ((ANYONE, NEEDS_PASSWORD), (Guest(password='guess'), WRONG_PASSWORD)):
        with pytest.raises(Unauthenticated) as refused:
            await links.open_link(hearth, link.token, guest)
        assert str(refused.value) == message

    key = (await links.open_link(hearth, link.token, Guest(password='open sesame'))).key

    assert len(key) == 64
    assert (await links.public_file(hearth, link.token, Guest(key=key), ids[0], 'thumbnail')).path.exists()
    await links.update_link(hearth, alice, link.id, password='a new secret')
    with pytest.raises(Unauthenticated):
        await links.open_link(hearth, link.token, Guest(key=key))
    await links.update_link(hearth, alice, link.id, password=None)
    assert (await links.open_link(hearth, link.token, ANYONE)).has_password is False


async def test_wrong_passwords_are_throttled_even_before_the_right_one(hearth, alice, tmp_path):
    link, _, _ = await album_link(hearth, alice, tmp_path, password='open sesame')
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await links.open_link(hearth, link.token, Guest(password='guess', client='10.0.0.9'))

    with pytest.raises(RateLimited):
        await links.open_link(hearth, link.token, Guest(password='open sesame', client='10.0.0.9'))


# ---- never more than the creator can see ----------------------------------------------------------------------------


async def test_a_link_drops_what_its_creator_can_no_longer_see(hearth, alice, bob, tmp_path):
    bobs = await photo(hearth, bob, tmp_path, 'bob.jpg', (5, 5, 200))
    await sharing.share_library(hearth, bob, 'alice@example.com')
    link = await links.create_link(hearth, alice, asset_ids=[bobs])
    assert (await links.open_link(hearth, link.token, ANYONE)).asset_count == 1

    await sharing.stop_sharing(hearth, bob, alice.id)

    assert (await links.list_public_assets(hearth, link.token, ANYONE)).items == []
    for kind in ('thumbnail', 'preview'):
        with pytest.raises(NotFound):
            await links.public_file(hearth, link.token, ANYONE, bobs, kind)


async def test_a_trashed_photo_leaves_the_link(hearth, alice, tmp_path):
    link, _, (kept, trashed) = await album_link(hearth, alice, tmp_path, count=2)

    await assets.trash(hearth, alice, [trashed])

    assert [item.id for item in (await links.list_public_assets(hearth, link.token, ANYONE)).items] == [kept]
    with pytest.raises(NotFound):
        await links.get_public_asset(hearth, link.token, ANYONE, trashed)


async def test_an_asset_outside_the_link_is_not_found(hearth, alice, tmp_path):
    link, _, _ = await album_link(hearth, alice, tmp_path)
    elsewhere = await photo(hearth, alice, tmp_path, 'elsewhere.jpg', (99, 99, 99))

    with pytest.raises(NotFound):
        await links.public_file(hearth, link.token, ANYONE, elsewhere, 'thumbnail')


# ---- metadata and downloads -----------------------------------------------------------------------------------------


async def test_hidden_metadata_leaves_only_type_size_and_day(hearth, alice, tmp_path):
    link, _, (asset_id,) = await album_link(hearth, alice, tmp_path)

    seen = await links.get_public_asset(hearth, link.token, ANYONE, asset_id)

    assert isinstance(seen, PublicAsset)
    assert set(vars(seen)) == {'id', 'media_type', 'width', 'height', 'taken_at'}
    assert not isinstance(seen.taken_at, datetime)


async def test_shown_metadata_includes_place_camera_and_file_name(hearth, alice, tmp_path):
    link, _, (asset_id,) = await album_link(hearth, alice, tmp_path, show_metadata=True)

    seen = await links.get_public_asset(hearth, link.token, ANYONE, asset_id)

    assert isinstance(seen, PublicAssetDetails)
    assert (seen.filename, seen.camera_make, round(seen.latitude, 2)) == ('0.jpg', 'Hearthcam', 48.85)


async def test_downloads_are_refused_unless_allowed(hearth, alice, tmp_path):
    link, _, (asset_id,) = await album_link(hearth, alice, tmp_path)

    with pytest.raises(Forbidden):
        await links.public_file(hearth, link.token, ANYONE, asset_id, 'original')


async def test_a_jpeg_download_without_metadata_keeps_every_pixel_and_the_orientation(hearth, alice, tmp_path):
    source = make_jpeg(tmp_path / 'IMG_home.jpg', gps=(48.85, 2.35), orientation=6, taken_at=datetime(2024, 6, 1))
    asset_id = (await assets.ingest(hearth, alice, hearth.files.stage_copy(source, 10**9))).asset_id
    album = await albums.create_album(hearth, alice, 'Home', asset_ids=[asset_id])
    link = await links.create_link(hearth, alice, album_id=album.id, allow_download=True)

    sent, data = await download(hearth, link.token, asset_id)

    assert sent.filename == 'photo-1.jpg'
    assert b'Hearthcam' not in data and b'IMG_home' not in data
    with Image.open(io.BytesIO(data)) as clean, Image.open(source) as original:
        exif = clean.getexif()
        assert dict(exif) == {0x0112: 6} and not exif.get_ifd(GPS_IFD)
        assert clean.tobytes() == original.tobytes()
    assert data.endswith(source.read_bytes()[source.read_bytes().index(b'\xff\xda') :])
    assert not list(hearth.settings.tmp_dir.iterdir())


@pytest.mark.parametrize(
    ('maker', 'extension'),
    [(make_png, '.png'), (make_webp, '.webp'), (make_heic, '.heic')],
    ids=['png', 'webp', 'heic'],
)
async def test_other_photos_are_downloaded_reencoded_without_exif(hearth, alice, tmp_path, maker, extension):
    source = maker(tmp_path / f'source{extension}')
    if maker is not make_heic:  # these makers write no EXIF of their own: give the file some
        exif = Image.Exif()
        exif[0x010F] = 'Hearthcam'
        with Image.open(source) as image:
            image.load()
            image.save(source, image.format, exif=exif.tobytes())
    asset_id = (await assets.ingest(hearth, alice, hearth.files.stage_copy(source, 10**9))).asset_id
    link = await links.create_link(hearth, alice, asset_ids=[asset_id], allow_download=True)

    sent, data = await download(hearth, link.token, asset_id)

    assert sent.filename == f'photo-1{extension}'
    assert b'Hearthcam' not in data and b'Hearthphone' not in data
    with Image.open(io.BytesIO(data)) as clean, Image.open(source) as original:
        assert original.getexif()
        assert (clean.format, clean.size, dict(clean.getexif())) == (original.format, original.size, {})


async def test_shown_metadata_sends_the_original_file_as_it_is(hearth, alice, tmp_path):
    link, _, (asset_id,) = await album_link(hearth, alice, tmp_path, allow_download=True, show_metadata=True)

    sent, data = await download(hearth, link.token, asset_id)

    assert (sent.filename, sent.temporary) == ('0.jpg', False)
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif().get_ifd(GPS_IFD)


async def test_videos_are_not_offered_for_download_when_metadata_is_hidden(hearth, alice, tmp_path):
    staged = hearth.files.stage_copy(make_mp4(tmp_path / 'clip.mp4', seconds=1.0), 10**9)
    video = (await assets.ingest(hearth, alice, staged)).asset_id
    link = await links.create_link(hearth, alice, asset_ids=[video], allow_download=True)

    with pytest.raises(Forbidden):
        await links.public_file(hearth, link.token, ANYONE, video, 'original')
    await links.update_link(hearth, alice, link.id, show_metadata=True)
    assert (await download(hearth, link.token, video))[0].media_type == 'video/mp4'


@pytest.mark.parametrize('kind', ['thumbnail', 'preview'])
async def test_renditions_carry_no_exif(hearth, alice, tmp_path, kind):
    link, _, (asset_id,) = await album_link(hearth, alice, tmp_path, show_metadata=True)

    _, data = await download(hearth, link.token, asset_id, kind=kind)

    with Image.open(io.BytesIO(data)) as image:
        assert dict(image.getexif()) == {} and b'Hearthcam' not in data


# ---- guests uploading -----------------------------------------------------------------------------------------------


def staged(hearth, path):
    return hearth.files.stage_copy(path, 10**9)


async def test_a_guest_upload_belongs_to_the_creator_and_joins_the_album(hearth, alice, tmp_path):
    link, album, _ = await album_link(hearth, alice, tmp_path, allow_upload=True)
    upload = make_jpeg(tmp_path / 'grandma.jpg', color=(250, 10, 10))

    result = await links.upload_as_guest(hearth, link.token, ANYONE, staged(hearth, upload), '  Grandma ')

    assert result.status == 'created'
    mine = await assets.get_asset(hearth, alice, result.asset_id)
    assert (mine.is_mine, mine.filename, mine.guest_name) == (True, 'grandma.jpg', 'Grandma')
    items = await albums.album_items(hearth, alice, album.id)
    assert [(item.added_by, item.owner_name) for item in items if item.id == result.asset_id] == [('Alice', 'Alice')]
    async with hearth.db.session() as session:
        assert (await session.get(Asset, result.asset_id)).guest_name == 'Grandma'
    again = await links.upload_as_guest(hearth, link.token, ANYONE, staged(hearth, upload), 'Grandpa')
    assert (again.status, again.asset_id) == ('duplicate', result.asset_id)


async def test_uploads_are_refused_when_not_allowed_or_nameless_and_leave_nothing_behind(hearth, alice, tmp_path):
    closed, album, _ = await album_link(hearth, alice, tmp_path)
    open_ = await links.create_link(hearth, alice, album_id=album.id, allow_upload=True)
    before = media_files(hearth)
    upload = make_jpeg(tmp_path / 'new.jpg', color=(1, 250, 1))

    with pytest.raises(Forbidden):
        await links.upload_as_guest(hearth, closed.token, ANYONE, staged(hearth, upload), 'Grandma')
    for name in ('', ' ', 'x' * 101):
        with pytest.raises(InvalidInput):
            await links.upload_as_guest(hearth, open_.token, ANYONE, staged(hearth, upload), name)
    with pytest.raises(UnsupportedMediaType):
        await links.upload_as_guest(
            hearth, open_.token, ANYONE, staged(hearth, make_text_file(tmp_path / 'a.jpg')), 'G'
        )

    assert media_files(hearth) == before and not list(hearth.settings.tmp_dir.iterdir())
    assert (await albums.get_album_summary(hearth, alice, album.id)).asset_count == 1


async def test_a_password_protected_upload_link_needs_the_key(hearth, alice, tmp_path):
    link, _, _ = await album_link(hearth, alice, tmp_path, allow_upload=True, password='open sesame')
    upload = make_jpeg(tmp_path / 'new.jpg', color=(1, 250, 1))

    with pytest.raises(Unauthenticated):
        await links.upload_as_guest(hearth, link.token, ANYONE, staged(hearth, upload), 'Grandma')
    key = (await links.open_link(hearth, link.token, Guest(password='open sesame'))).key
    result = await links.upload_as_guest(hearth, link.token, Guest(key=key), staged(hearth, upload), 'Grandma')
    assert result.status == 'created'


async def test_guest_uploads_count_against_the_creators_quota(hearth, alice, root_admin, tmp_path):
    link, _, _ = await album_link(hearth, alice, tmp_path, allow_upload=True)
    await accounts.update_member(hearth, root_admin, alice.id, quota_bytes=1)

    with pytest.raises(PayloadTooLarge):
        await links.upload_as_guest(hearth, link.token, ANYONE, staged(hearth, make_jpeg(tmp_path / 'q.jpg')), 'G')


@pytest.fixture
async def root_admin(hearth):
    return await accounts.create_user(hearth, None, 'root@example.com', 'Root', 'admin password', is_admin=True)
