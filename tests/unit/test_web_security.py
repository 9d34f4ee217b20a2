"""Which browser writes are Hearth's own, and what the content security policy allows."""

from domain.web_security import content_security_policy, is_cross_origin_write, own_origins, tile_image_source

OWN = own_origins('http', 'photos.home:8080')
BEHIND_TLS = own_origins('http', 'photos.example', behind_tls=True)


def test_only_unsafe_writes_from_another_origin_count_as_cross_origin():
    cases = [
        # method, own origins, Origin, Sec-Fetch-Site, Referer, cross-origin?
        ('POST', OWN, 'http://photos.home:8080', None, None, False),
        ('DELETE', OWN, 'HTTP://Photos.Home:8080', 'cross-site', None, False),  # Origin decides, in any case
        ('PATCH', OWN, 'http://photos.home:8081', None, None, True),  # another service on the same host
        ('PUT', OWN, 'https://photos.home:8080', None, None, True),
        ('POST', OWN, 'null', None, None, True),  # a sandboxed frame or a privacy-stripped redirect
        ('GET', OWN, 'http://evil.example', 'cross-site', None, False),  # reads change nothing
        ('POST', OWN, None, 'same-site', None, True),
        ('POST', OWN, None, 'none', 'http://evil.example/', False),  # typed by the user: Sec-Fetch-Site decides
        ('POST', OWN, None, None, 'http://evil.example/page', True),
        ('POST', OWN, None, None, 'http://photos.home:8080/photo/1', False),
        ('POST', OWN, None, None, None, False),  # curl or a script: not sent by a web page
        ('POST', BEHIND_TLS, 'https://photos.example', None, None, False),  # a TLS proxy forwarding plain http
        ('POST', BEHIND_TLS, 'https://photos.example:443', None, None, False),
        ('POST', BEHIND_TLS, 'https://sibling.example', None, None, True),
    ]
    for method, own, origin, fetch_site, referer, expected in cases:
        assert is_cross_origin_write(method, own, origin, fetch_site, referer) is expected, (method, origin, referer)


def test_the_policy_allows_the_socket_and_remote_tiles_of_this_host_only():
    tiles = tile_image_source('https://{s}.tile.example.org/{z}/{x}/{y}.png')
    policy = content_security_policy('photos.home:8080', tiles)
    assert "connect-src 'self' ws://photos.home:8080 wss://photos.home:8080;" in policy
    assert "img-src 'self' data: blob: https://*.tile.example.org;" in policy
    assert "connect-src 'self';" in content_security_policy('bad;host')  # a forged Host adds no source
    assert tile_image_source('/data/tiles.mbtiles') is None
    assert tile_image_source('https://tiles.example/{z}/{x}/{y}.png') == 'https://tiles.example'
