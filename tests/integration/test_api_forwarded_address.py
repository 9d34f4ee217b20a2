"""Whose address a sign-in comes from, against a real server (issue 20): X-Forwarded-For counts only when the peer
is a proxy named in HEARTH_TRUSTED_PROXIES; otherwise anyone could pick a new address per guess, and behind a proxy
that is not named, the proxy's address is everyone's."""

import httpx
import pytest

from domain.accounts import CLIENT_ACCOUNTS
from tests.e2e.conftest import HearthProcess

ATTEMPTS = 5  # Settings.login_attempts: per account; a client address may fail CLIENT_ACCOUNTS times as often
FIRST, SECOND = '203.0.113.5', '198.51.100.7'


def fail_as_often_as_a_client_may(url: str, forwarded: str) -> None:
    """Wrong passwords for CLIENT_ACCOUNTS unknown emails, each up to its own limit, all forwarded for one address."""
    for n in range(ATTEMPTS * CLIENT_ACCOUNTS):
        answer = sign_in(url, f'guess{n // ATTEMPTS}@example.com', forwarded)
        assert answer.status_code == 401, answer.text


def sign_in(url: str, email: str, forwarded: str) -> httpx.Response:
    body = {'email': email, 'password': 'wrong'}
    return httpx.post(f'{url}/api/auth/login', json=body, headers={'X-Forwarded-For': forwarded}, timeout=30)


@pytest.fixture(scope='module')
def untrusting(tmp_path_factory):
    """A Hearth on its defaults: no trusted proxy, not even on its own machine."""
    with HearthProcess(tmp_path_factory.mktemp('no-proxy')).serving() as url:
        yield url


@pytest.fixture(scope='module')
def behind_proxy(tmp_path_factory):
    """A Hearth whose proxies are this machine and a private network (the tests connect from 127.0.0.1)."""
    hearth = HearthProcess(tmp_path_factory.mktemp('proxy'))
    hearth.env['HEARTH_TRUSTED_PROXIES'] = '127.0.0.1, 10.0.0.0/8'
    with hearth.serving() as url:
        yield url


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(untrusting):
    """GIVEN a Hearth with no trusted proxy WHEN a client fails as often as a client may, saying it forwards for one
    address, then tries another email saying it forwards for another THEN it is refused: both were its own address."""
    fail_as_often_as_a_client_may(untrusting, FIRST)

    refused = sign_in(untrusting, 'someone@example.com', SECOND)
    assert refused.status_code == 429, refused.text


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(behind_proxy):
    """GIVEN a Hearth behind trusted proxies (this machine, then 10.0.0.0/8) WHEN one client behind them fails as
    often as a client may THEN it is refused, also when it puts another address first (the right-most address that is
    not a trusted proxy counts), while another client behind the same proxies may still try."""
    fail_as_often_as_a_client_may(behind_proxy, f'{FIRST}, 10.1.2.3')

    assert sign_in(behind_proxy, 'someone@example.com', f'{FIRST}, 10.1.2.3').status_code == 429
    assert sign_in(behind_proxy, 'someone@example.com', f'{SECOND}, {FIRST}, 10.1.2.3').status_code == 429
    assert sign_in(behind_proxy, 'someone@example.com', f'{SECOND}, 10.1.2.3').status_code == 401
