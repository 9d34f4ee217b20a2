"""Global People's CLOSE (services/identities.py): how far apart one person's centres in two scopes are, and two
different people's, measured on real faces.

python -m bench.identity_threshold [--splits 200] [--seed 7] [--reuse]

Faces are the real face photos of `tests/factories/face_photos.py`: three photos of one man ('obama'), one of
another ('biden') and a group photo of six ('group-1' … 'group-6', left to right): 8 people. Each photo is also
uploaded as variants (mirrored, cropped, turned a few degrees, brighter or darker, more or less contrast, grey,
blurred, recompressed, downscaled, and mixes of these), and `ml/faces.find_faces` finds and embeds the faces of each
(the pipeline runs it on a photo's preview). A face of a variant is labelled by where it lies in the original photo
(the variant's geometry is known), never by its embedding.

A scope is simulated by a random draw of a person's faces; two scopes by two disjoint draws. Each side's centre is
the mean of its embeddings in float32, as grouping stores `Person.centroid`, and centres are compared with
`ml.clustering.distances`, as `identities._close_matches` compares them. Different people: one draw of each.
Single faces compare every pair: the worst case (grouping starts a person with at least MIN_FACES = 3 faces). Last,
the centres of everything found: of each of obama's photos, and of the closest different people.

Limits, read the figures with them:
- 8 people, of whom 7 are in one photo each: their same-person distances are between variants of one photo, far
  closer than two different photos (other day, light, age, angle) would be. Only 'obama' has different photos;
  his rows 'sides from different photos' are the honest same-person figures, and there are three photos.
- Different-person distances are between 8 people (28 pairs): strangers mostly, no siblings, no parents and children,
  no children at different ages, the cases where a wrong link is likeliest. A family library is full of those.
- So: the share of same-person pairs linked is optimistic, and the share of different-person pairs wrongly linked is
  a lower bound. The margin between the two distributions is the figure to read, not the shares alone.
"""

import argparse
import io
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

from bench.common import OUT, print_table
from ml import clustering
from ml import faces as ml_faces
from services.identities import CLOSE
from tests.factories.face_photos import ANOTHER_PERSON, GROUP_OF_SIX, ONE_PERSON, face_photo

THRESHOLDS = (0.30, 0.35, CLOSE, 0.45, clustering.THRESHOLD, 0.50)
MAX_SIDE = 5
PERSON_OF_PHOTO = {**{name: 'obama' for name in ONE_PERSON}, ANOTHER_PERSON: 'biden'}

Back = Callable[[float, float], tuple[float, float]]  # a point of the changed image → the same point before the change
Change = Callable[[Image.Image], tuple[Image.Image, Back]]


def _unmoved(x: float, y: float) -> tuple[float, float]:
    return x, y


def mirror(image: Image.Image) -> tuple[Image.Image, Back]:
    width = image.width
    return ImageOps.mirror(image), lambda x, y: (width - x, y)


def crop(left: float, top: float, right: float, bottom: float) -> Change:
    """Trim these fractions of the width and height off each side."""

    def change(image: Image.Image) -> tuple[Image.Image, Back]:
        box = (
            round(image.width * left),
            round(image.height * top),
            round(image.width * (1 - right)),
            round(image.height * (1 - bottom)),
        )
        return image.crop(box), lambda x, y: (x + box[0], y + box[1])

    return change


def turn(degrees: float) -> Change:
    """Turn counter-clockwise, the whole photo kept (grey corners)."""

    def change(image: Image.Image) -> tuple[Image.Image, Back]:
        turned = image.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=(128, 128, 128))
        cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))

        def back(x: float, y: float) -> tuple[float, float]:
            dx, dy = x - turned.width / 2, y - turned.height / 2
            return image.width / 2 + dx * cos - dy * sin, image.height / 2 + dx * sin + dy * cos

        return turned, back

    return change


def downscale(long_side: int) -> Change:
    def change(image: Image.Image) -> tuple[Image.Image, Back]:
        ratio = long_side / max(image.size)
        small = image.resize((round(image.width * ratio), round(image.height * ratio)), Image.Resampling.LANCZOS)
        return small, lambda x, y: (x * image.width / small.width, y * image.height / small.height)

    return change


def tone(brightness: float = 1.0, contrast: float = 1.0) -> Change:
    def change(image: Image.Image) -> tuple[Image.Image, Back]:
        image = ImageEnhance.Brightness(image).enhance(brightness)
        return ImageEnhance.Contrast(image).enhance(contrast), _unmoved

    return change


