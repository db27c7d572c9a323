"""Query strategies: which unlabelled items should people label next.

:func:`query` is the one entry point the active-learning loop calls after each retrain; it
returns row indices, most informative first, so the caller can reorder a queue with them.
Uncertainty strategies score each item from the model's class probabilities; the
diversity-aware ones (see :mod:`annota.automation.diversity`) also use embeddings, and
without a model yet (``pred_probs=None``) every strategy but ``"random"`` starts cold by
k-center greedy on the embeddings.

References
----------
B. Settles, "Active Learning Literature Survey", University of Wisconsin-Madison CS
Technical Report 1648, 2009 (least confidence, margin, entropy).
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from annota.automation.diversity import cluster_margin, kcenter_greedy
from annota.errors import InvalidInput

Strategy = Literal["random", "least_confidence", "margin", "entropy", "kcenter", "cluster_margin"]
STRATEGIES: tuple[str, ...] = get_args(Strategy)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def uncertainty_scores(strategy: str, pred_probs: FloatArray) -> FloatArray:
    """Score every row so that a *higher* score means *more* informative.

    Parameters
    ----------
    strategy : {"least_confidence", "margin", "entropy"}
    pred_probs : ndarray of shape (n_items, n_classes)
        Rows sum to 1.

    Returns
    -------
    ndarray of shape (n_items,)
        ``1 - max p`` for least confidence, ``-(p_top1 - p_top2)`` for margin and
        ``-sum p log p`` (nats) for entropy.

    Examples
    --------
    >>> uncertainty_scores("margin", np.array([[0.9, 0.1], [0.6, 0.4]]))
    array([-0.8, -0.2])
    """
    if strategy == "least_confidence":
        return np.asarray(1.0 - pred_probs.max(axis=1), dtype=np.float64)
    if strategy == "margin":
        return -_margins(pred_probs)
    if strategy == "entropy":
        logs = np.log(np.where(pred_probs > 0, pred_probs, 1.0))
        return np.asarray(-(pred_probs * logs).sum(axis=1), dtype=np.float64)
    raise InvalidInput(f"{strategy!r} is not an uncertainty strategy", location="strategy")


def query(
    strategy: str,
    pred_probs: npt.ArrayLike | None,
    n: int,
    embeddings: npt.ArrayLike | None = None,
    labeled: npt.ArrayLike | None = None,
    seed: int = 0,
) -> IntArray:
    """Pick the ``n`` unlabelled rows to label next, most informative first.

    Parameters
    ----------
    strategy : str
        One of ``"random"``, ``"least_confidence"``, ``"margin"``, ``"entropy"``,
        ``"kcenter"`` and ``"cluster_margin"``.
        ``"kcenter"`` ignores the probabilities and spreads picks over the embeddings;
        ``"cluster_margin"`` clusters the lowest-margin items and picks across clusters.
    pred_probs : array-like of shape (n_items, n_classes), or None
        The current model's class probabilities for every row. ``None`` means no model yet:
        every strategy except ``"random"`` then runs k-center greedy on ``embeddings``.
    n : int
        How many rows to return; when fewer remain unlabelled, all of them are returned.
    embeddings : array-like of shape (n_items, d), optional
        Required by ``"kcenter"``, ``"cluster_margin"`` and cold start.
    labeled : array-like of int, optional
        Rows already labelled; never returned.
    seed : int
        Seed for ``"random"`` and for k-means in ``"cluster_margin"``; equal inputs and seed
        give equal output.

    Returns
    -------
    ndarray of shape (min(n, n_unlabelled),), dtype int64
        Distinct row indices.

    Raises
    ------
    InvalidInput
        On an unknown strategy, mismatched shapes, out-of-range ``labeled`` rows, a negative
        ``n``, or a missing ``embeddings`` where one is needed.

    Examples
    --------
    >>> probs = np.array([[0.9, 0.1], [0.5, 0.5], [0.7, 0.3]])
    >>> query("margin", probs, 2)
    array([1, 2])
    >>> query("margin", probs, 5, labeled=[1])
    array([2, 0])
    """
    if strategy not in STRATEGIES:
        raise InvalidInput(
            f"unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}",
            location="strategy",
        )
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise InvalidInput(f"n must be a non-negative integer, got {n!r}", location="n")
    probs = _check_probs(pred_probs)
    emb = _check_embeddings(embeddings, None if probs is None else probs.shape[0])
    n_items = _n_items(probs, emb)
    done = _check_labeled(labeled, n_items)
    pool = np.setdiff1d(np.arange(n_items, dtype=np.int64), done)
    k = min(int(n), pool.size)
    if strategy == "random":
        return np.random.default_rng(seed).permutation(pool)[:k]
    if probs is None or strategy == "kcenter":
        return kcenter_greedy(_require(emb, strategy), pool, done, k)
    if strategy == "cluster_margin":
        return cluster_margin(_require(emb, strategy), _margins(probs), pool, k, random_state=seed)
    scores = uncertainty_scores(strategy, probs)[pool]
    return pool[np.lexsort((pool, -scores))][:k]


def _margins(pred_probs: FloatArray) -> FloatArray:
    if pred_probs.shape[1] == 1:
        return np.asarray(pred_probs[:, 0], dtype=np.float64)
    top2 = np.sort(pred_probs, axis=1)[:, -2:]
    return np.asarray(top2[:, 1] - top2[:, 0], dtype=np.float64)


def _check_probs(pred_probs: npt.ArrayLike | None) -> FloatArray | None:
    if pred_probs is None:
        return None
    probs = np.asarray(pred_probs, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[1] == 0:
        raise InvalidInput(
            f"pred_probs must have shape (items, classes), got {probs.shape}",
            location="pred_probs",
        )
    if not np.isfinite(probs).all() or (probs < 0).any():
        raise InvalidInput("pred_probs must be finite and non-negative", location="pred_probs")
    return probs


def _check_embeddings(embeddings: npt.ArrayLike | None, n_items: int | None) -> FloatArray | None:
    if embeddings is None:
        return None
    emb = np.asarray(embeddings, dtype=np.float64)
    if emb.ndim != 2:
        raise InvalidInput(
            f"embeddings must have shape (items, dims), got {emb.shape}", location="embeddings"
        )
    if n_items is not None and emb.shape[0] != n_items:
        raise InvalidInput(
            f"embeddings has {emb.shape[0]} rows but pred_probs has {n_items}",
            location="embeddings",
        )
    if not np.isfinite(emb).all():
        raise InvalidInput("embeddings must be finite", location="embeddings")
    return emb


def _n_items(probs: FloatArray | None, emb: FloatArray | None) -> int:
    if probs is not None:
        return int(probs.shape[0])
    if emb is not None:
        return int(emb.shape[0])
    raise InvalidInput(
        "give pred_probs, or embeddings for a cold start without a model", location="pred_probs"
    )


def _check_labeled(labeled: npt.ArrayLike | None, n_items: int) -> IntArray:
    if labeled is None:
        return np.empty(0, dtype=np.int64)
    done = np.asarray(labeled)
    if done.size == 0:
        return np.empty(0, dtype=np.int64)
    if done.ndim != 1 or not np.issubdtype(done.dtype, np.integer):
        raise InvalidInput("labeled must be a 1-D array of row indices", location="labeled")
    if done.min() < 0 or done.max() >= n_items:
        raise InvalidInput(f"labeled holds rows outside 0..{n_items - 1}", location="labeled")
    return np.unique(done.astype(np.int64))


def _require(emb: FloatArray | None, strategy: str) -> FloatArray:
    if emb is None:
        raise InvalidInput(
            f"strategy {strategy!r} (or a cold start) needs embeddings", location="embeddings"
        )
    return emb
