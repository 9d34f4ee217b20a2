"""How the API knows who is calling: an API key, a bearer token, or the browser session."""

from typing import Annotated

from fastapi import Depends, Request

from domain.errors import Unauthenticated
from services import accounts, runtime
from services.accounts import Actor
from services.runtime import Hearth
from ui.session import session_user_id


def hearth() -> Hearth:
    return runtime.current()


def bearer_token(request: Request) -> str | None:
    auth = request.headers.get('authorization', '')
    return auth[7:].strip() if auth.lower().startswith('bearer ') else None


async def current_actor(request: Request) -> Actor:
    instance = runtime.current()
    if key := request.headers.get('x-api-key'):
        actor = await accounts.actor_by_api_key(instance, key)
    elif token := bearer_token(request):
        actor = await accounts.actor_by_token(instance, token)
    else:
        actor = await accounts.actor_by_id(instance, session_user_id())
    if actor is None:
        raise Unauthenticated('Sign in first')
    return actor


def client_address(request: Request) -> str:
    return request.client.host if request.client else ''


CurrentActor = Annotated[Actor, Depends(current_actor)]
Instance = Annotated[Hearth, Depends(hearth)]
