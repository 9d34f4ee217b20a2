"""How the API knows who is calling: an API key, a bearer token, or the browser session."""

from typing import Annotated

from fastapi import Depends, Request

from domain.accounts import key_allows
from domain.errors import Forbidden, Unauthenticated
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
        actor = await _key_holder(instance, key, request)
    elif token := bearer_token(request):
        actor = await accounts.actor_by_token(instance, token)
    else:
        actor = await accounts.actor_by_id(instance, session_user_id())
    if actor is None:
        raise Unauthenticated('Sign in first')
    return actor


async def _key_holder(instance: Hearth, key: str, request: Request) -> Actor | None:
    """The key's owner, if the key's scope allows this request (403 otherwise: the key is known, the act is not)."""
    found = await accounts.actor_by_api_key(instance, key)
    if found is None:
        return None
    actor, scope = found
    route = request.scope.get('route')
    if not key_allows(scope, request.method, getattr(route, 'name', '')):
        raise Forbidden(f'This API key may not do that ({scope.label.lower()})')
    return actor


def refuse_api_keys(request: Request) -> None:
    """For what manages the account itself (its keys, its password): never with an API key, whatever its scope."""
    if request.headers.get('x-api-key'):
        raise Forbidden('API keys cannot manage keys or the password: sign in to do that')


def client_address(request: Request) -> str:
    return request.client.host if request.client else ''


CurrentActor = Annotated[Actor, Depends(current_actor)]
Instance = Annotated[Hearth, Depends(hearth)]
