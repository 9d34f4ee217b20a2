"""The Sharing page: my library shared with partners and theirs with me, albums shared both ways, and my public
links with their settings."""

import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.access import ROLE_PERMISSIONS, Permission, TrustLevel
from domain.errors import HearthError
from services import albums, links, runtime, sharing
from services.accounts import Actor
from services.albums import AlbumSummary
from services.links import LinkView
from services.sharing import Partner
from ui.components.avatar import person_avatar
from ui.components.member_picker import MemberPicker, confirm_fewer_rights
from ui.frame import frame
from ui.link_dialog import absolute_url, copy_link
from ui.session import require_sign_in
from ui.theme import ask, confirm, plural

P = Permission
# What each permission means to a family member, in the order the share dialog lists them.
PERMISSION_TEXT = {
    P.VIEW: 'See your photos and videos, with their locations',
    P.DOWNLOAD: 'Download originals',
    P.FAVORITE: 'Favorite them, for themselves',
    P.RATE: 'Rate them, for themselves',
    P.ARCHIVE: 'Archive them from their own timeline',
    P.ADD_TO_ALBUM: 'Add them to their albums',
    P.NAME_PEOPLE: 'Name people in them, for themselves',
    P.EDIT_DATE: 'Correct dates',
    P.EDIT_GPS: 'Correct locations',
    P.EDIT_DESCRIPTION: 'Edit descriptions',
    P.EDIT_TAGS: 'Edit tags',
    P.TRASH: 'Move them to your trash (you can restore them)',
    P.RESTORE: 'Restore them from your trash',
    P.REPLACE: 'Replace a file with a new version',
    P.REFRESH_METADATA: 'Refresh metadata and faces',
    P.RESOLVE_DUPLICATES: 'Resolve duplicates',
}


def permission_lines(level: TrustLevel) -> list[str]:
    granted = ROLE_PERMISSIONS[level.role]
    return [text for permission, text in PERMISSION_TEXT.items() if permission in granted]


def lost_lines(old: TrustLevel, new: TrustLevel) -> list[str]:
    """What a member at `old` may do to the photos and no longer at `new`."""
    kept = set(permission_lines(new))
    return [line for line in permission_lines(old) if line not in kept]


async def sharing_page():
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    page = SharingView(actor)
    await page.refresh()


