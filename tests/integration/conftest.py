"""Fixtures for the REST API tests: the API app on a started Hearth, and clients signed in as members."""

import functools
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from api.app import create_api
from services import accounts, runtime
from tests.factories import duplicate_photos
from tests.factories.media_files import make_jpeg
from tests.factories.search_photos import search_photo
from tests.integration.api_client import MediaShelf, client

ALICE = ('alice@example.com', 'correct horse')
BOB = ('bob@example.com', 'battery staple')
CARL = ('carl@example.com', 'a long password')
ROOT = ('root@example.com', 'admin password')


@pytest.fixture(autouse=True)
def _fast_hashing(cheap_password_hashing):
    """Sign-in logic is real; only argon2's cost is lowered to keep the suite quick."""


@pytest.fixture(scope='session')
def shelf(tmp_path_factory) -> MediaShelf:
    return MediaShelf(tmp_path_factory.mktemp('api-media'))


@pytest.fixture
def photo(shelf):
    """photo(n, taken_at=None): a small JPEG, different for each n."""

    def make(index: int = 0, taken_at: datetime | None = None) -> Path:
        color = (index * 47 % 256, 90 + index * 13 % 120, 200 - index * 29 % 180)
        return shelf.get(make_jpeg, '.jpg', size=(96, 72), color=color, taken_at=taken_at)

    return make


@functools.cache
def _shared_api():
    """One API app per test process: FastAPI prepares each route on its first request, which cost a fresh app
    0.7 s of a typical test."""
    return create_api()


@pytest.fixture
async def api(hearth):
    runtime.install(hearth)
    app = _shared_api()
    app.state.upload_gate = None  # made from each test's own settings on its first upload
    yield app
    runtime.install(None)


@pytest.fixture
async def client_for(api):
    """client_for(email, password): a client signed in through POST /auth/login with a bearer token."""
    opened: list[httpx.AsyncClient] = []

    async def sign_in(email: str, password: str) -> httpx.AsyncClient:
        signed_in = client(api)
        opened.append(signed_in)
        response = await signed_in.post('/auth/login', json={'email': email, 'password': password})
        assert response.status_code == 200, response.text
        signed_in.headers['Authorization'] = f'Bearer {response.json()["access_token"]}'
        return signed_in

    yield sign_in
    for each in opened:
        await each.aclose()


@pytest.fixture
async def anonymous(api):
    async with client(api) as no_credentials:
        yield no_credentials


@pytest.fixture
async def root(hearth):
    return await accounts.create_user(hearth, None, ROOT[0], 'Root', ROOT[1], is_admin=True)


@pytest.fixture
async def as_alice(client_for, alice):
    return await client_for(*ALICE)


@pytest.fixture
async def as_bob(client_for, bob):
    return await client_for(*BOB)


@pytest.fixture
async def as_carl(client_for, carl):
    return await client_for(*CARL)


@pytest.fixture
async def as_root(client_for, root):
    return await client_for(*ROOT)


@pytest.fixture
def copy_of(tmp_path):
    """copy_of(name, maker): a new file made from a packaged photo by one of the duplicates factory's copiers."""
    made = iter(range(1000))

    def make(name, maker=duplicate_photos.original, **options):
        return maker(search_photo(name), tmp_path / f'{next(made)}.jpg', **options)

    return make
