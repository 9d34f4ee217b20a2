"""Makes `labels.json`: for each of the 1000 ImageNet classes the image tagger (`ml/tagger.py`) knows, its WordNet id,
a display name, synonyms and broader terms in everyday words ('golden retriever' -> dog, pet, animal).

    .venv/bin/python -m ml.data.build_labels

Sources, fetched into a temporary folder (needs `npm`, `apt-get` and `dpkg-deb`; nothing is installed):
- The class names with their synonyms, in the model's class order: the npm package `@tensorflow-models/mobilenet@2.1.1`
  (`dist/imagenet_classes.js`), Apache-2.0. Its names are the lemmas of the WordNet synsets ImageNet chose.
- Broader terms: WordNet 3.0 (Princeton University, WordNet 3.0 licence: free use with its copyright notice), from
  the Debian package `wordnet-base` (1:3.0-37), fetched with `apt-get download`.

Each class is matched to the WordNet noun synset whose lemmas share most of its names. ImageNet's class order is the
order of its WordNet ids (synset offsets), so the chosen offsets must rise from class to class: of the matches a
dynamic programme keeps the rising sequence with the most shared names. Where the order still leaves several senses
of one word ('crane' the bird and the machine are both in range for one of them), `SENSES` names ImageNet's synset;
any other tie stops the script. `SAMPLE` checks a few well-known ImageNet ids.

Broader terms walk the hypernyms (and instance hypernyms) of the synset, keeping only the everyday words of
`FAMILY_WORDS`: WordNet's chain for a golden retriever runs retriever, sporting dog, dog, canine, carnivore,
placental, mammal, vertebrate, chordate, animal, organism, living thing, whole, object, physical entity, entity, and a
family searches for 'dog' or 'animal', not 'placental' or 'whole'. `PLACE_WORDS` adds words a class implies without
WordNet saying so (a seashore is a beach). Latin names ('Tinca tinca') are left out of the synonyms.
The output is sorted and fixed, so a re-run gives the same bytes.
"""

import ast
import json
import re
import subprocess
import tarfile
import tempfile
from collections import deque
from pathlib import Path

NPM_PACKAGE = '@tensorflow-models/mobilenet@2.1.1'
NPM_SOURCE = 'package/dist/imagenet_classes.js'
DEBIAN_PACKAGE = 'wordnet-base=1:3.0-37'
WORDNET = 'usr/share/wordnet'
TARGET = Path(__file__).parent / 'labels.json'

