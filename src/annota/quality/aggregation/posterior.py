"""Posterior algebra shared by the confusion-matrix aggregators (Dawid-Skene, MACE).

Both models say: annotator ``j`` answers ``l`` for an item of true class ``k`` with probability
``confusion[j, k, l]``. With ``R`` the sparse (item x annotator-label) count matrix, the
E-step log-joint is ``R @ log(confusion)`` and the M-step's expected tallies are
``R.T @ posterior``: two sparse products, no Python loop over answers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from annota.quality.aggregation.base import FloatArray
from annota.quality.answers import AnswerTable

__all__ = ["annotator_matrix", "expected_tallies", "log_joint", "softmax_rows", "voted_rows"]


def annotator_matrix(answers: AnswerTable, fitted: pd.Index) -> sparse.csr_array:
    """Answer counts per item and (fitted annotator, label), shape (n_items, (J + 1) * K).

    Annotators not in ``fitted`` (J of them) map to the extra index ``J``, where callers keep a
    pooled model.
    """
    mapped = np.asarray(fitted.get_indexer(answers.annotators), dtype=np.intp)
    mapped[mapped < 0] = len(fitted)
    n_classes = answers.n_classes
    columns = mapped[answers.annotator_codes] * n_classes + answers.label_codes
    shape = (answers.n_items, (len(fitted) + 1) * n_classes)
    data = np.ones(len(columns), dtype=np.float64)
    matrix = sparse.csr_array((data, (answers.item_codes, columns)), shape=shape)
    matrix.sum_duplicates()
    return matrix


def expected_tallies(
    transposed: sparse.csr_array, posterior: FloatArray, n_annotators: int
) -> FloatArray:
    """Expected answer counts, shape (n_annotators, n_classes true, n_classes given).

    ``transposed`` is ``annotator_matrix(...).T`` in CSR form; ``posterior`` is
    (n_items, n_classes).
    """
    n_classes = posterior.shape[1]
    tallies = np.asarray(transposed @ posterior).reshape(n_annotators + 1, n_classes, n_classes)
    return np.ascontiguousarray(tallies[:n_annotators].transpose(0, 2, 1))


def log_joint(matrix: sparse.csr_array, confusion: FloatArray, prior: FloatArray) -> FloatArray:
    """``log p(z_i = k, answers of i)``, shape (n_items, n_classes).

    ``confusion`` is (J + 1, K, K) with the pooled model last; ``prior`` is (K,).
    """
    n_classes = confusion.shape[1]
    with np.errstate(divide="ignore"):
        log_confusion = np.log(confusion).transpose(0, 2, 1).reshape(-1, n_classes)
        log_prior = np.log(prior)
    return np.asarray(matrix @ log_confusion) + log_prior[None, :]


def softmax_rows(log_scores: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Row-wise softmax and log-sum-exp of ``(n, k)`` log scores.

    Reduces column by column: with few classes, a NumPy reduction along a short last axis is
    several times slower than ``k`` vectorised passes over the rows.
    """
    columns = log_scores.T
    peak = columns[0].copy()
    for column in columns[1:]:
        np.maximum(peak, column, out=peak)
    weights = np.exp(log_scores - peak[:, None])
    total = weights[:, 0].copy()
    for k in range(1, weights.shape[1]):
        total += weights[:, k]
    weights /= total[:, None]
    return weights, peak + np.log(total)


def voted_rows(matrix: sparse.csr_array) -> npt.NDArray[np.bool_]:
    """Items with at least one vote, shape (n_items,)."""
    return np.asarray(np.diff(matrix.indptr) > 0, dtype=np.bool_)
