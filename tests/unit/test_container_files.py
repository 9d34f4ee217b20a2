"""The Containerfile and compose.yaml, checked without running a container (they cannot run on our machines): the
image installs Hearth the way the README's first command does, so the path CI tests is the path the image takes."""

import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from api.app import create_api

ROOT = Path(__file__).parents[2]


def instructions() -> list[tuple[str, str]]:
    """The Containerfile as (INSTRUCTION, arguments), continuation lines joined and comments left out."""
    lines = [line for line in (ROOT / 'Containerfile').read_text().splitlines() if not line.lstrip().startswith('#')]
    joined = re.sub(r'\\\n', ' ', '\n'.join(lines))
    parsed = [line.strip().split(None, 1) for line in joined.splitlines() if line.strip()]
    return [(keyword.upper(), ' '.join(arguments.split())) for keyword, arguments in parsed]


def arguments_of(keyword: str) -> list[str]:
    return [arguments for found, arguments in instructions() if found == keyword]


def environment() -> dict[str, str]:
    pairs = [pair.split('=', 1) for arguments in arguments_of('ENV') for pair in shlex.split(arguments)]
    return dict(pairs)


def readme_first_command() -> str:
    return re.search(r'```bash\n(.+?)\n', (ROOT / 'README.md').read_text()).group(1)


def test_the_image_installs_hearth_with_the_readme_first_command_install_step():
    install = readme_first_command().split('&&')[0].strip()

    assert install == 'bash setup.sh'
    assert install in arguments_of('RUN')


def test_setup_script_installs_exactly_the_runtime_lock_that_the_test_lock_builds_on():
    script = (ROOT / 'setup.sh').read_text()

    assert re.search(r'\.venv/bin/pip install .*--no-deps -r requirements\.lock$', script, re.MULTILINE)
    assert '-r requirements.lock' in (ROOT / 'requirements-test.lock').read_text().splitlines()


def test_the_files_setup_script_reads_are_copied_before_it_runs():
    steps = instructions()
    install = steps.index(('RUN', 'bash setup.sh'))
    copied = {name for keyword, arguments in steps[:install] if keyword == 'COPY' for name in arguments.split()[:-1]}

    assert {'setup.sh', 'requirements.lock'} <= copied


def test_the_image_is_debian_python_of_the_version_hearth_requires():
    python = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']['requires-python']

    assert arguments_of('FROM') == ['docker.io/library/python:3.11-slim-bookworm']
    assert python == '>=3.11,<3.12'


def test_the_app_runs_as_a_user_other_than_root():
    steps = instructions()
    users = [(index, arguments) for index, (keyword, arguments) in enumerate(steps) if keyword == 'USER']
    last_index, last_user = users[-1]

    assert last_user.split(':')[0] not in {'root', '0'}
    assert last_index < [keyword for keyword, _ in steps].index('CMD')


def test_the_data_folder_and_nicegui_storage_are_in_a_volume():
    data = environment()['HEARTH_DATA']

    assert [data] == [path for arguments in arguments_of('VOLUME') for path in arguments.split()]
    assert environment()['NICEGUI_STORAGE_PATH'].startswith(data + '/')


def test_health_check_asks_the_api_health_endpoint_on_the_exposed_port():
    (check,) = arguments_of('HEALTHCHECK')
    url = re.search(r"'http://127\.0\.0\.1:%s(/api/[\w/]+)' % os\.environ\.get\('HEARTH_PORT', '(\d+)'\)", check)
    command = json.loads(check.split('CMD', 1)[1])
    paths = create_api().openapi()['paths']

    assert command[:2] == ['/app/.venv/bin/python', '-c'] and 'urllib.request.urlopen' in command[2]
    assert url.group(1).removeprefix('/api') in paths
    assert 'get' in paths[url.group(1).removeprefix('/api')]
    assert url.group(2) == environment()['HEARTH_PORT'] == arguments_of('EXPOSE')[0]


@pytest.mark.parametrize('kept_out', ['.venv', 'data', '.git', '.env'])
def test_the_build_context_leaves_out_local_environments_and_data(kept_out):
    """`COPY . .` must not replace the image's .venv with a developer's, nor put a library or a password inside."""
    assert kept_out in (ROOT / '.dockerignore').read_text().splitlines()


def test_compose_runs_hearth_on_postgres_15_once_it_is_healthy():
    compose = yaml.safe_load((ROOT / 'compose.yaml').read_text())
    hearth, postgres = compose['services']['hearth'], compose['services']['postgres']
    data_volume = f'hearth-data:{environment()["HEARTH_DATA"]}'

    assert hearth['environment']['DATABASE_URL'].startswith('postgresql+asyncpg://hearth:')
    assert '@postgres:5432/hearth' in hearth['environment']['DATABASE_URL']
    assert hearth['depends_on'] == {'postgres': {'condition': 'service_healthy'}}
    assert data_volume in hearth['volumes'] and 'hearth-data' in compose['volumes']
    assert postgres['image'].startswith('docker.io/library/postgres:15')
    assert any(volume.endswith(':/var/lib/postgresql/data') for volume in postgres['volumes'])
    assert all(service['restart'] == 'unless-stopped' for service in (hearth, postgres))
    assert '/api/health' in ' '.join(hearth['healthcheck']['test'])
    assert 'pg_isready' in postgres['healthcheck']['test']
