"""Onboarding, sign-in, account settings and member management, as a family member would use them."""

import pytest
from nicegui.testing import User

from domain.errors import Unauthenticated
from services import accounts, runtime
from tests.ui.conftest import member, sign_in, sign_up_admin


async def test_first_visit_leads_to_onboarding_which_creates_the_admin(user: User):
    await user.open('/')
    await user.should_see('Create the administrator account', retries=50)

    await sign_up_admin(user)

    await user.should_see('Your library is empty', retries=50)
    admin = await accounts.authenticate(runtime.current(), 'ann@example.com', 'hearth-admin')
    assert (admin.name, admin.is_admin) == ('Ann', True)


async def test_onboarding_is_closed_once_an_admin_exists(user: User):
    await sign_up_admin(user)
    user.find('sign-out').click()

    await user.open('/onboarding')

    await user.should_see('Welcome back', retries=50)


async def test_wrong_password_shows_an_error_and_does_not_sign_in(user: User):
    await sign_up_admin(user)
    user.find('sign-out').click()
    await user.should_see('Sign in', retries=50)

    user.find('email').type('ann@example.com')
    user.find('password').type('not my password')
    user.find('sign-in').click()

    await user.should_see('Wrong email or password', retries=50)
    await user.open('/')
    await user.should_see('Welcome back', retries=50)


async def test_repeated_wrong_passwords_are_rate_limited(user: User):
    await sign_up_admin(user)
    user.find('sign-out').click()
    await user.should_see('Sign in', retries=50)
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await accounts.authenticate(runtime.current(), 'ann@example.com', 'wrong')

    user.find('email').type('ann@example.com')
    user.find('password').type('hearth-admin')
    user.find('sign-in').click()

    await user.should_see('Too many failed sign-in attempts', retries=50)


async def test_member_signs_in_and_out(user: User):
    await sign_up_admin(user)
    await member()
    user.find('sign-out').click()

    await sign_in(user, 'bea@example.com', 'bea-password')
    user.find('sign-out').click()

    await user.should_see('Welcome back', retries=50)


async def test_change_password_then_sign_in_with_the_new_one(user: User):
    await sign_up_admin(user)
    await user.open('/account')
    user.find('current').type('hearth-admin')
    user.find('new').type('a brand new secret')
    user.find('change-password').click()
    await user.should_see('Password changed', retries=50)

    actor = await accounts.authenticate(runtime.current(), 'ann@example.com', 'a brand new secret')

    assert actor.name == 'Ann'


async def test_api_key_is_shown_once_and_works(user: User):
    await sign_up_admin(user)
    await user.open('/account')
    user.find('key-name').type('Phone')
    user.find('create-key').click()
    await user.should_see('it will not be shown again', retries=50)

    secret = user.find('new-key').elements.pop().content
    actor, scope = await accounts.actor_by_api_key(runtime.current(), secret)

    assert (actor.email, scope) == ('ann@example.com', 'upload')  # the form's choice: what phone uploaders need
    await user.open('/account')
    await user.should_see('Phone', retries=50)
    await user.should_not_see(secret)


async def test_admin_adds_a_member_who_can_then_sign_in(user: User):
    await sign_up_admin(user)
    await user.open('/admin/members')
    user.find('add-member').click()
    await user.should_see('New member', retries=50)
    user.find('member-name').type('Carl')
    user.find('member-email').type('carl@example.com')
    user.find('member-password').type('carl-password')
    user.find('member-save').click()

    await user.should_see('Member saved', retries=50)
    assert (await accounts.authenticate(runtime.current(), 'carl@example.com', 'carl-password')).name == 'Carl'


async def test_deleting_a_member_asks_first(user: User):
    await sign_up_admin(user)
    await member()
    await user.open('/admin/members')
    await user.should_see('bea@example.com', retries=50)

    user.find('delete-bea@example.com').click()
    await user.should_see('Delete Bea?', retries=50)
    user.find('confirm-cancel').click()
    await user.should_see('bea@example.com', retries=50)
    user.find('delete-bea@example.com').click()
    user.find('confirm-ok').click()

    await user.should_see('Bea deleted', retries=50)
    with pytest.raises(Unauthenticated):
        await accounts.authenticate(runtime.current(), 'bea@example.com', 'bea-password')


async def test_members_page_is_for_the_admin_only(user: User):
    await sign_up_admin(user)
    await member()
    user.find('sign-out').click()
    await sign_in(user, 'bea@example.com', 'bea-password')

    await user.open('/admin/members')

    await user.should_see('Your library is empty', retries=50)
    await user.should_not_see('Add member')
