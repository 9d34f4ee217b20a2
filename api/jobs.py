"""Background jobs for the instance admin: counts, progress and errors only, never a photo."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel

from api import schemas
from api.deps import CurrentActor, Instance
from domain.jobs import QueueStatus, Skip
from services import jobs

router = APIRouter(prefix='/admin/jobs', tags=['admin'])
# A job's id is a 64-bit number the database counts up: one past it answered 500 (OverflowError into SQLite).
JobId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class QueueOut(BaseModel):
    """The photos outside the trash by what the queue's step did for them: done, skipped (by reason), waiting,
    running, failed and not started add up to `applies_to`. `failed_jobs` counts the queue's failed jobs to retry."""

    queue: str
    applies_to: int
    done: int
    skipped: dict[Skip, int]
    waiting: int
    running: int
    failed: int
    not_started: int
    failed_jobs: int
    paused: bool
    progress: float | None

    @classmethod
    def of(cls, status: QueueStatus) -> 'QueueOut':
        fields = {name: getattr(status, name) for name in cls.model_fields}
        return cls(**fields)


class FailedJobOut(BaseModel):
    id: int
    kind: str
    subject: str
    attempts: int
    error: str
    failed_at: datetime | None


class RunIn(BaseModel):
    which: Literal['missing', 'all']


@router.get('', response_model=list[QueueOut])
async def list_queues(actor: CurrentActor, instance: Instance):
    return [QueueOut.of(status) for status in await jobs.queue_statuses(instance, actor)]


@router.get('/{queue}/failed', response_model=list[FailedJobOut])
async def list_failed(queue: str, actor: CurrentActor, instance: Instance):
    return [FailedJobOut(**vars(job)) for job in await jobs.failed_jobs(instance, actor, queue)]


@router.post('/{queue}/pause', status_code=204)
async def pause(queue: str, actor: CurrentActor, instance: Instance):
    await jobs.set_paused(instance, actor, queue, True)


@router.post('/{queue}/resume', status_code=204)
async def resume(queue: str, actor: CurrentActor, instance: Instance):
    await jobs.set_paused(instance, actor, queue, False)


@router.post('/{queue}/run', status_code=202)
async def run(queue: str, body: RunIn, actor: CurrentActor, instance: Instance):
    """Queue the queue's steps for the assets missing their result, or for all of them (redoing what is done)."""
    await jobs.run_for(instance, actor, queue, body.which)


@router.post('/{queue}/retry', response_model=schemas.CountOut)
async def retry_all(queue: str, actor: CurrentActor, instance: Instance):
    return schemas.CountOut(count=await jobs.retry(instance, actor, queue))


@router.post('/{queue}/failed/{job_id}/retry', response_model=schemas.CountOut)
async def retry_one(queue: str, job_id: JobId, actor: CurrentActor, instance: Instance):
    return schemas.CountOut(count=await jobs.retry(instance, actor, queue, job_id))
