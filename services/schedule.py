"""Recurring maintenance: purge expired trash, sweep orphaned files, scan external libraries, the nightly
catch-up that queues every pipeline step for what is missing its result, and the weekly full re-cluster of people."""

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from services import assets, jobs, libraries
from services.runtime import Hearth

log = logging.getLogger(__name__)


def start_scheduler(hearth: Hearth) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler()
    scheduler.add_job(_purge_trash, 'interval', hours=1, args=[hearth], id='purge-trash', coalesce=True)
    scheduler.add_job(_sweep_orphans, 'interval', hours=24, args=[hearth], id='sweep-orphans', coalesce=True)
    scheduler.add_job(_scan_libraries, 'interval', hours=6, args=[hearth], id='scan-libraries', coalesce=True)
    scheduler.add_job(jobs.catch_up, 'cron', hour=3, args=[hearth], id='catch-up', coalesce=True)
    scheduler.add_job(
        jobs.regroup_people, 'cron', day_of_week='sun', hour=4, args=[hearth], id='regroup-people', coalesce=True
    )
    scheduler.start()
    return scheduler


async def _purge_trash(hearth: Hearth) -> None:
    if purged := await assets.purge_expired_trash(hearth):
        log.info('purged %d assets from trash', purged)


async def _sweep_orphans(hearth: Hearth) -> None:
    if removed := await assets.remove_orphan_files(hearth):
        log.warning('removed files of %d assets that had no database row', removed)


async def _scan_libraries(hearth: Hearth) -> None:
    for library_id, summary in (await libraries.scan_all(hearth)).items():
        if summary.failed:
            log.warning('library %s: %d files could not be read', library_id, summary.failed)
