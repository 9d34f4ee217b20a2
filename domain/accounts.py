"""Account rules: what a valid member looks like, and how login attempts are throttled."""

import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from enum import StrEnum

from domain.errors import InvalidInput, RateLimited

MIN_PASSWORD = 8
EMAIL = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')


def clean_email(email: str) -> str:
    email = (email or '').strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise InvalidInput('Enter a valid email address')
    return email


def clean_name(name: str) -> str:
    name = ' '.join((name or '').split())
    if not name or len(name) > 100:
        raise InvalidInput('Enter a name of 1 to 100 characters')
    return name


def check_password(password: str) -> str:
    if len(password or '') < MIN_PASSWORD:
        raise InvalidInput(f'Password must be at least {MIN_PASSWORD} characters')
    if len(password) > 1024:
        raise InvalidInput('Password is too long')
    return password


def check_quota(quota_bytes: int | None) -> int | None:
    if quota_bytes is not None and quota_bytes < 0:
        raise InvalidInput('Storage quota cannot be negative')
    return quota_bytes


class LoginThrottle:
    """At most `attempts` failed sign-ins per account (an email, a link) within `window` seconds, and at most
    `client_attempts` per client address over all accounts: a family member's five wrong passwords lock their
    account for a while, not everyone else signing in from the same address (behind a reverse proxy, or at home
    behind one router, that is the whole family), while guessing across many accounts from one address still stops.
    A success clears its account's count, not its client's: signing in to one's own account between guesses at
    others does not reset them."""

    def __init__(
        self,
        attempts: int = 5,
        window: float = 300,
        clock: Callable[[], float] = time.monotonic,
        client_attempts: int | None = None,
    ):
        self.attempts, self.window, self.clock = attempts, window, clock
        self.client_attempts = client_attempts or attempts * CLIENT_ACCOUNTS
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def check(self, account: str, client: str) -> None:
        for key, limit in ((account, self.attempts), (_client(client), self.client_attempts)):
            failures = self._recent(key)
            if len(failures) >= limit:
                wait = int(self.window - (self.clock() - failures[0])) + 1
                raise RateLimited(f'Too many failed sign-in attempts. Try again in {wait} seconds.')

    def failed(self, account: str, client: str) -> None:
        for key in (account, _client(client)):
            self._recent(key).append(self.clock())

    def succeeded(self, account: str) -> None:
        self._failures.pop(account, None)

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures[key]
        while failures and self.clock() - failures[0] > self.window:
            failures.popleft()
        return failures


CLIENT_ACCOUNTS = 10  # a client may fail as often as ten accounts together


def _client(address: str) -> str:
    return f'client:{address}'


class KeyScope(StrEnum):
    """What an API key may do, chosen when it is made. No key manages keys or the password: a leaked key must not
    be able to make itself another (issue 20)."""

    READ = 'read'
    UPLOAD = 'upload'
    FULL = 'full'

    @property
    def label(self) -> str:
        return KEY_SCOPE_LABELS[self]


KEY_SCOPE_LABELS = {
    KeyScope.READ: 'Look only: read photos and albums',
    KeyScope.UPLOAD: 'Upload: read and add photos',
    KeyScope.FULL: 'Everything but keys and the password',
}
_READING = frozenset({'GET', 'HEAD', 'OPTIONS'})


def key_allows(scope: KeyScope, method: str, action: str) -> bool:
    """Whether a key of this scope may make this request; `action` names the endpoint ('upload' sends a photo)."""
    if method.upper() in _READING:
        return True
    return scope is KeyScope.FULL or (scope is KeyScope.UPLOAD and action in UPLOAD_ACTIONS)


UPLOAD_ACTIONS = frozenset({'upload'})
