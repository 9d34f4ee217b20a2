"""Grouping face embeddings into people (SPEC §7), with numpy only.

Two operations over one scope's faces (a user's library, or a space):
- `assign`: each new face goes to the nearest person whose centre is within the threshold, or waits.
- `cluster`: faces group into new people when enough of them are close (at least `min_faces`); used for the waiting
  faces after each assignment, and for all faces of a scope in the scheduled full re-cluster that repairs drift.

Distances are Euclidean between Dlib's 128-number embeddings (its own measure, about 0.45–0.5 between the same
person's photos; FIELD-NOTES). `cluster` is a leader pass in chunks (each face joins the nearest running centre
within the threshold, or starts one), then close centres merge, then groups under `min_faces` go back to waiting:
it costs O(faces × centres) and never builds a faces × faces matrix, so 100,000 faces fit in memory.
"""

from dataclasses import dataclass

import numpy as np

THRESHOLD = 0.47
MIN_FACES = 3
CHUNK = 2048


@dataclass(frozen=True)
class Grouping:
    groups: list[list[int]]  # indexes into the faces given, one list per person, largest first
    waiting: list[int]  # faces not (yet) close to enough others


def distances(faces: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """faces × centres Euclidean distances, by the dot-product expansion (one matrix product)."""
    squared = (faces**2).sum(1)[:, None] + (centres**2).sum(1)[None, :] - 2 * faces @ centres.T
    return np.sqrt(np.maximum(squared, 0))


def assign(faces: np.ndarray, centres: np.ndarray, threshold: float = THRESHOLD) -> list[int | None]:
    """For each face, the index of the nearest centre within the threshold, or None."""
    if len(faces) == 0:
        return []
    if len(centres) == 0:
        return [None] * len(faces)
    result: list[int | None] = []
    for start in range(0, len(faces), CHUNK):
        near = distances(faces[start : start + CHUNK], centres)
        nearest = near.argmin(1)
        within = near[np.arange(len(nearest)), nearest] <= threshold
        result += [int(index) if ok else None for index, ok in zip(nearest, within, strict=True)]
    return result


def cluster(faces: np.ndarray, threshold: float = THRESHOLD, min_faces: int = MIN_FACES) -> Grouping:
    """Group faces into people; faces in groups smaller than `min_faces` wait."""
    if len(faces) == 0:
        return Grouping([], [])
    members, centres = _leader_pass(faces.astype(np.float64), threshold)
    members, centres = _merge_close(members, centres, threshold)
    groups = sorted((group for group in members if len(group) >= min_faces), key=len, reverse=True)
    waiting = sorted(index for group in members if len(group) < min_faces for index in group)
    return Grouping([sorted(group) for group in groups], waiting)


def _leader_pass(faces: np.ndarray, threshold: float) -> tuple[list[list[int]], np.ndarray]:
    members: list[list[int]] = []
    sums = np.zeros((0, faces.shape[1]))
    for start in range(0, len(faces), CHUNK):
        chunk = faces[start : start + CHUNK]
        known = len(members)
        nearest = assign(chunk, sums / _counts(members)[:, None], threshold) if known else [None] * len(chunk)
        for offset, index in enumerate(nearest):
            if index is not None:
                members[index].append(start + offset)
                sums[index] += chunk[offset]
        # Faces near no earlier centre: one by one against the centres this chunk started (few).
        for offset in (offset for offset, index in enumerate(nearest) if index is None):
            face = chunk[offset]
            started = sums[known:] / _counts(members[known:])[:, None]
            found = assign(face[None, :], started, threshold)[0]
            if found is None:
                members.append([start + offset])
                sums = np.vstack([sums, face])
            else:
                members[known + found].append(start + offset)
                sums[known + found] += face
    return members, sums / _counts(members)[:, None]


def _merge_close(members: list[list[int]], centres: np.ndarray, threshold: float):
    """Centres closer than the threshold are one person seen in two runs of the leader pass: merge them, largest
    group first, until none are that close."""
    merged = True
    while merged and len(members) > 1:
        merged = False
        order = np.argsort([-len(group) for group in members])
        members, centres = [members[i] for i in order], centres[order]
        nearest = _nearest_other(centres, threshold)
        absorbed: set[int] = set()
        for index, target in enumerate(nearest):
            if target is None or index in absorbed or target in absorbed or target >= index:
                continue
            sizes = len(members[target]), len(members[index])
            centres[target] = (centres[target] * sizes[0] + centres[index] * sizes[1]) / sum(sizes)
            members[target] += members[index]
            absorbed.add(index)
            merged = True
        keep = [index for index in range(len(members)) if index not in absorbed]
        members, centres = [members[i] for i in keep], centres[keep]
    return members, centres


def _nearest_other(centres: np.ndarray, threshold: float) -> list[int | None]:
    """For each centre, the nearest other centre within the threshold, or None."""
    result: list[int | None] = []
    for start in range(0, len(centres), CHUNK):
        near = distances(centres[start : start + CHUNK], centres)
        rows = np.arange(len(near))
        near[rows, start + rows] = np.inf
        nearest = near.argmin(1)
        within = near[rows, nearest] <= threshold
        result += [int(index) if ok else None for index, ok in zip(nearest, within, strict=True)]
    return result


def _counts(members: list[list[int]]) -> np.ndarray:
    return np.array([len(group) for group in members], dtype=np.float64)
