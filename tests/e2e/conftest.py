"""Playwright in Debian's Chromium (never a downloaded browser), and servers started as subprocesses."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

# CI runs the browser tests beside the rest of the suite on two busy cores, where a page can take several seconds to
# answer a click: Playwright's 5 s default for each expectation failed there.
expect.set_options(timeout=15_000)

CHROMIUM = '/usr/bin/chromium'
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / 'screenshots'
PHONE = {'width': 390, 'height': 844}
DESKTOP = {'width': 1440, 'height': 900}
CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get('CI'):
        raise pytest.UsageError(f'CI must run the browser tests: {CHROMIUM} is missing')
    skip = pytest.mark.skip(reason=f'{CHROMIUM} is not installed')
    for item in items:
        if 'e2e' in item.keywords:
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def child_environment(**extra: str) -> dict[str, str]:
    """A NiceGUI server started from pytest ignores its port while PYTEST_* / NICEGUI_* variables are set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_'))}
    return {**env, **extra}


class HearthProcess:
    """A Hearth with its own data folder, run as an admin would: CLI commands, then the server."""

    def __init__(self, data: Path, face_workers: int = 0, search_workers: int = 0):
        self.data = data
        self.env = child_environment(
            HEARTH_DATA=str(data / 'data'),
            NICEGUI_STORAGE_PATH=str(data / 'nicegui'),
            HEARTH_FACE_WORKERS=str(face_workers),  # journeys without people leave the face model unloaded
            HEARTH_SEARCH_WORKERS=str(search_workers),  # and those without search the tagger and the text reader
        )
        self.env.pop('DATABASE_URL', None)

    def cli(self, *args: str) -> None:
        subprocess.run([sys.executable, 'main.py', *args], cwd=ROOT, env=self.env, check=True, capture_output=True)

    @contextmanager
    def serving(self) -> Iterator[str]:
        with running_server(['main.py', '--host', '127.0.0.1'], '/login', self.env, self.data / 'server.log') as url:
            yield url


@contextmanager
def running_server(command: list[str], ready_path: str, env: dict[str, str], log: Path) -> Iterator[str]:
    """Run `python <command> --port <free port>` from the project root until the block ends; yields its base URL."""
    port = free_port()
    url = f'http://127.0.0.1:{port}'
    with log.open('w') as output:
        proc = subprocess.Popen(
            [sys.executable, *command, '--port', str(port)], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_until_up(url + ready_path, proc)
            yield url
        finally:
            proc.terminate()
            proc.wait(10)


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f'server exited with {proc.returncode}')
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


# What the content security policy refused on a page, as a console error the context's listener collects.
REPORT_CSP_VIOLATIONS = """document.addEventListener('securitypolicyviolation', (e) => console.error(
  `CSP violation: ${e.violatedDirective} refused ${e.blockedURI || 'inline code'} on ${e.documentURI}`));"""
LEAVES_LOOPBACK = re.compile(r'^(?:https?|wss?)://(?!127\.0\.0\.1(?:[:/]|$))', re.IGNORECASE)


class LoopbackOnlyBrowser:
    """The browser with every context refusing requests that would leave 127.0.0.1 (no map tiles, fonts or
    scripts from the internet, here or on a family's offline server); the `browser` fixture fails a test that made
    one. It also fails a test whose pages broke the content security policy."""

    def __init__(self, browser):
        self._browser = browser
        self.escaped: list[str] = []
        self.csp_violations: list[str] = []

    def new_context(self, **options):
        options.setdefault('locale', 'en-GB')  # the journeys read dates as a British family would see them
        context = self._browser.new_context(**options)
        context.route(LEAVES_LOOPBACK, self._refuse)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on('console', self._note_csp_violation)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def _refuse(self, route) -> None:
        self.escaped.append(route.request.url)
        route.abort('blockedbyclient')

    def _note_csp_violation(self, message) -> None:
        if message.text.startswith('CSP violation'):
            self.csp_violations.append(message.text)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope='module')
def launched_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield LoopbackOnlyBrowser(instance)
        instance.close()


@pytest.fixture
def browser(launched_browser):
    yield launched_browser
    escaped, launched_browser.escaped[:] = list(launched_browser.escaped), []
    violations, launched_browser.csp_violations[:] = list(launched_browser.csp_violations), []
    assert not escaped, f'requests left 127.0.0.1: {escaped}'
    assert not violations, f'the content security policy refused: {violations}'


def connected(page) -> None:
    """Wait until a freshly loaded page's NiceGUI socket has shaken hands: the page draws first, and a click before
    the handshake is lost (seen under load)."""
    page.wait_for_function('() => window.did_handshake === true', timeout=15_000)


def sign_in(browser, server: str, email: str = 'ann@example.com', viewport=None, password: str = 'family-pw'):
    """A new browser context at `viewport` (desktop unless told), signed in and showing the timeline."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport=viewport or DESKTOP).new_page()
    page.goto(f'{server}/login')
    page.get_by_label('Email').fill(email)
    page.get_by_label('Password').fill(password)
    page.get_by_role('button', name='Sign in').click()
    expect(page.get_by_test_id('timeline-grid')).to_be_visible(timeout=15_000)
    connected(page)
    return page


IMAGES_LOADED = """() => [...document.images].every((img) => img.complete)
  && [...document.querySelectorAll('video')].every((video) => video.readyState >= 1)"""


def screenshot(page, name: str) -> Path:
    """Save what a person would see once every image on the page has loaded."""
    page.wait_for_function(IMAGES_LOADED, timeout=15_000)
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f'{name}.png'
    page.screenshot(path=str(path))
    return path
