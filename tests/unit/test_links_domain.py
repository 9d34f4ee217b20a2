"""Rules of public links: what one link may target, which links take uploads, and who keeps a space link alive."""

import uuid

import pytest

from domain.errors import InvalidInput
from domain.links import check_target, check_uploads, space_roles_allowed
from domain.spaces import SpaceAction

ALBUM, SPACE, ASSETS = uuid.uuid4(), uuid.uuid4(), (uuid.uuid4(),)


@pytest.mark.parametrize(
    ('album_id', 'asset_ids', 'space_id'),
    [(ALBUM, (), None), (None, ASSETS, None), (None, (), SPACE)],
    ids=['album', 'selection', 'space'],
)
def test_a_link_opens_exactly_one_target(album_id, asset_ids, space_id):
    check_target(album_id, asset_ids, space_id)


@pytest.mark.parametrize(
    ('album_id', 'asset_ids', 'space_id'),
    [(None, (), None), (ALBUM, (), SPACE), (None, ASSETS, SPACE), (ALBUM, ASSETS, None), (ALBUM, ASSETS, SPACE)],
    ids=['nothing', 'album-and-space', 'selection-and-space', 'album-and-selection', 'all-three'],
)
def test_a_link_to_none_or_several_targets_is_refused(album_id, asset_ids, space_id):
    with pytest.raises(InvalidInput):
        check_target(album_id, asset_ids, space_id)


def test_only_links_with_a_place_for_photos_take_uploads():
    check_uploads(has_a_place=True, allow_upload=True)
    check_uploads(has_a_place=False, allow_upload=False)
    with pytest.raises(InvalidInput):
        check_uploads(has_a_place=False, allow_upload=True)


def test_owners_and_editors_keep_a_space_link_alive_and_take_uploads_through_it():
    assert space_roles_allowed(SpaceAction.SHARE_LINK) == ('editor', 'owner')
    assert space_roles_allowed(SpaceAction.SHARE_LINK, SpaceAction.ADD_ASSETS) == ('editor', 'owner')
    assert space_roles_allowed(SpaceAction.ADD_ASSETS) == ('contributor', 'editor', 'owner')