class SharingView:
    def __init__(self, actor: Actor):
        self.actor, self.hearth = actor, runtime.current()
        with frame(actor, 'Sharing', current='/sharing'), ui.column().classes('w-full max-w-3xl mx-auto p-4 gap-6'):
            with ui.row().classes('w-full items-center'):
                ui.label('Sharing').classes('text-2xl font-semibold')
                ui.space()
                ui.button('Share my library', icon='share', on_click=self.share).props('unelevated color=primary').mark(
                    'share-library'
                )
            ui.label('People who see my library').classes('text-lg font-medium')
            self.mine = ui.column().classes('w-full gap-2')
            ui.label('Libraries shared with me').classes('text-lg font-medium')
            self.theirs = ui.column().classes('w-full gap-2')
            ui.label('Shared albums').classes('text-lg font-medium')
            self.albums = ui.column().classes('w-full gap-2').mark('shared-albums')
            ui.label('My links').classes('text-lg font-medium')
            self.links = ui.column().classes('w-full gap-2').mark('my-links')

    async def refresh(self) -> None:
        await self._refresh_partners()
        await self._refresh_albums()
        await self._refresh_links()

    async def _refresh_partners(self) -> None:
        partners = await sharing.list_partners(self.hearth, self.actor)
        self.mine.clear()
        with self.mine:
            if not partners.shared_by_me:
                ui.label('Nobody yet. Share your library with someone close.').classes('text-stone-500')
            for partner in partners.shared_by_me:
                self._my_partner(partner)
        self.theirs.clear()
        with self.theirs:
            if not partners.shared_with_me:
                ui.label('Nobody shares a library with you yet.').classes('text-stone-500')
            for partner in partners.shared_with_me:
                self._their_library(partner)

    @staticmethod
    @contextmanager
    def _partner_row(partner: Partner, note: str = '') -> Iterator[None]:
        """A card with the partner's name; what is built inside the block goes on the right, or below on phones."""
        card = ui.card().classes('w-full').props('flat bordered').mark(f'partner-{partner.email}')
        with card, ui.row().classes('w-full items-center gap-3'):
            person_avatar(partner.name)
            with ui.column().classes('gap-0 flex-1 min-w-[10rem]'):
                ui.label(partner.name).classes('font-medium')
                ui.label(partner.email).classes('text-sm text-stone-500 truncate w-full')
                if note:
                    ui.label(note).classes('text-sm text-stone-500')
            with ui.row().classes('items-center gap-2 ml-auto'):
                yield

    def _my_partner(self, partner: Partner) -> None:
        with self._partner_row(partner):
            ui.select(
                {level.value: level.label for level in TrustLevel},
                value=partner.trust_level.value,
                on_change=lambda e, p=partner: self.change_trust(p, e.value),
            ).props('dense outlined').classes('w-56').mark(f'trust-{partner.email}')
            ui.button(icon='link_off', on_click=lambda p=partner: self.stop(p)).props(
                f'flat round color=negative aria-label="Stop sharing with {partner.name}"'
            ).mark(f'stop-{partner.email}')

    def _their_library(self, partner: Partner) -> None:
        with self._partner_row(partner, note=f'Trusts you as: {partner.trust_level.label}'):
            ui.switch(
                'On my timeline',
                value=partner.show_in_timeline,
                on_change=lambda e, p=partner: self.show(p, e.value),
            ).mark(f'timeline-{partner.email}')

    # ---- albums -------------------------------------------------------------------------------------------------

    async def _refresh_albums(self) -> None:
        shared = [album for album in await albums.list_albums(self.hearth, self.actor) if album.member_count]
        self.albums.clear()
        with self.albums:
            if not shared:
                ui.label('No shared albums yet. Open an album to share it with someone.').classes('text-stone-500')
            for album in shared:
                note = await self._members_note(album) if album.is_mine else self._owner_note(album)
                with self._album_row(album):
                    ui.label(note).classes('text-sm text-stone-500')

    async def _members_note(self, album: AlbumSummary) -> str:
        members = (await albums.get_album(self.hearth, self.actor, album.id)).members
        names = ', '.join(f'{member.name} ({member.trust_level.label.lower()})' for member in members)
        return f'Shared with {names}'

    @staticmethod
    def _owner_note(album: AlbumSummary) -> str:
        return f'Shared with you by {album.owner_name} · you are a {album.my_trust_level.label.lower()}'

    @staticmethod
    @contextmanager
    def _album_row(album: AlbumSummary) -> Iterator[None]:
        card = ui.card().classes('w-full').props('flat bordered').mark(f'album-{album.name}')
        with card, ui.row().classes('w-full items-center gap-3 no-wrap'):
            ui.icon('photo_album').classes('text-2xl text-amber-800')
            with ui.column().classes('gap-0 min-w-0'):
                ui.link(album.name, f'/albums/{album.id}').classes('font-medium no-underline text-stone-800')
                yield

    # ---- links --------------------------------------------------------------------------------------------------

    async def _refresh_links(self) -> None:
        mine = await links.list_links(self.hearth, self.actor)
        self.links.clear()
        with self.links:
            if not mine:
                ui.label('No links yet. Open an album and choose Share link.').classes('text-stone-500')
            for link in mine:
                self._link_row(link)

    def _link_row(self, link: LinkView) -> None:
        title = link.label or link.album_name or link.space_name or 'Selected photos'
        target = _link_target(link)
        card = ui.card().classes('w-full gap-2').props(f'flat bordered data-testid=link-{link.id}')
        with card.mark(f'link-{title}'):
            with ui.row().classes('w-full items-center gap-2 no-wrap'):
                ui.icon('link').classes('text-2xl text-amber-800')
                with ui.column().classes('gap-0 flex-1 min-w-0'):
                    ui.label(title).classes('font-medium truncate w-full')
                    ui.label(f'{target} · {plural(link.asset_count, "photo")}').classes('text-sm text-stone-500')
                ui.button(icon='content_copy', on_click=lambda: copy_link(absolute_url(link.url))).props(
                    'flat round aria-label="Copy link"'
                ).mark(f'copy-{link.id}')
                ui.button(icon='link_off', on_click=lambda: self.revoke(link)).props(
                    'flat round color=negative aria-label="Revoke link"'
                ).mark(f'revoke-{link.id}')
            with ui.row().classes('gap-1'):
                for icon, text in link_chips(link):
                    ui.chip(text, icon=icon).props('dense outline').classes('text-xs')

    async def revoke(self, link: LinkView) -> None:
        name = link.label or link.album_name or link.space_name or 'this link'
        if await confirm(f'Revoke {name}?', 'Anyone opening it will be told it no longer exists.', 'Revoke'):
            await self._run(links.revoke_link(self.hearth, self.actor, link.id), 'The link no longer works')

    # ---- partners -----------------------------------------------------------------------------------------------

    async def share(self) -> None:
        partners = await sharing.list_partners(self.hearth, self.actor)
        choice = await ask(ShareDialog(self.actor, [partner.user_id for partner in partners.shared_by_me]))
        if choice:
            await self._run(sharing.share_library(self.hearth, self.actor, *choice), 'Your library is now shared')

    async def change_trust(self, partner: Partner, level: str) -> None:
        new = TrustLevel(level)
        if new == partner.trust_level:
            return
        if await confirm_fewer_rights(partner.name, new.label, lost_lines(partner.trust_level, new)):
            await self._run(
                sharing.change_trust_level(self.hearth, self.actor, partner.user_id, level),
                f'{partner.name} is now a {new.label.lower()}',
            )
        else:
            await self.refresh()  # puts their level back in the menu

    async def stop(self, partner: Partner) -> None:
        if await confirm(
            f'Stop sharing with {partner.name}?',
            f'{partner.name} loses access to your whole library at once.',
            'Stop sharing',
        ):
            await self._run(
                sharing.stop_sharing(self.hearth, self.actor, partner.user_id),
                f'{partner.name} no longer sees your library',
            )

    async def show(self, partner: Partner, shown: bool) -> None:
        where = 'on' if shown else 'off'
        await self._run(
            sharing.show_in_timeline(self.hearth, self.actor, partner.user_id, shown),
            f"{partner.name}'s photos are {where} your timeline",
        )

    async def _run(self, operation, done: str) -> None:
        try:
            await operation
        except HearthError as error:
            ui.notify(str(error), type='negative')
        else:
            ui.notify(done, type='positive')
        await self.refresh()


