"""The admin's Jobs page: per queue, how many photos and videos its step is for, and of those how many are done,
skipped (and why), waiting, in progress, failed and not started, adding up; a progress bar that moves, pause and
resume, "run for missing" and "run for all", and failed jobs with their errors to retry. Counts and errors only."""

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import HearthError
from domain.jobs import QueueStatus, Skip
from services import jobs, runtime
from services.accounts import Actor
from ui.frame import frame
from ui.session import require_admin
from ui.theme import confirm, plural

REFRESH_SECONDS = 2.0
# Where the photos stand with a queue's step; the six add up to all the photos and videos outside the trash.
BUCKETS = {
    'done': 'done',
    'skipped': 'skipped',
    'waiting': 'waiting',
    'running': 'in progress',
    'failed': 'failed',
    'not_started': 'not started',
}
COLOURS = {'done': 'text-green-700 dark:text-green-400', 'failed': 'text-red-700 dark:text-red-400'}  # when not 0
SKIP_REASONS = {  # (several, one)
    Skip.NO_FACES: ('have no faces', 'has no faces'),
    Skip.FACES_FAILED: ('could not be searched for faces', 'could not be searched for faces'),
    Skip.NO_POSITION: ('have no location', 'has no location'),
}
DESCRIPTIONS = {
    'metadata': 'Dates, places and camera details read from the files',
    'thumbnails': 'Thumbnails and previews',
    'faces': 'Faces found and recognised in photos',
    'clustering': 'Faces grouped into people',
    'places': 'Place names (town, region, country) from where photos were taken',
    'labels': 'What is in each photo (animals, food, boats, buildings…), so that search finds it',
    'text': 'Words written in photos (signs, cards, shop fronts), so that search finds them',
    'clip': 'What each photo looks like, for the image search model the administrator installed',
    'duplicates': 'Copies of the same photo found across the family: the same file, the same picture, bursts',
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
        with ui.card().classes('w-full gap-2').props('flat bordered').mark(f'queue-{name}'):
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
            self.applies = ui.label().classes('text-sm font-medium').props(f'data-testid=applies-{name}')
            self.applies.mark(f'applies-{name}')
            with ui.element('div').classes('w-full grid grid-cols-3 sm:grid-cols-6 gap-2'):
                self.tiles = {bucket: CountTile(name, bucket, words) for bucket, words in BUCKETS.items()}
            self.why_skipped = ui.label().classes('text-sm text-stone-500').mark(f'why-skipped-{name}')
            self.not_started = ui.label().classes('text-sm text-stone-500').mark(f'not-started-hint-{name}')
            self.progress = ui.linear_progress(value=0, show_value=False).props('rounded size=10px')
            self.progress.mark(f'progress-{name}')
            self.failed = ui.button(on_click=lambda: view.show_failed(name)).props('flat dense color=negative no-caps')
            self.failed.mark(f'show-failed-{name}')

    def show(self, status: QueueStatus) -> None:
        self.applies.set_text(_applies_to(status.applies_to))
        for bucket, tile in self.tiles.items():
            tile.show(_count(status, bucket))
        self.why_skipped.set_text(_why_skipped(status))
        self.not_started.set_text(
            f'Not started yet: "Run for missing" starts {"it" if status.not_started == 1 else "them"}.'
        )
        for element, visible in (
            (self.paused, status.paused),
            (self.resume, status.paused),
            (self.pause, not status.paused),
            (self.why_skipped, bool(status.skipped)),
            (self.not_started, status.not_started > 0),
            (self.progress, status.progress is not None),
            (self.failed, status.failed_jobs > 0),
        ):
            element.set_visibility(visible)
        if status.progress is not None:
            self.progress.set_value(round(status.progress, 3))
            self.progress.props(f'color={"orange" if status.paused else "primary"}')
        self.failed.set_text(f'Show {plural(status.failed_jobs, "failed job")}')


class CountTile:
    """How many photos stand one way with the queue's step: a big number over a word or two."""

    def __init__(self, queue: str, bucket: str, words: str):
        self.colour = COLOURS.get(bucket, '')
        with ui.column().classes('gap-0 items-center rounded-lg bg-stone-100 dark:bg-stone-800 py-2 px-1'):
            self.number = ui.label().classes('text-xl font-semibold tabular-nums').mark(f'{bucket}-{queue}')
            self.number.props(f'data-testid={bucket}-{queue}')
            ui.label(words).classes('text-xs text-stone-600 dark:text-stone-300 text-center')

    def show(self, count: int) -> None:
        self.number.set_text(f'{count:,}')
        self.number.classes(remove=f'text-stone-400 {self.colour}', add=self.colour if count else 'text-stone-400')


def _applies_to(count: int) -> str:
    return f'For {count:,} {"photo or video" if count == 1 else "photos and videos"}'


def _count(status: QueueStatus, bucket: str) -> int:
    return sum(status.skipped.values()) if bucket == 'skipped' else getattr(status, bucket)


def _why_skipped(status: QueueStatus) -> str:
    return 'Skipped because ' + ' · '.join(
        f'{count:,} {SKIP_REASONS[reason][count == 1]}' for reason, count in status.skipped.items()
    )
