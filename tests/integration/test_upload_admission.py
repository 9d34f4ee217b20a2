"""Admission control on uploads (issue 20, defect 6): a few are processed at once, a few more wait their turn, and
beyond that the answer is 503 with Retry-After, so reads stay fast while uploads queue."""

import asyncio
import io
import os
from dataclasses import replace
from datetime import datetime

import pytest
from PIL import Image

from services import assets
from services.pipeline import RENDERING, render_pools
from tests.integration.api_client import upload

SLOTS = 1
PLACES = 5  # one turn and the four waiting per slot


@pytest.fixture
def blocked_ingest(monkeypatch):
    """Ingest waits for `release` before doing its real work; `entered` counts those that started."""
    real, release, entered = assets.ingest, asyncio.Event(), []

    async def slow(*args, **kwargs):
        entered.append(args)
        await release.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(assets, 'ingest', slow)
    return release, entered


async def _until(condition, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError('the condition never held')


def _admitted(api) -> int:
    gate = getattr(api.state, 'upload_gate', None)
    return gate.admitted if gate else 0


async def test_upload_beyond_the_queue_is_asked_to_wait_while_reads_answer(
    hearth, api, as_alice, photo, blocked_ingest
):
    """GIVEN one upload slot, held by a slow ingest, and every place in line taken
    WHEN one more photo is uploaded and the timeline is read
    THEN the upload gets 503 with Retry-After and stores nothing, the read answers at once,
    and once the slot frees every queued upload is stored, and the refused one when sent again."""
    hearth.settings = replace(hearth.settings, upload_slots=SLOTS)
    release, entered = blocked_ingest
    admitted = [asyncio.create_task(upload(as_alice, photo(n))) for n in range(PLACES)]
    await _until(lambda: _admitted(api) == PLACES and len(entered) == SLOTS)

    refused = await asyncio.wait_for(upload(as_alice, photo(PLACES)), timeout=5)
    read = await asyncio.wait_for(as_alice.get('/timeline/buckets'), timeout=2)

    assert refused.status_code == 503, refused.text
    assert int(refused.headers['Retry-After']) >= 1
    assert read.status_code == 200 and read.json() == []
    assert len(entered) == SLOTS
    release.set()
    answers = await asyncio.wait_for(asyncio.gather(*admitted), timeout=30)
    assert [answer.status_code for answer in answers] == [201] * PLACES
    assert (await as_alice.get('/timeline/buckets')).json()[0]['count'] == PLACES
    assert not any(hearth.settings.tmp_dir.iterdir())
    assert (await upload(as_alice, photo(PLACES))).status_code == 201  # sent again, stored once
    assert (await as_alice.get('/timeline/buckets')).json()[0]['count'] == PLACES + 1


async def test_uploads_render_in_low_priority_processes_and_arrive_whole(hearth, api, as_alice, photo):
    """GIVEN the web app's rendering processes (as the server starts them)
    WHEN photos are uploaded
    THEN each is stored with its thumbnail and preview, rendered outside the web app's process at a lower priority
    (so that its event loop keeps the CPU for reads), and the processes end with the app."""
    hearth.renderer = render_pools(hearth.settings)
    try:
        answers = [await upload(as_alice, photo(n, taken_at=datetime(2020, 5, n + 1, 9))) for n in range(2)]
        assert [answer.status_code for answer in answers] == [201, 201]
        for answer in answers:
            shown = (await as_alice.get(f'/assets/{answer.json()["id"]}/thumbnail')).content
            assert Image.open(io.BytesIO(shown)).size[0] > 0
        assert (await as_alice.get(f'/assets/{answers[0].json()["id"]}')).json()['taken_at'].startswith('2020-05-01')
        workers = list(hearth.renderer._pools[RENDERING]._processes.values())
        assert workers and all(worker.pid != os.getpid() for worker in workers)
        web_app = os.getpriority(os.PRIO_PROCESS, 0)
        assert all(os.getpriority(os.PRIO_PROCESS, worker.pid) > web_app for worker in workers)
    finally:
        hearth.renderer.shutdown()
        hearth.renderer = None
    for worker in workers:
        worker.join(timeout=10)
        assert not worker.is_alive()
