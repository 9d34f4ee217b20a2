"""Faces: pipeline throughput with N worker processes, model load time, worker memory, how the web app answers
during a face run, and clustering time on injected vectors.

python -m bench.faces --photos 120 --workers 1 --workers 2 [--faces 10000 --faces 100000]

Photos are the real face photos of `tests/factories/face_photos.py` (a group of six and five portraits of two
people), each uploaded many times mirrored and slightly cropped so every upload is a distinct file.
"""

import argparse
import asyncio
import os
import resource
import shutil
import time
from pathlib import Path

import httpx
import numpy as np
from PIL import Image, ImageOps
from sqlalchemy import func, select

from api.app import create_api
from bench.common import OUT, p50_p95, print_table, started_hearth
from domain.jobs import Queue
from ml import clustering
from ml import faces as ml_faces
from services import accounts, assets, runtime
from services.pipeline import JobRunner
from services.steps import STEPS
from storage.models import Face, Job
from tests.factories.face_photos import ANOTHER_PERSON, GROUP_OF_SIX, ONE_PERSON, face_photo

PROBE_EVERY_SECONDS = 0.2


def distinct_photos(folder: Path, count: int) -> list[Path]:
    """`count` distinct files made from the real face photos (mirrored and cropped a little)."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [face_photo(name) for name in (GROUP_OF_SIX, *ONE_PERSON, ANOTHER_PERSON)]
    paths = []
    for index in range(count):
        path = folder / f'face_{index:04d}.jpg'
        if not path.exists():
            variant = index // len(sources)
            with Image.open(sources[index % len(sources)]) as image:
                image = ImageOps.mirror(image) if variant % 2 else image.copy()
                trim = variant // 2 % 20 + 20 * (variant // 40)  # past 200 files, trimmed further
                image.crop((trim, trim, image.width - trim, image.height - trim)).save(path, quality=92)
        paths.append(path)
    return paths


async def pipeline_run(workdir: Path, photos: list[Path], workers: int) -> list[object]:
    """Upload the photos, then let the runner find their faces with `workers` processes while a client asks the
    API for the timeline every 0.2 s; the same requests before the run are the baseline."""
    data_dir = workdir / f'pipeline-{workers}'
    shutil.rmtree(data_dir, ignore_errors=True)
    hearth = await started_hearth(data_dir)
    runtime.install(hearth)
    runner = JobRunner(hearth, STEPS, {Queue.FACES: workers})
    try:
        owner = await accounts.create_user(hearth, None, 'faces@example.com', 'Faces', 'bench password')
        for path in photos:
            await assets.ingest(hearth, owner, hearth.files.stage_copy(path, 10**9))
        async with signed_in_client(owner.email) as api:
            idle = await probe(api, seconds=3)
            model_load = await load_models(runner, workers, hearth.settings.models_dir)
            start = time.perf_counter()
            runner.start()
            busy = await probe(api, finished=lambda: faces_searched(hearth))
            elapsed = time.perf_counter() - start - PROBE_EVERY_SECONDS
            memory = await asyncio.gather(*(runner.pools.run(Queue.FACES, peak_memory_mb) for _ in range(workers)))
        face_count = await count_faces(hearth)
    finally:
        await runner.stop()
        runtime.install(None)
        await hearth.stop()
    (idle_p50, idle_p95), (busy_p50, busy_p95) = p50_p95(idle), p50_p95(busy)
    return [
        workers,
        len(photos),
        face_count,
        f'{len(photos) / elapsed:.2f}',
        f'{face_count / elapsed:.2f}',
        f'{model_load:.1f}',
        f'{max(memory):.0f}',
        f'{idle_p50:.1f} / {idle_p95:.1f}',
        f'{busy_p50:.1f} / {busy_p95:.1f}',
    ]


class signed_in_client:
    """An API client in this process, signed in: its requests share the event loop with the job runner."""

    def __init__(self, email: str):
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_api()), base_url='http://bench')
        self.email = email

    async def __aenter__(self) -> httpx.AsyncClient:
        login = await self.client.post('/auth/login', json={'email': self.email, 'password': 'bench password'})
        self.client.headers['Authorization'] = f'Bearer {login.json()["access_token"]}'
        return self.client

    async def __aexit__(self, *exc) -> None:
        await self.client.aclose()


async def load_models(runner: JobRunner, workers: int, models_dir: Path) -> float:
    """Start the worker processes and load the model in each; returns the seconds the first one took."""
    start = time.perf_counter()
    await runner.pools.run(Queue.FACES, ml_faces.load, models_dir)
    first = time.perf_counter() - start
    await asyncio.gather(*(runner.pools.run(Queue.FACES, ml_faces.load, models_dir) for _ in range(workers * 2)))
    return first


async def probe(api: httpx.AsyncClient, seconds: float | None = None, finished=None) -> list[float]:
    """Milliseconds of timeline requests every PROBE_EVERY_SECONDS, for `seconds` or until `finished()` holds."""
    samples, deadline = [], time.perf_counter() + (seconds or 0)
    while True:
        start = time.perf_counter()
        response = await api.get('/timeline/buckets')
        response.raise_for_status()
        samples.append((time.perf_counter() - start) * 1000)
        if (seconds is not None and time.perf_counter() >= deadline) or (finished and await finished()):
            return samples
        await asyncio.sleep(PROBE_EVERY_SECONDS)


async def faces_searched(hearth) -> bool:
    async with hearth.db.session() as session:
        return not await session.scalar(select(func.count()).select_from(Job).where(Job.queue == Queue.FACES))


async def count_faces(hearth) -> int:
    async with hearth.db.session() as session:
        return await session.scalar(select(func.count()).select_from(Face))


def peak_memory_mb() -> float:
    """Peak resident memory of this (worker) process."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def clustering_run(count: int) -> list[object]:
    """Cluster `count` injected faces of `count // 10` people (10 photos each), and assign 1,000 new faces to the
    people found; the baseline is one faces × faces distance row per face, the brute force it avoids, extrapolated
    from 1,000 rows."""
    people = max(1, count // 10)
    rng = np.random.default_rng(3)
    centres = rng.normal(0, 0.06, (people, 128))
    faces = centres[rng.integers(0, people, count)] + rng.normal(0, 0.2 / np.sqrt(128), (count, 128))
    start = time.perf_counter()
    grouping = clustering.cluster(faces)
    cluster_s = time.perf_counter() - start
    person_centres = np.array([faces[group].mean(0) for group in grouping.groups])
    start = time.perf_counter()
    clustering.assign(faces[:1000] + rng.normal(0, 0.01, (1000, 128)), person_centres)
    assign_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    for row in range(0, min(count, 1000), 100):
        clustering.distances(faces[row : row + 100], faces)
    brute_s = (time.perf_counter() - start) * count / min(count, 1000)
    return [
        f'{count:,}',
        f'{people:,}',
        len(grouping.groups),
        len(grouping.waiting),
        f'{cluster_s:.2f}',
        f'{assign_ms:.0f}',
        f'{brute_s:.1f}',
    ]


async def main(arguments: argparse.Namespace) -> None:
    photos = distinct_photos(arguments.workdir / 'photos', arguments.photos)
    rows = [await pipeline_run(arguments.workdir, photos, workers) for workers in arguments.workers or [1]]
    print(f'{os.cpu_count()} cores; timeline requests every {PROBE_EVERY_SECONDS} s, p50 / p95 ms')
    print_table(
        [
            'workers',
            'photos',
            'faces',
            'photos/s',
            'faces/s',
            'model load s',
            'worker peak MB',
            'API idle',
            'API during',
        ],
        rows,
    )
    clusters = [clustering_run(count) for count in arguments.faces or [10_000, 100_000]]
    print_table(
        ['faces', 'people', 'people found', 'waiting', 'cluster s', 'assign 1,000 ms', 'baseline: all distances s'],
        clusters,
    )


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--photos', type=int, default=120, help='photos to upload and search (default 120)')
    parser.add_argument('--workers', type=int, action='append', help='face worker processes; repeat (default 1)')
    parser.add_argument('--faces', type=int, action='append', help='faces to cluster; repeat (default 10k, 100k)')
    parser.add_argument('--workdir', type=Path, default=OUT / 'faces')
    asyncio.run(main(parser.parse_args()))


if __name__ == '__main__':
    run()
