"""One album: its photos, who shares it, what the owner and members may do with it, and its comments and likes."""

import uuid

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.access import TrustLevel
from domain.albums import AlbumAction
from domain.errors import NotFound
from services import albums, runtime
from services.accounts import Actor
from services.albums import Activity, AlbumDetail, AlbumMemberView
from ui.albums import AlbumShareDialog, TextDialog, album_lines
from ui.components.avatar import person_avatar
from ui.components.local_date import LocalDate
from ui.components.member_picker import confirm_fewer_rights
from ui.components.selection_bar import SelectionAction, SelectionBar
from ui.components.timeline_grid import TimelineGrid
from ui.downloads import download_album, may_download_album
from ui.frame import frame
from ui.map_page import MapTab, MapView, photos_or_map
from ui.session import require_sign_in
from ui.sharing import lost_lines
from ui.theme import ask, attempt, confirm, plural

PHOTOS_HEIGHT = 'height: calc(100vh - 150px - var(--hearth-bottom-nav, 0px))'


async def album_page(album_id: str):
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    try:
        detail = await albums.get_album(runtime.current(), actor, uuid.UUID(album_id))
    except (ValueError, NotFound):
        return RedirectResponse('/albums')
    page = AlbumView(actor, detail)
    await page.load()


class AlbumView:
    def __init__(self, actor: Actor, detail: AlbumDetail):
        self.actor, self.hearth, self.detail = actor, runtime.current(), detail
        self.album_id = detail.album.id
        self.selected: set[uuid.UUID] = set()
        self.loaded = False
        with frame(actor, detail.album.name, current='/albums'), ui.column().classes('w-full p-3 sm:p-4 gap-3'):
            self.spinner = ui.spinner(size='lg').classes('fixed top-20 right-6 z-50')
            self.header = ui.column().classes('w-full gap-2')
            self.selection_bar = self._selection_bar()
            with ui.element('div').classes('w-full flex flex-col lg:flex-row gap-4 items-start'):
                with ui.column().classes('flex-1 min-w-0 w-full gap-3').props('data-testid=album-photos'):
                    photos_or_map(self._switch_tab)
                    with ui.column().classes('w-full gap-3 p-0') as self.photos:
                        self.empty = self._empty_state()
                        self.grid = self._grid()
                    self.places = MapTab(self._map).classes('w-full').style(PHOTOS_HEIGHT)
                self.activity = ui.card().props('flat bordered').classes('w-full lg:w-80 shrink-0 gap-2')

    @property
    def is_owner(self) -> bool:
        return self.detail.album.is_mine

    async def load(self) -> None:
        self.spinner.visible = True
        try:
            self.detail = await albums.get_album(self.hearth, self.actor, self.album_id)
            activity = await albums.list_activity(self.hearth, self.actor, self.album_id)
        except NotFound:
            ui.notify('This album is no longer shared with you', type='warning')
            ui.navigate.to('/albums')
            return
        self._render_header()
        self._render_photos()
        self._render_activity(activity)
        self._show_selection()
        self.spinner.visible = False

    async def _run(self, operation, done: str | None = None):
        """Await a service call (see `ui.theme.attempt`)."""
        return await attempt(operation, done)

    # ---- header --------------------------------------------------------------------------------------------------

    def _render_header(self) -> None:
        album = self.detail.album
        ui.page_title(f'{album.name} · Hearth')
        self.header.clear()
        with self.header:
            with ui.row().classes('w-full items-center gap-1 no-wrap'):
                ui.button(icon='arrow_back', on_click=lambda: ui.navigate.to('/albums')).props(
                    'flat round dense aria-label="All albums"'
                )
                ui.label(album.name).classes('text-2xl font-semibold break-words min-w-0 flex-1').mark('album-name')
                if may_download_album(album):
                    ui.button(icon='download', on_click=lambda: download_album(self.actor, self.album_id)).props(
                        'flat round aria-label="Download all"'
                    ).tooltip('Download all').mark('album-download-all')
                if self.is_owner:
                    self._owner_actions()
                else:
                    ui.button(icon='logout', on_click=self.leave).props('flat round aria-label="Leave album"').tooltip(
                        'Leave album'
                    ).mark('album-leave')
            if album.description:
                ui.label(album.description).classes('text-stone-700 whitespace-pre-line').mark('album-description')
            ui.label(self._facts()).classes('text-sm text-stone-500').mark('album-facts')
            self._members()
            if not self.is_owner:
                self._timeline_choice()

    def _timeline_choice(self) -> None:
        with ui.column().classes('gap-0'):
            shown = bool(self.detail.album.show_in_timeline)
            ui.switch('Show in my timeline', value=shown, on_change=self.show_in_timeline).mark('album-timeline')
            ui.label('Album photos stay here, apart from your timeline, unless you turn this on.').classes(
                'text-xs text-stone-500 pl-2'
            ).mark('album-timeline-hint')

    def _facts(self) -> str:
        album = self.detail.album
        owner = 'you' if self.is_owner else album.owner_name
        facts = [plural(album.asset_count, 'item'), f'Owned by {owner}']
        facts += [f'{c.name} added {c.asset_count}' for c in self.detail.contributors]
        return ' · '.join(facts)

    def _owner_actions(self) -> None:
        share = ui.button(icon='person_add', on_click=self.share).props(
            'unelevated color=primary aria-label="Share" data-testid=album-share'
        )
        with share.mark('album-share'):
            ui.label('Share').classes('ml-2 max-sm:hidden')  # icon only on phones, where the name needs the room
        ui.button(icon='link', on_click=self.share_link).props('flat round aria-label="Share link"').tooltip(
            'Share link'
        ).mark('album-link')
        with ui.button(icon='more_vert').props('flat round aria-label="More"').mark('album-more'), ui.menu():
            ui.menu_item('Rename', self.rename).mark('album-rename')
            ui.menu_item('Edit description', self.describe).mark('album-describe')
            ui.separator()
            ui.menu_item('Delete album', self.delete).classes('text-negative').mark('album-delete')

    def _members(self) -> None:
        members = self.detail.members
        if not members:
            if self.is_owner:
                ui.label('Only you see this album. Share it with family.').classes('text-sm text-stone-500')
            return
        with ui.row().classes('w-full gap-2 items-center'):
            ui.label('Shared with').classes('text-sm text-stone-500')
            for member in members:
                self._member_chip(member)

    def _member_chip(self, member: AlbumMemberView) -> None:
        chip = ui.row().classes('items-center gap-1 no-wrap rounded-full bg-stone-100 pl-1 pr-2 py-0.5')
        with chip.mark(f'member-{member.email}'):
            person_avatar(member.name, 'sm')
            ui.label('You' if member.user_id == self.actor.id else member.name).classes('text-sm')
            if not self.is_owner:
                ui.label(f'· {member.trust_level.label}').classes('text-xs text-stone-500')
                return
            self._member_menu(member)

    def _member_menu(self, member: AlbumMemberView) -> None:
        label = f'flat round dense size=sm aria-label="Change {member.name}"'
        with ui.button(icon='expand_more').props(label).mark(f'member-menu-{member.email}'), ui.menu():
            for level in TrustLevel:
                ui.menu_item(level.label, lambda level=level: self.change_trust(member, level)).props(
                    'active' if level == member.trust_level else ''
                ).mark(f'trust-{member.email}-{level.value}')
            ui.separator()
            ui.menu_item(f'Remove {member.name}', lambda: self.remove_member(member)).mark(f'remove-{member.email}')

    # ---- photos --------------------------------------------------------------------------------------------------

    def _grid(self) -> TimelineGrid:
        grid = TimelineGrid(api_base=f'/api/albums/{self.album_id}/timeline').mark('album-grid')
        grid.style(PHOTOS_HEIGHT)
        grid.on('open', lambda e: self.open(uuid.UUID(e.args['id'])))
        grid.on('selection', self._selection)
        return grid

    def _render_photos(self) -> None:
        """Show the grid, or the empty state; after a change, the grid fetches the album again."""
        count = self.detail.album.asset_count
        self.empty.visible, self.grid.visible = count == 0, count > 0
        if self.loaded:
            self.grid.reload()
        self.loaded = True

    def _empty_state(self) -> ui.column:
        can_add = AlbumAction.ADD_ASSETS in self.detail.album.actions
        hint = 'Select photos in Photos and choose “Add to album”.' if can_add else 'Photos added to it show here.'
        with ui.column().classes('w-full items-center py-12 gap-2 text-center') as empty:
            ui.icon('add_photo_alternate').classes('text-6xl text-stone-300')
            ui.label('This album is empty').classes('text-lg font-medium').mark('album-empty')
            ui.label(hint).classes('text-stone-500')
        return empty

    def open(self, asset_id: uuid.UUID | str) -> None:
        ui.navigate.to(f'/photo/{asset_id}?album={self.album_id}')

    def _switch_tab(self, event) -> None:
        self.photos.visible = event.value == 'photos'
        self.places.show(event.value == 'map')

    def _map(self) -> MapView:
        return MapView(f'/api/albums/{self.album_id}/map', self.open)

    # ---- selection -----------------------------------------------------------------------------------------------

    def _selection_bar(self) -> SelectionBar:
        actions = [
            SelectionAction('Remove from album', 'remove_circle_outline', self.remove_selected, 'remove-from-album')
        ]
        if may_download_album(self.detail.album):
            actions.append(SelectionAction('Download', 'download', self.download_selected, 'download-selected'))
        cover = SelectionAction('Set as cover', 'wallpaper', self.set_cover, 'set-cover', shown=self._may_set_cover)
        return SelectionBar([*actions, cover], on_clear=self._clear, labelled=True).classes('self-start flex-wrap')

    def _may_set_cover(self, count: int) -> bool:
        return self.is_owner and count == 1

    def _selection(self, event) -> None:
        self.selected = {uuid.UUID(asset_id) for asset_id in event.args.get('ids', [])}
        self._show_selection()

    def _show_selection(self) -> None:
        self.selection_bar.show(len(self.selected))

    def _clear(self) -> None:
        self.grid.clear_selection()

    async def remove_selected(self) -> None:
        n = plural(len(self.selected), 'item')
        if not await confirm(
            f'Remove {n} from this album?', 'They stay in their libraries; nothing is deleted.', 'Remove'
        ):
            return
        if await self._run(albums.remove_assets(self.hearth, self.actor, self.album_id, self.selected)):
            ui.notify(f'{n} removed from the album', type='positive')
            self.selected.clear()
            await self.load()

    async def download_selected(self) -> None:
        await download_album(self.actor, self.album_id, self.selected)

    async def set_cover(self) -> None:
        (asset_id,) = self.selected
        if await self._run(albums.update_album(self.hearth, self.actor, self.album_id, cover_asset_id=asset_id)):
            ui.notify('Cover set', type='positive')
            self.selected.clear()
            await self.load()

    # ---- owner ---------------------------------------------------------------------------------------------------

    async def rename(self) -> None:
        name = await ask(TextDialog('Rename album', 'Album name', value=self.detail.album.name, action='Rename'))
        if name is not None and await self._run(
            albums.update_album(self.hearth, self.actor, self.album_id, name=name), 'Album renamed'
        ):
            await self.load()

    async def describe(self) -> None:
        text = await ask(
            TextDialog('Album description', 'Description', self.detail.album.description or '', multiline=True)
        )
        if text is not None and await self._run(
            albums.update_album(self.hearth, self.actor, self.album_id, description=text), 'Description saved'
        ):
            await self.load()

    async def share(self) -> None:
        members = [member.user_id for member in self.detail.members]
        choice = await ask(AlbumShareDialog(self.detail.album.name, self.actor, members))
        if not choice:
            return
        member = await self._run(albums.share_album(self.hearth, self.actor, self.album_id, *choice))
        if member:
            ui.notify(f'Shared with {member.name} as {member.trust_level.label.lower()}', type='positive')
            await self.load()

    async def share_link(self) -> None:
        try:
            from ui.link_dialog import open_link_dialog  # built separately; the album page works without it
        except ImportError:
            ui.notify('Links are not available yet')
            return
        await open_link_dialog(album_id=self.album_id)

    async def change_trust(self, member: AlbumMemberView, level: TrustLevel) -> None:
        old = member.trust_level
        lost = [line for line in album_lines(old) if line not in album_lines(level)] + lost_lines(old, level)
        if level == old or not await confirm_fewer_rights(member.name, level.label, lost):
            return
        if await self._run(
            albums.change_member_trust(self.hearth, self.actor, self.album_id, member.user_id, level.value),
            f'{member.name} is now a {level.label.lower()}',
        ):
            await self.load()

    async def remove_member(self, member: AlbumMemberView) -> None:
        if await confirm(
            f'Remove {member.name} from this album?',
            f'{member.name} loses access to it at once; the photos they added stay.',
            'Remove',
        ) and await self._run(
            albums.remove_member(self.hearth, self.actor, self.album_id, member.user_id),
            f'{member.name} no longer sees this album',
        ):
            await self.load()

    async def delete(self) -> None:
        name = self.detail.album.name
        if await confirm(
            f'Delete the album “{name}”?',
            'The photos stay in their libraries; only the album, its sharing and its comments go.',
            'Delete album',
        ) and await self._run(albums.delete_album(self.hearth, self.actor, self.album_id), f'Album “{name}” deleted'):
            ui.navigate.to('/albums')

    # ---- member --------------------------------------------------------------------------------------------------

    async def show_in_timeline(self, event) -> None:
        where = 'on' if event.value else 'off'
        await self._run(
            albums.show_in_timeline(self.hearth, self.actor, self.album_id, bool(event.value)),
            f'This album is {where} your timeline',
        )

    async def leave(self) -> None:
        name = self.detail.album.name
        if await confirm(
            f'Leave “{name}”?',
            f'You will no longer see it unless {self.detail.album.owner_name} shares it again.',
            'Leave',
        ) and await self._run(albums.leave_album(self.hearth, self.actor, self.album_id), f'You left “{name}”'):
            ui.navigate.to('/albums')

    # ---- comments and likes --------------------------------------------------------------------------------------

    def _render_activity(self, activity: list[Activity]) -> None:
        likes = [a for a in activity if a.kind == 'like']
        comments = [a for a in activity if a.kind == 'comment']
        mine = next((a for a in likes if a.author_id == self.actor.id), None)
        self.activity.clear()
        with self.activity:
            with ui.row().classes('w-full items-center gap-1 no-wrap'):
                ui.label('Comments').classes('text-lg font-medium')
                ui.space()
                ui.label(', '.join(a.author_name for a in likes)).classes('text-sm text-stone-500 truncate').mark(
                    'album-likes'
                )
                ui.button(
                    icon='favorite' if mine else 'favorite_border', on_click=self.unlike if mine else self.like
                ).props(f'flat round color=negative aria-label="{"Unlike" if mine else "Like"}"').mark('album-like')
            if not comments:
                ui.label('No comments yet.').classes('text-sm text-stone-500')
            for comment in comments:
                self._comment(comment)
            with ui.row().classes('w-full items-end no-wrap gap-1'):
                self.comment_input = (
                    ui.textarea(placeholder='Add a comment')
                    .props('outlined dense autogrow')
                    .classes('flex-1')
                    .mark('comment-input')
                )
                ui.button(icon='send', on_click=self.add_comment).props(
                    'flat round color=primary aria-label="Send comment"'
                ).mark('comment-send')

    def _comment(self, comment: Activity) -> None:
        with ui.row().classes('w-full no-wrap items-start gap-2').mark(f'comment-{comment.id}'):
            person_avatar(comment.author_name, 'sm')
            with ui.column().classes('gap-0 flex-1 min-w-0'):
                with ui.row().classes('gap-2 items-baseline'):
                    ui.label(comment.author_name).classes('text-sm font-medium')
                    LocalDate(comment.created_at, 'since').classes('text-xs text-stone-500')
                ui.label(comment.text).classes('text-sm whitespace-pre-line break-words')
            if comment.deletable:
                ui.button(icon='delete_outline', on_click=lambda: self.delete_comment(comment)).props(
                    'flat round dense size=sm aria-label="Delete comment"'
                ).mark(f'delete-comment-{comment.id}')

    async def add_comment(self) -> None:
        text = self.comment_input.value
        if await self._run(albums.add_comment(self.hearth, self.actor, self.album_id, text)):
            await self._reload_activity()

    async def like(self) -> None:
        if await self._run(albums.like(self.hearth, self.actor, self.album_id)):
            await self._reload_activity()

    async def unlike(self) -> None:
        if await self._run(albums.unlike(self.hearth, self.actor, self.album_id)):
            await self._reload_activity()

    async def delete_comment(self, comment: Activity) -> None:
        if await confirm('Delete this comment?', f'“{comment.text}” will be gone for everyone.', 'Delete') and (
            await self._run(albums.delete_activity(self.hearth, self.actor, self.album_id, comment.id))
        ):
            await self._reload_activity()

    async def _reload_activity(self) -> None:
        activity = await self._run(albums.list_activity(self.hearth, self.actor, self.album_id))
        if activity is not None:
            self._render_activity(activity)
