"""The admin's Jobs page: per queue what waits, runs, failed and is done, a progress bar that moves, pause and resume,
"run for missing" and "run for all", and failed jobs with their errors to retry. Counts and errors, never photos."""

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import HearthError
from domain.jobs import QueueStatus
from services import jobs, runtime
from services.accounts import Actor
from ui.frame import frame
from ui.session import require_admin
from ui.theme import confirm, plural

REFRESH_SECONDS = 2.0
DESCRIPTIONS = {
    'metadata': 'Dates, places and camera details read from the files',
    'thumbnails': 'Thumbnails and previews',
    'faces': 'Faces found and recognised in photos',
    'clustering': 'Faces grouped into people',
}


async def jobs_page():
    actor = await require_admin()
    if isinstance(actor, RedirectResponse):
        return actor
    JobsView(actor)


class JobsView:
    def __init__(self, admin: Actor):
        self.admin, self.hearth = admin, runtime.current()
        with frame(admin, 'Jobs', current='/admin/jobs'), ui.column().classes('w-full max-w-4xl mx-auto p-4 gap-3'):
            ui.label('Background jobs').classes('text-2xl font-semibold')
            ui.label('Work Hearth does after uploads and scans. The page updates itself.').classes('text-stone-500')
            self.queues = ui.column().classes('w-full gap-3').mark('queues')
            with self.queues:
                ui.spinner(size='lg').classes('self-center')
        self.timer = ui.timer(REFRESH_SECONDS, self.refresh)
        ui.timer(0, self.refresh, once=True)

    async def refresh(self) -> None:
        try:
            statuses = await jobs.queue_statuses(self.hearth, self.admin)
        except HearthError as error:
            self.timer.deactivate()
            ui.notify(str(error), type='negative')
            return
        self.queues.clear()
        with self.queues:
            for status in statuses:
                self._queue_card(status)

    def _queue_card(self, status: QueueStatus) -> None:
        name = status.queue.value
        with ui.card().classes('w-full').props('flat bordered').mark(f'queue-{name}'):
            with ui.row().classes('w-full items-center gap-2'):
                with ui.column().classes('gap-0 flex-1 min-w-[12rem]'):
                    ui.label(name.capitalize()).classes('text-lg font-medium')
                    ui.label(DESCRIPTIONS.get(name, '')).classes('text-sm text-stone-500')
                if status.paused:
                    ui.badge('Paused', color='orange').mark(f'paused-{name}')
                self._actions(status)
            ui.label(_counts(status)).classes('text-sm').mark(f'counts-{name}')
            if status.progress is not None:
                ui.linear_progress(value=round(status.progress, 3), show_value=False).props(
                    f'rounded size=10px color={"orange" if status.paused else "primary"}'
                ).mark(f'progress-{name}')
            if status.failed:
                ui.button(
                    f'Show {plural(status.failed, "failed job")}', on_click=lambda n=name: self.show_failed(n)
                ).props('flat dense color=negative no-caps').mark(f'show-failed-{name}')

    def _actions(self, status: QueueStatus) -> None:
        name = status.queue.value
        if status.paused:
            ui.button('Resume', icon='play_arrow', on_click=lambda: self.pause(name, False)).props(
                'flat dense no-caps'
            ).mark(f'resume-{name}')
        else:
            ui.button('Pause', icon='pause', on_click=lambda: self.pause(name, True)).props('flat dense no-caps').mark(
                f'pause-{name}'
            )
        ui.button('Run for missing', on_click=lambda: self.run(name, 'missing')).props('flat dense no-caps').mark(
            f'run-missing-{name}'
        )
        ui.button('Run for all', on_click=lambda: self.run(name, 'all')).props('flat dense no-caps').mark(
            f'run-all-{name}'
        )

    async def pause(self, queue: str, paused: bool) -> None:
        await jobs.set_paused(self.hearth, self.admin, queue, paused)
        await self.refresh()

    async def run(self, queue: str, which: str) -> None:
        if which == 'all' and not await confirm(
            f'Run {queue} for everything?',
            'Every photo and video is processed again, also those already done. This can take hours.',
            'Run for all',
            danger=False,
        ):
            return
        await jobs.run_for(self.hearth, self.admin, queue, which)
        ui.notify(f'{queue.capitalize()}: queued', type='positive')
        await self.refresh()

    async def show_failed(self, queue: str) -> None:
        failed = await jobs.failed_jobs(self.hearth, self.admin, queue)
        with ui.dialog() as dialog, ui.card().classes('w-full max-w-2xl').mark(f'failed-{queue}'):
            ui.label(f'Failed {queue} jobs').classes('text-lg font-medium')
            for job in failed:
                with ui.row().classes('w-full items-start gap-2 no-wrap'):
                    with ui.column().classes('gap-0 flex-1 min-w-0'):
                        ui.label(job.error).classes('text-sm text-red-800 break-words').mark('failed-error')
                        ui.label(f'{job.kind} · {job.subject} · {plural(job.attempts, "attempt")}').classes(
                            'text-xs text-stone-500 break-all'
                        )
                    ui.button('Retry', on_click=lambda j=job: self.retry(dialog, queue, j.id)).props(
                        'flat dense no-caps'
                    ).mark('retry-one')
            with ui.row().classes('w-full justify-end'):
                ui.button('Close', on_click=dialog.close).props('flat no-caps')
                ui.button('Retry all', on_click=lambda: self.retry(dialog, queue, None)).props(
                    'unelevated color=primary no-caps'
                ).mark('retry-all')
        dialog.open()

    async def retry(self, dialog: ui.dialog, queue: str, job_id) -> None:
        retried = await jobs.retry(self.hearth, self.admin, queue, job_id)
        dialog.close()
        ui.notify(f'{plural(retried, "job")} queued again', type='positive')
        await self.refresh()


def _counts(status: QueueStatus) -> str:
    return (
        f'{status.waiting:,} waiting · {status.running:,} running · {status.failed:,} failed · '
        f'{status.done:,} done' + (f' ({status.done_ever:,} in all)' if status.done_ever != status.done else '')
    )
