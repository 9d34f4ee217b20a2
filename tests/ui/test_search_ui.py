"""Searching as a family member does: from the box in the header (with people, albums and spaces suggested), on
the search page (what was understood, what was left out, facets), in one space, and through the results in the
viewer."""

import asyncio
from datetime import datetime

import pytest
from nicegui.testing import User

from ml import tagger
from services import accounts, albums, assets, meaning, people, runtime, spaces
from storage import search as search_queries
from tests.ui.conftest import add_photo, member, sign_up_admin
from tests.ui.test_people_ui import person_in_photos


@pytest.fixture(scope='module', autouse=True)
def words_by_meaning_loaded():
    """The first word searched loads the words' meanings (seconds); once, here, not inside a test's wait."""
    asyncio.run(meaning.near('beach'))


async def ann(user: User):
    await sign_up_admin(user)
    return await accounts.authenticate(runtime.current(), 'ann@example.com', 'hearth-admin')


async def described(actor, tmp_path, name: str, description: str, **exif):
    asset_id = await add_photo(actor, tmp_path, name, color=tuple(name.encode()[:3]), **exif)
    await assets.update_details(runtime.current(), actor, [asset_id], description=description)
    return asset_id


async def test_the_header_box_suggests_a_person_an_album_and_a_space_and_a_person_picked_is_searched(
    user: User, tmp_path
):
    me = await ann(user)
    hearth = runtime.current()
    grandma = await person_in_photos(me, tmp_path, count=2)
    await people.rename_person(hearth, me, grandma, 'Grandma')
    album = await albums.create_album(hearth, me, 'Granada 2019')
    space = await spaces.create_space(hearth, me, 'Grandparents')
    await user.open('/')

    user.find('header-search').type('gra')
    await user.should_see(marker=f'suggestion-person-{grandma}', retries=50)
    await user.should_see(marker=f'suggestion-album-{album.id}')
    await user.should_see(marker=f'suggestion-space-{space.id}')
    user.find(f'suggestion-person-{grandma}').click()

    await user.should_see('Grandma · person', retries=50)
    await user.should_see('2 photos', retries=50)


async def test_enter_in_the_header_opens_the_results_and_an_album_suggested_opens_the_album(user: User, tmp_path):
    me = await ann(user)
    await described(me, tmp_path, 'a.jpg', 'Picnic by the lake')
    album = await albums.create_album(runtime.current(), me, 'Picnics')
    await user.open('/albums')

    user.find('header-search').type('picnic')
    user.find('header-search').trigger('keydown.enter')
    await user.should_see('1 photo', retries=50)
    await user.should_see(marker='search-result')
    assert user.find('search-input').elements.pop().value == 'picnic'

    user.find('search-input').type('s')
    await user.should_see(marker=f'suggestion-album-{album.id}', retries=50)
    user.find(f'suggestion-album-{album.id}').click()
    await user.should_see(marker='album-name', retries=50)


async def test_what_was_understood_is_shown_and_a_word_no_photo_has_is_left_out(user: User, tmp_path):
    me = await ann(user)
    await described(me, tmp_path, 'a.jpg', 'Grandma on the beach', taken_at=datetime(2019, 7, 1, 12))
    await described(me, tmp_path, 'b.jpg', 'The beach again', taken_at=datetime(2021, 7, 1, 12))

    await user.open('/search?q=kids on the beach 2019')

    await user.should_see('2019 · year', retries=50)
    await user.should_see('No photo has “kids”, so it was left out.')
    await user.should_see('1 photo')


async def test_what_only_looks_like_the_word_is_one_click_away(user: User, tmp_path):
    me = await ann(user)
    await described(me, tmp_path, 'shop.jpg', 'The garment shop')
    suit = await add_photo(me, tmp_path, 'suit.jpg', color=(20, 20, 60))
    async with runtime.current().db.session() as session:  # as the image tagger reads a man in a suit
        await search_queries.save_labels(session, suit, 'suit', 'clothing clothes', tagger.MODEL_VERSION)
        await session.commit()

    await user.open('/search?q=garment')
    await user.should_see('1 photo', retries=50)
    user.find(marker='look-alikes').click()
    await user.should_see('2 photos', retries=50)
    await user.should_not_see(marker='look-alikes')


