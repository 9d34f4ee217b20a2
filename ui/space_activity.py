"""A space's activity: who did what in it, newest first, in plain sentences."""

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from nicegui import ui

from domain.spaces import SpaceRole
from services import spaces
from services.accounts import Actor
from services.spaces import ActivityEntry
from ui.components.avatar import person_avatar
from ui.components.local_date import LocalDate
from ui.theme import plural

if TYPE_CHECKING:
    from ui.space_page import SpaceView

ACTIVITY_PAGE = 30


class ActivityFeed(ui.element):
    """The feed, a page at a time with "Show more"; hidden until the Activity tab shows it."""

    def __init__(self, page: 'SpaceView'):
        super().__init__('div')
        self.page = page
        self.before: datetime | None = None
        self.classes('absolute inset-0 overflow-y-auto')
        with self, ui.column().classes('w-full max-w-2xl mx-auto px-3 sm:px-4 py-3 gap-0'):
            self.feed = ui.column().classes('w-full gap-0').props('data-testid=activity-feed').mark('activity')
            self.more_button = (
                ui.button('Show more', on_click=self.load)
                .props('flat no-caps color=primary')
                .classes('self-center')
                .mark('activity-more')
            )
        self.visible = False

    async def reload(self) -> None:
        self.feed.clear()
        self.before = None
        await self.load()

    async def load(self) -> None:
        entries = await self.page.act(spaces.list_activity, self.before, ACTIVITY_PAGE)
        if entries is None:
            return
        now = datetime.now(UTC)
        with self.feed:
            for entry in entries:
                self._entry(entry, now)
        if entries:
            self.before = entries[-1].created_at
        self.more_button.visible = len(entries) == ACTIVITY_PAGE

    def _entry(self, entry: ActivityEntry, now: datetime) -> None:
        with ui.row().classes('w-full no-wrap items-start gap-3 py-3 border-b border-stone-100'):
            person_avatar(entry.actor_name or 'Someone', 'md').classes('shrink-0')
            with ui.column().classes('gap-1 flex-1 min-w-0'):
                ui.label(activity_sentence(entry, self.page.actor)).classes('text-[15px] break-words').mark(
                    f'activity-{entry.kind}'
                )
                recent = ago(entry.created_at, now)
                when = ui.label(recent) if recent else LocalDate(entry.created_at)
                with when.classes('text-xs text-stone-500'), ui.tooltip():
                    LocalDate(entry.created_at, 'datetime')
                if entry.asset_ids:
                    with ui.element('div').classes('grid grid-cols-6 gap-1 w-full max-w-md mt-1'):
                        for asset_id in entry.asset_ids:
                            self._thumbnail(asset_id)

    def _thumbnail(self, asset_id: uuid.UUID) -> None:
        ui.element('img').props(f'src=/api/assets/{asset_id}/thumbnail loading=lazy alt="Photo"').classes(
            'aspect-square w-full object-cover rounded cursor-pointer bg-stone-100'
        ).on('click', lambda: ui.navigate.to(f'/photo/{asset_id}?space={self.page.space_id}'))


def _role(value: str) -> str:
    return SpaceRole(value).label if value in set(SpaceRole) else value


_SENTENCES = {
    'created': lambda who, d: f'{who} created the space',
    'renamed': lambda who, d: f'{who} renamed the space to “{d.get("new")}”',
    'assets_added': lambda who, d: f'{who} added {plural(d.get("count", 0), "photo")}',
    'assets_removed': lambda who, d: f'{who} removed {plural(d.get("count", 0), "photo")}',
    'member_added': lambda who, d: f'{who} added {d.get("name")} as {_role(d.get("role", ""))}',
    'role_changed': lambda who, d: f'{who} changed {d.get("name")}’s role to {_role(d.get("new", ""))}',
    'member_removed': lambda who, d: f'{who} removed {d.get("name")} from the space',
    'member_left': lambda who, d: (
        f'{d.get("name") or who} left' + (f' and took {plural(d["taken"], "photo")}' if d.get('taken') else '')
    ),
    'cover_changed': lambda who, d: f'{who} changed the cover',
    'library_connected': lambda who, d: f'{who} connected the library “{d.get("name")}”',
    'library_disconnected': lambda who, d: f'{who} disconnected the library “{d.get("name")}”',
    'duplicate_merged': lambda who, d: (
        f'{who} merged duplicates: kept one copy of a photo in place of {d.get("count", 1)} more'
    ),
    'link_created': lambda who, d: f'{who} shared the space by link' + (f' “{d["label"]}”' if d.get('label') else ''),
}


def _who(entry: ActivityEntry, reader: Actor | None) -> str:
    if reader is not None and entry.actor_id == reader.id:
        return 'You'
    return entry.actor_name or 'Someone'


def activity_sentence(entry: ActivityEntry, reader: Actor | None = None) -> str:
    who = _who(entry, reader)
    sentence = _SENTENCES.get(entry.kind)
    return sentence(who, entry.details) if sentence else f'{who}: {entry.kind.replace("_", " ")}'


def ago(moment: datetime, now: datetime) -> str | None:
    """How long ago, for the last week; None when a date reads better."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return 'just now'
    if seconds < 3600:
        return f'{plural(int(seconds // 60), "minute")} ago'
    if seconds < 86400:
        return f'{plural(int(seconds // 3600), "hour")} ago'
    days = int(seconds // 86400)
    if days < 2:
        return 'yesterday'
    if days < 7:
        return f'{days} days ago'
    return None
