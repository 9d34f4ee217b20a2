"""The REST API, mounted at /api, with OpenAPI docs at /api/docs served from the package (works offline)."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from api import (
    admin,
    albums,
    assets,
    auth,
    downloads,
    duplicates,
    faces,
    health,
    identities,
    jobs,
    libraries,
    links,
    map_tiles,
    maps,
    partners,
    people,
    public,
    search,
    spaces,
)
from api.security import CrossOriginWriteGuard
from domain.errors import HearthError, Unauthenticated

DESCRIPTION = """Hearth's REST API. Authenticate with the browser session, a bearer token from `POST /api/auth/login`,
or an API key created in your account settings, sent as the `x-api-key` header.
Anything you cannot see answers 404; what you can see but may not change answers 403."""


def create_api() -> FastAPI:
    api = FastAPIOffline(title='Hearth', version='0.1.0', description=DESCRIPTION, docs_url='/docs', redoc_url=None)
    api.add_exception_handler(HearthError, _hearth_error)
    api.add_middleware(CrossOriginWriteGuard)
    modules = (auth, admin, jobs, assets, faces, people, identities, partners, albums, spaces, libraries, links, public)
    for module in modules:
        api.include_router(module.router)
    api.include_router(downloads.router)
    api.include_router(map_tiles.router)
    api.include_router(maps.router)
    api.include_router(search.router)
    api.include_router(duplicates.router)
    api.include_router(health.router)
    return api


async def _hearth_error(_: Request, error: HearthError) -> JSONResponse:
    headers = {'WWW-Authenticate': 'Bearer'} if isinstance(error, Unauthenticated) else None
    return JSONResponse({'detail': str(error)}, status_code=error.status, headers=headers)
