"""The optional CLIP model (ml.clip): installed by an admin from a folder or an archive, checked before it is put in
place, switched atomically; its embeddings are unit vectors that agree with the model's own maths. Tested with a
tiny random model of the same interface that the test builds (tests/factories/tiny_clip.py)."""

import json
import shutil
import tarfile
import zipfile
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from ml import clip
from tests.factories.tiny_clip import COLOURS, TinyClip, colour_photo


@pytest.fixture(scope='module')
def tiny():
    return TinyClip.seeded()


@pytest.fixture
def source(tiny, tmp_path):
    return tiny.write(tmp_path / 'tiny-clip')


@pytest.fixture
def models_dir(tmp_path):
    return tmp_path / 'models'


def leftovers(models_dir) -> list[str]:
    return sorted(path.name for path in (models_dir / clip.FOLDER).iterdir())


def test_nothing_is_installed_at_first(models_dir):
    assert clip.installed(models_dir) is None


def test_an_installed_model_embeds_images_and_texts_as_unit_vectors_that_match_its_own_maths(
    tiny, source, models_dir, tmp_path
):
    """GIVEN the tiny model installed from a folder
    WHEN photos of each colour and the colour words are embedded
    THEN every vector has length 1, equals what numpy computes from the model's weights, and each word is closest to
    the photo of its colour."""
    model = clip.install(str(source), models_dir)
    photos = [Image.open(colour_photo(tmp_path / f'{name}.jpg', rgb, seed=1)) for name, rgb in COLOURS.items()]

    images, texts = model.embed_images(photos), model.embed_text(list(COLOURS))

    assert images.shape == texts.shape == (len(COLOURS), 16)
    assert np.allclose(np.linalg.norm(images, axis=1), 1) and np.allclose(np.linalg.norm(texts, axis=1), 1)
    expected = np.stack([tiny.image_vector(model.pixels(photo)) for photo in photos])
    assert np.allclose(images, expected, atol=1e-5)
    assert np.allclose(texts, np.stack([tiny.text_vector(word) for word in COLOURS]), atol=1e-5)
    assert list((texts @ images.T).argmax(axis=1)) == list(range(len(COLOURS)))
    assert model.version.startswith('tiny-clip-1-') and model.spec.dimensions == 16
    assert clip.installed(models_dir) is model  # loaded once per process


def test_a_zip_or_tar_archive_with_a_top_folder_installs_the_same_model(source, models_dir, tmp_path):
    archive = shutil.make_archive(str(tmp_path / 'tiny'), 'zip', source.parent, source.name)
    tarball = shutil.make_archive(str(tmp_path / 'tiny'), 'gztar', source.parent, source.name)

    from_zip = clip.install(archive, models_dir)
    from_tar = clip.install(tarball, tmp_path / 'other-models')

    assert from_zip.version == from_tar.version == clip.install(str(source), tmp_path / 'third').version


def test_an_immich_style_export_installs_with_its_preprocessing(source, models_dir, tmp_path):
    """The two-part exports published for Immich: visual/ and textual/ with their configuration files."""
    export = tmp_path / 'ViT-Tiny__test'
    (export / 'visual').mkdir(parents=True)
    (export / 'textual').mkdir()
    shutil.copy(source / 'image.onnx', export / 'visual' / 'model.onnx')
    shutil.copy(source / 'text.onnx', export / 'textual' / 'model.onnx')
    shutil.copy(source / 'tokenizer.json', export / 'textual' / 'tokenizer.json')
    (export / 'visual' / 'preprocess_cfg.json').write_text(json.dumps({'size': [32, 32], 'mean': [0.5] * 3}))
    (export / 'textual' / 'tokenizer_config.json').write_text(json.dumps({'pad_token': '[PAD]'}))
    (export / 'config.json').write_text(json.dumps({'embed_dim': 16, 'text_cfg': {'context_length': 16}}))

    model = clip.install(str(export), models_dir)

    assert (model.spec.name, model.spec.image_size, model.spec.context_length) == ('ViT-Tiny__test', 32, 16)
    assert model.spec.mean == (0.5, 0.5, 0.5) and model.spec.std == clip.CLIP_STD
    assert model.embed_text(['red']).shape == (1, 16)


