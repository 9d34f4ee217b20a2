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
        self.cards: dict[str, QueueCard] = {}
        with frame(admin, 'Jobs', current='/admin/jobs'), ui.column().classes('w-full max-w-4xl mx-auto p-4 gap-3'):
            ui.label('Background jobs').classes('text-2xl font-semibold')
            ui.label('Work Hearth does after uploads and scans. The page updates itself.').classes('text-stone-500')
            self.queues = ui.column().classes('w-full gap-3').mark('queues')
            with self.queues:
                self.loading = ui.spinner(size='lg').classes('self-center')
        self.timer = ui.timer(REFRESH_SECONDS, self.refresh)
        ui.timer(0, self.refresh, once=True)

    async def refresh(self) -> None:
        """Update the cards in place, so a button being clicked is never swapped for a new one."""
        try:
            statuses = await jobs.queue_statuses(self.hearth, self.admin)
        except HearthError as error:
            self.timer.deactivate()
            ui.notify(str(error), type='negative')
            return
        self.loading.set_visibility(False)
        for status in statuses:
            if status.queue.value not in self.cards:
                with self.queues:
                    self.cards[status.queue.value] = QueueCard(self, status.queue.value)
            self.cards[status.queue.value].show(status)

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


class QueueCard:
    """One queue: built once, then `show` moves its counts, bar, badge and buttons along."""

    def __init__(self, view: JobsView, name: str):
        with ui.card().classes('w-full').props('flat bordered').mark(f'queue-{name}'):
            with ui.row().classes('w-full items-center gap-2'):
                with ui.column().classes('gap-0 flex-1 min-w-[12rem]'):
                    ui.label(name.capitalize()).classes('text-lg font-medium')
                    ui.label(DESCRIPTIONS.get(name, '')).classes('text-sm text-stone-500')
                self.paused = ui.badge('Paused', color='orange').mark(f'paused-{name}')
                self.resume = ui.button('Resume', icon='play_arrow', on_click=lambda: view.pause(name, False))
                self.resume.props('flat dense no-caps').mark(f'resume-{name}')
                self.pause = ui.button('Pause', icon='pause', on_click=lambda: view.pause(name, True))
                self.pause.props('flat dense no-caps').mark(f'pause-{name}')
                ui.button('Run for missing', on_click=lambda: view.run(name, 'missing')).props(
                    'flat dense no-caps'
                ).mark(f'run-missing-{name}')
                ui.button('Run for all', on_click=lambda: view.run(name, 'all')).props('flat dense no-caps').mark(
                    f'run-all-{name}'
                )
            self.counts = ui.label().classes('text-sm').mark(f'counts-{name}')
            self.progress = ui.linear_progress(value=0, show_value=False).props('rounded size=10px')
            self.progress.mark(f'progress-{name}')
            self.failed = ui.button(on_click=lambda: view.show_failed(name)).props('flat dense color=negative no-caps')
            self.failed.mark(f'show-failed-{name}')

    def show(self, status: QueueStatus) -> None:
        self.counts.set_text(_counts(status))
        for element, visible in (
            (self.paused, status.paused),
            (self.resume, status.paused),
            (self.pause, not status.paused),
            (self.progress, status.progress is not None),
            (self.failed, status.failed > 0),
        ):
            element.set_visibility(visible)
        if status.progress is not None:
            self.progress.set_value(round(status.progress, 3))
            self.progress.props(f'color={"orange" if status.paused else "primary"}')
        self.failed.set_text(f'Show {plural(status.failed, "failed job")}')


def _counts(status: QueueStatus) -> str:
    return (
        f'{status.waiting:,} waiting · {status.running:,} running · {status.failed:,} failed · '
        f'{status.done:,} done' + (f' ({status.done_ever:,} in all)' if status.done_ever != status.done else '')
    )
