"""Weighted majority vote, each annotator's vote weighted by its skill."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from annota.errors import InvalidInput
from annota.quality.aggregation.base import CrowdClassifier, FloatArray
from annota.quality.aggregation.majority_vote import TiePolicy, break_ties
from annota.quality.answers import AnswerTable

__all__ = ["WeightedVote", "leave_one_out_skill"]

Weighting = Literal["log_odds", "linear"]


def leave_one_out_skill(answers: AnswerTable) -> FloatArray:
    """Each annotator's agreement with the majority of the *other* answers on the same items.

    Leaving the annotator's own vote out keeps a lone or prolific annotator from agreeing with
    itself. A tie among the others counts as ``1 / n_tied`` when the annotator is among them.
    Annotators who never share an item get ``NaN``. Shape (n_annotators,).
    """
    counts = answers.vote_counts()
    others = counts[answers.item_codes]
    others[np.arange(len(answers.label_codes)), answers.label_codes] -= 1.0
    best = others.max(axis=1)
    defined = best > 0
    n_best = (others == best[:, None]).sum(axis=1)
    mine = others[np.arange(len(answers.label_codes)), answers.label_codes]
    agree = np.where(defined & (mine == best), 1.0 / np.maximum(n_best, 1), 0.0)
    n = answers.n_annotators
    hits = np.bincount(answers.annotator_codes, weights=agree, minlength=n)
    trials = np.bincount(answers.annotator_codes, weights=defined.astype(float), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(hits / trials, dtype=np.float64)


class WeightedVote(CrowdClassifier):
    r"""Vote weighted by annotator skill (accuracy), given or estimated.

    With ``weighting="log_odds"`` an annotator of accuracy :math:`s` among :math:`K` classes
    gets weight :math:`\log\frac{(K-1)\,s}{1-s}`, the Bayes-optimal weight when errors are
    spread evenly over the wrong classes (Nitzan and Paroush, 1982); skills are clipped to
    :math:`[1/K, 0.999]` so that a guesser weighs nothing and nobody votes against.

    Parameters
    ----------
    skills : mapping or pandas.Series, optional
        Accuracy in [0, 1] per annotator (e.g. against gold). Annotators without one get the
        median skill. When omitted, ``fit`` estimates skills by leave-one-out agreement with
        the majority.
    weighting : {"log_odds", "linear"}, default "log_odds"
        ``"linear"`` uses the skill itself as the weight.
    tie_break : {"first", "random", "abstain"}, default "first"
        As in :class:`MajorityVote`.
    random_state : int, optional

    Attributes
    ----------
    classes_ : numpy.ndarray, shape (n_classes,)
    skills_ : pandas.Series, shape (n_annotators,)
        Skill used per annotator.
    weights_ : pandas.Series, shape (n_annotators,)
        Vote weight per annotator.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"item": [1, 1, 1], "annotator": ["a", "b", "c"],
    ...                    "label": ["x", "y", "y"]})
    >>> WeightedVote(skills={"a": 0.99, "b": 0.6, "c": 0.6}).fit_predict(df).tolist()
    ['x']
    """

    def __init__(
        self,
        *,
        skills: Mapping[Hashable, float] | pd.Series | None = None,
        weighting: Weighting = "log_odds",
        tie_break: TiePolicy = "first",
        random_state: int | None = None,
    ) -> None:
        self.skills = skills
        self.weighting = weighting
        self.tie_break = tie_break
        self.random_state = random_state

    def _fit(self, answers: AnswerTable) -> None:
        if self.weighting not in ("log_odds", "linear"):
            raise InvalidInput(
                f"weighting must be 'log_odds' or 'linear', got {self.weighting!r}",
                location="WeightedVote.weighting",
            )
        if self.skills is None:
            estimated = pd.Series(leave_one_out_skill(answers), index=answers.annotators.copy())
        else:
            estimated = pd.Series(self.skills, dtype=float).reindex(answers.annotators)
            outside = estimated[(estimated < 0) | (estimated > 1)]
            if len(outside):
                raise InvalidInput(
                    f"skill {outside.iloc[0]} is outside [0, 1]",
                    location=f"skills[{outside.index[0]!r}]",
                )
        fallback = float(estimated.median()) if estimated.notna().any() else 1.0
        self.skills_ = estimated.fillna(fallback).rename("skill")
        self.weights_ = pd.Series(
            self._weights(self.skills_.to_numpy(), answers.n_classes),
            index=self.skills_.index,
            name="weight",
        )

    def _weights(self, skills: FloatArray, n_classes: int) -> FloatArray:
        if self.weighting == "linear":
            return skills
        clipped = np.clip(skills, 1.0 / max(n_classes, 2), 0.999)
        return np.asarray(np.log((max(n_classes, 2) - 1) * clipped / (1 - clipped)))

    def _posterior(self, answers: AnswerTable) -> FloatArray:
        weights = self.weights_.reindex(answers.annotators)
        weights = weights.fillna(float(self.weights_.median())).to_numpy()
        counts = answers.vote_counts(weights[answers.annotator_codes])
        voted = answers.vote_counts().sum(axis=1) > 0
        totals = counts.sum(axis=1, keepdims=True)
        shares = np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), 0.0)
        # all weights zero (only guessers): fall back to plain vote shares
        plain = answers.vote_counts()
        plain /= np.maximum(plain.sum(axis=1, keepdims=True), 1.0)
        shares = np.where(totals > 0, shares, plain)
        shares[~voted] = np.nan
        return np.asarray(shares, dtype=np.float64)

    def _choose(self, posterior: FloatArray) -> npt.NDArray[np.intp]:
        return break_ties(posterior, policy=self.tie_break, random_state=self.random_state)