# Class number -> ImageNet's WordNet offset, where lemmas and order leave a choice (from ILSVRC 2012's synset list).
SENSES = {
    86: '01807496',
    102: '01872401',
    107: '01910747',
    345: '02403003',
    398: '02666196',
    406: '02699494',
    411: '02730930',
    417: '02782093',
    431: '02804414',
    438: '02815834',
    443: '02834397',
    456: '02879718',
    471: '02950826',
    483: '02980441',
    488: '02999410',
    492: '03014705',
    501: '03045698',
    511: '03100240',
    538: '03220513',
    544: '03259280',
    549: '03291819',
    562: '03388043',
    576: '03447447',
    578: '03450230',
    586: '03478589',
    587: '03481172',
    594: '03495258',
    597: '03527444',
    624: '03661043',
    631: '03690938',
    643: '03724870',
    664: '03782006',
    666: '03786901',
    667: '03787032',
    698: '03877845',
    718: '03933933',
    723: '03944341',
    727: '03956157',
    733: '03976657',
    742: '04004767',
    745: '04009552',
    753: '04040759',
    754: '04041544',
    758: '04067472',
    766: '04111531',
    771: '04125021',
    780: '04147183',
    783: '04153751',
    792: '04208210',
    801: '04251144',
    813: '04270147',
    815: '04275548',
    816: '04277352',
    819: '04296562',
    827: '04330267',
    830: '04336792',
    866: '04465501',
    884: '04523525',
    902: '04579432',
    908: '04592741',
    910: '04597913',
    914: '04612504',
    980: '09472597',
    982: '10148035',
    987: '12144580',
}
SAMPLE = {
    0: 'n01440764',
    134: 'n02012849',
    207: 'n02099601',
    264: 'n02113186',
    281: 'n02123045',
    474: 'n02963159',
    517: 'n03126707',
    638: 'n03710637',
    639: 'n03710721',
    937: 'n07714990',
    954: 'n07753592',
    970: 'n09193705',
    975: 'n09332890',
    978: 'n09428293',
    999: 'n15075141',
}
# WordNet synset ('lemma.n.NN', numbered as WordNet's index orders the senses) -> the words it stands for. Chosen
# from the hypernyms the 1000 classes reach: everyday words a family would search for; every entry must be used.
FAMILY_WORDS = {
    'animal.n.01': ('animal',),
    'domestic_animal.n.01': ('pet',),
    'dog.n.01': ('dog',),
    'wolf.n.01': ('wolf',),
    'fox.n.01': ('fox',),
    'bear.n.01': ('bear',),
    'cat.n.01': ('cat',),
    'big_cat.n.01': ('big cat', 'wild cat'),
    'monkey.n.01': ('monkey',),
    'ape.n.01': ('ape',),
    'rodent.n.01': ('rodent',),
    'rabbit.n.01': ('rabbit',),
    'elephant.n.01': ('elephant',),
    'horse.n.01': ('horse',),
    'cattle.n.01': ('cattle', 'cow'),
    'sheep.n.01': ('sheep',),
    'swine.n.01': ('pig',),
    'whale.n.02': ('whale',),
    'bird.n.01': ('bird',),
    'bird_of_prey.n.01': ('bird of prey',),
    'parrot.n.01': ('parrot',),
    'duck.n.01': ('duck',),
    'fish.n.01': ('fish',),
    'shark.n.01': ('shark',),
    'reptile.n.01': ('reptile',),
    'snake.n.01': ('snake',),
    'lizard.n.01': ('lizard',),
    'turtle.n.02': ('turtle',),
    'frog.n.01': ('frog',),
    'insect.n.01': ('insect',),
    'butterfly.n.01': ('butterfly',),
    'beetle.n.01': ('beetle',),
    'spider.n.01': ('spider',),
    'crab.n.01': ('crab',),
    'person.n.01': ('person', 'people'),
    'plant.n.02': ('plant',),
    'flower.n.01': ('flower',),
    'fungus.n.01': ('mushroom', 'fungus'),
    'food.n.01': ('food',),
    'food.n.02': ('food',),
    'edible_fruit.n.01': ('fruit',),
    'vegetable.n.01': ('vegetable',),
    'bread.n.01': ('bread',),
    'dessert.n.01': ('dessert',),
    'dish.n.02': ('dish', 'meal'),
    'beverage.n.01': ('drink',),
    'coffee.n.01': ('coffee',),
    'vehicle.n.01': ('vehicle',),
    'car.n.01': ('car',),
    'truck.n.01': ('truck',),
    'bus.n.01': ('bus',),
    'motorcycle.n.01': ('motorbike', 'motorcycle'),
    'bicycle.n.01': ('bicycle', 'bike'),
    'locomotive.n.01': ('train',),
    'aircraft.n.01': ('aircraft',),
    'airplane.n.01': ('airplane', 'plane'),
    'vessel.n.02': ('boat',),
    'boat.n.01': ('boat',),
    'ship.n.01': ('ship',),
    'building.n.01': ('building',),
    'dwelling.n.01': ('house', 'home'),
    'place_of_worship.n.01': ('church', 'place of worship'),
    'shop.n.01': ('shop', 'store'),
    'bridge.n.01': ('bridge',),
    'fence.n.01': ('fence',),
    'mountain.n.01': ('mountain',),
    'shore.n.01': ('shore',),
    'furniture.n.01': ('furniture',),
    'seat.n.03': ('seat',),
    'chair.n.01': ('chair',),
    'table.n.02': ('table',),
    'bed.n.01': ('bed',),
    'musical_instrument.n.01': ('instrument', 'music'),
    'clothing.n.01': ('clothing', 'clothes'),
    'footwear.n.02': ('shoes',),
    'headdress.n.01': ('hat',),
    'ball.n.01': ('ball',),
    'sports_equipment.n.01': ('sport',),
    'computer.n.01': ('computer',),
    'electronic_equipment.n.01': ('electronics',),
    'camera.n.01': ('camera',),
    'telephone.n.01': ('phone',),
    'clock.n.01': ('clock',),
    'timepiece.n.01': ('clock', 'watch'),
    'weapon.n.01': ('weapon',),
    'rocket.n.01': ('rocket',),
    'tool.n.01': ('tool',),
    'kitchen_utensil.n.01': ('kitchen',),
    'home_appliance.n.01': ('appliance',),
    'bottle.n.01': ('bottle',),
    'bag.n.01': ('bag',),
    'lamp.n.01': ('lamp',),
    'jewelry.n.01': ('jewellery', 'jewelry'),
    'toiletry.n.01': ('toiletries',),
    'memorial.n.03': ('monument',),
}
# Words a class implies that are no hypernym of it, by the class's first name.
PLACE_WORDS = {
    'seashore': ('beach', 'sea', 'coast'),
    'sandbar': ('beach', 'sea'),
    'promontory': ('coast', 'sea'),
    'cliff': ('coast',),
    'coral reef': ('sea', 'underwater'),
    'lakeside': ('lake',),
    'boathouse': ('lake',),
    'alp': ('mountain', 'snow'),
    'volcano': ('mountain',),
    'valley': ('landscape',),
    'scuba diver': ('diving', 'underwater', 'sea'),
    'snorkel': ('swimming', 'underwater'),
    'bikini': ('swimming', 'beach'),
    'maillot': ('swimming',),
    'swimming trunks': ('swimming', 'beach'),
    'groom': ('wedding',),
    "jack-o'-lantern": ('halloween', 'pumpkin'),
    'Christmas stocking': ('christmas',),
    'mortarboard': ('graduation',),
    'academic gown': ('graduation',),
    'ski': ('skiing', 'snow'),
    'dogsled': ('snow',),
    'bobsled': ('snow',),
    'snowmobile': ('snow',),
    'snowplow': ('snow',),
    'mountain tent': ('tent', 'camping'),
    'sleeping bag': ('camping',),
    'park bench': ('park',),
    'swing': ('playground',),
    'carousel': ('fair',),
    'crib': ('baby',),
    'cradle': ('baby',),
    'bassinet': ('baby',),
    'diaper': ('baby',),
    'teddy': ('toy',),
    'soccer ball': ('football', 'soccer'),
    'golf ball': ('golf',),
    'golfcart': ('golf',),
    'beer glass': ('beer',),
    'beer bottle': ('beer',),
    'red wine': ('wine',),
    'wine bottle': ('wine',),
    'pier': ('sea',),
    'breakwater': ('sea', 'harbour'),
    'dock': ('harbour',),
    'restaurant': ('food',),
    # WordNet files a motor scooter under wheeled vehicles, apart from motorcycles; people call it a motorbike
    'motor scooter': ('motorbike',),
    'space shuttle': ('space', 'rocket'),
    'bookshop': ('book',),
    'library': ('book',),
    'bookcase': ('book',),
    'book jacket': ('book',),
    'comic book': ('book',),
    'confectionery': ('sweets', 'candy'),
    'toyshop': ('toy',),
}


