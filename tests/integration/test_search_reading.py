"""Search finds photos by what the image tagger and the text reader read in them (SPEC §8), with the real models in
their worker processes: a new photo is queued for both at upload, "run for missing" reads photos from before, and
a photo's own words stay when the models write theirs."""

import pytest
from sqlalchemy import delete, select

from domain.jobs import Queue
from services import jobs
from storage.models import Job, SearchDocument
from tests.factories.face_photos import face_photo
from tests.integration.api_client import uploaded
from tests.integration.test_api_search import describe, found, id_set, search
from tests.integration.test_jobs_counts import run
from tests.unit.test_ocr import photo_like, with_words


@pytest.fixture
def birthday_card(tmp_path):
    path = tmp_path / 'card.jpg'
    banner = ((220, 300), 'HAPPY BIRTHDAY', 110, 'white', (180, 30, 40))
    with_words(photo_like(1440, 1080), banner).save(path, quality=92)
    return path


async def test_what_is_in_a_photo_and_the_words_on_it_find_it(hearth, as_alice, birthday_card):
    portrait = await uploaded(as_alice, face_photo('obama.jpg'))
    card = await uploaded(as_alice, birthday_card)
    await describe(as_alice, portrait, description='At the office')
    assert await found(as_alice, 'suit') == set()  # not read yet

    await run(hearth, Queue.LABELS, Queue.TEXT)
    assert await found(as_alice, 'suit') == id_set(portrait)  # what the tagger saw
    assert await found(as_alice, 'clothing') == id_set(portrait)  # and a broader word for it
    assert await found(as_alice, 'office suit') == id_set(portrait)  # the description stays
    assert await found(as_alice, 'birthday') == id_set(card)  # the text on it
    assert await found(as_alice, 'happy birthday') == id_set(card)


async def test_run_for_missing_reads_photos_stored_before_search(hearth, root, as_alice, birthday_card):
    card = await uploaded(as_alice, birthday_card)
    async with hearth.db.session() as session:  # as a photo stored before search was built
        await session.execute(delete(Job))
        await session.execute(delete(SearchDocument))
        await session.commit()
    assert await found(as_alice, 'birthday') == set()

    await jobs.run_for(hearth, root, 'text', 'missing')
    await run(hearth, Queue.TEXT)
    assert await found(as_alice, 'birthday') == id_set(card)
    async with hearth.db.session() as session:
        document = await session.scalar(select(SearchDocument))
    assert 'card' in document.file.split()  # its own words written too


async def test_a_word_is_also_found_by_what_it_means_among_what_the_tagger_saw(hearth, as_alice):
    portrait = await uploaded(as_alice, face_photo('obama.jpg'))
    await describe(as_alice, portrait, description='A puppy')  # a person's word: found as written
    await run(hearth, Queue.LABELS)
    assert await found(as_alice, 'clothes') == id_set(portrait)  # the tagger's own word
    assert await found(as_alice, 'garment') == id_set(portrait)  # means clothing
    assert await found(as_alice, 'puppy') == id_set(portrait)
    assert await found(as_alice, 'volcano') == set()


async def test_what_only_looks_like_the_word_waits_behind_show_more(hearth, as_alice, birthday_card):
    """Results stop where the word itself stops: the tagger's look-alikes come when asked for."""
    portrait = await uploaded(as_alice, face_photo('obama.jpg'))
    card = await uploaded(as_alice, birthday_card)
    await describe(as_alice, card, description='From the garment shop')
    await run(hearth, Queue.LABELS)

    result = await search(as_alice, 'garment')
    assert ({a['id'] for a in result['assets']}, result['total'], result['more']) == (id_set(card), 1, 1)
    assert await found(as_alice, 'garment', more='true') == id_set(card, portrait)
    first = (await search(as_alice, 'garment', more='true'))['assets'][0]['id']
    assert first == next(iter(id_set(card)))  # the word itself first
