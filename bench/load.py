"""A crowd on loopback (issue 20, defect 6 and acceptance 2): N uploaders send M photos each through POST /api/assets
while T readers page the timeline (GET /api/timeline/buckets, then the newest month), against a real server process
with its own data folder.

python -m bench.load --uploaders 50 --readers 50 --photos 4

Four phases on one server: one reader alone (idle), the T readers alone, the T readers with the N uploaders, and a
second round of uploads during which the server is killed with SIGKILL (once 40% are answered) and started again on
the same port. A reader
waits `--think` seconds between pages, as a person scrolling does. An uploader sends its photos one after another; a
503 counts as "asked to wait" and the photo is sent again after Retry-After; a request cut by the kill is sent again
once the server answers. At the end every photo must be in the library exactly once (by checksum), every id a 201
named must be there, and `main.py check` must find the data folder sound. The face and search workers are off
(HEARTH_FACE_WORKERS=0): this measures the web process, its uploads and the SQLite writer.
"""

import argparse
import asyncio
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from bench.common import OUT, p50_p95, print_table
from tests.e2e.conftest import ROOT, child_environment, free_port, wait_until_up
from tests.factories.media_files import make_jpeg

USER = ('load@example.com', 'load bench password')


@dataclass
class Tally:
    """What one phase saw: read latencies, answers by status, and uploads."""

    reads_ms: list[float] = field(default_factory=list)
    read_errors: Counter = field(default_factory=Counter)
    upload_answers: Counter = field(default_factory=Counter)
    asked_to_wait: int = 0
    cut: int = 0  # upload requests that got no answer (the kill)
    ids: dict[str, str] = field(default_factory=dict)  # checksum: asset id, from 201 and 200 answers
    seconds: float = 0.0
    kill_at: int = 0  # answers after which `due` is set
    due: asyncio.Event = field(default_factory=asyncio.Event)


class Server:
    """main.py on a fixed port, which this bench may kill and start again."""

    def __init__(self, data: Path, slots: int | None, render_workers: int | None = None):
        self.data, self.port, self.proc = data, free_port(), None
        self.url = f'http://127.0.0.1:{self.port}'
        self.env = child_environment(
            HEARTH_DATA=str(data / 'data'),
            NICEGUI_STORAGE_PATH=str(data / 'nicegui'),
            HEARTH_FACE_WORKERS='0',
            HEARTH_SEARCH_WORKERS='0',
        )
        self.env.pop('DATABASE_URL', None)
        if slots:
            self.env['HEARTH_UPLOAD_SLOTS'] = str(slots)
        if render_workers is not None:
            self.env['HEARTH_RENDER_WORKERS'] = str(render_workers)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, 'main.py', *args]
        return subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True)

    def start(self) -> None:
        log = (self.data / 'server.log').open('a')
        command = [sys.executable, 'main.py', '--host', '127.0.0.1', '--port', str(self.port)]
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_until_up(self.url + '/login', self.proc)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)


def make_photos(folder: Path, count: int, size: tuple[int, int], tag: str, year: int) -> list[Path]:
    """Distinct camera-like JPEGs (noise gives realistic sizes), each with its own date."""
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(year, 1, 1, 9)
    return [
        make_jpeg(folder / f'{tag}-{n:04d}.jpg', size=size, noise=True, taken_at=start + timedelta(hours=7 * n))
        for n in range(count)
    ]


async def reader(client: httpx.AsyncClient, tally: Tally, until: asyncio.Event, think: float) -> None:
    while not until.is_set():
        try:
            started = time.perf_counter()
            months = await client.get('/api/timeline/buckets')
            if months.status_code == 200 and months.json():
                newest = months.json()[0]['month']
                answer = await client.get(f'/api/timeline/buckets/{newest}')
            else:
                answer = months
            if answer.status_code == 200:
                tally.reads_ms.append((time.perf_counter() - started) * 1000)
            else:
                tally.read_errors[answer.status_code] += 1
        except httpx.TransportError as error:
            tally.read_errors[type(error).__name__] += 1
        await asyncio.sleep(think)


