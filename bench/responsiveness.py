"""How the real web server answers while its workers read 1,000 photos: faces, and for search what is in them and
the text on them (issues: "the UI stays responsive while 1,000 photos are processed", "indexing never blocks the web
app"); and how much memory the whole app takes with every model loaded.

python -m bench.responsiveness --photos 1000 --workers 1 --search-workers 1

Hearth runs as an admin runs it: `main.py import` puts all photos but one in a fresh library (which queues the
faces, labels and text steps for each), then `main.py` serves with HEARTH_FACE_WORKERS and HEARTH_SEARCH_WORKERS
worker processes, and the last photo is uploaded through the API. The photos carry GPS positions, as a family's phone
photos do, so the web app names the uploaded photo's place and holds the geocoder, as it would in use. A client asks
every 0.2 s for the sign-in page (a NiceGUI page built on the server's event loop), the timeline API (months, then
the newest month) and a search, until the faces, clustering, labels and text queues are empty; the same requests on
the same server once it is idle are the baseline. Meanwhile the resident memory of the server and
all its worker processes is summed every probe; the peak of the sum is reported, and each process's own peak (a
worker's role is told by the libraries it has loaded: dlib for faces, onnxruntime for search).
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
from PIL import Image

from bench.common import OUT, p50_p95, print_table
from bench.faces import distinct_photos
from tests.e2e.conftest import ROOT, child_environment, running_server

PROBE_EVERY_SECONDS = 0.2
PROBES = ('page /login', 'API months', 'API month', 'API search')
READING = ('faces', 'clustering', 'labels', 'text')
PEAK = {'rss': 0}
PEAK_PER_PROCESS: dict[int, tuple[str, int]] = {}  # pid: role, highest resident KB
ADMIN = ('bench@example.com', 'bench password')
GPS_IFD = 0x8825
# Where the photos were taken: home, where the family goes, a border town (latitude, longitude).
PLACES = (
    (55.9533, -3.1883),  # Edinburgh
    (50.8798, 4.7005),  # Leuven
    (48.5734, 7.7521),  # Strasbourg
    (50.1526, -5.0663),  # Falmouth
    (45.6500, 10.6500),  # Lake Garda
    (40.7580, -73.9855),  # New York
    (35.0116, 135.7681),  # Kyoto
    (-33.9249, 18.4241),  # Cape Town
)


def main(arguments: argparse.Namespace) -> None:
    photos = placed(distinct_photos(arguments.workdir / 'photos', arguments.photos))
    data = arguments.workdir / 'server'
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = child_environment(
        HEARTH_DATA=str(data / 'data'),
        NICEGUI_STORAGE_PATH=str(data / 'nicegui'),
        HEARTH_FACE_WORKERS=str(arguments.workers),
        HEARTH_SEARCH_WORKERS=str(arguments.search_workers),
    )
    env.pop('DATABASE_URL', None)
    cli(env, 'user', 'create', '--email', ADMIN[0], '--name', 'Bench', '--password', ADMIN[1], '--admin')
    library = data / 'library'  # all photos but the last, linked
    library.mkdir()
    for path in photos[:-1]:
        os.link(path, library / path.name)
    start = time.perf_counter()
    cli(env, 'import', '--user', ADMIN[0], str(library))
    imported = time.perf_counter() - start
    with running_server(['main.py', '--host', '127.0.0.1'], '/login', env, data / 'server.log') as url:
        client = httpx.Client(base_url=url, timeout=30)
        token = client.post('/api/auth/login', json={'email': ADMIN[0], 'password': ADMIN[1]}).json()
        client.headers['Authorization'] = f'Bearer {token["access_token"]}'
        start = time.perf_counter()
        with photos[-1].open('rb') as upload:
            client.post('/api/assets', files={'file': (photos[-1].name, upload, 'image/jpeg')}).raise_for_status()
        during = probe(client, until=lambda: pipeline_done(client))
        elapsed = time.perf_counter() - start
        searched = photos_searched(client)
        assert searched == len(photos), f'{searched} photos searched of {len(photos)}: duplicates among them?'
        idle = probe(client, seconds=arguments.idle_seconds)
        client.close()
    print(f'{len(photos)} photos imported in {imported:.0f} s; faces, labels and text read in {elapsed:.0f} s')
    rate = len(photos) / elapsed
    print(f'{arguments.workers} face worker(s), {arguments.search_workers} search worker(s): {rate:.2f} photos/s')
    print(f'peak memory of the whole app (server and workers): {PEAK["rss"] / 1024:.0f} MB')
    peaks = sorted(PEAK_PER_PROCESS.values(), key=lambda peak: (peak[0], -peak[1]))
    print('peak per process: ' + ', '.join(f'{role} {rss / 1024:.0f} MB' for role, rss in peaks))
    rows = []
    for name in PROBES:
        (idle_p50, idle_p95), (busy_p50, busy_p95) = p50_p95(idle[name]), p50_p95(during[name])
        rows.append([name, len(during[name]), f'{idle_p50:.1f} / {idle_p95:.1f}', f'{busy_p50:.1f} / {busy_p95:.1f}'])
    print_table(['request', 'samples during', 'idle p50 / p95', 'during the run p50 / p95'], rows)


def placed(photos: list[Path]) -> list[Path]:
    """The photos, each given a GPS position within a few kilometres of one of PLACES (once: kept in the file)."""
    rng = random.Random(2024)
    for path in photos:
        latitude, longitude = rng.choice(PLACES)
        position = (latitude + rng.uniform(-0.03, 0.03), longitude + rng.uniform(-0.03, 0.03))
        with Image.open(path) as image:
            if image.getexif().get_ifd(GPS_IFD):
                continue
            exif = image.getexif()
            exif[GPS_IFD] = {1: 'N' if position[0] >= 0 else 'S', 2: degrees(position[0])}
            exif[GPS_IFD] |= {3: 'E' if position[1] >= 0 else 'W', 4: degrees(position[1])}
            image.save(path, 'JPEG', exif=exif, quality='keep', subsampling='keep')
    return photos


def degrees(value: float) -> tuple[float, float, float]:
    """EXIF's degrees, minutes and seconds of an angle's size."""
    minutes, seconds = divmod(round(abs(value) * 3600, 2), 60)
    return float(minutes // 60), float(minutes % 60), seconds


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, 'main.py', *args], cwd=ROOT, env=env, check=True, capture_output=True)


def probe(client: httpx.Client, seconds: float | None = None, until=None) -> dict[str, list[float]]:
    """Milliseconds per kind of request, every PROBE_EVERY_SECONDS, for `seconds` or until `until()` holds."""
    samples: dict[str, list[float]] = {name: [] for name in PROBES}
    deadline = time.perf_counter() + (seconds or 0)
    checked = 0.0
    while True:
        samples['page /login'].append(timed(client, '/login')[0])
        milliseconds, months = timed(client, '/api/timeline/buckets')
        samples['API months'].append(milliseconds)
        if months.json():
            samples['API month'].append(timed(client, f'/api/timeline/buckets/{months.json()[0]["month"]}')[0])
        samples['API search'].append(timed(client, '/api/search?q=suit')[0])
        PEAK['rss'] = max(PEAK['rss'], rss_of_children())
        if seconds is not None and time.perf_counter() >= deadline:
            return samples
        if until is not None and time.perf_counter() - checked > 2:
            checked = time.perf_counter()
            if until():
                return samples
        time.sleep(PROBE_EVERY_SECONDS)


def timed(client: httpx.Client, path: str) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = client.get(path).raise_for_status()
    return (time.perf_counter() - start) * 1000, response


def pipeline_done(client: httpx.Client) -> bool:
    queues = {queue['queue']: queue for queue in client.get('/api/admin/jobs').json()}
    return all(queues[name]['waiting'] + queues[name]['running'] == 0 for name in READING)


def rss_of_children() -> int:
    """The resident memory (KB) of this process's descendants: the server and its worker processes."""
    parents: dict[int, int] = {}
    for status in Path('/proc').glob('[0-9]*/status'):
        try:
            fields = dict(line.split(':', 1) for line in status.read_text().splitlines() if ':' in line)
        except OSError:
            continue  # gone meanwhile
        parents[int(status.parent.name)] = (int(fields['PPid']), int(fields.get('VmRSS', '0 kB').split()[0]))
    wanted, total = {os.getpid()}, 0
    for _ in range(4):  # server, its pool's processes, their helpers
        for pid, (parent, rss) in parents.items():
            if parent in wanted and pid not in wanted:
                wanted.add(pid)
                total += rss
                role, peak = PEAK_PER_PROCESS.get(pid, ('worker', 0))
                if role not in ('server', 'faces worker'):  # told once it has loaded its models
                    role = role_of(pid, parent == os.getpid())
                PEAK_PER_PROCESS[pid] = (role, max(peak, rss))
    return total


