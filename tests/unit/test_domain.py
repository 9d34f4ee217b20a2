"""Domain rules, without a database."""

from datetime import UTC, datetime

import pytest

from domain.access import ROLE_PERMISSIONS, Permission, Role, allowed_subset, require
from domain.accounts import LoginThrottle, check_password, clean_email
from domain.assets import (
    TrashPolicy,
    clean_tags,
    display_filename,
    month_key,
    parse_month,
    validate_position,
    validate_rating,
)
from domain.errors import Forbidden, InvalidInput, NotFound, RateLimited

C, CU, CO, V = Role.COLLABORATOR, Role.CURATOR, Role.CONTRIBUTOR, Role.VIEWER
P = Permission
# SPEC §3, transcribed independently of domain/access.py: (permission, roles that have it).
SPEC_TABLE = [
    (P.VIEW, {C, CU, CO, V}),
    (P.EDIT_GPS, {C, CU}),
    (P.EDIT_DATE, {C, CU}),
    (P.EDIT_DESCRIPTION, {C, CO}),
    (P.EDIT_TAGS, {C, CU, CO}),
    (P.RATE, {C, CU, CO, V}),
    (P.ADD_TO_ALBUM, {C, CU, CO}),
    (P.NAME_PEOPLE, {C, CU}),
    (P.FAVORITE, {C, CU, CO, V}),
    (P.ARCHIVE, {C}),
    (P.TRASH, {C, CU}),
    (P.RESTORE, {C}),
    (P.DOWNLOAD, {C, CU, CO}),
    (P.UPLOAD, {C, CU, CO}),
    (P.REPLACE, {C}),
    (P.REFRESH_METADATA, {C, CU, V}),
    (P.REFRESH_FACES, {C, CU, V}),
    (P.RESOLVE_DUPLICATES, {C, CU}),
    (P.DELETE_PERMANENTLY, set()),
]


@pytest.mark.parametrize(('permission', 'holders'), SPEC_TABLE, ids=[p.value for p, _ in SPEC_TABLE])
@pytest.mark.parametrize('role', [C, CU, CO, V])
def test_role_permissions_match_the_spec_table(permission, holders, role):
    assert (permission in ROLE_PERMISSIONS[role]) == (role in holders)


def test_the_spec_table_covers_every_permission_and_the_owner_holds_all():
    assert {p for p, _ in SPEC_TABLE} == set(Permission)
    assert ROLE_PERMISSIONS[Role.OWNER] == frozenset(Permission)


def test_require_says_not_found_for_invisible_assets_before_forbidden():
    roles = {'seen': {Role.VIEWER}}

    with pytest.raises(NotFound):
        require(Permission.TRASH, ['seen', 'hidden'], roles)
    with pytest.raises(Forbidden):
        require(Permission.TRASH, ['seen'], roles)


def test_several_grants_on_one_asset_add_up():
    roles = {'a': {Role.VIEWER, Role.CONTRIBUTOR}, 'b': {Role.VIEWER}}

    assert allowed_subset(Permission.DOWNLOAD, ['a', 'b', 'c'], roles) == {'a'}
    assert require(Permission.DOWNLOAD, ['a'], roles) == {'a'}


def test_login_throttle_blocks_an_account_after_five_failures_and_forgets_after_the_window():
    now = [0.0]
    throttle = LoginThrottle(attempts=5, window=300, clock=lambda: now[0])
    for _ in range(5):
        throttle.check('email:a', '10.0.0.1')
        throttle.failed('email:a', '10.0.0.1')

    with pytest.raises(RateLimited, match='Try again in 301 seconds'):
        throttle.check('email:a', '10.0.0.2')
    throttle.check('email:b', '10.0.0.1')  # the rest of the family, behind the same address, still signs in
    now[0] = 301
    throttle.check('email:a', '10.0.0.1')


def test_one_address_guessing_across_many_accounts_is_stopped():
    throttle = LoginThrottle(attempts=5, window=300, clock=lambda: 0.0, client_attempts=12)
    for account in range(12):
        throttle.failed(f'email:{account}', '10.0.0.9')

    with pytest.raises(RateLimited):
        throttle.check('email:someone-new', '10.0.0.9')
    throttle.check('email:someone-new', '10.0.0.1')


def test_success_clears_the_accounts_failures_but_not_the_clients():
    throttle = LoginThrottle(attempts=2, window=300, clock=lambda: 0.0, client_attempts=3)
    throttle.failed('k', 'c')
    throttle.succeeded('k')
    throttle.failed('k', 'c')
    throttle.check('k', 'c')

    throttle.failed('other', 'c')
    with pytest.raises(RateLimited):
        throttle.check('k', 'c')


@pytest.mark.parametrize(
    ('raw', 'shown'),
    [
        ('../../etc/passwd.jpg', 'passwd.jpg'),
        ('C:\\Users\\ann\\IMG.JPG', 'IMG.JPG'),
        ('a\x00b\x1f.jpg', 'ab.jpg'),
        ('/abs/path/x.heic', 'x.heic'),
        ('', 'unnamed'),
        ('...', 'unnamed'),
        ('.hidden.jpg', 'hidden.jpg'),
    ],
)
def test_display_filename_never_keeps_a_path_or_control_characters(raw, shown):
    assert display_filename(raw) == shown


def test_tags_are_trimmed_and_deduplicated_case_insensitively():
    assert clean_tags([' Beach ', 'beach', 'Summer  2024', '', 'BEACH']) == ['Beach', 'Summer 2024']
    with pytest.raises(InvalidInput):
        clean_tags(['x' * 65])


@pytest.mark.parametrize('rating', [-1, 6, 2.5, True, '3'])
def test_rating_outside_zero_to_five_is_invalid(rating):
    with pytest.raises(InvalidInput):
        validate_rating(rating)


def test_months_parse_and_key_the_local_date():
    assert parse_month('2024-05') == month_key(datetime(2024, 5, 31, 23, 59)) == 202405
    for bad in ('2024-13', '24-05', 'May', ''):
        with pytest.raises(InvalidInput):
            parse_month(bad)


def test_position_needs_both_coordinates_in_range():
    assert validate_position(None, None) == (None, None)
    for bad in ((10.0, None), (91.0, 0.0), (0.0, 181.0)):
        with pytest.raises(InvalidInput):
            validate_position(*bad)


def test_trash_policy_purges_after_the_retention_period():
    trashed = datetime(2026, 1, 1, tzinfo=UTC)
    policy = TrashPolicy(retention_days=30)

    assert policy.purges_on(trashed) == datetime(2026, 1, 31, tzinfo=UTC)
    assert policy.purge_cutoff(datetime(2026, 1, 31, tzinfo=UTC)) == trashed


def test_account_fields_are_validated():
    assert clean_email('  Ann@Example.COM ') == 'ann@example.com'
    for bad in ('ann', 'ann@', '@x.org', 'a b@x.org'):
        with pytest.raises(InvalidInput):
            clean_email(bad)
    with pytest.raises(InvalidInput):
        check_password('short')
