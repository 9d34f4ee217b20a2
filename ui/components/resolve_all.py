"""'Resolve all suggested': after the member agrees, a background run keeps each group's suggested copy; a dialog shows
its progress and then, per group, what happened (groups with a question are left for the member)."""

import uuid
from collections.abc import Awaitable, Callable

from nicegui import ui

from domain.errors import HearthError
from services import duplicates
from services.accounts import Actor
from services.runtime import Hearth
from ui.theme import confirm, plural

POLL_SECONDS = 1.0
STATUSES = {  # icon, colour, words before the service's message
    'resolved': ('check_circle', 'text-green-700', 'Resolved'),
    'asks': ('help', 'text-amber-700', 'Left for you to decide'),
    'failed': ('error', 'text-red-700', 'Could not be resolved'),
}


async def resolve_all_suggested(
    hearth: Hearth, actor: Actor, space_id: uuid.UUID | None, groups: int, on_done: Callable[[], Awaitable[None]]
) -> None:
    if not await confirm(
        f'Resolve {plural(groups, "group")} with the suggested copy?',
        "In each group, Hearth keeps the suggested copy and moves the other copies to their owners' trash. Groups "
        'with a question for you are left for you to decide.',
        'Resolve all',
    ):
        return
    try:
        run_id = await duplicates.start_resolve_suggested(hearth, actor, space_id=space_id)
    except HearthError as error:
        ui.notify(str(error), type='negative', multi_line=True)
        return
    await RunDialog(hearth, actor, run_id).dialog
    await on_done()


class RunDialog:
    def __init__(self, hearth: Hearth, actor: Actor, run_id):
        self.hearth, self.actor, self.run_id = hearth, actor, run_id
        self.dialog = ui.dialog().props('persistent')
        with self.dialog, ui.card().classes('w-[32rem] max-w-full').props('data-testid=resolve-all-dialog'):
            ui.label('Resolving the suggested copies').classes('text-lg font-semibold')
            self.counted = ui.label('Starting…').classes('text-stone-600').mark('resolve-all-count')
            self.bar = ui.linear_progress(value=0, show_value=False).props('rounded size=10px animation-speed=300')
            self.results = ui.column().classes('w-full gap-1 max-h-[50vh] overflow-y-auto').mark('resolve-all-results')
            with ui.row().classes('w-full justify-end'):
                self.close = ui.button('Close', on_click=self.dialog.close).props('flat no-caps')
                self.close.props('data-testid=resolve-all-close').mark('resolve-all-close').set_enabled(False)
            self.timer = ui.timer(POLL_SECONDS, self.poll)

    async def poll(self) -> None:
        try:
            progress = await duplicates.run_progress(self.hearth, self.actor, self.run_id)
        except HearthError as error:
            self.timer.deactivate()
            self.counted.set_text(str(error))
            self.close.enable()
            return
        if progress.total is not None:  # counted once the run has listed its groups
            self.counted.set_text(f'{progress.done} of {plural(progress.total, "group")}')
            self.bar.set_value(progress.done / progress.total if progress.total else 1)
        if progress.finished:
            self.timer.deactivate()
            self.bar.set_value(1)
            self._show(progress.results)
            self.close.enable()

    def _show(self, results) -> None:
        resolved = sum(result.status == 'resolved' for result in results)
        self.counted.set_text(f'Done: {resolved} of {plural(len(results), "group")} resolved')
        with self.results:
            for result in results:
                icon, colour, words = STATUSES.get(result.status, STATUSES['failed'])
                with ui.row().classes('w-full items-center no-wrap gap-2').mark(f'result-{result.status}'):
                    ui.element('img').props(f'src="/api/assets/{result.keeper_id}/thumbnail" alt=""').classes(
                        'w-10 h-10 object-cover rounded shrink-0'
                    )
                    ui.icon(icon).classes(f'{colour} text-xl shrink-0')
                    message = f'{words}: {result.message}' if result.message else words
                    ui.label(message).classes('text-sm min-w-0 break-words')
