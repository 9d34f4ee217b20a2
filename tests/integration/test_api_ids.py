"""One form of id in every answer (issue 20): the hyphenated UUID an upload returns, wherever the photo is listed."""

from tests.factories.media_files import make_jpeg
from tests.integration.api_client import uploaded
from tests.integration.test_api_map import EDINBURGH, WORLD


async def test_a_photo_has_the_id_its_upload_returned_on_the_timeline_the_map_and_in_search(as_alice, shelf):
    """GIVEN a photo taken in Edinburgh, uploaded as 'lighthouse.jpg' WHEN the timeline, the map's cluster and its
    grid, and a search for the file name list it THEN each gives the id the upload returned, character for character
    (hyphenated); and that id also opens the photo without its hyphens."""
    photo = shelf.get(make_jpeg, '.jpg', size=(64, 48), color=(10, 120, 200), gps=EDINBURGH)
    asset_id = await uploaded(as_alice, photo, name='lighthouse.jpg')
    assert len(asset_id) == 36 and asset_id.count('-') == 4

    month = (await as_alice.get('/timeline/buckets')).json()[0]['month']
    timeline = (await as_alice.get(f'/timeline/buckets/{month}')).json()['assets']
    (cluster,) = (await as_alice.get('/map/clusters', params=WORLD)).json()['clusters']
    on_map = (await as_alice.get(f'/map/buckets/{month}', params={'cell': cluster['cell']})).json()['assets']
    found = (await as_alice.get('/search', params={'q': 'lighthouse'})).json()['assets']

    assert [item['id'] for item in timeline] == [asset_id]
    assert cluster['cover'] == asset_id
    assert [item['id'] for item in on_map] == [asset_id]
    assert [item['id'] for item in found] == [asset_id]
    assert (await as_alice.get(f'/assets/{asset_id.replace("-", "")}')).json()['id'] == asset_id
