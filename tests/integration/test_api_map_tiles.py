"""The map's own ground, served by this server to anyone (guests of a public link too): the world's countries, the
admin's street tiles from a local .mbtiles archive, and the settings that say what the browser draws."""

import gzip
import io
import json
import sqlite3
from contextlib import closing
from dataclasses import replace

import pytest
from PIL import Image

from api import map_tiles
from tests.integration.api_client import client

WORLD = {
    'type': 'FeatureCollection',
    'features': [
        {
            'type': 'Feature',
            'properties': {'name': 'Squareland', 'code': 'SQ'},
            'geometry': {'type': 'Polygon', 'coordinates': [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]},
        }
    ],
}


@pytest.fixture
def world_file(tmp_path, monkeypatch):
    path = tmp_path / 'countries.geojson'
    path.write_text(json.dumps(WORLD))
    monkeypatch.setattr(map_tiles, 'WORLD', path)
    return path


def png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new('RGB', (256, 256), color).save(out, 'PNG')
    return out.getvalue()


def mbtiles(path, tiles: dict[tuple[int, int, int], bytes]):
    """An MBTiles archive holding `tiles`, keyed (zoom, column, row) with rows counted from the south as in TMS."""
    with closing(sqlite3.connect(path)) as db:
        db.execute('CREATE TABLE metadata (name TEXT, value TEXT)')
        db.execute('CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)')
        db.execute("INSERT INTO metadata VALUES ('format', 'png')")
        db.executemany('INSERT INTO tiles VALUES (?, ?, ?, ?)', [(*key, data) for key, data in tiles.items()])
        db.commit()
    return path


def configure(hearth, tiles: str | None, attribution: str = '') -> None:
    hearth.settings = replace(hearth.settings, map_tiles=tiles, map_attribution=attribution)


async def test_the_world_is_served_gzipped_with_long_cache_headers_and_no_sign_in(api, world_file):
    async with client(api) as guest:
        response = await guest.get('/map/world', headers={'Accept-Encoding': 'gzip'})
        again = await guest.get('/map/world', headers={'If-None-Match': response.headers['etag']})

    assert response.status_code == 200
    assert response.headers['content-encoding'] == 'gzip'
    assert 'max-age=604800' in response.headers['cache-control']
    assert response.json()['features'][0]['properties']['name'] == 'Squareland'
    assert again.status_code == 304


async def test_the_world_reaches_a_client_that_takes_no_gzip_as_plain_json(api, world_file):
    async with client(api) as guest:
        response = await guest.get('/map/world', headers={'Accept-Encoding': 'identity'})

    assert 'content-encoding' not in response.headers
    assert json.loads(response.content) == WORLD
    assert len(gzip.compress(response.content)) < len(response.content)


async def test_without_configured_tiles_the_map_draws_the_countries_and_credits_natural_earth(api, hearth):
    configure(hearth, None, 'Ignored: nothing of theirs is drawn')
    async with client(api) as guest:
        config = (await guest.get('/map/config')).json()
        tile = await guest.get('/map/tiles/0/0/0')

    assert config == {'tiles': None, 'attribution': 'Natural Earth'}
    assert tile.status_code == 404


async def test_an_http_template_is_handed_to_the_browser_with_its_credit(api, hearth):
    configure(hearth, 'https://tiles.example.org/{z}/{x}/{y}.png', '© OpenStreetMap contributors')
    async with client(api) as guest:
        config = (await guest.get('/map/config')).json()

    assert config == {
        'tiles': 'https://tiles.example.org/{z}/{x}/{y}.png',
        'attribution': 'Natural Earth · © OpenStreetMap contributors',
    }


async def test_a_local_archive_serves_its_tiles_with_the_rows_flipped_from_tms(api, hearth, tmp_path):
    north, south = png((200, 30, 30)), png((30, 30, 200))
    archive = mbtiles(tmp_path / 'streets.mbtiles', {(1, 0, 1): north, (1, 0, 0): south})
    configure(hearth, str(archive), 'City streets')
    async with client(api) as guest:
        config = (await guest.get('/map/config')).json()
        top = await guest.get('/map/tiles/1/0/0')
        bottom = await guest.get('/map/tiles/1/0/1')
        missing = await guest.get('/map/tiles/1/1/0')
        outside = await guest.get('/map/tiles/1/5/0')

    assert config == {'tiles': '/api/map/tiles/{z}/{x}/{y}', 'attribution': 'Natural Earth · City streets'}
    assert (top.content, top.headers['content-type']) == (north, 'image/png')
    assert bottom.content == south
    assert 'max-age' in top.headers['cache-control']
    assert (missing.status_code, outside.status_code) == (404, 404)


async def test_an_archive_path_that_does_not_exist_means_no_tiles(api, hearth, tmp_path):
    configure(hearth, str(tmp_path / 'gone.mbtiles'))
    async with client(api) as guest:
        config = (await guest.get('/map/config')).json()
        tile = await guest.get('/map/tiles/0/0/0')

    assert config['tiles'] is None
    assert tile.status_code == 404
