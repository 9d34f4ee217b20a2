"""Search (SPEC §8) over the REST API: words from descriptions, tags, places, cameras and file names, folded and by
prefix; dates, videos and favorites understood as filters; facets and the timeline of the results; and the scope:
everything the caller can see, or one space, and nothing else."""

import uuid
from datetime import datetime

import pytest

from tests.factories.media_files import make_jpeg
from tests.integration.api_client import uploaded
from tests.integration.test_api_spaces import add, invite, new_space

EDINBURGH, ZURICH = (55.9533, -3.1883), (47.3769, 8.5417)


@pytest.fixture
def picture(shelf):
    """picture(n, **facts): a small JPEG, different for each n, with these EXIF facts."""

    def make(index: int, **facts):
        color = (index * 53 % 256, 40 + index * 17 % 150, 220 - index * 31 % 200)
        return shelf.get(make_jpeg, '.jpg', size=(64, 48), color=color, **facts)

    return make


async def search(client, q: str = '', **params) -> dict:
    response = await client.get('/search', params={'q': q, **params})
    assert response.status_code == 200, response.text
    return response.json()


async def found(client, q: str = '', **params) -> set[str]:
    return {asset['id'] for asset in (await search(client, q, limit=200, **params))['assets']}


async def describe(client, asset_id: str, **details) -> None:
    response = await client.patch(f'/assets/{asset_id}', json=details)
    assert response.status_code == 200, response.text


def id_set(*ids: str) -> set[str]:
    return set(ids)


async def test_words_of_descriptions_tags_places_cameras_and_file_names_find_photos(as_alice, picture):
    beach = await uploaded(as_alice, picture(1), name='Summer holiday.jpg')
    await describe(as_alice, beach, description='Grandma and the kids on the beach', tags=['Seaside'])
    castle = await uploaded(as_alice, picture(2, gps=EDINBURGH, make='Canon', model='Canon EOS 5D'))
    lake = await uploaded(as_alice, picture(3, gps=ZURICH))
    await describe(as_alice, lake, description='Der Zürichsee im Frühling')

    assert await found(as_alice, 'beach') == id_set(beach)
    assert await found(as_alice, 'BEACH seaside') == id_set(beach)  # every word, any case
    assert await found(as_alice, 'holiday') == id_set(beach)  # the file name
    assert await found(as_alice, 'Edinburgh') == id_set(castle)  # the place, from the position
    assert await found(as_alice, 'scotland') == id_set(castle)
    assert await found(as_alice, 'UK') == await found(as_alice, 'Britain') == id_set(castle)  # as people say it
    assert await found(as_alice, 'canon') == id_set(castle)  # the camera
    assert await found(as_alice, 'zurichsee fruhling') == id_set(lake)  # accents folded
    assert await found(as_alice, 'Switzerland') == id_set(lake)
    assert await found(as_alice, 'edinb') == id_set(castle)  # no photo has the word: the start of a longer one
    await describe(as_alice, lake, description='Catalonia')
    assert await found(as_alice, 'cat') == set()  # a whole word is not the start of another
    assert await found(as_alice, 'volcano') == set()


async def test_a_word_no_photo_holds_is_left_out_and_said_so(as_alice, picture):
    beach = await uploaded(as_alice, picture(1))
    await describe(as_alice, beach, description='On the beach')
    result = await search(as_alice, 'children at the beach')
    assert {asset['id'] for asset in result['assets']} == id_set(beach)
    assert (result['words'], result['unmatched']) == (['beach'], ['children'])

    nothing = await search(as_alice, 'zebra')
    assert (nothing['total'], nothing['unmatched']) == (0, ['zebra'])


async def test_a_changed_description_or_place_is_found_at_once(as_alice, picture):
    photo = await uploaded(as_alice, picture(1))
    await describe(as_alice, photo, description='Birthday cake')
    assert await found(as_alice, 'cake') == id_set(photo)
    await describe(as_alice, photo, description='Wedding', latitude=EDINBURGH[0], longitude=EDINBURGH[1])
    assert await found(as_alice, 'cake') == set()
    assert await found(as_alice, 'wedding edinburgh') == id_set(photo)
    response = await as_alice.put(f'/assets/{photo}/place', json={'city': 'Portobello', 'country': 'United Kingdom'})
    assert response.status_code in (200, 204), response.text
    assert await found(as_alice, 'portobello') == id_set(photo)