def grey(image: Image.Image) -> tuple[Image.Image, Back]:
    return ImageOps.grayscale(image).convert('RGB'), _unmoved


def blur(radius: float) -> Change:
    return lambda image: (image.filter(ImageFilter.GaussianBlur(radius)), _unmoved)


def jpeg(quality: int) -> Change:
    def change(image: Image.Image) -> tuple[Image.Image, Back]:
        encoded = io.BytesIO()
        image.save(encoded, 'JPEG', quality=quality)
        return Image.open(io.BytesIO(encoded.getvalue())).convert('RGB'), _unmoved

    return change


VARIANTS: dict[str, tuple[Change, ...]] = {
    'original': (),
    'mirrored': (mirror,),
    'cropped 5%': (crop(0.05, 0.05, 0.05, 0.05),),
    'cropped 12%': (crop(0.12, 0.12, 0.12, 0.12),),
    'cropped left': (crop(0.15, 0.05, 0, 0),),
    'cropped right': (crop(0, 0, 0.15, 0.05),),
    'turned +4°': (turn(4),),
    'turned -4°': (turn(-4),),
    'turned +8°': (turn(8),),
    'turned -8°': (turn(-8),),
    'brighter': (tone(brightness=1.35),),
    'darker': (tone(brightness=0.65),),
    'more contrast': (tone(contrast=1.4),),
    'less contrast': (tone(contrast=0.65),),
    'grey': (grey,),
    'blurred': (blur(1.5),),
    'jpeg 30': (jpeg(30),),
    'downscaled 512': (downscale(512),),
    'downscaled 400': (downscale(400),),
    'mirrored, turned +5°, darker': (mirror, turn(5), tone(brightness=0.75)),
    'mirrored, cropped 8%, more contrast': (mirror, crop(0.08, 0.08, 0.08, 0.08), tone(contrast=1.3)),
    'turned -5°, downscaled 480, brighter': (turn(-5), downscale(480), tone(brightness=1.2)),
    'cropped 6%, turned +3°, jpeg 50': (crop(0.06, 0.06, 0.06, 0.06), turn(3), jpeg(50)),
    'mirrored, downscaled 440, less contrast': (mirror, downscale(440), tone(contrast=0.8)),
    'mirrored, turned -3°, brighter, cropped': (mirror, turn(-3), tone(brightness=1.2), crop(0.04, 0.1, 0.04, 0)),
    'grey, turned +6°, blurred': (grey, turn(6), blur(1.0)),
}


def changed(image: Image.Image, changes: tuple[Change, ...]) -> tuple[Image.Image, Back]:
    """The image after these changes, and where a point of it lies in the original."""
    backs = []
    for change in changes:
        image, back = change(image)
        backs.append(back)

    def to_original(x: float, y: float) -> tuple[float, float]:
        for back in reversed(backs):
            x, y = back(x, y)
        return x, y

    return image, to_original


@dataclass(frozen=True)
class Faces:
    vectors: np.ndarray  # float32, as the vector store keeps them
    person: np.ndarray
    photo: np.ndarray
    variant: np.ndarray

    def of(self, person: str, photo: str | None = None, other_photos: bool = False) -> np.ndarray:
        """Indexes of a person's faces (of one photo, or of every other photo)."""
        chosen = self.person == person
        if photo is not None:
            chosen &= (self.photo != photo) if other_photos else (self.photo == photo)
        return np.flatnonzero(chosen)

    def people(self) -> list[str]:
        return sorted(set(self.person), key=lambda name: (name.startswith('group'), name))


@dataclass(frozen=True)
class _Known:
    person: str
    x: float
    y: float
    width: float


