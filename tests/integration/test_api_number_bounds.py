"""Every whole-number parameter of every endpoint (paging, months, tiles, ratings) is bounded: a number too large
for the database is refused (paging with 422), never a crash (issue 20: `GET /api/trash?offset=9223372036854775808`
answered 500 and dropped the connection). The endpoints and their parameters come from the OpenAPI schema, so a new
endpoint is checked as soon as it exists."""

import re
import uuid

from api.app import create_api

TOO_LARGE = 2**63  # one past the largest 64-bit signed integer a database stores
PLACEHOLDER = re.compile(r'{([^}]+)}')
PAGING = {'offset', 'limit'}


def whole_number_parameters() -> list[tuple[str, str, str, str]]:
    """(method, path, where: 'query' or 'path', name) of each integer parameter."""
    found = []
    for path, operations in create_api().openapi()['paths'].items():
        for method, operation in operations.items():
            for parameter in operation.get('parameters', []):
                schema = parameter.get('schema', {})
                kinds = {schema.get('type')} | {option.get('type') for option in schema.get('anyOf', [])}
                if 'integer' in kinds:
                    found.append((method.upper(), path, parameter['in'], parameter['name']))
    return found


PARAMETERS = whole_number_parameters()


def filled(path: str, name: str, where: str) -> str:
    """The path with the parameter under test too large and every other placeholder a valid-looking value."""

    def value(match: re.Match) -> str:
        if match.group(1) == name and where == 'path':
            return str(TOO_LARGE)
        return '202401' if match.group(1) in ('month', 'z', 'x', 'y') else str(uuid.uuid4())

    return PLACEHOLDER.sub(value, path)


def test_the_schema_lists_the_paging_parameters_checked_here():
    assert ('GET', '/trash', 'query', 'offset') in PARAMETERS
    assert len(PARAMETERS) >= 10


async def test_a_number_too_large_is_refused_never_a_crash(as_alice, as_root):
    crashed, accepted = [], []
    for method, path, where, name in PARAMETERS:
        params = {name: str(TOO_LARGE)} if where == 'query' else {}
        caller = as_root if path.startswith('/admin/') else as_alice  # a member's 403 would come first
        response = await caller.request(method, filled(path, name, where), params=params)
        if response.status_code >= 500:
            crashed.append((method, path, name, response.status_code))
        elif name in PAGING and response.status_code != 422:
            accepted.append((method, path, name, response.status_code))

    assert crashed == [] and accepted == []
