"""API fuzzing (issue 20): schemathesis makes requests for every operation of /api/openapi.json, valid and invalid by
the schema, and sends them in-process, signed in, to a Hearth on SQLite that has photos, an album, a space, a partner,
a public link, a library, people and an API key in it; no answer may be a server error (5xx), and none may raise.

On a coin toss per request, the path's ids (and any id or email in the body) are swapped for ones that exist, so that
requests get past "not found"; each is sent as Alice (who owns it all) or Bob (a member of her album and space, her
partner), and /admin/ ones as root, the admin. One test for all the operations, on one Hearth, so that operations that
destroy run last (see `order`) and a pytest-xdist worker furnishes it once; every operation runs, and the failures are
reported together (each with a curl command that repeats the request).

Two of schemathesis's phases: coverage (each parameter and field at and past its bounds, missing, of the wrong type:
about 5,000 requests in all) and fuzzing (Hypothesis). Bounded for CI, about a minute on one core: every other coverage
request, and 5 fuzzing requests per operation, the same ones every run. A longer run, with every coverage request and
new fuzzing requests each time (HEARTH_FUZZ_EXAMPLES per operation: 100 took 7 to 9 minutes):

    HEARTH_FUZZ_EXAMPLES=100 .venv/bin/python -m pytest -q -n 0 tests/integration/test_api_fuzz.py
"""

import asyncio
import itertools
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.errors import SerializationNotPossible
from schemathesis.generation.drivers import CoverageGenerator  # not exported: pinned in requirements-test.lock
from schemathesis.generation.feedback import NO_FEEDBACK
from schemathesis.generation.overrides import Override

from api.app import create_api
from tests.factories.media_files import make_jpeg
from tests.integration.api_client import uploaded
from tests.integration.conftest import ALICE, BOB, ROOT

# SQLite alone: the API's code is the same on both databases, and CI's time is short.
pytestmark = pytest.mark.parametrize('backend', ['sqlite'])
LONG_RUN = 'HEARTH_FUZZ_EXAMPLES' in os.environ
EXAMPLES = int(os.environ.get('HEARTH_FUZZ_EXAMPLES', '5'))
COVERAGE_STRIDE = 1 if LONG_RUN else 2  # CI sends every other coverage request
PHOTOS = [(datetime(2024, 5, 1), (48.85, 2.35)), (datetime(2024, 5, 20), None), (datetime(2023, 12, 24), (51.5, -0.12))]
# After all the others, in this order, as they take away what later requests would reach (or the sign-in itself):
# trashing, deleting (the deepest paths first: an album's comment before the album), deleting Bob, emptying the trash,
# signing out.
LAST = (
    'POST /assets/trash',
    'DELETE',
    'DELETE /admin/users/',
    'POST /trash/empty',
    'POST /trash/delete',
    'POST /auth/logout',
)


def order(operation) -> tuple[int, int]:
    rank = max((rank for rank, last in enumerate(LAST, 1) if operation.label.startswith(last)), default=0)
    return rank, -operation.path.count('/')


def operations() -> list:
    schema = schemathesis.openapi.from_dict(create_api().openapi())
    return sorted((result.ok() for result in schema.get_all_operations()), key=order)


@dataclass
class Target:
    loop: asyncio.AbstractEventLoop  # the test's, where Hearth runs; idle while the (synchronous) test body runs
    members: list[httpx.AsyncClient]  # Alice, who owns the photos, the album, the space..., and Bob
    admin: httpx.AsyncClient  # root
    known: dict[str, list[str]]  # path parameter -> values that exist
    emails: list[str]

    def check(self, case: schemathesis.Case, caller: httpx.AsyncClient) -> None:
        """Send the case as the caller, as schemathesis would with `requests`, and fail on a 5xx or an app error."""
        try:
            prepared = requests.Request(**case.as_transport_kwargs(base_url='http://test')).prepare()
        except SerializationNotPossible:
            return  # a body of a media type schemathesis cannot write
        headers = {name: value for name, value in prepared.headers.items() if name.lower() != 'authorization'}
        headers['Authorization'] = caller.headers['Authorization']
        request = caller.request(prepared.method, prepared.url, content=prepared.body, headers=headers)
        try:
            response = self.loop.run_until_complete(request)
        except Exception as error:
            error.add_note(f'Request: {case.as_curl_command()}')
            raise
        case.validate_response(response, checks=[not_a_server_error])


