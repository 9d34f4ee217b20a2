"""Is Hearth up? For container health checks and monitors: no sign-in, and nothing said beyond the status."""

import asyncio
import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from services import runtime

router = APIRouter(tags=['health'])
log = logging.getLogger('hearth')

PATH = '/api/health'  # where the web app mounts it; ui/app.py answers it while Hearth starts
DATABASE_TIMEOUT_SECONDS = 5  # well within a container health check's timeout


class HealthOut(BaseModel):
    status: str
    detail: str | None = None


def starting() -> JSONResponse:
    return JSONResponse({'status': 'starting'}, status_code=503)


def unavailable(detail: str) -> JSONResponse:
    return JSONResponse({'status': 'unavailable', 'detail': detail}, status_code=503)


@router.get(
    '/health',
    response_model=HealthOut,
    response_model_exclude_none=True,
    responses={503: {'model': HealthOut, 'description': '`starting`, or `unavailable` with a reason'}},
)
async def health():
    """`ok` once Hearth has started and its database answers; 503 `starting` or `unavailable` otherwise."""
    try:
        instance = runtime.current()
    except RuntimeError:
        return starting()
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), instance.db.engine.connect() as connection:
            await connection.execute(text('SELECT 1'))
    except Exception as error:  # whatever the driver raises: the reason goes to the log, not to the caller
        log.warning('Health check: the database did not answer: %r', error)
        return unavailable('the database does not answer')
    return HealthOut(status='ok')
