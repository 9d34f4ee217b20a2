"""Wires Hearth into NiceGUI: the runtime, the REST API, the pages and the schedules."""

import asyncio
import logging
from pathlib import Path

from nicegui import app, ui
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import PlainTextResponse

from api import health
from api.app import create_api
from api.security import SESSION_COOKIE, ScriptsGetNoSession, SecurityHeaders
from services import runtime
from services.pipeline import JobRunner, ml_concurrency, render_pools
from services.runtime import Hearth
from services.schedule import start_scheduler
from services.steps import STEPS
from settings import Settings
from ui import pages

STATIC = Path(__file__).parent / 'static'
log = logging.getLogger('hearth')


def serve(settings: Settings) -> None:
    setup(settings)
    ui.run(
        host=settings.host,
        port=settings.port,
        title='Hearth',
        favicon=STATIC / 'favicon.svg',
        dark=None,  # the system's light or dark until this browser chooses (ui/components/theme_mode.py)
        viewport='width=device-width, initial-scale=1, viewport-fit=cover',  # lets env(safe-area-inset-*) work
        storage_secret=settings.storage_secret,
        session_middleware_kwargs={'session_cookie': SESSION_COOKIE, 'https_only': settings.secure_cookies},
        # uvicorn would trust X-Forwarded-For from 127.0.0.1 by default; only the configured proxies are trusted
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
        reload=False,
        show=False,
    )


def setup(settings: Settings) -> None:
    hearth = Hearth.create(settings)
    state: dict = {}

    def start() -> None:
        # Async startup handlers run as background tasks; requests wait on this event instead.
        state['ready'] = asyncio.Event()
        state['task'] = asyncio.create_task(_start(hearth, state))

    async def stop() -> None:
        if scheduler := state.get('scheduler'):
            scheduler.shutdown(wait=False)
        runtime.install(None)
        await hearth.stop()

    app.on_startup(start)
    app.on_shutdown(stop)
    app.add_middleware(_WaitUntilReady, state=state)
    app.add_middleware(SecurityHeaders, tile_template=settings.map_tiles)
    app.add_middleware(ScriptsGetNoSession)  # inside NiceGUI's session middleware, which ui.run adds later
    app.add_static_files('/static', STATIC)
    app.mount('/api', create_api())
    pages.register()


async def _start(hearth: Hearth, state: dict) -> None:
    try:
        await hearth.start()
        runtime.install(hearth)
        state['scheduler'] = start_scheduler(hearth)
        hearth.renderer = render_pools(hearth.settings)
        hearth.runner = JobRunner(hearth, STEPS, ml_concurrency(hearth.settings))
        hearth.runner.start()
    except Exception as error:
        log.exception('Hearth could not start')
        state['error'] = f'Hearth could not start: {error}'
    finally:
        state['ready'].set()


class _WaitUntilReady(BaseHTTPMiddleware):
    def __init__(self, asgi_app, state: dict):
        super().__init__(asgi_app)
        self.state = state

    async def dispatch(self, request, call_next):
        is_health_check = request.url.path == health.PATH
        if ready := self.state.get('ready'):
            if is_health_check and not ready.is_set():
                return health.starting()  # a health check answers at once while migrations run
            await ready.wait()
        if error := self.state.get('error'):
            return health.unavailable('Hearth could not start') if is_health_check else PlainTextResponse(error, 503)
        return await call_next(request)