def detect(folder: Path) -> tuple[Faces, dict[str, dict[str, int]]]:
    """Every face of every variant of every photo, labelled; and, per photo and person, how many variants found
    them."""
    home, photos = folder / 'models', folder / 'photos'
    photos.mkdir(parents=True, exist_ok=True)
    ml_faces.load(home)
    rows, found_in = [], {}
    for name in (*ONE_PERSON, ANOTHER_PERSON, GROUP_OF_SIX):
        with Image.open(face_photo(name)) as source:
            original = ImageOps.exif_transpose(source).convert('RGB')
        known: list[_Known] = []
        for index, (variant, changes) in enumerate(VARIANTS.items()):
            image, to_original = changed(original, changes)
            path = photos / f'{Path(name).stem}-{index:02d}.jpg'
            image.save(path, quality=92)
            placed = [(face, *to_original(*_centre(face, image))) for face in ml_faces.find_faces(path, home)]
            if not known:  # the original comes first: it says who is where
                known = _people_in(name, placed, image.width)
            for face, x, y in placed:
                person = _nearest(known, x, y)
                if person is not None:
                    rows.append((face.embedding, person, name, variant))
                    found_in.setdefault(name, {}).setdefault(person, 0)
                    found_in[name][person] += 1
    vectors, person, photo, variant = zip(*rows, strict=True)
    faces = Faces(np.array(vectors, dtype=np.float32), np.array(person), np.array(photo), np.array(variant))
    return faces, found_in


def _centre(face: ml_faces.FoundFace, image: Image.Image) -> tuple[float, float]:
    return (face.x + face.width / 2) * image.width, (face.y + face.height / 2) * image.height


def _people_in(name: str, placed: list, width: int) -> list[_Known]:
    if not placed:
        raise RuntimeError(f'No face found in {name}: nothing to measure')
    if name == GROUP_OF_SIX:
        ordered = sorted(placed, key=lambda found: found[1])
        return [_Known(f'group-{n}', x, y, face.width * width) for n, (face, x, y) in enumerate(ordered, 1)]
    face, x, y = max(placed, key=lambda found: found[0].width * found[0].height)
    return [_Known(PERSON_OF_PHOTO[name], x, y, face.width * width)]


def _nearest(known: list[_Known], x: float, y: float) -> str | None:
    """The person whose face in the original lies where this face lies (within half a face's width), if any."""
    nearest = min(known, key=lambda one: math.hypot(one.x - x, one.y - y))
    return nearest.person if math.hypot(nearest.x - x, nearest.y - y) < nearest.width / 2 else None


def centre(vectors: np.ndarray) -> np.ndarray:
    """A side's centre as grouping stores it (float32 mean) and identities reads it back (float64)."""
    return np.mean(vectors, axis=0).astype(np.float32).astype(np.float64)


def within(faces: Faces, indexes: np.ndarray) -> np.ndarray:
    """Distances of every pair of these single faces."""
    near = clustering.distances(faces.vectors[indexes].astype(np.float64), faces.vectors[indexes].astype(np.float64))
    return near[np.triu_indices(len(indexes), 1)]


