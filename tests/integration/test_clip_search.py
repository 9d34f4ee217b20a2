"""Search by what photos look like, with a CLIP model an admin installs (issue: "CLIP when the admin wants it"), end
to end with a tiny random model of the same interface that the test builds: installed by the admin's command, photos
embedded by the clip step in its worker process, and a query ranked among exactly what the searcher may see, the
scope passed into the vector query (a member who sees few photos among many others' still gets all theirs)."""

import shutil
import uuid

import pytest
from PIL import Image
from sqlalchemy import select

from domain.errors import NotFound
from domain.jobs import Queue
from domain.spaces import SpaceRole
from ml import clip
from services import assets, clip_search, jobs, search, sharing, spaces
from storage.models import Asset, Job, SearchDocument
from tests.factories.tiny_clip import COLOURS, TinyClip, colour_photo
from tests.integration.test_cli import run as run_cli
from tests.integration.test_jobs_counts import run, upload
from tests.integration.test_spaces import space_with

pytestmark = pytest.mark.usefixtures('cheap_password_hashing')


@pytest.fixture(scope='module')
def tiny() -> TinyClip:
    return TinyClip.seeded()


@pytest.fixture
def model_folder(tiny, tmp_path):
    return tiny.write(tmp_path / 'tiny-clip')


@pytest.fixture
def few_results(monkeypatch):
    """Fewer results wanted than Bob has red photos: a search that took the best of everyone's, then filtered,
    would leave Alice's out."""
    monkeypatch.setattr(clip_search, 'MAX_RESULTS', 4)


class Photos:
    """Colour photos uploaded by members, each a different file."""

    def __init__(self, hearth, folder):
        self.hearth, self.folder, self.made = hearth, folder, 0

    async def of(self, owner, colour: str, count: int = 1) -> list[uuid.UUID]:
        ids = []
        for _ in range(count):
            self.made += 1
            path = colour_photo(self.folder / f'{self.made}.jpg', COLOURS[colour], seed=self.made)
            ids.append(await upload(self.hearth, owner, path))
        return ids


@pytest.fixture
def photos(hearth, tmp_path):
    return Photos(hearth, tmp_path)


async def expected(hearth, tiny: TinyClip, text: str, among: list[uuid.UUID]) -> list[uuid.UUID]:
    """The model's own ranking of these photos' previews, computed in numpy, cut by the same rule."""
    model = clip.installed(hearth.settings.models_dir)
    query = tiny.text_vector(text)
    scored = []
    async with hearth.db.session() as session:
        for asset_id in among:
            with Image.open(hearth.files.files_of(await session.get(Asset, asset_id)).preview) as image:
                image.draft('RGB', (2 * model.spec.image_size, 2 * model.spec.image_size))
                scored.append((asset_id, float(tiny.image_vector(model.pixels(image)) @ query)))
    return [asset_id for asset_id, _ in clip_search.relevant(sorted(scored, key=lambda pair: -pair[1]))]


async def ranked(hearth, actor, text: str, space_id=None):
    async with hearth.db.session() as session:
        return await clip_search.ranked(hearth, session, actor, space_id, text)


async def ids_ranked(hearth, actor, text: str, space_id=None) -> list[uuid.UUID]:
    return [asset_id for asset_id, _ in await ranked(hearth, actor, text, space_id)]


async def test_without_a_model_nothing_is_queued_shown_or_ranked(hearth, root, alice, photos):
    await photos.of(alice, 'red')
    async with hearth.db.session() as session:
        queued = await session.scalars(select(Job.queue))
    statuses = await jobs.queue_statuses(hearth, root)

    assert await ranked(hearth, alice, 'red') is None
    assert 'clip' not in set(queued)
    assert Queue.CLIP not in {status.queue for status in statuses}


async def test_a_member_finds_all_their_matches_among_many_others_in_the_models_order(
    hearth, root, alice, bob, carl, photos, tiny, model_folder, few_results
):
    """GIVEN Alice with two red photos and a blue one, Bob with eight red and three green, and a space of Bob's
    with Alice where Bob added one red photo
    WHEN the admin installs the model, Alice adds a red photo, the clip queue runs and Alice searches "red"
    THEN she gets her three red photos and the space's one, nothing else of Bob's, in the order the model's own
    maths gives; in the space she gets its photo; Carl, not a member, gets "not found" for the space."""
    mine = await photos.of(alice, 'red', 2) + await photos.of(alice, 'blue')
    bobs = await photos.of(bob, 'red', 8) + await photos.of(bob, 'green', 3)
    space = await space_with(hearth, bob, alice=SpaceRole.VIEWER)
    await spaces.add_assets(hearth, bob, space.id, bobs[:1])

    installed = await clip_search.install(hearth, str(model_folder))
    mine += await photos.of(alice, 'red')  # queued at upload, now that a model is installed
    await run(hearth, Queue.CLIP)

    found = await ids_ranked(hearth, alice, 'red')
    assert found == await expected(hearth, tiny, 'red', [*mine, bobs[0]])
    assert set(found) == {*mine[:2], mine[3], bobs[0]}
    assert await ids_ranked(hearth, alice, 'red', space.id) == [bobs[0]]
    assert set(await ids_ranked(hearth, bob, 'green')) == set(bobs[8:])
    with pytest.raises(NotFound):
        await ranked(hearth, carl, 'red', space.id)
    async with hearth.db.session() as session:
        embedded = set(await session.scalars(select(SearchDocument.clip_model)))
    assert embedded == {installed.version}