async def test_years_months_seasons_holidays_and_favorites_are_filters(as_alice, picture):
    def taken(year, month, day):
        return datetime(year, month, day, 12, 0)

    christmas = await uploaded(as_alice, picture(1, taken_at=taken(2019, 12, 25)))
    summer = await uploaded(as_alice, picture(2, taken_at=taken(2019, 7, 14)))
    may = await uploaded(as_alice, picture(3, taken_at=taken(2021, 5, 2)))
    for asset_id in (christmas, summer, may):
        await describe(as_alice, asset_id, description='family')
    await as_alice.put(f'/assets/{may}/state', json={'favorite': True})

    assert await found(as_alice, '2019') == id_set(christmas, summer)
    assert await found(as_alice, 'family 2019') == id_set(christmas, summer)
    assert await found(as_alice, 'summer 2019') == id_set(summer)
    assert await found(as_alice, 'Christmas') == id_set(christmas)
    assert await found(as_alice, 'may') == id_set(may)
    assert await found(as_alice, 'favorites') == id_set(may)
    assert await found(as_alice, 'family 2020') == set()
    recognised = (await search(as_alice, 'christmas 2019'))['recognised']
    assert recognised == [{'text': 'christmas', 'kind': 'holiday'}, {'text': '2019', 'kind': 'year'}]


async def test_results_by_relevance_by_date_in_months_and_with_facets(as_alice, picture):
    old = await uploaded(as_alice, picture(1, taken_at=datetime(2018, 3, 1, 9), gps=EDINBURGH))
    new = await uploaded(as_alice, picture(2, taken_at=datetime(2022, 8, 1, 9)), name='dog.jpg')
    await describe(as_alice, old, description='Our dog in the park')  # said by a person: before a file name

    assert [a['id'] for a in (await search(as_alice, 'dog'))['assets']] == list(id_set(old)) + list(id_set(new))
    by_date = await search(as_alice, 'dog', order='date')
    assert [a['id'] for a in by_date['assets']] == list(id_set(new)) + list(id_set(old))
    assert by_date['total'] == 2
    page = await search(as_alice, 'dog', order='date', limit=1, offset=1)
    assert ([a['id'] for a in page['assets']], page['total']) == (list(id_set(old)), 2)

    months = (await as_alice.get('/search/buckets', params={'q': 'dog'})).json()
    assert months == [{'month': '2022-08', 'count': 1}, {'month': '2018-03', 'count': 1}]
    march = (await as_alice.get('/search/buckets/2018-03', params={'q': 'dog'})).json()
    assert [a['id'] for a in march['assets']] == list(id_set(old))

    facets = (await as_alice.get('/search/facets', params={'q': 'dog'})).json()
    assert [(f['value'], f['count']) for f in facets['years']] == [('2022', 1), ('2018', 1)]
    assert [(f['value'], f['label'], f['count']) for f in facets['places']] == [('country:GB', 'United Kingdom', 1)]
    assert [(f['label'], f['count']) for f in facets['cameras']] == [('Hearthcam HC-1', 2)]
    assert [(f['value'], f['count']) for f in facets['media']] == [('photo', 2)]
    assert await found(as_alice, 'dog', year=2018) == id_set(old)
    assert await found(as_alice, 'dog', place='country:GB') == id_set(old)
    assert await found(as_alice, 'dog', media='video') == set()
    assert await found(as_alice, 'dog', camera='HC-1') == id_set(old, new)
    assert await found(as_alice, 'dog', camera='EOS') == set()
    assert await found(as_alice, '', place='country:GB') == id_set(old)  # a facet alone is a search


async def test_bad_searches_get_clear_errors(as_alice, anonymous):
    assert (await anonymous.get('/search', params={'q': 'dog'})).status_code == 401
    assert (await as_alice.get('/search', params={'q': 'x' * 201})).status_code == 422
    assert (await as_alice.get('/search', params={'q': 'dog', 'media': 'sound'})).status_code == 422
    assert (await as_alice.get('/search', params={'q': 'dog', 'order': 'best'})).status_code == 422
    assert (await as_alice.get('/search', params={'q': 'dog', 'limit': 500})).status_code == 422
    assert (await as_alice.get('/search', params={'q': 'dog', 'place': 'Paris'})).status_code == 400
    assert (await as_alice.get('/search/buckets/2019-13', params={'q': 'dog'})).status_code == 400
    empty = await search(as_alice, '')
    assert (empty['total'], empty['assets']) == (0, [])


