"""The command line, run as a person runs it: `python main.py ...` in a shell."""

import os
import subprocess
import sys
from pathlib import Path

from tests.factories.media_files import make_jpeg, make_mp4, make_text_file

ROOT = Path(__file__).resolve().parents[2]


def run(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_'))}
    env.update(HEARTH_DATA=str(data))
    env.pop('DATABASE_URL', None)
    return subprocess.run(
        [sys.executable, 'main.py', *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_user_create_then_import_a_folder_recursively_with_a_summary(tmp_path):
    data, camera = tmp_path / 'data', tmp_path / 'camera'
    (camera / '2024' / 'july').mkdir(parents=True)
    make_jpeg(camera / 'a.jpg', color=(10, 20, 30))
    make_jpeg(camera / '2024' / 'july' / 'b.jpg', color=(200, 20, 30))
    make_mp4(camera / '2024' / 'clip.mp4')
    make_text_file(camera / '2024' / 'notes.txt')
    (camera / '.DS_Store').write_bytes(b'\0')

    created = run(data, 'user', 'create', '--email', 'Ann@Example.com', '--name', 'Ann', '--password', 'secret-pw')
    first = run(data, 'import', '--user', 'ann@example.com', str(camera))
    again = run(data, 'import', '--user', 'ann@example.com', str(camera))

    assert created.returncode == 0 and 'Created member Ann <ann@example.com>' in created.stdout
    assert first.returncode == 0, first.stderr
    assert 'Imported 3, already in the library 0, not photos or videos 1, failed 0.' in first.stderr
    assert 'notes.txt' in first.stderr and 'Importing' in first.stderr
    assert 'Imported 0, already in the library 3, not photos or videos 1, failed 0.' in again.stderr
    assert len(list((data / 'media' / 'originals').rglob('*.*'))) == 3


def test_import_for_an_unknown_member_fails_clearly(tmp_path):
    result = run(tmp_path / 'data', 'import', '--user', 'nobody@example.com', str(tmp_path))

    assert result.returncode == 2
    assert 'no active member with the email nobody@example.com' in result.stderr


def test_user_create_refuses_a_duplicate_email(tmp_path):
    run(tmp_path / 'data', 'user', 'create', '--email', 'a@example.com', '--name', 'A', '--password', 'secret-pw')

    again = run(
        tmp_path / 'data', 'user', 'create', '--email', 'a@example.com', '--name', 'A', '--password', 'pw2-long'
    )

    assert again.returncode != 0 and 'already exists' in again.stderr
