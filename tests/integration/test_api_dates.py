"""Dates that cannot be right (issue 20, defect 5): a far-future EXIF date (a broken camera's 9999-12-31) pinned the
photo to the top of every timeline, and the API took it in PATCH too. A file's implausible date is taken as absent
(the upload's time stands in, as for a photo without a date); the API refuses one."""

from datetime import UTC, datetime

from tests.factories.media_files import make_jpeg
from tests.integration.api_client import uploaded
from tests.integration.test_api_spaces import timeline_of


async def test_a_photo_dated_9999_is_placed_as_if_it_had_no_date(as_alice, photo, tmp_path):
    dated = await uploaded(as_alice, photo(0))
    broken = await uploaded(as_alice, make_jpeg(tmp_path / 'broken.jpg', taken_at=datetime(9999, 12, 31, 23, 59)))

    shown = (await as_alice.get(f'/assets/{broken}')).json()

    assert datetime.fromisoformat(shown['taken_at']).year == datetime.now(UTC).year
    assert set(await timeline_of(as_alice)) == {dated, broken}
    assert [month['month'] for month in (await as_alice.get('/timeline/buckets')).json()][0] != '9999-12'


async def test_the_api_refuses_a_date_that_cannot_be_right_and_changes_nothing(as_alice, photo):
    asset_id = await uploaded(as_alice, photo(0))
    before = (await as_alice.get(f'/assets/{asset_id}')).json()['taken_at']

    for impossible in ('9999-12-31T23:59:00', '1700-01-01T00:00:00'):
        response = await as_alice.patch(f'/assets/{asset_id}', json={'taken_at': impossible})
        assert response.status_code == 400, response.text

    assert (await as_alice.get(f'/assets/{asset_id}')).json()['taken_at'] == before
