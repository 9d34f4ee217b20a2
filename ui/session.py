"""The browser session holds only the signed-in user's id; everything else is looked up per request."""

from fastapi.responses import RedirectResponse
from nicegui import app

from services import accounts, runtime
from services.accounts import Actor

SESSION_KEY = 'user_id'


def session_user_id() -> str | None:
    """The signed-in user id of this browser session, or None outside a browser session (API keys, tokens)."""
    try:
        return app.storage.user.get(SESSION_KEY)
    except (RuntimeError, AssertionError, KeyError):
        return None


async def signed_in() -> Actor | None:
    return await accounts.actor_by_id(runtime.current(), session_user_id())


async def require_sign_in() -> Actor | RedirectResponse:
    """The actor, or where to send a visitor who is not signed in (onboarding on a brand-new instance)."""
    if actor := await signed_in():
        return actor
    if await accounts.needs_onboarding(runtime.current()):
        return RedirectResponse('/onboarding')
    return RedirectResponse('/login')


async def require_admin() -> Actor | RedirectResponse:
    """The signed-in administrator, or where to send anyone else (members go to their photos)."""
    actor = await require_sign_in()
    if isinstance(actor, Actor) and not actor.is_admin:
        return RedirectResponse('/')
    return actor


def sign_in(actor: Actor) -> None:
    app.storage.user.clear()
    app.storage.user[SESSION_KEY] = str(actor.id)


def sign_out() -> None:
    app.storage.user.clear()