async def test_a_partners_library_is_searched_less_what_they_archived_or_trashed(
    hearth, alice, bob, photos, tiny, model_folder, few_results
):
    """GIVEN Bob shares his library with Alice, then archives one red photo and trashes another
    WHEN Alice searches "red", with fewer results wanted than Bob has red photos
    THEN she gets the best four of what she may see, none of them archived or trashed by Bob (the vector query is
    asked again for more when the database leaves some out)."""
    await clip_search.install(hearth, str(model_folder))
    mine = await photos.of(alice, 'red')
    bobs = await photos.of(bob, 'red', 6)
    await sharing.share_library(hearth, bob, 'alice@example.com')
    await run(hearth, Queue.CLIP)
    visible = [*mine, *bobs]
    best = await expected(hearth, tiny, 'red', bobs)  # Bob's closest: among the first four Alice would get
    await assets.set_state(hearth, bob, best[:1], archived=True)
    await assets.trash(hearth, bob, best[1:2])

    found = await ids_ranked(hearth, alice, 'red')

    assert found == await expected(hearth, tiny, 'red', [id for id in visible if id not in best[:2]])
    assert len(found) == 4 and not set(found) & set(best[:2])


async def test_a_query_far_from_every_photo_still_ranks_only_the_close_ones(hearth, alice, photos, model_folder):
    """The cut-off adapts to the query: within the margin of the best match, whatever its similarity."""
    await clip_search.install(hearth, str(model_folder))
    reds, blue = await photos.of(alice, 'red', 2), await photos.of(alice, 'blue')
    await run(hearth, Queue.CLIP)

    scored = await ranked(hearth, alice, 'red')
    assert {asset_id for asset_id, _ in scored} == set(reds)
    assert scored[0][1] - scored[-1][1] <= clip_search.MARGIN
    assert await ids_ranked(hearth, alice, 'blue') == blue
    assert await ranked(hearth, alice, '   ') == []


async def test_the_jobs_page_counts_the_clip_queue_once_a_model_is_installed(hearth, root, alice, photos, model_folder):
    await photos.of(alice, 'red', 2)
    await clip_search.install(hearth, str(model_folder))

    waiting = {status.queue: status for status in await jobs.queue_statuses(hearth, root)}[Queue.CLIP]
    await run(hearth, Queue.CLIP)
    done = {status.queue: status for status in await jobs.queue_statuses(hearth, root)}[Queue.CLIP]

    assert (waiting.applies_to, waiting.waiting, waiting.done) == (2, 2, 0)
    assert (done.applies_to, done.waiting, done.done, done.not_started) == (2, 0, 2, 0)
    status = await clip_search.status(hearth)
    assert (status.embedded, status.photos, status.dimensions) == (2, 2, 16)


def test_the_admin_installs_a_model_from_an_archive_and_sees_its_status(tmp_path, tiny):
    data = tmp_path / 'data'
    tiny.write(tmp_path / 'model')
    archive = shutil.make_archive(str(tmp_path / 'tiny-clip'), 'zip', tmp_path, 'model')
    (tmp_path / 'broken.zip').write_bytes(b'PK not really')

    before = run_cli(data, 'models', 'status')
    refused = run_cli(data, 'models', 'install', 'clip', str(tmp_path / 'broken.zip'))
    installed = run_cli(data, 'models', 'install', 'clip', archive)
    after = run_cli(data, 'models', 'status')

    assert before.returncode == 0 and 'CLIP: not installed' in before.stdout
    assert refused.returncode != 0 and refused.stderr.startswith('error: '), refused.stderr
    assert installed.returncode == 0, installed.stderr
    assert 'Installed CLIP model tiny-clip-1-' in installed.stdout
    assert 'CLIP: tiny-clip-1-' in after.stdout and 'embedded 0 of 0' in after.stdout


async def test_search_asks_the_model_for_what_no_photos_words_hold_and_ranks_by_it(
    hearth, alice, bob, photos, tiny, model_folder
):
    """GIVEN Alice's red, blue and green photos and Bob's red ones (not shared), embedded by the installed model
    WHEN Alice searches "red", a word no photo's words hold
    THEN the search answers with her red photos in the model's order, the word not reported unmatched, and Bob's
    left out; words a photo holds are still found by its words first (the model is not asked)."""
    search_for = search.Query
    before = await search.search(hearth, alice, search_for('red'))
    assert (before.total, before.unmatched) == (0, ('red',))  # no model yet: not found, and said so

    await clip_search.install(hearth, str(model_folder))
    mine = await photos.of(alice, 'red', 2) + await photos.of(alice, 'blue') + await photos.of(alice, 'green')
    await photos.of(bob, 'red', 3)
    await run(hearth, Queue.CLIP)

    found = await search.search(hearth, alice, search_for('red'))
    assert [item.id for item in found.items] == await expected(hearth, tiny, 'red', mine)
    assert set(mine[:2]) <= {item.id for item in found.items} and found.unmatched == ()

    await assets.update_details(hearth, alice, [mine[3]], description='red letter day')
    by_words = await search.search(hearth, alice, search_for('red'))
    assert [item.id for item in by_words.items] == [mine[3]]
