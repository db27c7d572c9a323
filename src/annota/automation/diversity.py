"""Diversity-aware selection on embeddings: k-center greedy and cluster-margin.

Uncertainty alone picks near-duplicates: the ten most uncertain news items are often ten
rewrites of one story. These strategies spread a batch over the embedding space, which is
also the only sensible choice before any model exists (cold start).

References
----------
O. Sener and S. Savarese, "Active learning for convolutional neural networks: a core-set
approach", ICLR 2018 (k-center greedy).
G. Citovsky et al., "Batch active learning at scale", NeurIPS 2021 (cluster-margin).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def kcenter_greedy(embeddings: FloatArray, pool: IntArray, labeled: IntArray, n: int) -> IntArray:
    """Pick ``n`` pool items, each the farthest from everything chosen or labelled so far.

    Parameters
    ----------
    embeddings : ndarray of shape (n_items, d)
    pool : ndarray of shape (n_pool,)
        Candidate row indices (unlabelled).
    labeled : ndarray of shape (n_labeled,)
        Rows that already count as centers. When empty, the first pick is the pool item
        nearest the pool's mean (a typical item, not an outlier).
    n : int
        How many to pick; at most ``n_pool``.

    Returns
    -------
    ndarray of shape (n,)
        Pool rows in pick order, so the most novel comes first.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [10.0], [11.0]])
    >>> kcenter_greedy(X, np.array([1, 2, 3]), np.array([0]), 2)
    array([3, 1])
    """
    points = embeddings[pool]
    chosen: list[int] = []
    if labeled.size:
        nearest = _min_sq_distance(points, embeddings[labeled])
    else:
        typical = int(np.argmin(_min_sq_distance(points, points.mean(axis=0, keepdims=True))))
        chosen.append(typical)
        nearest = _min_sq_distance(points, points[typical : typical + 1])
    while len(chosen) < n:
        pick = int(np.argmax(nearest))
        chosen.append(pick)
        nearest = np.minimum(nearest, _min_sq_distance(points, points[pick : pick + 1]))
    return pool[np.asarray(chosen[:n], dtype=np.int64)]


def cluster_margin(
    embeddings: FloatArray,
    margins: FloatArray,
    pool: IntArray,
    n: int,
    *,
    candidates_per_pick: int = 10,
    random_state: int = 0,
) -> IntArray:
    """Take the lowest-margin candidates, cluster them, and pick round-robin over clusters.

    A simplified cluster-margin (Citovsky et al.): the ``candidates_per_pick * n`` pool items
    with the smallest margin are grouped into ``n`` k-means clusters; picks cycle over the
    clusters from the smallest to the largest, taking each cluster's lowest-margin item.

    Parameters
    ----------
    embeddings : ndarray of shape (n_items, d)
    margins : ndarray of shape (n_items,)
        Top-1 minus top-2 probability; small means uncertain.
    pool : ndarray of shape (n_pool,)
    n : int
    candidates_per_pick : int
        How many low-margin candidates to cluster per requested item.
    random_state : int
        Seed for k-means.

    Returns
    -------
    ndarray of shape (n,)
        Pool rows, most informative first.
    """
    order = pool[np.lexsort((pool, margins[pool]))]
    candidates = order[: min(order.size, candidates_per_pick * n)]
    n_clusters = min(n, candidates.size)
    if n_clusters <= 1:
        return candidates[:n]
    km = KMeans(n_clusters=n_clusters, n_init=1, random_state=random_state)
    cluster_of = km.fit_predict(embeddings[candidates])
    sizes = np.bincount(cluster_of, minlength=n_clusters)
    queues = [
        list(candidates[cluster_of == c])  # already sorted by margin
        for c in np.lexsort((np.arange(n_clusters), sizes))
    ]
    picked: list[int] = []
    while len(picked) < n:
        for queue in queues:
            if queue and len(picked) < n:
                picked.append(int(queue.pop(0)))
    return np.asarray(picked, dtype=np.int64)


def _min_sq_distance(points: FloatArray, centers: FloatArray) -> FloatArray:
    """Squared Euclidean distance from each point to its nearest center."""
    sq = (
        (points**2).sum(axis=1)[:, None]
        - 2.0 * points @ centers.T
        + (centers**2).sum(axis=1)[None, :]
    )
    return np.asarray(np.clip(sq, 0.0, None).min(axis=1), dtype=np.float64)
