"""Right after onboarding, the admin's next step: an account for each family member (or "Later")."""

from nicegui import app, ui

from domain.errors import HearthError
from services import accounts, runtime
from services.accounts import Actor
from ui.theme import ask

PENDING = 'family_step'  # set in app.storage.user by onboarding, cleared by Later or Done


def offer_family_step() -> None:
    app.storage.user[PENDING] = True


def family_step(admin: Actor) -> None:
    """A card above the admin's first timeline, until they add their family or choose Later."""
    if not admin.is_admin or not app.storage.user.get(PENDING):
        return
    added: list[str] = []
    card = ui.card().classes('self-center w-full max-w-3xl m-2 sm:m-4 gap-2 bg-amber-50').props('flat bordered')
    with card.props('data-testid=family-step').mark('family-step'):
        with ui.row().classes('items-center no-wrap gap-3'):
            ui.icon('family_restroom').classes('text-4xl text-amber-800')
            ui.label('Add your family').classes('text-lg font-semibold')
        ui.label(
            'Give each family member an account of their own: they sign in with their email and a password, keep '
            'their own photos, and share what they choose. You can also do this later under Members.'
        ).classes('text-stone-600')
        names = ui.label().classes('text-sm font-medium').mark('family-added')
        names.visible = False

        async def add() -> None:
            from ui.admin import MemberDialog  # ui.admin builds on ui.frame, which shows this step

            values = await ask(MemberDialog(None))
            if not values:
                return
            try:
                member = await accounts.create_user(runtime.current(), admin, **values)
            except HearthError as error:
                ui.notify(str(error), type='negative')
                return
            added.append(member.name)
            names.text, names.visible = f'Added: {", ".join(added)}. They can sign in now.', True
            later.text = 'Done'

        def dismiss() -> None:
            app.storage.user.pop(PENDING, None)
            card.delete()

        with ui.row().classes('gap-2'):
            ui.button('Add a family member', icon='person_add', on_click=add).props(
                'unelevated color=primary no-caps data-testid=family-add'
            ).mark('family-add')
            later = ui.button('Later', on_click=dismiss).props('flat no-caps data-testid=family-later')
            later.mark('family-later')
