"""Majority vote with an explicit tie policy."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput
from annota.quality.aggregation.base import CrowdClassifier, FloatArray
from annota.quality.answers import AnswerTable

__all__ = ["MajorityVote", "TiePolicy", "break_ties"]

TiePolicy = Literal["first", "random", "abstain"]
_TIE_POLICIES = ("first", "random", "abstain")


def break_ties(
    scores: FloatArray, *, policy: TiePolicy, random_state: int | None = None
) -> npt.NDArray[np.intp]:
    """Pick a class per row of ``scores`` (n_items, n_classes), resolving ties by ``policy``.

    ``"first"`` takes the tied class that comes first in ``classes_`` (sorted labels);
    ``"random"`` draws uniformly among the tied classes with ``random_state``;
    ``"abstain"`` returns ``-1`` so that the item's label is missing. Rows of ``NaN`` (no vote)
    always give ``-1``.
    """
    if policy not in _TIE_POLICIES:
        raise InvalidInput(f"tie policy must be one of {_TIE_POLICIES}, got {policy!r}")
    filled = np.nan_to_num(scores, nan=-np.inf)
    best = filled.max(axis=1, keepdims=True)
    tied = np.isclose(filled, best, rtol=1e-12, atol=1e-12) & np.isfinite(filled)
    chosen = np.argmax(tied, axis=1).astype(np.intp)
    n_tied = tied.sum(axis=1)
    if policy == "random":
        rng = np.random.default_rng(random_state)
        # the k-th tied class, with k uniform in [0, n_tied)
        pick = np.floor(rng.random(len(scores)) * np.maximum(n_tied, 1)).astype(np.intp)
        rank = np.cumsum(tied, axis=1) - 1
        chosen = np.argmax(tied & (rank == pick[:, None]), axis=1).astype(np.intp)
    elif policy == "abstain":
        chosen[n_tied > 1] = -1
    chosen[n_tied == 0] = -1
    return np.asarray(chosen, dtype=np.intp)


class MajorityVote(CrowdClassifier):
    """The label most annotators gave; ties resolved by an explicit policy.

    Parameters
    ----------
    tie_break : {"first", "random", "abstain"}, default "first"
        ``"first"``: the tied label that sorts first (deterministic); ``"random"``: uniform among
        the tied labels, seeded by ``random_state``; ``"abstain"``: the item's label is missing.
    random_state : int, optional
        Seed for ``tie_break="random"``.

    Attributes
    ----------
    classes_ : numpy.ndarray, shape (n_classes,)
        Labels seen in ``fit``, sorted.

    Notes
    -----
    ``predict_proba`` gives each item's vote shares, so a tie shows as equal probabilities
    whatever the policy.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"item": [1, 1, 1, 2, 2], "annotator": ["a", "b", "c", "a", "b"],
    ...                    "label": ["cat", "cat", "dog", "dog", "cat"]})
    >>> MajorityVote(tie_break="abstain").fit_predict(df).tolist()
    ['cat', nan]
    """

    def __init__(self, *, tie_break: TiePolicy = "first", random_state: int | None = None) -> None:
        self.tie_break = tie_break
        self.random_state = random_state

    def _fit(self, answers: AnswerTable) -> None:  # noqa: ARG002 (nothing to learn)
        if self.tie_break not in _TIE_POLICIES:
            raise InvalidInput(
                f"tie_break must be one of {_TIE_POLICIES}, got {self.tie_break!r}",
                location="MajorityVote.tie_break",
            )

    def _posterior(self, answers: AnswerTable) -> FloatArray:
        counts = answers.vote_counts()
        totals = counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), np.nan)

    def _choose(self, posterior: FloatArray) -> npt.NDArray[np.intp]:
        return break_ties(posterior, policy=self.tie_break, random_state=self.random_state)