def fetch_classes() -> list[list[str]]:
    """The class names in class order, each a list of names (first is the common one)."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(['npm', 'pack', NPM_PACKAGE, '--silent'], cwd=folder, check=True, capture_output=True)
        (archive,) = Path(folder).glob('*.tgz')
        with tarfile.open(archive) as tar:
            text = tar.extractfile(NPM_SOURCE).read().decode()
    body = text.split('IMAGENET_CLASSES = {', 1)[1].rsplit('};', 1)[0]
    classes: dict[int, str] = {}
    for match in re.finditer(r"(\d+)\s*:|('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", body):
        if match[1]:
            number = int(match[1])
            classes[number] = ''
        else:  # a string literal, or one of several joined with +
            classes[number] += ast.literal_eval(match[2])
    assert sorted(classes) == list(range(1000)), 'expected classes 0..999'
    return [[name.strip() for name in classes[number].split(', ')] for number in range(1000)]


def fetch_wordnet() -> tuple[str, str]:
    """The texts of WordNet's `data.noun` and `index.noun`."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(['apt-get', 'download', DEBIAN_PACKAGE], cwd=folder, check=True, capture_output=True)
        (package,) = Path(folder).glob('*.deb')
        subprocess.run(['dpkg-deb', '-x', str(package), 'root'], cwd=folder, check=True)
        wordnet = Path(folder) / 'root' / WORDNET
        return (wordnet / 'data.noun').read_text(encoding='utf-8'), (wordnet / 'index.noun').read_text(encoding='utf-8')


class WordNet:
    def __init__(self, data: str, index: str):
        self.lemmas: dict[str, list[str]] = {}  # offset -> lemmas as written ('Canis_familiaris')
        self.hypernyms: dict[str, list[str]] = {}
        for line in data.splitlines():
            if line.startswith('  '):  # the licence header
                continue
            fields = line.partition(' | ')[0].split()
            offset, count = fields[0], int(fields[3], 16)
            self.lemmas[offset] = fields[4 : 4 + 2 * count : 2]
            at = 4 + 2 * count
            pointers = [fields[at + 1 + 4 * i : at + 5 + 4 * i] for i in range(int(fields[at]))]
            self.hypernyms[offset] = [
                target for symbol, target, pos, _ in pointers if symbol in ('@', '@i') and pos == 'n'
            ]
        self.senses: dict[str, list[str]] = {}  # lowercased lemma -> offsets, most common sense first
        for line in index.splitlines():
            if not line.startswith('  '):
                fields = line.split()
                self.senses[fields[0]] = fields[-int(fields[2]) :]

    def named(self, name: str) -> str:
        """The offset of 'dog.n.01'."""
        lemma, _, number = name.split('.')
        return self.senses[lemma][int(number) - 1]

    def is_latin(self, name: str) -> bool:
        """'Tinca tinca', 'Canis lupus tundrarum': a capitalised genus WordNet knows, then lowercase words."""
        genus, *rest = name.split()
        return bool(rest) and genus[0].isupper() and rest[0].islower() and f'genus_{genus.lower()}' in self.senses