async def test_a_facet_narrows_the_results_and_can_be_taken_away(user: User, tmp_path):
    me = await ann(user)
    await described(me, tmp_path, 'a.jpg', 'Beach day', taken_at=datetime(2019, 7, 1, 12))
    await described(me, tmp_path, 'b.jpg', 'Beach again', taken_at=datetime(2021, 7, 1, 12))
    await user.open('/search?q=beach')
    await user.should_see('2 photos', retries=50)
    await user.should_see(marker='facet-years', retries=50)  # the facets follow the results

    user.find('facet-years').click()
    user.find('facet-value-2019').click()
    await user.should_see('1 photo', retries=50)
    await user.should_see(marker='facet-years', retries=50)  # drawn again after the results
    assert user.find('facet-years').elements.pop().text == '2019'

    user.find('facet-any').click()
    await user.should_see('2 photos', retries=50)


async def test_before_a_search_examples_are_offered_and_nothing_found_says_so(user: User, tmp_path):
    me = await ann(user)
    await described(me, tmp_path, 'a.jpg', 'Birthday cake')
    await user.open('/search')
    await user.should_see('What are you looking for?')
    user.find('example-birthday').click()
    await user.should_see('1 photo', retries=50)

    await user.open('/search?q=zebra')
    await user.should_see('Nothing found for “zebra”', retries=50)
    await user.should_see('Try fewer words, or other ones.')


async def test_a_space_is_searched_alone_and_everything_is_one_click_away(user: User, tmp_path):
    me = await ann(user)
    hearth = runtime.current()
    shared = await described(me, tmp_path, 'a.jpg', 'Picnic in the park')
    await described(me, tmp_path, 'b.jpg', 'Picnic at home')
    space = await spaces.create_space(hearth, me, 'Family')
    await spaces.add_assets(hearth, me, space.id, [shared])
    await user.open(f'/spaces/{space.id}')

    user.find('space-search').click()
    await user.should_see('Searching Family', retries=50)
    user.find('search-input').type('picnic').trigger('keydown.enter')
    await user.should_see('1 photo', retries=50)
    await user.should_see('Searching Family')

    user.find('search-everything').click()
    await user.should_see('2 photos', retries=50)
    await user.should_not_see('Searching Family')


async def test_someone_not_in_a_space_cannot_search_it(user: User, tmp_path):
    await ann(user)
    bea = await member()
    theirs = await spaces.create_space(runtime.current(), bea, 'Bea only')
    await user.open(f'/search?space={theirs.id}&q=picnic')
    await user.should_not_see('Searching Bea only')
    await user.should_see('Spaces', retries=50)
    await user.should_not_see(marker='search-input')


async def test_the_viewer_steps_through_the_results_and_closes_back_to_them(user: User, tmp_path):
    me = await ann(user)
    newest = await described(me, tmp_path, 'a.jpg', 'Beach', taken_at=datetime(2024, 5, 3, 10))
    await described(me, tmp_path, 'b.jpg', 'Garden', taken_at=datetime(2024, 5, 2, 10))  # not a result
    await described(me, tmp_path, 'c.jpg', 'Beach', taken_at=datetime(2024, 5, 1, 10))
    await user.open('/search?q=beach')
    await user.should_see('2 photos', retries=50)
    assert {link.props['href'] for link in user.find('search-result').elements} >= {f'/photo/{newest}?q=beach'}

    await user.open(f'/photo/{newest}?q=beach')
    user.find('viewer-info').click()
    await user.should_see('Fri 3 May 2024, 10:00', retries=50)
    user.find('viewer-next').click()
    await user.should_see('Wed 1 May 2024, 10:00', retries=50)  # the garden is not among the results
    user.find('viewer-back').click()
    await user.should_see('2 photos', retries=50)
    assert user.find('search-input').elements.pop().value == 'beach'
