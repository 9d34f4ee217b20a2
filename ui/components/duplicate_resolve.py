"""Resolving one group of duplicates: say first, in plain words, which copies go to whose trash; ask the questions the
service raises (a copy in a space where I may not remove photos); then tell what happened, with Undo."""

import uuid
from collections import Counter
from collections.abc import Awaitable, Callable

from nicegui import ui

from domain.errors import HearthError
from services import duplicates
from services.accounts import Actor
from services.runtime import Hearth
from ui.components.duplicate_group import ShownCopy, ShownGroup
from ui.theme import ask, confirm, undo_notice

KEEP_INSTEAD, LET_LOSE = 'keep-instead', 'let-lose'


async def resolve_group(
    hearth: Hearth, actor: Actor, group: ShownGroup, keeper: ShownCopy, on_undone: Callable[[], Awaitable[None]]
) -> bool:
    """Keep `keeper` after the member agreed; True when the group was resolved."""
    going = [copy for copy in group.copies if copy.id != keeper.id and copy.can_trash]
    title = f'Keep {keeper.whose}?'
    if not await confirm(title, trash_plan(group, keeper), _action_label(len(going))):
        return False
    result = await _resolve_answering(hearth, actor, group, keeper.id)
    if result is None:
        return False
    _tell(hearth, actor, result, group.copy_of(result.keeper_id) or keeper, on_undone)
    return True


def trash_plan(group: ShownGroup, keeper: ShownCopy) -> str:
    """In words a grandparent reads: "2 copies move to the trash: your copy goes to your trash, Mum's copy goes to Mum's
    trash. …"."""
    others = [copy for copy in group.copies if copy.id != keeper.id]
    going = [copy for copy in others if copy.can_trash]
    sentences = [_going(going)] if going else ['No copy moves to the trash.']
    sentences += [copy.note or f'{_capital(copy.whose)} stays.' for copy in others if not copy.can_trash]
    if going:
        sentences.append('You can undo this straight after.')
    return ' '.join(sentences)


def _going(going: list[ShownCopy]) -> str:
    count = len(going)
    head = f'{count} {"copy moves" if count == 1 else "copies move"} to the trash'
    owners = Counter((copy.mine, copy.owner_name) for copy in going)
    return f'{head}: {", ".join(_to_whose_trash(mine, name, n) for (mine, name), n in owners.items())}.'


def _to_whose_trash(mine: bool, name: str, count: int) -> str:
    whose = 'your' if mine else f"{name}'s"
    go = 'copy goes' if count == 1 else f'{count} copies go'
    return f'{whose} {go} to {whose} trash'


def _action_label(going: int) -> str:
    return f'Move {going} to the trash' if going else 'Keep it'


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


async def _resolve_answering(hearth: Hearth, actor: Actor, group: ShownGroup, keeper_id: uuid.UUID):
    """Resolve, asking each question the service raises (nothing has changed when it asks) until it can go ahead."""
    let_lose: list[uuid.UUID] = []
    asked: set[tuple] = set()
    while True:
        try:
            return await duplicates.resolve(hearth, actor, group.ids, keeper_id, let_spaces_lose=tuple(let_lose))
        except duplicates.NeedsAnswer as needs:
            question = needs.questions[0]
            key = (question.space_id, question.asset_id, keeper_id)
            if key in asked:  # the same question after its answer: stop rather than ask forever
                ui.notify('Hearth could not resolve this group', type='negative')
                return None
            asked.add(key)
            answer = await _ask(group, question)
            if answer is None:
                return None
            if answer == KEEP_INSTEAD:
                keeper_id = question.asset_id
            else:
                let_lose.append(question.space_id)
        except HearthError as error:
            ui.notify(str(error), type='negative', multi_line=True)
            return None


async def _ask(group: ShownGroup, question) -> str | None:
    space = question.space_name
    copy = group.copy_of(question.asset_id)
    whose = _capital(copy.whose) if copy else 'A copy'
    with ui.dialog() as dialog, ui.card().classes('w-[28rem] max-w-full').props('data-testid=duplicate-question'):
        ui.label(f'“{space}” would lose this photo').classes('text-lg font-semibold')
        ui.label(
            f'{whose} is in “{space}”, where you cannot remove photos. If it goes to the trash, “{space}” no '
            'longer has this photo.'
        ).classes('text-stone-600')
        with ui.column().classes('w-full gap-2 items-stretch'):
            ui.button(f'Keep the copy in {space} instead', on_click=lambda: dialog.submit(KEEP_INSTEAD)).props(
                'unelevated no-caps color=primary data-testid=keep-instead'
            ).mark('keep-instead')
            ui.button(f'Let {space} lose it', on_click=lambda: dialog.submit(LET_LOSE)).props(
                'outline no-caps color=negative data-testid=let-lose'
            ).mark('let-lose')
            ui.button('Cancel', on_click=lambda: dialog.submit(None)).props('flat no-caps').mark('question-cancel')
    return await ask(dialog)


def outcome(result) -> str:
    """As the member reads it: "Kept 1, 2 moved to the trash" (and how many stayed)."""
    words = f'Kept 1, {len(result.trashed)} moved to the trash'
    return f'{words}, {len(result.stayed)} stayed' if result.stayed else words


def _tell(hearth: Hearth, actor: Actor, result, keeper: ShownCopy, on_undone: Callable[[], Awaitable[None]]) -> None:
    client = ui.context.client  # the Undo button is gone by the time its answer is told

    async def undo() -> None:
        with client:
            try:
                restored = await duplicates.undo(hearth, actor, result.resolution_id)
            except HearthError as error:
                ui.notify(str(error), type='negative', multi_line=True)
                return
            ui.notify(f'{_copies(restored)} back from the trash', type='positive')
            await on_undone()

    if result.resolution_id is None:  # resolved before: nothing changed now, nothing to undo
        ui.notify(outcome(result))
    else:
        undo_notice(outcome(result), undo)
    if result.stayed:  # at the top: the Undo bar holds the bottom
        ui.notify(' '.join(stayed.why for stayed in result.stayed), position='top', multi_line=True)
    if joined := [space.name for space in result.joined_spaces]:
        ui.notify(f'The photo you kept is now also in {", ".join(joined)}', position='top', type='positive')


def _copies(count: int) -> str:
    return f'{count} {"copy" if count == 1 else "copies"}'