def key(name: str) -> str:
    return name.lower().replace(' ', '_')


def candidates(wordnet: WordNet, names: list[str]) -> dict[str, int]:
    """Synsets holding any of a class's names, each with the number of its names it holds."""
    keys = {key(name) for name in names}
    keys |= {name.replace('_', '') for name in keys}  # 'jelly fish' is WordNet's 'jellyfish'
    found = {}
    for name in sorted(keys):
        for offset in wordnet.senses.get(name, []):
            lemmas = {lemma.lower() for lemma in wordnet.lemmas[offset]}
            found[offset] = sum(key(name) in lemmas for name in names)
    return found


def match_synsets(wordnet: WordNet, classes: list[list[str]]) -> list[str]:
    """Each class's synset offset: the rising sequence sharing most names, with `SENSES` where a choice remains."""
    choices = [
        {SENSES[number]: 1} if number in SENSES else candidates(wordnet, names) for number, names in enumerate(classes)
    ]
    best: list[dict[str, tuple[int, str | None]]] = []  # per class: offset -> (total score, previous offset)
    for number, choice in enumerate(choices):
        previous = sorted(best[-1].items()) if best else []
        here = {}
        for offset, score in sorted(choice.items()):
            if not number:
                here[offset] = (score, None)
                continue
            reachable = [(total, before) for before, (total, _) in previous if before < offset]
            if reachable:
                total, before = max(reachable)
                here[offset] = (total + score, before)
        assert here, f'class {number} {classes[number]}: no synset fits the order'
        best.append(here)
    offset = max(best[-1], key=lambda found: best[-1][found][0])
    chosen = []
    for here in reversed(best):
        chosen.append(offset)
        offset = here[offset][1]
    chosen.reverse()
    for number, offset in enumerate(chosen):
        low = chosen[number - 1] if number else ''
        high = chosen[number + 1] if number < 999 else '99999999'
        ties = [
            found for found, score in choices[number].items() if low < found < high and score == choices[number][offset]
        ]
        assert len(ties) == 1, f'class {number} {classes[number]}: several senses fit {ties}; add it to SENSES'
    return chosen


def ancestors(wordnet: WordNet, offset: str) -> list[str]:
    """A synset's hypernyms, all the way up, nearest first."""
    found, queue = {}, deque(wordnet.hypernyms[offset])
    while queue:
        ancestor = queue.popleft()
        if ancestor not in found:
            found[ancestor] = None
            queue.extend(wordnet.hypernyms[ancestor])
    return list(found)


def unique(words: list[str], leaving_out: set[str] = frozenset()) -> list[str]:
    return [word for word in dict.fromkeys(words) if word not in leaving_out]


def build(classes: list[list[str]], wordnet: WordNet) -> list[dict]:
    offsets = match_synsets(wordnet, classes)
    assert all(f'n{offsets[number]}' == wnid for number, wnid in SAMPLE.items()), 'a sample id does not match'
    family = {wordnet.named(name): words for name, words in FAMILY_WORDS.items()}
    assert set(PLACE_WORDS) <= {names[0] for names in classes}, 'PLACE_WORDS names an unknown class'
    labels, reached = [], set()
    for names, offset in zip(classes, offsets, strict=True):
        name, *others = names
        synonyms = unique([other for other in others if not wordnet.is_latin(other)], {name})
        spelled = {name.lower(), *(synonym.lower() for synonym in synonyms)}
        up = ancestors(wordnet, offset)
        reached.update(up)
        family_words = [word for ancestor in up for word in family.get(ancestor, ())]
        broader = unique([*PLACE_WORDS.get(name, ()), *family_words], spelled)
        labels.append({'id': f'n{offset}', 'name': name, 'synonyms': synonyms, 'broader': broader})
    unused = [name for name in FAMILY_WORDS if wordnet.named(name) not in reached]
    assert not unused, f'FAMILY_WORDS entries no class reaches: {unused}'
    return labels


def write(labels: list[dict], target: Path) -> None:
    """One label a line, so that a change reads well in a diff."""
    lines = ',\n'.join(json.dumps(label, ensure_ascii=False) for label in labels)
    header = json.dumps({'source': f'{NPM_PACKAGE} (Apache-2.0), WordNet 3.0 ({DEBIAN_PACKAGE})'}, ensure_ascii=False)
    target.write_text(f'{header[:-1]}, "labels": [\n{lines}\n]}}\n', encoding='utf-8')


if __name__ == '__main__':
    write(build(fetch_classes(), WordNet(*fetch_wordnet())), TARGET)
