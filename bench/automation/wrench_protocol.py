"""WRENCH's evaluation protocol, shared by both venvs' scripts (numpy only).

WRENCH scores a label model from its ``predict_proba``: ``snorkel.utils.probs_to_preds``
with its default ``tie_break_policy="random"``, which is *not* random: a row whose top
probabilities are within 1e-5 of each other gets ``tied[sha1(str(row_index)) % len(tied)]``.
So the same probabilities always give the same predictions, and majority vote (vote shares,
uniform where no LF fired) has one exact score per split: on these files it reproduces
WRENCH's published MV figures (YouTube accuracy 0.840, SMS spam F1 0.2397).
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def wrench_preds(probs: npt.NDArray[np.float64]) -> IntArray:
    """Predictions as WRENCH computes them: argmax, ties by a hash of the row index."""
    top = np.abs(probs - probs.max(axis=1, keepdims=True)) < 1e-5
    out = np.asarray(probs.argmax(axis=1), dtype=np.int64)
    for i in np.flatnonzero(top.sum(axis=1) > 1):
        tied = np.flatnonzero(top[i])
        out[i] = tied[int(hashlib.sha1(str(i).encode()).hexdigest(), 16) % len(tied)]
    return out


def wrench_score(metric: str, y: IntArray, probs: npt.NDArray[np.float64]) -> float:
    """``acc`` (accuracy) or ``f1`` (F1 of class 1, WRENCH's ``f1_binary``), as WRENCH scores."""
    pred = wrench_preds(probs)
    if metric == "acc":
        return float(np.mean(pred == y))
    tp = float(np.sum((pred == 1) & (y == 1)))
    denom = float(np.sum(pred == 1) + np.sum(y == 1))
    return 2 * tp / denom if denom else 0.0