def link_chips(link: LinkView) -> list[tuple[str, str]]:
    """(icon, text) for each setting of a link, as its creator scans them."""
    if link.expired:
        expiry = ('timer_off', 'Expired')
    elif link.expires_at:
        expiry = ('timer', f'Expires on {link.expires_at.astimezone():%-d %b %Y}')
    else:
        expiry = ('all_inclusive', 'Never expires')
    chips = [('lock', 'Password')] if link.has_password else []
    chips += [
        expiry,
        ('download', 'Downloads') if link.allow_download else ('file_download_off', 'No downloads'),
        ('info', 'Details shown') if link.show_metadata else ('visibility_off', 'Details hidden'),
    ]
    return chips + ([('cloud_upload', 'Guests can upload')] if link.allow_upload else [])


class ShareDialog(ui.dialog):
    """Asks whom to share with (a member who does not see my library yet) and how much to trust them; resolves to
    (email, trust level) or None."""

    def __init__(self, actor: Actor, exclude: Collection[uuid.UUID]):
        super().__init__()
        with self, ui.card().classes('w-[30rem] max-w-full gap-3').props('data-testid=share-dialog'):
            ui.label('Share my library').classes('text-lg font-semibold')
            ui.label('They will see all your photos and videos except what you archive or delete.').classes(
                'text-sm text-stone-500'
            )
            self.picker = MemberPicker(actor, exclude)
            ui.label('How much do you trust them?').classes('font-medium')
            self.level = ui.radio(
                {level.value: level.label for level in TrustLevel},
                value=TrustLevel.KNOWN.value,
                on_change=lambda: self.permissions.refresh(),
            ).mark('share-trust')
            with ui.expansion('What they will be able to do').classes('w-full').mark('share-permissions'):
                self.permissions()
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
                share = ui.button('Share', on_click=self._share).props('unelevated color=primary')
                share.mark('share-confirm').set_enabled(False)
            self.picker.on_pick = lambda entry: share.set_enabled(entry is not None)

    @ui.refreshable_method
    def permissions(self) -> None:
        for line in permission_lines(TrustLevel(self.level.value)):
            with ui.row().classes('items-center gap-2 no-wrap'):
                ui.icon('check').classes('text-positive')
                ui.label(line).classes('text-sm')

    def _share(self) -> None:
        self.submit((self.picker.picked.email, self.level.value))


def _link_target(link) -> str:
    if link.album_id:
        return f'Album “{link.album_name}”'
    if link.space_id:
        return f'Space “{link.space_name}”'
    return 'A selection'