async def uploader(client: httpx.AsyncClient, photos: list[Path], tally: Tally) -> None:
    for path in photos:
        while True:
            try:
                with path.open('rb') as content:
                    answer = await client.post('/api/assets', files={'file': (path.name, content, 'image/jpeg')})
            except httpx.TransportError:
                tally.cut += 1
                await asyncio.sleep(1)
                continue
            if answer.status_code == 503:
                tally.asked_to_wait += 1
                await asyncio.sleep(int(answer.headers.get('Retry-After', '1')))
                continue
            tally.upload_answers[answer.status_code] += 1
            if tally.kill_at and sum(tally.upload_answers.values()) >= tally.kill_at:
                tally.due.set()
            if answer.status_code in (200, 201):
                tally.ids[_sha1(path)] = answer.json()['id']
            break


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()


async def run_phase(
    url: str, token: str, readers: int, think: float, batches: list[list[Path]], seconds: float, during=None
) -> Tally:
    """`readers` read until the uploads are done (or for `seconds` without uploads); `during` runs alongside."""
    tally, until = Tally(), asyncio.Event()
    limits = httpx.Limits(max_connections=readers + len(batches) + 10, max_keepalive_connections=readers + 10)
    headers = {'Authorization': f'Bearer {token}'}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120, limits=limits) as client:
        reading = [asyncio.create_task(reader(client, tally, until, think)) for _ in range(readers)]
        started = time.perf_counter()
        work = [uploader(client, batch, tally) for batch in batches]
        if during:
            work.append(during(tally))
        await asyncio.gather(*work) if work else await asyncio.sleep(seconds)
        tally.seconds = time.perf_counter() - started
        until.set()
        await asyncio.gather(*reading)
    return tally


def sign_in(url: str) -> str:
    answer = httpx.post(url + '/api/auth/login', json={'email': USER[0], 'password': USER[1]}, timeout=30)
    answer.raise_for_status()
    return answer.json()['access_token']