def between(faces: Faces, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    near = clustering.distances(faces.vectors[first].astype(np.float64), faces.vectors[second].astype(np.float64))
    return near.ravel()


Sizes = Callable[[np.random.Generator], tuple[int, int]]


def drawn(faces: Faces, pools: list[tuple[np.ndarray, np.ndarray]], sizes: Sizes, splits: int, rng) -> np.ndarray:
    """For each pool pair, `splits` times: draw a side from the first and a disjoint side from the second, and the
    distance of their centres. Draws a pool is too small for are skipped."""
    found = []
    for first, second in pools:
        for _ in range(splits):
            size_a, size_b = sizes(rng)
            if len(first) < size_a:
                continue
            side_a = rng.choice(first, size_a, replace=False)
            rest = np.setdiff1d(second, side_a)
            if len(rest) < size_b:
                continue
            side_b = rng.choice(rest, size_b, replace=False)
            a, b = centre(faces.vectors[side_a]), centre(faces.vectors[side_b])
            found.append(clustering.distances(a[None, :], b[None, :])[0, 0])
    return np.array(found)


@dataclass(frozen=True)
class Condition:
    name: str
    same: np.ndarray
    different: np.ndarray


def conditions(faces: Faces, splits: int, rng: np.random.Generator) -> list[Condition]:
    people = faces.people()
    own = [faces.of(person) for person in people]
    pairs = [(own[i], own[j]) for i in range(len(own)) for j in range(i + 1, len(own))]
    found = [
        Condition(
            'single faces, every pair',
            np.concatenate([within(faces, indexes) for indexes in own]),
            np.concatenate([between(faces, first, second) for first, second in pairs]),
        )
    ]
    for size in range(2, MAX_SIDE + 1):
        even = _even(size)
        found.append(
            Condition(
                f'{size} faces a side',
                drawn(faces, [(indexes, indexes) for indexes in own], even, splits, rng),
                drawn(faces, pairs, even, splits, rng),
            )
        )
    found.append(
        Condition(
            f'1–{MAX_SIDE} faces a side, uneven',
            drawn(faces, [(indexes, indexes) for indexes in own], _uneven, splits, rng),
            drawn(faces, pairs, _uneven, splits, rng),
        )
    )
    return found + _across_photos(faces, people, splits, rng)


def _even(size: int) -> Sizes:
    return lambda rng: (size, size)


def _uneven(rng: np.random.Generator) -> tuple[int, int]:
    first, second = rng.integers(1, MAX_SIDE + 1, 2)
    return int(first), int(second)


def _across_photos(faces: Faces, people: list[str], splits: int, rng: np.random.Generator) -> list[Condition]:
    """'obama', the one person with several photos: each side's faces from different photos."""
    photos = [photo for photo in ONE_PERSON if len(faces.of('obama', photo))]
    if len(photos) < 2:
        return []
    by_photo = [faces.of('obama', photo) for photo in photos]
    others = [(faces.of('obama'), faces.of(person)) for person in people if person != 'obama']
    found = [
        Condition(
            'obama, sides from different photos: single faces',
            np.concatenate(
                [
                    between(faces, by_photo[i], by_photo[j])
                    for i in range(len(photos))
                    for j in range(i + 1, len(photos))
                ]
            ),
            np.concatenate([between(faces, first, second) for first, second in others]),
        )
    ]
    apart = [(faces.of('obama', photo), faces.of('obama', photo, other_photos=True)) for photo in photos]
    for size in (3, MAX_SIDE):
        found.append(
            Condition(
                f'obama, sides from different photos: {size} faces a side',
                drawn(faces, apart, _even(size), splits, rng),
                drawn(faces, others, _even(size), splits, rng),
            )
        )
    return found


def summary(distances: np.ndarray) -> dict[str, object]:
    low, p5, median, p95, high = np.percentile(distances, [0, 5, 50, 95, 100])
    return {
        'pairs': len(distances),
        'min': low,
        'p5': p5,
        'median': median,
        'p95': p95,
        'max': high,
        'linked': {f'{threshold:.2f}': float((distances <= threshold).mean()) for threshold in THRESHOLDS},
    }


def extremes(faces: Faces) -> dict[str, dict[str, object]]:
    """The farthest two single faces of one person, and the closest two of different people."""
    near = clustering.distances(faces.vectors.astype(np.float64), faces.vectors.astype(np.float64))
    same = faces.person[:, None] == faces.person[None, :]
    far_same = np.unravel_index(np.where(same, near, -np.inf).argmax(), near.shape)
    close_other = np.unravel_index(np.where(same, np.inf, near).argmin(), near.shape)
    return {
        'farthest same person': _pair(faces, near, far_same),
        'closest different people': _pair(faces, near, close_other),
    }


def whole_centres(faces: Faces, closest: int = 5) -> list[dict[str, object]]:
    """The centres of everything found: of each of obama's photos against the others (same person; a scope with
    many faces of one photo), and of the `closest` different people (each with all their faces). The worst single
    pair is the farthest for one person, the closest for two."""
    by_photo = [(f'obama ({photo})', faces.of('obama', photo)) for photo in ONE_PERSON]
    same = [_whole(faces, True, *first, *second) for first, second in itertools.combinations(by_photo, 2)]
    everyone = [(person, faces.of(person)) for person in faces.people()]
    different = [_whole(faces, False, *first, *second) for first, second in itertools.combinations(everyone, 2)]
    return same + sorted(different, key=lambda row: row['centres'])[:closest]


def _whole(faces: Faces, same: bool, first_name: str, first: np.ndarray, second_name: str, second: np.ndarray):
    a, b = centre(faces.vectors[first]), centre(faces.vectors[second])
    singles = between(faces, first, second)
    return {
        'pair': f'{first_name} / {second_name}',
        'same person': same,
        'faces': [len(first), len(second)],
        'centres': float(clustering.distances(a[None, :], b[None, :])[0, 0]),
        'worst single pair': float(singles.max() if same else singles.min()),
    }


def _pair(faces: Faces, near: np.ndarray, pair: tuple) -> dict[str, object]:
    first, second = (int(index) for index in pair)
    return {
        'distance': float(near[first, second]),
        'faces': [f'{faces.person[i]} in {faces.photo[i]} ({faces.variant[i]})' for i in (first, second)],
    }


def _spread(figures: dict[str, object]) -> str:
    return ' / '.join(f'{figures[key]:.3f}' for key in ('min', 'p5', 'median', 'p95', 'max'))


def _spread_row(row: dict[str, object]) -> list[object]:
    same, different = row['same person'], row['different people']
    return [row['name'], same['pairs'], _spread(same), different['pairs'], _spread(different)]


def _whole_row(row: dict[str, object]) -> list[object]:
    faces = ' / '.join(str(count) for count in row['faces'])
    linked = 'yes' if row['centres'] <= CLOSE else 'no'
    same = 'yes' if row['same person'] else 'no'
    return [row['pair'], same, faces, f'{row["centres"]:.3f}', linked, f'{row["worst single pair"]:.3f}']


def _linked(figures: dict[str, object], threshold: float) -> str:
    return f'{figures["linked"][f"{threshold:.2f}"] * 100:.1f}%'


def report(faces: Faces, found_in: dict[str, dict[str, int]], found: list[Condition]) -> dict[str, object]:
    """Print the tables; returns the figures."""
    figures = {
        'close': CLOSE,
        'variants_per_photo': len(VARIANTS),
        'faces_found': found_in,
        'conditions': [
            {'name': one.name, 'same person': summary(one.same), 'different people': summary(one.different)}
            for one in found
        ],
        'extremes': extremes(faces),
        'whole centres': whole_centres(faces),
    }
    print(f'{len(VARIANTS)} variants of each photo; faces found and labelled, per photo and person:')
    print_table(
        ['photo', 'person', 'faces'],
        [[photo, person, count] for photo, people in found_in.items() for person, count in sorted(people.items())],
    )
    print('\nCentre distances: min / p5 / median / p95 / max')
    print_table(
        ['sides', 'same-person pairs', 'same person', 'different-person pairs', 'different people'],
        [_spread_row(row) for row in figures['conditions']],
    )
    print('\nLinked at each threshold: same-person pairs linked (want 100%) / different-person pairs linked (want 0%)')
    print_table(
        ['sides', *[f'≤ {threshold:.2f}' + (' (CLOSE)' if threshold == CLOSE else '') for threshold in THRESHOLDS]],
        [
            [row['name']]
            + [f'{_linked(row["same person"], t)} / {_linked(row["different people"], t)}' for t in THRESHOLDS]
            for row in figures['conditions']
        ],
    )
    print('\nWhole centres: every face of a photo or person on each side')
    print_table(
        ['pair', 'same person', 'faces', 'centre distance', f'linked at {CLOSE:.2f}', 'worst single pair'],
        [_whole_row(row) for row in figures['whole centres']],
    )
    for name, pair in figures['extremes'].items():
        print(f'\n{name}: {pair["distance"]:.3f}, {" and ".join(pair["faces"])}')
    return figures


def main(arguments: argparse.Namespace) -> None:
    start = time.perf_counter()
    folder = arguments.workdir
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / 'faces.npz'
    if arguments.reuse:
        saved = np.load(stored)
        faces = Faces(saved['vectors'], saved['person'], saved['photo'], saved['variant'])
        found_in = json.loads((folder / 'figures.json').read_text())['faces_found']
    else:
        faces, found_in = detect(folder)
        np.savez(stored, vectors=faces.vectors, person=faces.person, photo=faces.photo, variant=faces.variant)
    detected = time.perf_counter() - start
    figures = report(faces, found_in, conditions(faces, arguments.splits, np.random.default_rng(arguments.seed)))
    figures |= {'splits': arguments.splits, 'seed': arguments.seed, 'detect_s': detected}
    figures['total_s'] = time.perf_counter() - start
    (folder / 'figures.json').write_text(json.dumps(figures, indent=2, default=float) + '\n')
    print(f'\n{len(faces.vectors)} faces of {len(faces.people())} people; detection {detected:.0f} s, ', end='')
    print(f'total {figures["total_s"]:.0f} s; figures in {folder / "figures.json"}')


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--splits', type=int, default=200, help='random draws per person or pair (default 200)')
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--reuse', action='store_true', help='reuse the faces found by the last run (faces.npz)')
    parser.add_argument('--workdir', type=Path, default=OUT / 'identity_threshold')
    main(parser.parse_args())


if __name__ == '__main__':
    run()
