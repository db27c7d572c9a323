"""Choosing a label model's settings on labelled validation votes.

WRENCH (Zhang et al., NeurIPS 2021), the benchmark the issue's targets come from, fits every
label model on the unlabelled train votes, takes the class balance from the validation labels
and picks hyper-parameters by the validation metric. :class:`~annota.automation.LabelModel`
does the same when it is given validation votes, over the few settings that change its
predictions: where the class prior comes from, whether silent LFs count as evidence, and
whether the validation items are clamped into EM. This module holds the parts that are plain
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
    """

    prior: PriorSource
    abstain_evidence: bool
    semi_supervised: bool

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "prior": self.prior,
            "abstain_evidence": self.abstain_evidence,
            "semi_supervised": self.semi_supervised,
        }


def candidates(*, prior_given: bool, abstain_evidence: bool) -> list[Candidate]:
    """The settings to try, simplest first (ties in score keep the earliest).

    The constructor's ``abstain_evidence`` goes first, unsupervised fits before clamped ones,
    and an EM-estimated prior before a counted or uniform one, so that with no evidence either
    way the model stays what the user configured.

    Parameters
    ----------
    prior_given : bool
        The user fixed ``class_balance``; the prior is then not searched.
    abstain_evidence : bool
        The constructor's choice, tried first.

    Returns
    -------
    list of Candidate
    """
    priors: tuple[PriorSource, ...] = (
        ("given",) if prior_given else ("estimate", "valid", "uniform")
    )
    return [
        Candidate(prior, evidence, semi)
        for semi, prior, evidence in itertools.product(
            (False, True), priors, (abstain_evidence, not abstain_evidence)
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
    "Candidate",
    "SelectionMetric",
    "candidates",
    "expected_score",
    "prior_from_labels",
    "tie_shares",
]