@pytest.mark.parametrize(
    ('spoil', 'message'),
    [
        (lambda folder: (folder / 'image.onnx').write_bytes(b'not a model'), 'could not embed a test image'),
        (lambda folder: (folder / 'text.onnx').unlink(), 'no CLIP model found'),
        (lambda folder: (folder / 'model.json').write_text('{"name": '), 'model.json is not valid JSON'),
        (lambda folder: (folder / 'model.json').write_text('{"name": "x", "colour": 1}'), None),  # unknown: ignored
    ],
)
def test_a_bad_model_is_refused_with_a_clear_message_and_nothing_changes(source, models_dir, spoil, message):
    """GIVEN a model installed, then a spoiled copy offered
    THEN the spoiled one is refused saying why, the installed one stays, and no half-installed folder is left."""
    before = clip.install(str(source), models_dir)
    spoiled = source.parent / 'spoiled'
    shutil.copytree(source, spoiled)
    spoil(spoiled)

    if message is None:
        assert clip.install(str(spoiled), models_dir).spec.name == 'x'
        return
    with pytest.raises(clip.InstallError, match=message):
        clip.install(str(spoiled), models_dir)
    assert clip.installed(models_dir).version == before.version
    assert leftovers(models_dir) == sorted([clip.POINTER, before.version])


def test_an_image_and_a_text_model_of_different_sizes_are_not_a_pair(tiny, models_dir, tmp_path):
    rng = np.random.default_rng(1)
    mismatched = replace(tiny, text_weights=rng.normal(size=(16, 8)).astype(np.float32)).write(tmp_path / 'odd')

    with pytest.raises(clip.InstallError, match='image.onnx gives 16 numbers per image, text.onnx 8 per text'):
        clip.install(str(mismatched), models_dir)
    assert clip.installed(models_dir) is None
    assert leftovers(models_dir) == []


def test_a_file_that_is_no_archive_a_missing_path_or_an_empty_archive_is_refused(models_dir, tmp_path):
    (tmp_path / 'notes.txt').write_text('hello')

    with pytest.raises(clip.InstallError, match='neither a folder nor a .zip or .tar'):
        clip.install(str(tmp_path / 'notes.txt'), models_dir)
    with pytest.raises(clip.InstallError, match='does not exist'):
        clip.install(str(tmp_path / 'nowhere.zip'), models_dir)
    with zipfile.ZipFile(tmp_path / 'empty.zip', 'w'):
        pass
    with pytest.raises(clip.InstallError, match='no CLIP model found'):
        clip.install(str(tmp_path / 'empty.zip'), models_dir)


def test_installing_another_model_switches_to_it_and_removes_the_old_one(tiny, source, models_dir, tmp_path):
    first = clip.install(str(source), models_dir)
    rng = np.random.default_rng(2)
    other = replace(tiny, image_weights=rng.normal(size=(3, 16)).astype(np.float32)).write(tmp_path / 'other')

    second = clip.install(str(other), models_dir)

    assert second.version != first.version and clip.installed(models_dir).version == second.version
    assert leftovers(models_dir) == sorted([clip.POINTER, second.version])


def test_an_archive_cannot_write_outside_where_it_is_unpacked(source, models_dir, tmp_path):
    hostile = tmp_path / 'hostile.tar'
    with tarfile.open(hostile, 'w') as archive:
        archive.add(source / 'image.onnx', arcname='../../escaped.onnx')

    with pytest.raises(clip.InstallError):
        clip.install(str(hostile), models_dir)
    assert not (models_dir / 'escaped.onnx').exists() and not (models_dir.parent / 'escaped.onnx').exists()


def test_embedding_an_image_file_for_a_worker_gives_the_version_with_the_vector(source, models_dir, tmp_path):
    model = clip.install(str(source), models_dir)
    photo = colour_photo(tmp_path / 'red.jpg', COLOURS['red'])

    version, vector = clip.embed_image_file(photo, models_dir)

    assert version == model.version and len(vector) == 16
