"""What the vectors say: nearest neighbours, clusters of a day, a 2-D map (NumPy only).

Every function is deterministic: the same vectors give the same answer, in the same
order (ties are broken by position, and positions follow sorted paper ids).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def nearest(
    matrix: np.ndarray, k: int, *, block: int = 1024, min_similarity: float = -1.0, first: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` other rows most similar to each row from ``first`` on (default: every row).

    Returns (indices, similarities), each of shape (rows - first, k), best first; a slot
    below ``min_similarity`` has index -1.  Memory stays at ``block`` × rows floats
    whatever the archive's size.
    """
    n = matrix.shape[0]
    q = n - first
    k = max(0, min(k, n - 1))
    indices = np.full((q, k), -1, dtype=np.int64)
    scores = np.full((q, k), -np.inf, dtype=np.float32)
    if k == 0 or q <= 0:
        return indices, scores
    for start in range(first, n, block):
        sims = matrix[start : start + block] @ matrix.T
        rows = np.arange(sims.shape[0])
        sims[rows, start + rows] = -np.inf  # never itself
        top = _top_k(sims, k)
        part = np.take_along_axis(sims, top, axis=1)
        top, part = _best_first(top, part)
        top[part < min_similarity] = -1
        indices[start - first : start - first + block], scores[start - first : start - first + block] = top, part
    return indices, scores


def _best_first(top: np.ndarray, part: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # best first; equal similarities by row position, so the order never depends on the partition
    order = np.lexsort((top, -part), axis=1)
    return np.take_along_axis(top, order, axis=1), np.take_along_axis(part, order, axis=1)


def extend_nearest(
    matrix: np.ndarray, old: int, index: np.ndarray, scores: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """``nearest(matrix, k)`` when rows ``old:`` were added to an archive whose neighbours are known.

    ``index``/``scores`` are ``nearest`` of ``matrix[:old]`` (no ``min_similarity``).  Costs
    (new rows × all rows) instead of (all rows)²: a day's papers against the archive.
    """
    n = matrix.shape[0]
    if old == n:
        return index, scores
    new_index, new_scores = nearest(matrix, k, first=old)
    width = min(k, n - 1)
    added = matrix[:old] @ matrix[old:].T  # old rows against the new ones
    columns = np.broadcast_to(np.arange(old, n), added.shape)
    pool_index = np.concatenate([np.where(index < 0, 0, index), columns], axis=1)
    pool_scores = np.concatenate([np.where(index < 0, -np.inf, scores), added], axis=1).astype(np.float32)
    top = np.argpartition(pool_scores, pool_scores.shape[1] - width, axis=1)[:, pool_scores.shape[1] - width :]
    merged_index, merged_scores = _best_first(
        np.take_along_axis(pool_index, top, axis=1), np.take_along_axis(pool_scores, top, axis=1)
    )
    merged_index[~np.isfinite(merged_scores)] = -1
    return np.vstack([merged_index, new_index]), np.vstack([merged_scores, new_scores])


TORCH_FROM = 20_000  # archive size from which PyTorch's top-k (several times faster) is worth its import


def _top_k(sims: np.ndarray, k: int) -> np.ndarray:
    """Column positions of the ``k`` largest values of each row, in no particular order."""
    n = sims.shape[1]
    if n >= TORCH_FROM:
        try:
            import torch
        except ImportError:
            pass
        else:
            return torch.from_numpy(sims).topk(k, dim=1, sorted=False).indices.numpy()
    return np.argpartition(sims, n - k, axis=1)[:, n - k :]


@dataclass(frozen=True)
class Cluster:
    members: tuple[int, ...]  # row positions, ascending
    cohesion: float  # mean pairwise cosine inside the cluster


def clusters(matrix: np.ndarray, similarity: float) -> list[Cluster]:
    """Average-linkage clusters whose members are, on average, at least ``similarity`` alike.

    Agglomerative: the two groups with the highest average similarity merge until none
    reaches ``similarity``.  Groups of one are left out; the largest cluster comes first.
    Quadratic memory and cubic time in the worst case: meant for one day (hundreds of papers).
    """
    n = matrix.shape[0]
    if n < 2:
        return []
    sims = (matrix @ matrix.T).astype(np.float64)
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    # sum of pairwise similarities between groups; average = sum / (|a| |b|)
    total = sims.copy()
    np.fill_diagonal(total, -np.inf)
    active = np.ones(n, dtype=bool)
    while True:
        sizes = np.array([len(groups.get(i, ())) for i in range(n)], dtype=np.float64)
        avg = total / np.maximum(np.outer(sizes, sizes), 1)
        avg[~active, :] = -np.inf
        avg[:, ~active] = -np.inf
        np.fill_diagonal(avg, -np.inf)
        flat = int(np.argmax(avg))
        a, b = divmod(flat, n)
        if avg[a, b] < similarity:
            break
        a, b = min(a, b), max(a, b)
        groups[a].extend(groups.pop(b))
        total[a, :] += total[b, :]
        total[:, a] += total[:, b]
        total[a, a] = -np.inf
        active[b] = False
    found = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members = sorted(members)
        block = sims[np.ix_(members, members)]
        m = len(members)
        found.append(Cluster(tuple(members), float((block.sum() - np.trace(block)) / (m * (m - 1)))))
    found.sort(key=lambda c: (-len(c.members), -c.cohesion, c.members))
    return found


def project(matrix: np.ndarray) -> np.ndarray:
    """A 2-D map: the two principal components, scaled into [0, 1] (signs fixed, so stable)."""
    n = matrix.shape[0]
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.full((1, 2), 0.5)
    centred = matrix.astype(np.float64) - matrix.mean(axis=0)
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    points = u[:, :2] * s[:2]
    if points.shape[1] < 2:
        points = np.hstack([points, np.zeros((n, 1))])
    for axis in range(2):  # the sign of a component is arbitrary: make the largest coordinate positive
        if points[np.argmax(np.abs(points[:, axis])), axis] < 0:
            points[:, axis] *= -1
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.where(high - low == 0, 1, high - low)
    scaled = (points - low) / span
    scaled[:, high - low == 0] = 0.5
    return scaled


def best_match(anchors: np.ndarray, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``matrix``: the highest similarity to any anchor, and which anchor."""
    if anchors.shape[0] == 0 or matrix.shape[0] == 0:
        return np.full(matrix.shape[0], -np.inf), np.full(matrix.shape[0], -1)
    sims = matrix @ anchors.T
    which = np.argmax(sims, axis=1)
    return sims[np.arange(matrix.shape[0]), which], which
