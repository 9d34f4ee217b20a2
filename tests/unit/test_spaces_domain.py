"""The rules of a Shared Space (SPEC §6) as pure functions: who may do what, the last owner, names and colours."""

import pytest

from domain.access import Role
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.spaces import (
    SpaceAction,
    SpaceRole,
    check_owner_kept,
    clean_color,
    clean_space_description,
    clean_space_name,
    may_remove,
    parse_space_role,
    require_space,
)

A = SpaceAction
ALLOWED = {
    SpaceRole.OWNER: set(SpaceAction),
    SpaceRole.EDITOR: {
        A.VIEW,
        A.SET_COVER,
        A.ADD_ASSETS,
        A.REMOVE_ANY_ASSET,
        A.CONNECT_LIBRARY,
        A.SHARE_LINK,
        A.NAME_PEOPLE,
        A.LEAVE,
    },
    SpaceRole.CONTRIBUTOR: {A.VIEW, A.ADD_ASSETS, A.LEAVE},
    SpaceRole.VIEWER: {A.VIEW, A.LEAVE},
}


@pytest.mark.parametrize('role', list(SpaceRole), ids=[r.value for r in SpaceRole])
@pytest.mark.parametrize('action', list(SpaceAction), ids=[a.value for a in SpaceAction])
def test_each_role_may_do_exactly_its_actions_and_is_told_why_not(role, action):
    if action in ALLOWED[role]:
        require_space(action, role)
    else:
        with pytest.raises(Forbidden):
            require_space(action, role)


@pytest.mark.parametrize('action', list(SpaceAction), ids=[a.value for a in SpaceAction])
def test_a_non_member_is_told_the_space_does_not_exist(action):
    with pytest.raises(NotFound):
        require_space(action, None)


def test_space_roles_map_to_the_asset_roles_of_spec_section_3():
    assert {role: role.asset_role for role in SpaceRole} == {
        SpaceRole.OWNER: Role.COLLABORATOR,
        SpaceRole.EDITOR: Role.COLLABORATOR,
        SpaceRole.CONTRIBUTOR: Role.CONTRIBUTOR,
        SpaceRole.VIEWER: Role.VIEWER,
    }


@pytest.mark.parametrize('new', [SpaceRole.EDITOR, SpaceRole.CONTRIBUTOR, SpaceRole.VIEWER, None])
def test_the_last_owner_can_neither_be_demoted_nor_leave(new):
    with pytest.raises(Conflict):
        check_owner_kept(1, SpaceRole.OWNER, new)
    check_owner_kept(2, SpaceRole.OWNER, new)  # another owner stays
    check_owner_kept(1, SpaceRole.OWNER, SpaceRole.OWNER)
    check_owner_kept(1, SpaceRole.EDITOR, new)  # not an owner: the owner count does not matter


@pytest.mark.parametrize(
    ('role', 'added_it', 'owns_it', 'allowed'),
    [
        (SpaceRole.OWNER, False, False, True),
        (SpaceRole.EDITOR, False, False, True),
        (SpaceRole.CONTRIBUTOR, False, False, False),
        (SpaceRole.CONTRIBUTOR, True, True, True),
        (SpaceRole.VIEWER, False, False, False),
        (SpaceRole.VIEWER, True, True, True),  # demoted after adding: still their own photo
        (None, True, True, False),  # no longer a member
    ],
)
def test_who_may_take_a_photo_out(role, added_it, owns_it, allowed):
    assert may_remove(role, added_it, owns_it) is allowed


def test_names_descriptions_roles_and_colours_are_cleaned_or_refused():
    assert clean_space_name('  Lake \n trip ') == 'Lake trip'
    assert clean_space_description('  ') is None
    assert clean_color(None) == clean_color('') == '#b45309'
    assert clean_color('#1E88E5') == '#1e88e5'
    assert parse_space_role(None) is SpaceRole.VIEWER
    for refused in (
        lambda: clean_space_name(' '),
        lambda: clean_space_name('x' * 201),
        lambda: clean_space_description('x' * 5001),
        lambda: clean_color('red'),
        lambda: clean_color('#12345'),
        lambda: parse_space_role('admin'),
    ):
        with pytest.raises(InvalidInput):
            refused()
