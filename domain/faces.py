"""Faces a member draws by hand around someone face detection missed: where such a box may be."""

from dataclasses import dataclass

from domain.errors import InvalidInput

DETECTED = 'detected'  # found by the face model, with an embedding
BY_HAND = 'manual'  # drawn by a member: no embedding, so grouping never sees it
MIN_SIDE = 0.02  # of the photo's width or height: smaller than that is a slip of the finger, not a face
_EDGE = 1e-6  # a box drawn to the very edge may round a hair past it


@dataclass(frozen=True)
class Box:
    """A face's box in fractions of the photo's width and height, from its top-left corner."""

    x: float
    y: float
    width: float
    height: float


def box_problem(box: Box) -> str | None:
    """What is wrong with a box drawn on a photo, in words; None when it is a sensible face."""
    if min(box.x, box.y) < -_EDGE or box.x + box.width > 1 + _EDGE or box.y + box.height > 1 + _EDGE:
        return 'The box must be inside the photo'
    if min(box.width, box.height) < MIN_SIDE:
        return 'The box is too small: draw it around the whole face'
    return None


def require_box(box: Box) -> Box:
    """The box, clipped to the photo's edges; 400 when it is not a sensible face."""
    problem = box_problem(box)
    if problem:
        raise InvalidInput(problem)
    x, y = max(box.x, 0.0), max(box.y, 0.0)
    return Box(x, y, min(box.width, 1 - x), min(box.height, 1 - y))
