"""The command line, run as a person runs it: `python main.py ...` in a shell."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from services import identities, people, spaces
from storage.models import Person
from tests.factories.face_photos import ANOTHER_PERSON, face_photo
from tests.factories.media_files import make_jpeg, make_mp4, make_text_file
from tests.integration.test_identities import centre_of
from tests.integration.test_people import person_with, photos_with, someone, summary
from tests.integration.test_spaces import space_with

ROOT = Path(__file__).resolve().parents[2]


def run(data: Path, *args: str, database_url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_'))}
    env.update(HEARTH_DATA=str(data))
    env.pop('DATABASE_URL', None)
    if database_url:
        env.update(DATABASE_URL=database_url)
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


def test_a_worker_beside_the_app_runs_the_jobs_an_import_queued_and_stops_on_sigterm(tmp_path):
    data, camera = tmp_path / 'data', tmp_path / 'camera'
    camera.mkdir()
    (camera / 'portrait.jpg').write_bytes(face_photo(ANOTHER_PERSON).read_bytes())
    run(data, 'user', 'create', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'secret-pw')
    assert run(data, 'import', '--user', 'ann@example.com', str(camera)).returncode == 0
    assert faces_found(data) is None  # queued by the import, not searched yet: no web app runs

    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_'))}
    env.update(HEARTH_DATA=str(data))
    env.pop('DATABASE_URL', None)
    command = [sys.executable, 'main.py', 'worker', '--queue', 'faces', '--faces', '1']
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while faces_found(data) is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert faces_found(data) == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=30)
    assert worker.returncode == 0 and 'Working on faces' in errors and 'Stopped' in errors


def faces_found(data: Path) -> int | None:
    """Faces the one imported photo was found to have, or None until it was searched."""
    with sqlite3.connect(data / 'hearth.db') as db:
        row = db.execute('select face_count from face_scans').fetchone()
    return row[0] if row else None


def test_a_worker_for_an_unknown_queue_says_which_there_are(tmp_path):
    result = run(tmp_path / 'data', 'worker', '--queue', 'sorting')

    assert result.returncode == 1 and 'Queues are metadata, thumbnails, faces, clustering' in result.stderr


@pytest.mark.usefixtures('cheap_password_hashing')
async def test_people_rebuild_regroups_every_library_and_space_afresh_keeping_names(hearth, alice, bob, tmp_path):
    """GIVEN Alice's person 'Dad' whose centre was lost, a space of his photos never grouped, and Bob's photos of
    someone never grouped. WHEN the admin runs `people rebuild`. THEN Dad keeps his name and has his centre back, the
    space and Bob have their people, Alice's Global People links Dad with the space's person, and it said so."""
    dad, photos = await person_with(hearth, alice, tmp_path, 3, name='Dad')
    centre = await centre_of(hearth, dad.id)
    async with hearth.db.session() as session:
        await session.execute(update(Person).where(Person.id == dad.id).values(centroid=None))
        await session.commit()
    space = await space_with(hearth, alice)
    await spaces.add_assets(hearth, alice, space.id, photos)  # queues the space's grouping; no web app runs it
    await photos_with(hearth, bob, tmp_path, *[(someone(),)] * 3)

    result = run(hearth.settings.data_dir, 'people', 'rebuild', database_url=hearth.settings.database_url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        '[1/3] regrouped library of alice@example.com',
        '[2/3] regrouped library of bob@example.com',
        '[3/3] regrouped space Lake trip',
        'Regrouped libraries 2, spaces 1: people 3, of them named 1.',
    ]
    assert await summary(hearth, alice) == {('Dad', 3)}
    assert await centre_of(hearth, dad.id) == centre
    assert await summary(hearth, bob) == {(None, 3)}
    [in_space] = await people.list_space_people(hearth, alice, space.id)
    assert in_space.photo_count == 3
    identity = await identities.get_identity(hearth, alice, dad.id)
    assert {person.id for person in identity.people} == {dad.id, in_space.id}
