"""What the map draws under the photos, all from this server: the world's countries (Natural Earth), and street-level
tiles when an admin set HEARTH_MAP_TILES to a tile URL template or a local .mbtiles archive.

None of it is personal, and guests of a public link need it too, so it needs no sign-in."""

import gzip
import sqlite3
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Response
from pydantic import BaseModel

from api.deps import Instance
from domain.errors import NotFound
from settings import Settings

router = APIRouter(prefix='/map', tags=['map'])
WORLD = Path(__file__).resolve().parents[1] / 'ml' / 'data' / 'countries-50m.geojson'
TILE_ROUTE = '/api/map/tiles/{z}/{x}/{y}'
BASE_ATTRIBUTION = 'Natural Earth'
# The world file changes only with an upgrade (its ETag then changes); tiles change when the admin swaps archives.
WORLD_CACHE = 'public, max-age=604800'
TILE_CACHE = 'public, max-age=86400'
TILE_TYPES = {b'\x89PNG': 'image/png', b'\xff\xd8\xff': 'image/jpeg', b'RIFF': 'image/webp'}


class MapConfig(BaseModel):
    tiles: str | None  # a Leaflet URL template ({z}/{x}/{y}), or none: the countries alone
    attribution: str


@router.get('/config', response_model=MapConfig)
async def map_config(instance: Instance) -> MapConfig:
    """What the browser draws: the tile URL template when tiles are configured, and the credit for what is drawn."""
    tiles = tile_template(instance.settings)
    credits = [BASE_ATTRIBUTION, instance.settings.map_attribution if tiles else '']
    return MapConfig(tiles=tiles, attribution=' · '.join(credit for credit in credits if credit))


@router.get('/world', responses={200: {'content': {'application/geo+json': {}}}})
async def world(accept_encoding: Annotated[str, Header()] = '', if_none_match: Annotated[str, Header()] = ''):
    """The countries as GeoJSON (Natural Earth 1:50m, with their names), gzipped for browsers that take it."""
    body, etag = _world(WORLD, WORLD.stat().st_mtime_ns)
    headers = {'Cache-Control': WORLD_CACHE, 'ETag': etag, 'Vary': 'Accept-Encoding'}
    if if_none_match == etag:
        return Response(status_code=304, headers=headers)
    if 'gzip' in accept_encoding:
        return Response(body, media_type='application/geo+json', headers={**headers, 'Content-Encoding': 'gzip'})
    return Response(gzip.decompress(body), media_type='application/geo+json', headers=headers)


@router.get('/tiles/{z}/{x}/{y}')
def tile(z: int, x: int, y: int, instance: Instance) -> Response:
    """One tile of the local .mbtiles archive (sync: SQLite reads run in FastAPI's thread pool)."""
    archive = _archive(instance.settings)
    data = _read_tile(archive, z, x, y) if archive else None
    if data is None:
        raise NotFound('No such tile')
    media_type = next((kind for magic, kind in TILE_TYPES.items() if data.startswith(magic)), 'application/x-protobuf')
    return Response(data, media_type=media_type, headers={'Cache-Control': TILE_CACHE})


def tile_template(settings: Settings) -> str | None:
    source = settings.map_tiles or ''
    if source.startswith(('http://', 'https://')):
        return source
    return TILE_ROUTE if _archive(settings) else None


def _archive(settings: Settings) -> Path | None:
    source = settings.map_tiles or ''
    path = Path(source)
    return path if source.endswith('.mbtiles') and path.is_file() else None


def _read_tile(archive: Path, z: int, x: int, y: int) -> bytes | None:
    if not (0 <= z <= 24 and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    with closing(sqlite3.connect(f'{archive.as_uri()}?mode=ro', uri=True)) as db:
        row = db.execute(
            'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
            (z, x, 2**z - 1 - y),  # MBTiles counts rows from the south (TMS), Leaflet from the north
        ).fetchone()
    return row[0] if row else None


@lru_cache(maxsize=1)
def _world(path: Path, mtime_ns: int) -> tuple[bytes, str]:
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0), f'"world-{mtime_ns:x}"'
