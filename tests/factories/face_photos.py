"""Real face photos for the face tests, from packages on PyPI (see FIELD-NOTES): the face_recognition 1.3.0 sdist's
test images (three different photos of one man, one of another) and insightface 2.1's group photo of six.

`.ci/test` fetches them once, when it installs everything else (`python -m tests.factories.face_photos`); tests
never download anything.
"""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

FOLDER = Path(os.environ.get('HEARTH_FACE_PHOTOS', Path.home() / '.cache' / 'hearth-face-photos'))
ONE_PERSON = ('obama.jpg', 'obama2.jpg', 'obama3.jpg')
ANOTHER_PERSON = 'biden.jpg'
GROUP_OF_SIX = 't1.jpg'
SOURCES = {
    'face_recognition==1.3.0': [f'tests/test_images/{name}' for name in (*ONE_PERSON, ANOTHER_PERSON)],
    'insightface==2.1': [f'insightface/data/images/{GROUP_OF_SIX}'],
}


def face_photo(name: str) -> Path:
    path = FOLDER / name
    if not path.is_file():
        raise FileNotFoundError(f'{path} is missing: run `.venv/bin/python -m tests.factories.face_photos` once')
    return path


def fetch() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for requirement, members in SOURCES.items():
            if all((FOLDER / Path(member).name).is_file() for member in members):
                continue
            archive = _download(requirement, Path(scratch))
            for member in members:
                _extract(archive, member, FOLDER / Path(member).name)


def _download(requirement: str, folder: Path) -> Path:
    binary = ['--no-binary', ':all:'] if requirement.startswith('face_recognition') else ['--only-binary', ':all:']
    command = [sys.executable, '-m', 'pip', 'download', '-q', '--no-deps', *binary, requirement, '-d', str(folder)]
    subprocess.run(command, check=True)
    name = requirement.split('==')[0].replace('-', '_')
    return next(path for path in folder.iterdir() if path.name.lower().startswith(name.lower()))


def _extract(archive: Path, member: str, destination: Path) -> None:
    if archive.suffix == '.whl':
        with zipfile.ZipFile(archive) as wheel, wheel.open(member) as source, destination.open('wb') as target:
            shutil.copyfileobj(source, target)
        return
    with tarfile.open(archive) as sdist:
        top = sdist.getnames()[0].split('/')[0]
        source = sdist.extractfile(f'{top}/{member}')
        with destination.open('wb') as target:
            shutil.copyfileobj(source, target)


if __name__ == '__main__':
    fetch()
    print(f'face photos in {FOLDER}')
