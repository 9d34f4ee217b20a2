"""The admin's member management. It shows accounts and storage used, never anyone's photos."""

from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.errors import HearthError
from services import accounts, runtime
from services.accounts import Actor, Member
from ui.components.avatar import person_avatar
from ui.frame import frame
from ui.libraries import manage_folders
from ui.session import require_admin
from ui.theme import ask, confirm, human_size, plural

GB = 1024**3


async def members_page():
    actor = await require_admin()
    if isinstance(actor, RedirectResponse):
        return actor
    MembersView(actor)


class MembersView:
    def __init__(self, admin: Actor):
        self.admin, self.hearth = admin, runtime.current()
        with frame(admin, 'Members', current='/admin/members'), ui.column().classes('w-full max-w-4xl mx-auto p-4'):
            with ui.row().classes('w-full items-center'):
                ui.label('Members').classes('text-2xl font-semibold')
                ui.space()
                ui.button('Add member', icon='person_add', on_click=lambda: self.edit(None)).props(
                    'unelevated color=primary'
                ).mark('add-member')
            self.table = ui.column().classes('w-full gap-2')
        ui.timer(0, self.refresh, once=True)

    async def refresh(self) -> None:
        members = await accounts.list_members(self.hearth, self.admin)
        self.table.clear()
        with self.table:
            for member in members:
                self._row(member)

    def _row(self, member: Member) -> None:
        """Name, email and storage stacked beside the avatar; the buttons keep one line of their own, even on phones."""
        card = ui.card().classes('w-full px-3 py-2').props('flat bordered').mark(f'member-{member.email}')
        with card, ui.row().classes('w-full items-center gap-3 no-wrap'):
            person_avatar(member.name).classes('shrink-0')
            with ui.column().classes('gap-0 flex-1 min-w-0'):
                ui.label(member.name).classes('font-medium truncate w-full')
                ui.label(member.email).classes('text-sm text-stone-500 truncate w-full')
                with ui.row().classes('items-center gap-x-2 gap-y-0'):
                    ui.label(_usage(member)).classes('text-sm text-stone-500')
                    if member.is_admin:
                        ui.badge('Administrator', color='amber-2', text_color='amber-10')
                    if member.disabled:
                        ui.badge('Disabled', color='grey')
            with ui.row().classes('items-center gap-0 no-wrap shrink-0'):
                self._buttons(member)

    def _buttons(self, member: Member) -> None:
        ui.button(icon='folder_shared', on_click=lambda: manage_folders(self.admin, member)).props(
            f'flat round dense aria-label="Server folders of {member.name}"'
        ).mark(f'folders-{member.email}')
        ui.button(icon='edit', on_click=lambda: self.edit(member)).props(
            f'flat round dense aria-label="Edit {member.name}"'
        ).mark(f'edit-{member.email}')
        if member.id != self.admin.id:
            ui.button(icon='delete', on_click=lambda: self.delete(member)).props(
                f'flat round dense color=negative aria-label="Delete {member.name}"'
            ).mark(f'delete-{member.email}')

    async def edit(self, member: Member | None) -> None:
        values = await ask(MemberDialog(member))
        if not values:
            return
        try:
            if member is None:
                await accounts.create_user(self.hearth, self.admin, **values)
            else:
                await accounts.update_member(self.hearth, self.admin, member.id, **values)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        ui.notify('Member saved', type='positive')
        await self.refresh()

    async def delete(self, member: Member) -> None:
        message = f'{member.name} and their whole library ({human_size(member.used_bytes)}) will be deleted for good.'
        if not await confirm(f'Delete {member.name}?', message, 'Delete member'):
            return
        try:
            count = await accounts.delete_member(self.hearth, self.admin, member.id)
        except HearthError as error:
            ui.notify(str(error), type='negative')
            return
        ui.notify(f'{member.name} deleted with {plural(count, "item")}', type='positive')
        await self.refresh()


def _usage(member: Member) -> str:
    quota = f' of {human_size(member.quota_bytes)}' if member.quota_bytes is not None else ''
    return f'{human_size(member.used_bytes)}{quota} used'


class MemberDialog(ui.dialog):
    """Resolves to the fields to save, or None when cancelled."""

    def __init__(self, member: Member | None):
        super().__init__()
        self.member = member
        with self, ui.card().classes('w-[28rem] max-w-full gap-2'):
            ui.label('New member' if member is None else f'Edit {member.name}').classes('text-lg font-semibold')
            self.name = ui.input('Name', value=member.name if member else '').props('outlined').classes('w-full')
            self.email = ui.input('Email', value=member.email if member else '').props('outlined').classes('w-full')
            label = 'Password' if member is None else 'New password (leave empty to keep)'
            self.password = ui.input(label, password=True).props('outlined').classes('w-full')
            quota = member.quota_bytes / GB if member and member.quota_bytes is not None else None
            self.quota = ui.number('Storage quota in GB (empty: unlimited)', value=quota, min=0).props('outlined')
            self.quota.classes('w-full')
            self.is_admin = ui.checkbox('Administrator', value=member.is_admin if member else False)
            self.disabled = ui.checkbox('Disabled (cannot sign in)', value=member.disabled if member else False)
            self.disabled.visible = member is not None
            for field in ('name', 'email', 'password', 'quota'):
                getattr(self, field).mark(f'member-{field}')
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: self.submit(None)).props('flat')
                ui.button('Save', on_click=self._save).props('unelevated color=primary').mark('member-save')

    def _save(self) -> None:
        values = {
            'name': self.name.value,
            'email': self.email.value,
            'is_admin': self.is_admin.value,
            'quota_bytes': int(self.quota.value * GB) if self.quota.value not in (None, '') else None,
        }
        if self.member is None:
            values['password'] = self.password.value
        else:
            values['disabled'] = self.disabled.value
            if self.password.value:
                values['password'] = self.password.value
        self.submit(values)