async def test_search_finds_what_i_can_see_partners_shown_or_not_and_spaces(as_alice, as_bob, as_carl, picture, bob):
    mine = await uploaded(as_alice, picture(1))
    bobs = await uploaded(as_bob, picture(2))
    carls = await uploaded(as_carl, picture(3))
    for client, asset_id in ((as_alice, mine), (as_bob, bobs), (as_carl, carls)):
        await describe(client, asset_id, description='boat')

    assert await found(as_alice, 'boat') == id_set(mine)
    assert (await as_bob.post('/partners', json={'email': 'alice@example.com'})).status_code == 201
    assert await found(as_alice, 'boat') == id_set(mine, bobs)
    hidden = await as_alice.put(f'/partners/{bob.id}/timeline', json={'show_in_timeline': False})
    assert hidden.status_code == 200
    assert await found(as_alice, 'boat') == id_set(mine, bobs)  # off the timeline, still mine to find (SPEC §4)

    space = await new_space(as_carl, 'Regatta')
    await add(as_carl, space, carls)
    assert (await as_alice.get('/search', params={'q': 'boat', 'space': space})).status_code == 404
    await invite(as_carl, space, 'viewer', email='alice@example.com')
    assert await found(as_alice, 'boat') == id_set(mine, bobs, carls)
    assert await found(as_alice, 'boat', space=space) == id_set(carls)
    assert await found(as_bob, 'boat') == id_set(bobs)  # Alice shares nothing with Bob

    await as_carl.post('/assets/trash', json={'ids': [carls]})
    assert await found(as_alice, 'boat') == id_set(mine, bobs)


async def test_suggestions_name_what_i_can_see_as_i_type(as_alice, as_bob, picture):
    await describe(as_alice, await uploaded(as_alice, picture(1, gps=EDINBURGH)), description='castle')
    for name in ('Edinburgh trip', 'Easter'):
        assert (await as_alice.post('/albums', json={'name': name})).status_code == 201
    assert (await as_bob.post('/albums', json={'name': 'Edinburgh secrets'})).status_code == 201
    assert (await as_alice.post('/spaces', json={'name': 'Cousins in Edinburgh'})).status_code == 201

    suggested = (await as_alice.get('/search/suggestions', params={'q': 'edin'})).json()
    assert [(s['kind'], s['label']) for s in suggested] == [
        ('place', 'Edinburgh, United Kingdom'),
        ('album', 'Edinburgh trip'),
        ('space', 'Cousins in Edinburgh'),  # a later word that starts so
    ]
    assert suggested[0]['value'] == 'city:GB/Edinburgh'
    assert (await as_alice.get('/search/suggestions', params={'q': ''})).json() == []
    assert (await as_bob.get('/search/suggestions', params={'q': 'united'})).json() == []  # not Alice's places


async def test_the_viewer_steps_through_the_results_by_date(as_alice, picture):
    ids = []
    for index, year in enumerate((2018, 2020, 2022)):
        ids.append(await uploaded(as_alice, picture(index, taken_at=datetime(year, 5, 1, 12))))
        await describe(as_alice, ids[-1], description='picnic' if index != 1 else 'office')
    oldest, _, newest = ids
    around = (await as_alice.get(f'/search/neighbours/{newest}', params={'q': 'picnic'})).json()
    assert (around['previous'], around['next']) == (None, str(uuid.UUID(oldest)))  # the office photo is not a result


async def test_the_years_facet_counts_each_year_once(as_alice, picture):
    for index, month in enumerate((3, 7, 11)):
        photo = await uploaded(as_alice, picture(index, taken_at=datetime(2018, month, 1, 9)))
        await describe(as_alice, photo, description='dog')
    facets = (await as_alice.get('/search/facets', params={'q': 'dog'})).json()
    assert [(f['value'], f['label'], f['count']) for f in facets['years']] == [('2018', '2018', 3)]


async def test_an_album_member_finds_its_photos_until_removed_and_the_admin_finds_no_ones(
    as_alice, as_bob, as_root, picture, bob
):
    photo = await uploaded(as_alice, picture(1))
    await describe(as_alice, photo, description='lighthouse')
    album = (await as_alice.post('/albums', json={'name': 'Coast'})).json()['id']
    assert (await as_alice.put(f'/albums/{album}/assets', json={'asset_ids': [photo]})).status_code == 200
    assert await found(as_bob, 'lighthouse') == set()

    shared = await as_alice.post(f'/albums/{album}/members', json={'email': 'bob@example.com', 'trust_level': 'guest'})
    assert shared.status_code == 201
    assert await found(as_bob, 'lighthouse') == id_set(photo)  # the album is not on his timeline: still his to find
    assert (await as_alice.delete(f'/albums/{album}/members/{bob.id}')).status_code == 204
    assert await found(as_bob, 'lighthouse') == set()  # an ex-member
    assert await found(as_root, 'lighthouse') == set()  # the admin sees no one's photos
    assert (await as_root.get('/search/suggestions', params={'q': 'coa'})).json() == []


