"""What browsers are told about Hearth's pages, and which browser writes count as the app's own.

The page needs what NiceGUI needs: Vue compiles templates in the browser ('unsafe-eval'), the page carries inline
scripts and Tailwind writes style tags ('unsafe-inline'), images come as data: and blob: URLs, and the socket talks
back to the host the page came from. Nothing else is loaded from anywhere else, and no page is meant to be framed."""

import re
from urllib.parse import urlsplit

UNSAFE_METHODS = frozenset({'POST', 'PUT', 'PATCH', 'DELETE'})
OWN_FETCH_SITES = frozenset({'same-origin', 'none'})  # Sec-Fetch-Site of a page's own request, or one the user typed
DEFAULT_PORTS = {'http': 80, 'https': 443, 'ws': 80, 'wss': 443}
HOST_NAME = re.compile(r'[a-z0-9._-]+|[0-9a-f:.]+')  # a DNS name, an IPv4 or an IPv6 address


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL, lower-cased and without a default port; None for 'null' or a non-URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in DEFAULT_PORTS or not HOST_NAME.fullmatch(parts.hostname or ''):
        return None
    scheme = parts.scheme.lower()
    host = f'[{parts.hostname}]' if ':' in parts.hostname else parts.hostname
    return f'{scheme}://{host}' + ('' if port in (None, DEFAULT_PORTS[scheme]) else f':{port}')


def own_origins(scheme: str, host: str, behind_tls: bool = False) -> frozenset[str]:
    """The origins of a request that arrived over `scheme` for `host` (the Host header): that one, and its https
    twin when a TLS proxy in front of Hearth may forward plain http."""
    schemes = {scheme, 'https'} if behind_tls else {scheme}
    return frozenset(origin for each in schemes if (origin := origin_of(f'{each}://{host}')))


def is_cross_origin_write(
    method: str, own: frozenset[str], origin: str | None, fetch_site: str | None, referer: str | None
) -> bool:
    """Whether a browser sent this state-changing request on behalf of a page of another origin.

    Browsers send Origin with every cross-origin POST, PUT, PATCH and DELETE; older ones only Sec-Fetch-Site or a
    Referer. A request with none of the three did not come from a web page (curl, a script holding a cookie): it is
    the caller's own doing and is let through."""
    if method.upper() not in UNSAFE_METHODS:
        return False
    if origin is not None:
        return origin_of(origin) not in own
    if fetch_site is not None:
        return fetch_site.strip().lower() not in OWN_FETCH_SITES
    if referer:
        return origin_of(referer) not in own
    return False


def tile_image_source(tile_template: str | None) -> str | None:
    """The CSP source for a remote tile server's URL template (`https://{s}.tile.example/{z}/{x}/{y}.png`)."""
    if not tile_template or not tile_template.startswith(('http://', 'https://')):
        return None
    scheme, _, rest = tile_template.partition('://')
    host = rest.split('/', 1)[0]
    if host.startswith('{') and '}.' in host:
        host = '*.' + host.split('}.', 1)[1]  # Leaflet's {s} subdomains: CSP allows a wildcard leftmost label only
    return f'{scheme}://{host}' if '{' not in host else f'{scheme}:'


def content_security_policy(host: str, tile_source: str | None = None) -> str:
    sockets = ' '.join(sorted(origin for scheme in ('ws', 'wss') if (origin := origin_of(f'{scheme}://{host}'))))
    directives = {
        'default-src': "'self'",
        'script-src': "'self' 'unsafe-inline' 'unsafe-eval'",
        'style-src': "'self' 'unsafe-inline'",
        'img-src': ' '.join(filter(None, ("'self' data: blob:", tile_source))),
        'font-src': "'self' data:",
        'connect-src': ' '.join(filter(None, ("'self'", sockets))),
        'object-src': "'none'",
        'base-uri': "'self'",
        'form-action': "'self'",
        'frame-ancestors': "'none'",
    }
    return '; '.join(f'{name} {sources}' for name, sources in directives.items())


def security_headers(host: str, tile_source: str | None = None) -> dict[str, str]:
    """The headers every response carries unless it set its own (a public link's stricter no-referrer stays)."""
    return {
        'content-security-policy': content_security_policy(host, tile_source),
        'x-frame-options': 'DENY',
        'x-content-type-options': 'nosniff',  # originals are user bytes: a JPEG with HTML appended stays a JPEG
        'referrer-policy': 'same-origin',
    }
