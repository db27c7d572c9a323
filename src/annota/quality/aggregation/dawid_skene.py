"""Dawid-Skene: one confusion matrix per annotator, fitted by EM."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from annota.errors import InvalidInput
from annota.quality.aggregation.base import CrowdClassifier, FloatArray
from annota.quality.aggregation.posterior import (
    annotator_matrix,
    expected_tallies,
    log_joint,
    softmax_rows,
    voted_rows,
)
from annota.quality.answers import AnswerTable

__all__ = ["DawidSkene"]


class DawidSkene(CrowdClassifier):
    r"""Dawid-Skene truth inference: EM over per-annotator confusion matrices.

    Each item :math:`i` has a hidden true class :math:`z_i \sim \text{Cat}(\rho)`; annotator
    :math:`j` answers :math:`l` with probability :math:`\pi_j[z_i, l]`. EM alternates MAP
    estimates of :math:`\rho` and of each row of :math:`\pi_j` under symmetric Dirichlet priors
    (M-step) with the posterior over :math:`z_i` (E-step), starting from majority-vote shares.
    Both steps are one sparse product with the (item x annotator-label) count matrix, so a
    million answers fit in seconds.

    Parameters
    ----------
    smoothing : float, default 0.01
        Dirichlet pseudo-count added to every cell of every confusion matrix; keeps an annotator
        who never saw class ``k`` from getting a zero (and a ``-inf`` log-likelihood).
    prior_smoothing : float, default 1.0
        Dirichlet pseudo-count added to every class of the class prior.
    tol : float, default 1e-8
        Stop when the mean log-likelihood per answer improves by less than this.
    max_iter : int, default 100
        Upper bound on EM iterations.

    Attributes
    ----------
    classes_ : numpy.ndarray, shape (n_classes,)
        Sorted labels.
    annotators_ : pandas.Index, shape (n_annotators,)
        Annotator ids seen in ``fit``.
    confusion_ : numpy.ndarray, shape (n_annotators, n_classes, n_classes)
        ``confusion_[j, k, l]``: probability that annotator ``j`` answers ``classes_[l]`` when
        the truth is ``classes_[k]``; rows sum to one.
    pooled_confusion_ : numpy.ndarray, shape (n_classes, n_classes)
        Confusion of all answers together; used for annotators unseen in ``fit``.
    prior_ : numpy.ndarray, shape (n_classes,)
        Estimated class prior.
    n_iter_ : int
        EM iterations run.
    log_likelihood_ : float
        Mean log-likelihood per answer at the end of fitting.

    References
    ----------
    A. P. Dawid and A. M. Skene, "Maximum likelihood estimation of observer error-rates using
    the EM algorithm", *Journal of the Royal Statistical Society C*, 28(1):20-28, 1979.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"item": [1, 1, 1, 2, 2, 2], "annotator": list("abcabc"),
    ...                    "label": ["x", "x", "y", "y", "y", "y"]})
    >>> DawidSkene().fit_predict(df).tolist()
    ['x', 'y']
    """

    def __init__(
        self,
        *,
        smoothing: float = 0.01,
        prior_smoothing: float = 1.0,
        tol: float = 1e-8,
        max_iter: int = 100,
    ) -> None:
        self.smoothing = smoothing
        self.prior_smoothing = prior_smoothing
        self.tol = tol
        self.max_iter = max_iter

    def confusion_frame(self, annotator: object) -> pd.DataFrame:
        """One annotator's confusion matrix: rows true label, columns given label."""
        position = self.annotators_.get_indexer([annotator])[0]
        if position < 0:
            raise InvalidInput(f"annotator {annotator!r} was not seen in fit", location="annotator")
        labels = list(self.classes_)
        frame = pd.DataFrame(self.confusion_[position], index=labels, columns=labels)
        frame.index.name, frame.columns.name = "true", "given"
        return frame

    def _check_params(self) -> None:
        if self.smoothing < 0 or self.prior_smoothing < 0:
            raise InvalidInput("smoothing must be >= 0", location="DawidSkene.smoothing")
        if self.max_iter < 1:
            raise InvalidInput("max_iter must be >= 1", location="DawidSkene.max_iter")
        if self.tol < 0:
            raise InvalidInput("tol must be >= 0", location="DawidSkene.tol")

    def _fit(self, answers: AnswerTable) -> None:
        self._check_params()
        self.annotators_ = answers.annotators
        matrix = annotator_matrix(answers, answers.annotators)
        transposed = matrix.T.tocsr()
        voted = voted_rows(matrix)
        counts = answers.vote_counts()
        posterior = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
        n_votes = len(answers.label_codes)
        previous = -np.inf
        for iteration in range(1, self.max_iter + 1):
            self._m_step(expected_tallies(transposed, posterior, answers.n_annotators), posterior)
            posterior, evidence = softmax_rows(self._log_joint(matrix))
            posterior[~voted] = 0.0
            current = float(evidence[voted].sum()) / n_votes
            self.n_iter_ = iteration
            self.log_likelihood_ = current
            if current - previous < self.tol:
                break
            previous = current

    def _m_step(self, tallies: FloatArray, posterior: FloatArray) -> None:
        n_classes = posterior.shape[1]
        confusion = tallies + self.smoothing
        pooled = tallies.sum(axis=0) + self.smoothing
        with np.errstate(invalid="ignore", divide="ignore"):
            confusion /= confusion.sum(axis=2, keepdims=True)
            pooled /= pooled.sum(axis=1, keepdims=True)
        pooled = np.nan_to_num(pooled, nan=1.0 / n_classes)
        # with smoothing == 0 a true class an annotator never met has no mass: use the pool's row
        self.confusion_ = np.where(np.isfinite(confusion), confusion, pooled[None])
        self.pooled_confusion_ = pooled
        prior = posterior.sum(axis=0) + self.prior_smoothing
        self.prior_ = prior / prior.sum()

    def _log_joint(self, matrix: sparse.csr_array) -> FloatArray:
        full = np.concatenate([self.confusion_, self.pooled_confusion_[None]], axis=0)
        return log_joint(matrix, full, self.prior_)

    def _posterior(self, answers: AnswerTable) -> FloatArray:
        matrix = annotator_matrix(answers, self.annotators_)
        posterior, _ = softmax_rows(self._log_joint(matrix))
        posterior[~voted_rows(matrix)] = np.nan
        return posterior