async def test_a_new_date_trash_and_the_owners_archive_reach_search_at_once(as_alice, as_bob, picture):
    """A search judges each match on its words' row, where the database keeps copies of the photo's date, trash and
    owner's archive (migration 0022's triggers): every change to them shows in the next search."""
    photo = await uploaded(as_alice, picture(1, taken_at=datetime(2019, 7, 1, 12, 0)))
    await describe(as_alice, photo, description='sailing')
    assert (await as_alice.post('/partners', json={'email': 'bob@example.com'})).status_code == 201
    assert await found(as_bob, 'sailing 2019') == id_set(photo)

    await describe(as_alice, photo, taken_at='2021-08-02T10:00:00')
    assert await found(as_bob, 'sailing 2019') == set()
    assert await found(as_bob, 'sailing 2021') == id_set(photo)
    assert [bucket['month'] for bucket in (await as_bob.get('/search/buckets', params={'q': 'sailing'})).json()] == [
        '2021-08'
    ]

    await as_alice.put(f'/assets/{photo}/state', json={'archived': True})
    assert await found(as_bob, 'sailing') == set()  # an owner's archive is theirs alone
    assert await found(as_alice, 'sailing') == id_set(photo)
    await as_alice.put(f'/assets/{photo}/state', json={'archived': False})
    assert await found(as_bob, 'sailing') == id_set(photo)

    assert (await as_alice.post('/assets/trash', json={'ids': [photo]})).status_code == 200
    assert await found(as_alice, 'sailing') == await found(as_bob, 'sailing') == set()
    assert (await as_alice.post('/assets/restore', json={'ids': [photo]})).status_code == 200
    assert await found(as_alice, 'sailing 2021') == id_set(photo)


async def test_plurals_and_words_run_together_are_found_as_people_type_them(as_alice, picture):
    shelf = await uploaded(as_alice, picture(1))
    await describe(as_alice, shelf, description='Books on the shelf')
    cover = await uploaded(as_alice, picture(2))
    await describe(as_alice, cover, description='LET USC')  # as the text reader reads a cover that says "Let Us C"

    assert await found(as_alice, 'book') == id_set(shelf)
    assert await found(as_alice, 'shelves') == id_set(shelf)
    assert await found(as_alice, 'let us c') == id_set(cover)
    assert await found(as_alice, 'books let') == set()  # each word must still be in the photo


async def test_a_word_in_very_many_photos_is_read_newest_first_and_counted_up_to_a_limit(
    as_alice, as_bob, picture, monkeypatch
):
    """At a million photos "dog" is in 200,000 and a member may see 100,000 of them: past `COUNTED` (made small here)
    a search reads the photos newest first by the date index and says "at least"; the scope and filters still hold."""
    mine = []
    for day in range(1, 7):
        mine.append(await uploaded(as_alice, picture(day, taken_at=datetime(2020, 1, day, 12))))
        await describe(as_alice, mine[-1], description='The dog' if day % 2 else 'A dog and a cat')
    for number in (7, 8):
        await describe(as_bob, await uploaded(as_bob, picture(number)), description='dog')  # not Alice's to find
    exact = await search(as_alice, 'dog')
    monkeypatch.setattr('services.search.COUNTED', 4)

    newest = list(reversed(mine))
    for order in ('relevance', 'date'):
        found_many = await search(as_alice, 'dog', order=order)
        assert [a['id'] for a in found_many['assets']] == newest
        assert (found_many['total'], found_many['at_least'], found_many['more']) == (4, True, 0)
        pages = [await search(as_alice, 'dog', order=order, limit=2, offset=offset) for offset in (0, 2, 4, 6)]
        assert [a['id'] for page in pages for a in page['assets']] == newest
    assert {a['id'] for a in exact['assets']} == set(newest)
    assert (exact['total'], exact['at_least']) == (6, False)
    few = await search(as_alice, 'dog cat')  # in three photos: counted exactly
    assert (few['total'], few['at_least']) == (3, False)
    assert await found(as_alice, 'dog', year=2019) == set()  # filters still apply
    in_2020 = await search(as_alice, 'dog', year=2020, order='date')  # with a filter, all are counted and sorted
    assert ([a['id'] for a in in_2020['assets']], in_2020['total'], in_2020['at_least']) == (newest, 6, False)
    sorted_here = [await search(as_alice, 'dog cat', limit=1, offset=offset) for offset in range(4)]
    assert [a['id'] for page in sorted_here for a in page['assets']] == [a['id'] for a in few['assets']]
