"""Browser defences as thin ASGI middleware; the rules live in domain/web_security.py.

`SecurityHeaders` wraps the whole app (pages, NiceGUI's files, the API). `CrossOriginWriteGuard` wraps the API: a
state-changing call that rides on the browser's session cookie must come from Hearth's own pages. API keys and bearer
tokens are exempt: a page of another origin cannot send those headers without a CORS preflight, which Hearth refuses.
`ScriptsGetNoSession` wraps the whole app inside NiceGUI's session middleware: a script's call sets no cookie."""

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import bearer_token
from domain import web_security
from services import runtime

SESSION_COOKIE = 'session'  # the name NiceGUI's session middleware gives the browser session (ui/app.py)
REFUSED = (
    'Refused: a change sent with the browser session from a page of another origin. '
    'Scripts and other sites use an API key (x-api-key) or a bearer token instead.'
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, tile_template: str | None = None):
        self.app = app
        self.tile_source = web_security.tile_image_source(tile_template)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        extra = web_security.security_headers(Headers(scope=scope).get('host', ''), self.tile_source)

        async def send_with_headers(message: Message) -> None:
            if message['type'] == 'http.response.start':
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ScriptsGetNoSession:
    """A call with an API key or a bearer token and no session cookie is a script's, not a browser's. NiceGUI's
    request tracking gives every request a browser id in the session (to find its user storage), so Starlette's
    session middleware would set a cookie on each such answer: the session is emptied as the answer starts."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or not _is_script_call(Request(scope)):
            await self.app(scope, receive, send)
            return

        async def send_without_session(message: Message) -> None:
            if message['type'] == 'http.response.start':
                scope.get('session', {}).clear()  # the same dict the session middleware writes out
            await send(message)

        await self.app(scope, receive, send_without_session)


def _is_script_call(request: Request) -> bool:
    return SESSION_COOKIE not in request.cookies and _carries_key_or_token(request)


class CrossOriginWriteGuard:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] == 'http' and _is_cross_origin_session_write(Request(scope)):
            await JSONResponse({'detail': REFUSED}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _is_cross_origin_session_write(request: Request) -> bool:
    if not _rides_on_session_cookie(request):
        return False
    own = web_security.own_origins(request.url.scheme, request.url.netloc, _behind_tls())
    headers = request.headers
    return web_security.is_cross_origin_write(
        request.method, own, headers.get('origin'), headers.get('sec-fetch-site'), headers.get('referer')
    )


def _rides_on_session_cookie(request: Request) -> bool:
    """Whether the caller would be the session's user (api.deps.current_actor: a key or a token comes first)."""
    return SESSION_COOKIE in request.cookies and not _carries_key_or_token(request)


def _carries_key_or_token(request: Request) -> bool:
    """An API key or a bearer token, which api.deps.current_actor takes before any session."""
    return bool(request.headers.get('x-api-key') or bearer_token(request))


def _behind_tls() -> bool:
    try:
        return runtime.current().settings.secure_cookies
    except RuntimeError:  # not started yet: the request is refused further on anyway
        return False
