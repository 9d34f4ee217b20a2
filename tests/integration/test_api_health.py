"""GET /api/health: what a container's health check and a monitor see, without signing in."""

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from api.app import create_api
from storage.db import Database
from ui.app import _WaitUntilReady

UNREACHABLE = {
    'sqlite': 'sqlite+aiosqlite:////nonexistent-folder/hearth.db',
    'postgres': 'postgresql+asyncpg://hearth:hearth@127.0.0.1:9/hearth',  # the discard port: nothing listens
}


async def test_health_is_ok_without_signing_in_and_says_nothing_else(anonymous):
    response = await anonymous.get('/health')

    assert response.status_code == 200
    assert response.json() == {'status': 'ok'}


async def test_health_is_unavailable_when_the_database_does_not_answer(anonymous, hearth, backend):
    """GIVEN a started Hearth WHEN its database cannot be reached THEN 503 with a reason that names no host or file."""
    database, hearth.db = hearth.db, Database(UNREACHABLE[backend])
    try:
        response = await anonymous.get('/health')
    finally:
        await hearth.db.dispose()
        hearth.db = database  # back before the fixture's own checks at teardown

    assert response.status_code == 503
    assert response.json() == {'status': 'unavailable', 'detail': 'the database does not answer'}


async def test_health_answers_starting_at_once_while_the_app_starts():
    """GIVEN the web app still migrating (its ready event unset) WHEN a health check comes THEN 503 `starting` at once,
    where every other request waits for the start."""
    state = {'ready': asyncio.Event()}
    web_app = Starlette(routes=[Mount('/api', create_api())], middleware=[Middleware(_WaitUntilReady, state=state)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web_app), base_url='http://test') as web:
        response = await asyncio.wait_for(web.get('/api/health'), timeout=5)

        assert response.status_code == 503
        assert response.json() == {'status': 'starting'}

        state['error'] = 'Hearth could not start: boom'
        state['ready'].set()
        failed = await web.get('/api/health')

    assert failed.status_code == 503
    assert failed.json() == {'status': 'unavailable', 'detail': 'Hearth could not start'}
