"""Choosing a label model's settings on labelled validation votes.

WRENCH (Zhang et al., NeurIPS 2021), the benchmark the issue's targets come from, fits every
label model on the unlabelled train votes, takes the class balance from the validation labels
and picks hyper-parameters by the validation metric. :class:`~annota.automation.LabelModel`
does the same when it is given validation votes, over the few settings that change its
predictions: where the class prior comes from, whether silent LFs count as evidence, and
whether the validation items are clamped into EM, and if so how much the unlabelled items
weigh against them (on WRENCH YouTube, 1,586 unlabelled items at full weight drown 120
labels: test accuracy 0.848 with plain EM, 0.876 when the labels weigh more, chosen on
valid). This module holds the parts that are plain
functions: the candidate grid, the prior estimated from labels, and tie-aware scores.

Scores are *expectations over random tie breaking* (a tie between ``t`` classes credits each
``1 / t``), so that choosing between settings does not depend on a coin flip, and so that a
setting whose predictions are mostly ties (a uniform prior on items nobody voted on) is
neither flattered nor punished by one lucky draw.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
SelectionMetric = Literal["accuracy", "f1"]
PriorSource = Literal["estimate", "valid", "uniform", "given"]


@dataclass(frozen=True)
class Candidate:
    """One setting tried on the validation votes.

    Attributes
    ----------
    prior : {"estimate", "valid", "uniform", "given"}
        Class prior: estimated by EM, counted from the validation labels, uniform (Snorkel's
        default), or the ``class_balance`` the user gave (then the only one tried).
    abstain_evidence : bool
        Whether a silent LF is scored as evidence.
    semi_supervised : bool
        Whether the validation items are clamped to their labels in EM (scored out of fold).
    unlabeled_weight : float
        In a clamped fit, the weight of each unlabelled item relative to a labelled one
        (Nigam et al.'s EM-lambda): 1 is plain semi-supervised EM, 0 fits the labelled items
        alone. Always 1 for unsupervised settings.
    """

    prior: PriorSource
    abstain_evidence: bool
    semi_supervised: bool
    unlabeled_weight: float = 1.0

    def as_dict(self) -> dict[str, str | bool | float]:
        return {
            "prior": self.prior,
            "abstain_evidence": self.abstain_evidence,
            "semi_supervised": self.semi_supervised,
            "unlabeled_weight": self.unlabeled_weight,
        }


#: Clamped fits give the unlabelled items together these multiples of the labelled items'
#: total weight (``None``: each unlabelled item weighs as much as a labelled one). Where
#: thousands of unlabelled items meet a hundred labels, plain EM lets the unlabelled ones
#: drown the labels whenever the model's independence assumption is wrong; smaller shares
#: trust the labels more, and 0 is a supervised fit on the labelled items alone.
UNLABELED_SHARES: tuple[float | None, ...] = (None, 1.0, 0.25, 0.0)


#: Fewer labelled items than this and only plain EM (weight 1) is tried: a fit that leans on
#: a handful of labels, scored on folds of one or two items, would be chosen on noise.
MIN_LABELED_FOR_WEIGHTS = 20


def unlabeled_weights(n_unlabeled: int, n_labeled: int) -> list[float]:
    """Per-item weights of the unlabelled items for :data:`UNLABELED_SHARES`, distinct,
    largest first, none above 1 (an unlabelled item never outweighs a label).

    Parameters
    ----------
    n_unlabeled, n_labeled : int

    Returns
    -------
    list of float
    """
    if n_labeled < MIN_LABELED_FOR_WEIGHTS:
        return [1.0]
    weights: list[float] = []
    for share in UNLABELED_SHARES:
        weight = (
            1.0 if share is None or n_unlabeled == 0 else min(1.0, share * n_labeled / n_unlabeled)
        )
        if weight not in weights:
            weights.append(weight)
    return weights


def candidates(
    *, prior_given: bool, abstain_evidence: bool, n_unlabeled: int = 0, n_labeled: int = 0
) -> list[Candidate]:
    """The settings to try, simplest first (ties in score keep the earliest).

    The constructor's ``abstain_evidence`` goes first, unsupervised fits before clamped ones
    (plain EM before lighter unlabelled weights), and an EM-estimated prior before a counted
    or uniform one, so that with no evidence either way the model stays what the user
    configured.

    Parameters
    ----------
    prior_given : bool
        The user fixed ``class_balance``; the prior is then not searched.
    abstain_evidence : bool
        The constructor's choice, tried first.
    n_unlabeled, n_labeled : int
        Sizes of the train and validation sets, which scale the unlabelled weights.

    Returns
    -------
    list of Candidate
    """
    priors: tuple[PriorSource, ...] = (
        ("given",) if prior_given else ("estimate", "valid", "uniform")
    )
    clamped = [(True, weight) for weight in unlabeled_weights(n_unlabeled, n_labeled)]
    return [
        Candidate(prior, evidence, semi, weight)
        for (semi, weight), prior, evidence in itertools.product(
            [(False, 1.0), *clamped], priors, (abstain_evidence, not abstain_evidence)
        )
    ]


def prior_from_labels(gold: IntArray, cardinality: int) -> FloatArray:
    """Class frequencies of the validation labels with add-one smoothing.

    WRENCH uses ``(count + 1) / n`` without renormalising; normalising keeps a proper
    distribution and the same ratios, and the +1 keeps a class absent from a small
    validation set possible.

    Parameters
    ----------
    gold : ndarray of shape (n_valid,)
    cardinality : int

    Returns
    -------
    ndarray of shape (k,)
    """
    counts = np.bincount(gold, minlength=cardinality).astype(np.float64) + 1.0
    return np.asarray(counts / counts.sum(), dtype=np.float64)


def tie_shares(proba: FloatArray) -> FloatArray:
    """``shares[i, c]``: the chance that random tie breaking predicts class ``c`` for item ``i``.

    Parameters
    ----------
    proba : ndarray of shape (n_items, k)

    Returns
    -------
    ndarray of shape (n_items, k)
        One-hot rows where the argmax is unique, ``1 / t`` over the ``t`` tied classes
        elsewhere (the tolerance of :func:`~annota.automation.votes.argmax_with_ties`).
    """
    top = np.isclose(proba, proba.max(axis=1, keepdims=True), rtol=0.0, atol=1e-12)
    return np.asarray(top / top.sum(axis=1, keepdims=True), dtype=np.float64)


def expected_score(proba: FloatArray, gold: IntArray, metric: SelectionMetric) -> float:
    """Validation score of probabilistic labels under random tie breaking.

    Parameters
    ----------
    proba : ndarray of shape (n_items, k)
        Class probabilities (or any per-class scores: only their argmax and ties matter).
    gold : ndarray of shape (n_items,)
    metric : {"accuracy", "f1"}
        ``"f1"`` is the F1 of class 1 (the positive class of a binary task, WRENCH's metric
        for SMS), from the expected confusion counts.

    Returns
    -------
    float
    """
    shares = tie_shares(proba)
    if metric == "accuracy":
        return float(shares[np.arange(gold.shape[0]), gold].mean())
    if metric != "f1":
        raise InvalidInput(f"unknown selection metric {metric!r}", location="selection_metric")
    if shares.shape[1] != 2:
        raise InvalidInput("selection_metric='f1' needs 2 classes", location="selection_metric")
    predicted_positive = shares[:, 1]
    true_positive = float(predicted_positive[gold == 1].sum())
    denominator = float(predicted_positive.sum()) + float((gold == 1).sum())
    return 2.0 * true_positive / denominator if denominator else 0.0


__all__ = [
    "MIN_LABELED_FOR_WEIGHTS",
    "UNLABELED_SHARES",
    "Candidate",
    "SelectionMetric",
    "candidates",
    "expected_score",
    "prior_from_labels",
    "tie_shares",
    "unlabeled_weights",
]
