"""Onboarding, sign-in and the account page."""

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from domain.accounts import KeyScope
from domain.errors import HearthError
from services import accounts, runtime
from ui.components.family_step import offer_family_step
from ui.components.local_date import LocalDate
from ui.frame import frame
from ui.session import require_sign_in, sign_in, signed_in
from ui.theme import apply_theme, confirm


def _centered_card(title: str, subtitle: str):
    apply_theme()
    ui.page_title(f'{title} · Hearth')
    with ui.column().classes('w-full min-h-screen items-center justify-center bg-stone-50 p-4'):
        card = ui.card().classes('w-full max-w-sm p-6 gap-3')
        with card:
            ui.label('Hearth').classes('text-2xl font-semibold text-amber-800')
            ui.label(title).classes('text-lg font-medium')
            ui.label(subtitle).classes('text-stone-500 text-sm')
    return card


def _password_input() -> ui.input:
    return (
        ui.input('Password', password=True, password_toggle_button=True)
        .props('outlined')
        .classes('w-full')
        .mark('password')
    )


async def onboarding_page():
    if not await accounts.needs_onboarding(runtime.current()):
        return RedirectResponse('/login')
    with _centered_card('Welcome', 'Create the administrator account. You can add your family next.'):
        name = ui.input('Your name').props('outlined autofocus').classes('w-full').mark('name')
        email = ui.input('Email').props('outlined type=email').classes('w-full').mark('email')
        password = _password_input()

        async def create() -> None:
            try:
                actor = await accounts.create_first_admin(runtime.current(), email.value, name.value, password.value)
            except HearthError as error:
                ui.notify(str(error), type='negative')
                return
            sign_in(actor)
            offer_family_step()
            ui.navigate.to('/')

        ui.button('Create administrator', on_click=create).props('unelevated color=primary').classes('w-full').mark(
            'create-admin'
        )


async def login_page(request: Request):
    hearth = runtime.current()
    if await accounts.needs_onboarding(hearth):
        return RedirectResponse('/onboarding')
    if await signed_in():
        return RedirectResponse('/')
    client = request.client.host if request.client else ''
    with _centered_card('Sign in', 'Welcome back.'):
        email = ui.input('Email').props('outlined type=email autofocus').classes('w-full').mark('email')
        password = _password_input()
        error = ui.label().classes('text-negative text-sm').mark('login-error')

        async def attempt() -> None:
            try:
                actor = await accounts.authenticate(hearth, email.value, password.value, client)
            except HearthError as problem:
                error.text = str(problem)
                return
            sign_in(actor)
            ui.navigate.to('/')

        password.on('keydown.enter', attempt)
        ui.button('Sign in', on_click=attempt).props('unelevated color=primary').classes('w-full').mark('sign-in')


async def account_page():
    actor = await require_sign_in()
    if isinstance(actor, RedirectResponse):
        return actor
    hearth = runtime.current()
    with frame(actor, 'Account'), ui.column().classes('w-full max-w-2xl mx-auto p-4 gap-6'):
        ui.label('Account settings').classes('text-2xl font-semibold')
        with ui.card().classes('w-full gap-2'):
            ui.label('Change password').classes('text-lg font-medium')
            current = ui.input('Current password', password=True).props('outlined').classes('w-full').mark('current')
            new = ui.input('New password', password=True).props('outlined').classes('w-full').mark('new')

            async def change() -> None:
                try:
                    await accounts.change_password(hearth, actor, current.value, new.value)
                except HearthError as error:
                    ui.notify(str(error), type='negative')
                    return
                current.value = new.value = ''
                ui.notify('Password changed', type='positive')

            ui.button('Change password', on_click=change).props('unelevated color=primary').mark('change-password')
        await _api_keys_card(hearth, actor)


async def _api_keys_card(hearth, actor) -> None:
    with ui.card().classes('w-full gap-2'):
        ui.label('API keys').classes('text-lg font-medium')
        ui.label('For scripts and mobile uploaders: send the key as the x-api-key header. See /api/docs.').classes(
            'text-sm text-stone-500'
        )

        @ui.refreshable
        async def key_list() -> None:
            keys = await accounts.list_api_keys(hearth, actor)
            if not keys:
                ui.label('No keys yet.').classes('text-stone-500')
            for key in keys:
                with ui.row().classes('w-full items-center'):
                    with ui.column().classes('gap-0'):
                        ui.label(f'{key.name}').classes('font-medium')
                        ui.label(key.scope.label).classes('text-sm').mark(f'scope-{key.name}')
                    LocalDate(key.created_at, template=f'{key.prefix}… created {{}}').classes('text-sm text-stone-500')
                    ui.space()
                    ui.button(icon='delete', on_click=lambda k=key: revoke(k)).props(
                        f'flat round aria-label="Revoke {key.name}"'
                    ).mark(f'revoke-{key.name}')

        async def revoke(key) -> None:
            if await confirm('Revoke key?', f'Scripts using "{key.name}" will stop working.', 'Revoke'):
                await accounts.revoke_api_key(hearth, actor, key.id)
                key_list.refresh()

        async def create() -> None:
            try:
                _, secret = await accounts.create_api_key(hearth, actor, name.value, scope.value)
            except HearthError as error:
                ui.notify(str(error), type='negative')
                return
            name.value = ''
            key_list.refresh()
            with ui.dialog() as shown, ui.card().classes('gap-2'):
                ui.label('Copy your new key now; it will not be shown again.').classes('font-medium')
                ui.code(secret).classes('w-full').mark('new-key')
                ui.button('Done', on_click=shown.close).props('unelevated color=primary')
            shown.open()

        await key_list()
        with ui.row().classes('w-full items-center'):
            name = ui.input('Key name', placeholder='e.g. Phone uploader').props('outlined dense').mark('key-name')
            choices = {each.value: each.label for each in KeyScope}
            scope = ui.select(choices, value=KeyScope.UPLOAD.value, label='It may').props('outlined dense')
            scope.mark('key-scope')
            ui.button('Create key', on_click=create).props('unelevated color=primary').mark('create-key')