def stored(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute('SELECT checksum, id FROM assets').fetchall()


def account(photos: list[Path], tallies: list[Tally], database: Path) -> dict[str, int]:
    """Every photo once in the library, and every id an answer named among the rows."""
    rows = stored(database)
    checksums = Counter(checksum for checksum, _ in rows)
    ids = {uuid.UUID(str(asset_id)) for _, asset_id in rows}
    named = {uuid.UUID(asset_id) for tally in tallies for asset_id in tally.ids.values()}
    wanted = {_sha1(path) for path in photos}
    return {
        'photos sent': len(photos),
        'rows': len(rows),
        'lost (sent, not stored)': len(wanted - set(checksums)),
        'doubled (stored twice)': sum(1 for count in checksums.values() if count > 1),
        'answered ids missing': len(named - ids),
    }


def main(arguments: argparse.Namespace) -> None:
    work = arguments.workdir
    shutil.rmtree(work, ignore_errors=True)
    size = (arguments.width, arguments.width * 3 // 4)
    count = arguments.uploaders * arguments.photos
    round_one = make_photos(work / 'photos', count, size, 'one', 2023)
    megabytes = sum(path.stat().st_size for path in round_one) / 1024**2
    server = Server(work / 'server', arguments.slots, arguments.render_workers)
    (work / 'server').mkdir(parents=True)
    server.cli('user', 'create', '--email', USER[0], '--name', 'Load', '--password', USER[1])
    server.start()
    try:
        token = sign_in(server.url)
        rows, loads = [], []

        def measure(name: str, readers: int, batches: list[list[Path]], during=None) -> Tally:
            tally = asyncio.run(
                run_phase(server.url, token, readers, arguments.think, batches, arguments.seconds, during)
            )
            loads.append(f'{name}: {os.getloadavg()[0]:.1f}')
            reads_p50, reads_p95 = p50_p95(tally.reads_ms) if len(tally.reads_ms) > 1 else (0, 0)
            uploads = sum(tally.upload_answers.values())
            rows.append(
                [
                    name,
                    len(tally.reads_ms),
                    f'{reads_p50:.0f}',
                    f'{reads_p95:.0f}',
                    dict(tally.read_errors) or 0,
                    dict(tally.upload_answers) or '-',
                    tally.asked_to_wait,
                    tally.cut,
                    f'{uploads / tally.seconds:.1f}' if uploads else '-',
                ]
            )
            return tally

        measure('idle (1 reader)', 1, [])
        measure(f'{arguments.readers} readers', arguments.readers, [])
        one = measure(
            f'{arguments.readers} readers + {arguments.uploaders} uploaders',
            arguments.readers,
            _batches(round_one, arguments.uploaders),
        )

        async def kill_and_restart(tally: Tally) -> None:
            tally.kill_at = max(1, int(count * arguments.kill_at))
            await tally.due.wait()
            server.kill()
            await asyncio.to_thread(server.start)

        tallies, sent = [one], list(round_one)
        if not arguments.no_kill:
            round_two = make_photos(work / 'photos', count, size, 'two', 2024)
            batches = _batches(round_two, arguments.uploaders)
            tallies.append(measure('same, killed -9 and restarted', arguments.readers, batches, kill_and_restart))
            sent += round_two
        server.stop()
        check = server.cli('check')
        accounted = account(sent, tallies, work / 'server' / 'data' / 'hearth.db')
    finally:
        server.stop()
        if not arguments.keep:
            shutil.rmtree(work, ignore_errors=True)
    renderers = 'default' if arguments.render_workers is None else arguments.render_workers
    print(
        f'{count} photos a round, {size[0]}x{size[1]}, {megabytes / count:.2f} MB each; readers think '
        f'{arguments.think} s; upload slots {arguments.slots or "default"}; render workers {renderers}; '
        f'load average {", ".join(loads)}'
    )
    print_table(
        [
            'phase',
            'reads',
            'read p50 ms',
            'read p95 ms',
            'read errors',
            'uploads by status',
            'asked to wait (503)',
            'cut by kill',
            'uploads/s',
        ],
        rows,
    )
    print_table(['check', 'count'], [[name, value] for name, value in accounted.items()])
    print(f'main.py check after the restart: exit {check.returncode}\n{check.stdout.strip()}\n{check.stderr.strip()}')


def _batches(photos: list[Path], uploaders: int) -> list[list[Path]]:
    return [photos[n::uploaders] for n in range(uploaders)]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uploaders', type=int, default=50)
    parser.add_argument('--readers', type=int, default=50)
    parser.add_argument('--photos', type=int, default=4, help='photos per uploader and round')
    parser.add_argument('--width', type=int, default=1600, help='photo width in pixels (4:3)')
    parser.add_argument('--think', type=float, default=0.5, help='seconds a reader waits between pages')
    parser.add_argument('--seconds', type=float, default=15, help='length of the phases without uploads')
    parser.add_argument('--kill-at', type=float, default=0.4, help='share of the second round answered at the kill')
    parser.add_argument('--no-kill', action='store_true', help='stop after the phase with uploads')
    parser.add_argument('--slots', type=int, help='HEARTH_UPLOAD_SLOTS for the server (default: its own)')
    parser.add_argument(
        '--render-workers', type=int, help='HEARTH_RENDER_WORKERS for the server (default: its own; 0: in its threads)'
    )
    parser.add_argument('--workdir', type=Path, default=OUT / 'load')
    parser.add_argument('--keep', action='store_true', help='keep the photos and the data folder')
    return parser.parse_args()


if __name__ == '__main__':
    main(_arguments())
