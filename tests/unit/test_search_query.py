"""Understanding a search: the names of the people I see, dates and holidays, videos and favorites become filters;
the other words are folded and kept for the words index."""

import uuid
from datetime import date

from domain.search import (
    Kind,
    When,
    document_text,
    fold,
    people_names,
    run_together,
    split_joined,
    tokens,
    understand,
    word_forms,
)

GRANDMA, MAY, AUNT_MAY = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
PEOPLE = people_names([('Grandma', GRANDMA), ('Aunt May', AUNT_MAY), ('May', MAY)])
TODAY = date(2026, 12, 7)


def test_words_are_folded_the_same_way_when_stored_and_when_asked():
    assert fold('Zürich Straße ÉTÉ') == 'zurich strasse ete'
    assert tokens("Grandma's 70th_birthday, at São Paulo!") == [
        'grandma',
        's',
        '70th',
        'birthday',
        'at',
        'sao',
        'paulo',
    ]
    assert document_text('Beach day', 'beach', None, 'IMG_0042') == 'beach day img 0042'


def test_a_word_of_letters_and_digits_is_stored_with_its_parts():
    """GIVEN a sign read as 'GM125' WHEN someone searches 'GM 125' (or 'gm125') THEN both words are the photo's."""
    assert document_text('GM125 bus', 'M6') == 'gm125 gm 125 bus m6 6'  # a letter alone would match anything
    assert document_text('2019 Pixel 7') == '2019 pixel 7'  # nothing to split
    assert understand('GM 125', {}, TODAY).words == ('gm', '125')


def test_a_query_becomes_people_dates_and_words():
    understood = understand('Grandma beach 2019', PEOPLE, TODAY)
    assert understood.people == ((GRANDMA,),)
    assert understood.when == When(years=frozenset({2019}))
    assert understood.words == ('beach',)
    assert [(part.text, part.kind) for part in understood.recognised] == [
        ('grandma', Kind.PERSON),
        ('2019', Kind.YEAR),
    ]


def test_the_longest_name_wins_and_a_name_comes_before_a_month():
    assert understand('aunt may', PEOPLE, TODAY).people == ((AUNT_MAY,),)
    may = understand('May', PEOPLE, TODAY)
    assert (may.people, may.when.months) == (((MAY,),), None)
    assert understand('may', {}, TODAY).when.months == frozenset({5})


def test_seasons_holidays_and_relative_years():
    summer = understand('summer 2021', {}, TODAY).when
    assert (summer.years, summer.months) == (frozenset({2021}), frozenset({6, 7, 8}))
    assert understand('Christmas', {}, TODAY).when.days == frozenset({(12, 24), (12, 25), (12, 26)})
    assert understand("New Year's Eve", {}, TODAY).when.days == frozenset({(12, 31)})
    assert understand('last year', {}, TODAY).when.years == frozenset({2025})
    assert understand('this year', {}, TODAY).when.years == frozenset({2026})
    assert understand('2019 2020', {}, TODAY).when.years == frozenset({2019, 2020})  # either
    assert understand('1066', {}, TODAY).words == ('1066',)  # not a year of photos: a word


def test_videos_favorites_and_stop_words():
    understood = understand('my favourite videos of the boat', {}, TODAY)
    assert (understood.videos, understood.favorites, understood.words) == (True, True, ('boat',))
    assert understand('the of and', {}, TODAY).empty
    assert not understand('2019', {}, TODAY).empty
    assert understand("Foster's sign", {}, TODAY).words == ('foster', 'sign')  # not the possessive 's'


def test_a_long_paste_keeps_a_few_words_and_repeats_count_once():
    understood = understand(' '.join(f'word{n}' for n in range(50)) + ' word1', {}, TODAY)
    assert len(understood.words) == 8 and understood.words[0] == 'word0'
    assert understand('dog dog DOG', {}, TODAY).words == ('dog',)


def test_a_part_of_a_name_no_one_else_has_stands_for_the_person():
    messi, hopper, kelly = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    names = people_names(
        [('Lionel Messi', messi), ('Grace Hopper', hopper), ('Grace Kelly', kelly), ('Al Bo', GRANDMA)]
    )
    assert understand('Messi goal', names, TODAY).people == ((messi,),)
    assert understand('hopper 1984', names, TODAY).people == ((hopper,),)
    grace = understand('grace', names, TODAY)  # two people are called Grace: a word, not a guess
    assert (grace.people, grace.words) == ((), ('grace',))
    assert understand('al', names, TODAY).words == ('al',)  # too short to stand for Al Bo


def test_words_the_text_reader_ran_together_are_split_into_known_words():
    known = {'happy', 'birthday', 'station', 'road', 'no', 'parking', 'park', 'in', 'g', 'hotel', 'be', 'ach'}
    assert split_joined('happybirthday', known) == ['happy', 'birthday']
    assert split_joined('noparking', known) == ['no', 'parking']  # the fewest words: not no-park-in-g
    assert split_joined('hotel', known) == []  # a word already
    assert split_joined('xqzvbnm', known) == []  # not made of words
    assert split_joined('stationroadhappybirthday', known) == []  # four words: more likely a name than a phrase


def test_a_known_word_with_a_common_ending_is_a_word_of_its_own_when_splitting():
    """GIVEN a vocabulary of whole words that has 'segment' but not 'segmentation' (the meaning model's)."""
    known = {'based', 'segment', 'park', 'ing', 'on'}
    assert split_joined('basedsegmentation', known) == ['based', 'segmentation']
    assert split_joined('segmentation', known) == []  # a word already: not segment-ation
    assert split_joined('parkings', known) == []
    assert split_joined('basedqwrtation', known) == []  # an ending makes a word only of a known word


def test_a_query_word_has_its_singular_or_plural_to_search_for_too():
    assert word_forms('books') == ('book',)
    assert word_forms('book') == ('books',)
    assert word_forms('flowers') == ('flower',)
    assert word_forms('church') == ('churches',)
    assert word_forms('puppy') == ('puppies',)
    assert 'puppy' in word_forms('puppies')
    assert 'leaf' in word_forms('leaves')
    assert 'bus' in word_forms('buses')
    assert 'house' in word_forms('houses')
    assert word_forms('children') == ('child',)
    assert word_forms('mouse') == ('mice',)


def test_words_that_only_look_plural_and_short_words_have_no_other_forms():
    assert word_forms('news') == ()  # not more than one 'new'
    assert word_forms('christmas') == ()
    assert 'pari' not in word_forms('paris')
    assert 'glas' not in word_forms('glass')
    assert word_forms('us') == ()
    assert word_forms('m6') == word_forms('125') == ()


def test_a_query_word_run_together_with_its_neighbours_is_searched_too():
    """'Let Us C' is read 'LET USC' on the book's cover: 'us' and 'c' are each found as 'usc' too."""
    words = understand('Let Us C', {}, TODAY).words
    assert [run_together(words, index) for index in range(3)] == [('letus',), ('letus', 'usc'), ('usc',)]
    assert run_together(('gm',), 0) == ()