def role_of(pid: int, child: bool) -> str:
    """'server' for this process's child; a worker by the libraries it has loaded so far."""
    if child:
        return 'server'
    try:
        maps = Path(f'/proc/{pid}/maps').read_text()
        if b' -m ml.' in Path(f'/proc/{pid}/cmdline').read_bytes().replace(b'\0', b' '):
            return 'model conversion'  # a worker's one-time child (`ml.memory.run_apart`)
    except OSError:
        return 'worker'
    if 'dlib' in maps:
        return 'faces worker'
    if 'onnxruntime' in maps:
        return 'search worker'
    return 'worker'


def photos_searched(client: httpx.Client) -> int:
    return next(queue['done'] for queue in client.get('/api/admin/jobs').json() if queue['queue'] == 'faces')


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--photos', type=int, default=1000, help='photos to import and search (default 1,000)')
    parser.add_argument('--workers', type=int, default=2, help='face worker processes (default 2)')
    parser.add_argument('--search-workers', type=int, default=1, help='search (labels, text) processes; default 1')
    parser.add_argument('--idle-seconds', type=float, default=20, help='baseline probing afterwards (default 20)')
    parser.add_argument('--workdir', type=Path, default=OUT / 'responsiveness')
    main(parser.parse_args())


if __name__ == '__main__':
    run()
