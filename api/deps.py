"""How the API knows who is calling: an API key, a bearer token, or the browser session."""

from typing import Annotated

from fastapi import Depends, Request
from nicegui import app

from domain.errors import Unauthenticated
from services import accounts, runtime
from services.accounts import Actor
from services.runtime import Hearth


def hearth() -> Hearth:
    return runtime.current()


def session_user_id() -> str | None:
    """The signed-in user id of the browser session; the session stores nothing else about the user."""
    try:
        return app.storage.user.get('user_id')
    except (RuntimeError, AssertionError, KeyError):
        return None


async def current_actor(request: Request) -> Actor:
    instance = runtime.current()
    if key := request.headers.get('x-api-key'):
        actor = await accounts.actor_by_api_key(instance, key)
    elif (auth := request.headers.get('authorization', '')).lower().startswith('bearer '):
        actor = await accounts.actor_by_token(instance, auth[7:].strip())
    else:
        actor = await accounts.actor_by_id(instance, session_user_id())
    if actor is None:
        raise Unauthenticated('Sign in first')
    return actor


def client_address(request: Request) -> str:
    return request.client.host if request.client else ''


CurrentActor = Annotated[Actor, Depends(current_actor)]
Instance = Annotated[Hearth, Depends(hearth)]