@pytest.fixture
async def target(hearth, client_for, alice, bob, carl, root, tmp_path) -> Target:
    """Alice's photos in an album and a space shared with Bob, her library shared with Bob and his with her, a link to
    the album, a comment, two people, an API key, and an external library in a folder root, the admin, allowed."""
    member, as_bob, admin = await client_for(*ALICE), await client_for(*BOB), await client_for(*ROOT)
    photos = [
        await uploaded(
            member, make_jpeg(tmp_path / f'{n}.jpg', size=(96, 72), color=(40 * n, 90, 200), taken_at=when, gps=gps)
        )
        for n, (when, gps) in enumerate(PHOTOS)
    ]
    bobs = await uploaded(as_bob, make_jpeg(tmp_path / 'bob.jpg', size=(96, 72), taken_at=datetime(2024, 5, 2)))
    album = await _made(member.post('/albums', json={'name': 'Garden party', 'asset_ids': photos[:2]}))
    await _made(member.post(f'/albums/{album["id"]}/members', json={'email': bob.email}))
    comment = await _made(as_bob.post(f'/albums/{album["id"]}/comments', json={'text': 'Lovely'}))
    space = await _made(member.post('/spaces', json={'name': 'Family'}))
    await _made(member.post(f'/spaces/{space["id"]}/members', json={'email': bob.email, 'role': 'editor'}))
    await _made(member.post(f'/spaces/{space["id"]}/assets', json={'asset_ids': photos[1:]}))
    await _made(as_bob.post(f'/spaces/{space["id"]}/assets', json={'asset_ids': [bobs]}))
    await _made(member.post('/partners', json={'email': bob.email}))
    await _made(as_bob.post('/partners', json={'email': alice.email}))
    link = await _made(member.post('/links', json={'album_id': album['id'], 'allow_download': True}))
    box = {'y': 0.1, 'width': 0.3, 'height': 0.3}
    faces = [
        await _made(member.post(f'/assets/{photos[0]}/faces', json={'name': name, 'x': x, **box}))
        for name, x in (('Gran', 0.1), ('Grandad', 0.5))
    ]
    key = await _made(member.post('/users/me/api-keys', json={'name': 'script'}))
    nas = tmp_path / 'nas'
    nas.mkdir()
    make_jpeg(nas / 'scanned.jpg', size=(96, 72))
    allowed = await _made(admin.post('/admin/external-folders', json={'user_id': str(alice.id), 'path': str(nas)}))
    library = await _made(member.post('/libraries', json={'name': 'NAS', 'path': str(nas)}))
    queues = [queue['queue'] for queue in (await admin.get('/admin/jobs')).json()]
    others = [str(bob.id), str(carl.id)]  # never Alice or root: the admin deleting either would end the run
    known = {
        'asset_id': [*photos, bobs],
        'album_id': [album['id']],
        'space_id': [space['id']],
        'user_id': others,
        'partner_id': others,
        'owner_id': others,
        'person_id': [face['person_id'] for face in faces],
        'face_id': [face['id'] for face in faces],
        'token': [link['token']],
        'link_id': [link['id']],
        'activity_id': [comment['id']],
        'key_id': [key['id']],
        'library_id': [library['id']],
        'folder_id': [allowed['id']],
        'queue': queues,
        'month': ['2024-05', '2023-12'],
    }
    return Target(asyncio.get_running_loop(), [member, as_bob], admin, known, [bob.email, carl.email])


async def _made(request) -> dict:
    response = await request
    assert response.status_code in (200, 201), response.text
    return response.json()


def _with_known_values(case: schemathesis.Case, target: Target, pick: Callable[[list[str]], str]) -> None:
    """Swap the path's ids, and ids and emails in the body, for ones that exist."""
    for name in case.path_parameters or {}:
        if name in target.known:
            case.path_parameters[name] = pick(target.known[name])
    every_id = [value for name, values in target.known.items() if name.endswith('_id') for value in values]

    def swapped(value):
        if isinstance(value, dict):
            return {key: swapped(each) for key, each in value.items()}
        if isinstance(value, list):
            return [swapped(each) for each in value]
        if isinstance(value, str) and _is_uuid(value):
            return pick(every_id)
        if isinstance(value, str) and '@' in value:
            return pick(target.emails)
        return value

    if isinstance(case.body, dict | list):
        case.body = swapped(case.body)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def test_no_request_gets_a_server_error(target):
    failures, every = [], operations()
    for operation in every:
        try:
            _cover(operation, target)
            _fuzz(operation, target)
        except Exception as failure:
            failure.add_note(f'In {operation.label}')
            failures.append(failure)
    if failures:
        raise ExceptionGroup(f'{len(failures)} of {len(every)} operations failed', failures)


def _callers(operation, target: Target) -> list[httpx.AsyncClient]:
    return [target.admin] if operation.path.startswith('/admin/') else target.members


def _cover(operation, target: Target) -> None:
    """Schemathesis's coverage phase, every other request with ids that exist."""
    generator = CoverageGenerator(
        operation=operation,
        generation_modes=list(GenerationMode),
        generation_config=operation.schema.config.generation_for(operation=operation, phase='coverage'),
        auth_storage=None,
        override=Override(),
        feedback=NO_FEEDBACK,
    )
    callers = _callers(operation, target)
    for index, case in enumerate(itertools.islice(generator, 0, None, COVERAGE_STRIDE)):
        if index % 2:
            _with_known_values(case, target, lambda values, turn=index // 2: values[turn % len(values)])
        target.check(case, callers[index // 2 % len(callers)])


def _fuzz(operation, target: Target) -> None:
    """Schemathesis's fuzzing phase: Hypothesis draws requests, valid and not; on a coin toss, with ids that exist."""
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not LONG_RUN,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, caller=st.sampled_from(_callers(operation, target)), data=st.data())
    def fuzz(case, caller, data):
        if data.draw(st.booleans(), label='known ids'):
            _with_known_values(case, target, lambda values: data.draw(st.sampled_from(values)))
        target.check(case, caller)

    fuzz()
