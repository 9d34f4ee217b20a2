"""Who is in a space and with what role: owners invite, change roles and take people out."""

from typing import TYPE_CHECKING

from nicegui import ui

from domain.spaces import SpaceAction, SpaceRole
from services import spaces
from services.accounts import DirectoryEntry
from services.spaces import MemberView
from ui.components.avatar import person_avatar
from ui.components.member_picker import MemberPicker, lowers
from ui.theme import confirm

if TYPE_CHECKING:
    from ui.space_page import SpaceView

ROLE_HELP = {
    SpaceRole.OWNER: 'Manage members and settings, delete the space',
    SpaceRole.EDITOR: 'Add their photos, remove any photo, set the cover, connect libraries',
    SpaceRole.CONTRIBUTOR: 'Add their own photos and take out what they added',
    SpaceRole.VIEWER: 'See the photos and favorite them for themselves',
}


class MembersDialog(ui.dialog):
    """Who is in the space and with what role; owners invite, change roles and take people out here."""

    def __init__(self, page: 'SpaceView'):
        super().__init__()
        self.page = page
        with self:
            self.body = ui.card().classes('w-[34rem] max-w-full gap-3').props('data-testid=members-dialog')

    def show(self) -> None:
        self.render()
        self.open()

    def render(self) -> None:
        manage = SpaceAction.MANAGE in self.page.actions
        members = self.page.detail.members
        self.body.clear()
        with self.body:
            with ui.row().classes('w-full items-center no-wrap'):
                ui.label(f'Members · {len(members)}').classes('text-lg font-semibold flex-1')
                ui.button(icon='close', on_click=self.close).props('flat round dense aria-label="Close"')
            if manage:
                self._invite_area(members)
                ui.label('In this space').classes('text-sm font-medium text-stone-500 pt-1')
            with ui.list().props('separator').classes('w-full max-h-[50vh] overflow-y-auto').mark('member-list'):
                for member in members:
                    self._member_row(member, manage)
            _role_help()

    def _invite_area(self, members: list[MemberView]) -> None:
        """Apart from the members' own role menus, so that choosing a newcomer's role never touches theirs."""
        area = ui.column().classes('w-full gap-2 rounded-lg border border-amber-200 bg-amber-50 p-3')
        with area.props('data-testid=invite-area').mark('invite-area'):
            ui.label('Invite someone').classes('font-medium')
            picker = MemberPicker(self.page.actor, exclude=[member.user_id for member in members])
            with ui.row().classes('w-full items-center gap-2 no-wrap') as joining:
                role = (
                    ui.select(_role_options(), value=SpaceRole.CONTRIBUTOR.value, label='Joins as')
                    .props('outlined dense options-dense bg-color=white data-testid=invite-role')
                    .classes('flex-1 min-w-0')
                    .mark('invite-role')
                )
                ui.button('Invite', on_click=lambda: self.invite(picker.picked, role.value)).props(
                    'unelevated color=primary data-testid=invite-send'
                ).mark('invite-send')
            joining.set_visibility(False)
            picker.on_pick = lambda entry: joining.set_visibility(entry is not None)

    def _member_row(self, member: MemberView, manage: bool) -> None:
        me = member.user_id == self.page.actor.id
        with ui.item().classes('px-1 gap-3').props('data-testid=member-row').mark(f'member-{member.email}'):
            with ui.item_section().props('avatar').classes('min-w-0 pr-0'):  # the item's gap spaces it
                person_avatar(member.name, 'md')
            with ui.item_section().classes('min-w-0'):
                ui.item_label(f'{member.name} (you)' if me else member.name).classes('truncate')
                ui.item_label(member.email).props('caption').classes('truncate')
            with ui.item_section().props('side'), ui.row().classes('items-center no-wrap gap-1'):
                if not manage:
                    ui.label(member.role.label).classes('text-sm text-stone-600').mark(f'role-{member.email}')
                    return
                ui.select(
                    _role_options(), value=member.role.value, on_change=lambda e: self.change_role(member, e.value)
                ).props(
                    f'dense borderless options-dense aria-label="Role of {member.name}" data-testid=member-role'
                ).classes('w-28').mark(f'role-{member.email}')
                if not me:
                    ui.button(icon='person_remove', on_click=lambda: self.remove_member(member)).props(
                        f'flat round dense aria-label="Remove {member.name}"'
                    ).mark(f'remove-{member.email}')

    async def invite(self, entry: DirectoryEntry, role: str) -> None:
        """`entry` is who the picker holds: the Invite button shows only once someone is picked."""
        member = await self.page.act(spaces.add_member, entry.email, role)
        if member:
            ui.notify(f'{member.name} joined as {member.role.label}', type='positive')
            await self._changed()

    async def change_role(self, member: MemberView, role: str) -> None:
        new = SpaceRole(role)
        if new != member.role and (not lowers(member.role, new) or await self._fewer_rights_ok(member, new)):
            changed = await self.page.act(spaces.change_role, member.user_id, role)
            if changed:
                ui.notify(f'{member.name} is now {changed.role.label}', type='positive')
        await self._changed()  # also puts a refused or cancelled choice back

    async def _fewer_rights_ok(self, member: MemberView, new: SpaceRole) -> bool:
        if member.user_id == self.page.actor.id:
            return await confirm(
                f'Make yourself {with_article(new.label.lower())}?',
                'You will no longer manage this space’s members and settings; only another owner can make you an '
                'owner again.',
                f'Make me {with_article(new.label.lower())}',
            )
        can = ROLE_HELP[new][0].lower() + ROLE_HELP[new][1:]
        owner = ' They will no longer manage members and settings.' if member.role is SpaceRole.OWNER else ''
        return await confirm(
            f'Make {member.name} {with_article(new.label.lower())}?',
            f'{member.name} will only be able to {can}.{owner}',
            f'Make {new.label}',
        )

    async def remove_member(self, member: MemberView) -> None:
        if await confirm(
            f'Remove {member.name} from this space?',
            f'{member.name} loses access at once. The photos they added stay; their connected libraries leave.',
            'Remove',
        ) and await self.page.act(
            spaces.remove_member,
            member.user_id,
            done=f'{member.name} is no longer in this space',
        ):
            await self._changed()

    async def _changed(self) -> None:
        await self.page.reload_space()
        if SpaceAction.VIEW in self.page.actions:
            self.render()


def _role_help() -> None:
    with ui.expansion('What each role can do').classes('w-full text-sm').mark('role-help'):
        for role, text in ROLE_HELP.items():
            with ui.row().classes('no-wrap gap-2 items-baseline'):
                ui.label(role.label).classes('font-medium w-24 shrink-0')
                ui.label(text).classes('text-stone-600')


def with_article(noun: str) -> str:
    return f'an {noun}' if noun[:1] in 'aeiou' else f'a {noun}'


def _role_options() -> dict[str, str]:
    return {role.value: role.label for role in SpaceRole}
