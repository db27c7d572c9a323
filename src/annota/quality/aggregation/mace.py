"""MACE: annotators are either competent or spamming, fitted by EM."""

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

__all__ = ["MACE"]


class MACE(CrowdClassifier):
    r"""Multi-Annotator Competence Estimation (MACE) by EM with MAP smoothing.

    Annotator :math:`j` knows the answer with probability :math:`\theta_j` (its *competence*)
    and then gives the true label; otherwise it spams, drawing a label from its own
    distribution :math:`\xi_j`. So :math:`p(l \mid k) = \theta_j [l = k] + (1 - \theta_j)
    \xi_j(l)`: a Dawid-Skene confusion matrix with ``K`` parameters instead of ``K^2``, which
    needs far fewer answers per annotator and flags spammers by a low ``competence_``.

    Parameters
    ----------
    competence_prior : tuple of float, default (2.0, 1.0)
        Beta pseudo-counts (competent, spamming) added to each annotator's expected counts.
    smoothing : float, default 0.1
        Dirichlet pseudo-count for each label of the spamming distribution.
    prior_smoothing : float, default 1.0
        Dirichlet pseudo-count for each class of the class prior, which (unlike the paper's
        uniform prior) is learned: on skewed data a uniform prior costs accuracy.
    tol : float, default 1e-8
        Stop when the mean log-likelihood per answer improves by less than this.
    max_iter : int, default 100
        Upper bound on EM iterations.

    Attributes
    ----------
    classes_ : numpy.ndarray, shape (n_classes,)
    annotators_ : pandas.Index, shape (n_annotators,)
    competence_ : pandas.Series, shape (n_annotators,)
        :math:`\theta_j`, indexed by annotator.
    spam_distribution_ : numpy.ndarray, shape (n_annotators, n_classes)
        :math:`\xi_j`; rows sum to one.
    prior_ : numpy.ndarray, shape (n_classes,)
        Learned class prior.
    n_iter_ : int
    log_likelihood_ : float
        Mean log-likelihood per answer at the end of fitting.

    References
    ----------
    D. Hovy, T. Berg-Kirkpatrick, A. Vaswani and E. Hovy, "Learning whom to trust with MACE",
    *NAACL-HLT*, 2013.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"item": [1, 1, 1, 2, 2, 2], "annotator": list("abcabc"),
    ...                    "label": [0, 0, 1, 1, 1, 1]})
    >>> MACE().fit_predict(df).tolist()
    [0, 1]
    """

    def __init__(
        self,
        *,
        competence_prior: tuple[float, float] = (2.0, 1.0),
        smoothing: float = 0.1,
        prior_smoothing: float = 1.0,
        tol: float = 1e-8,
        max_iter: int = 100,
    ) -> None:
        self.competence_prior = competence_prior
        self.smoothing = smoothing
        self.prior_smoothing = prior_smoothing
        self.tol = tol
        self.max_iter = max_iter

    def _check_params(self) -> None:
        if min(self.competence_prior) < 0 or self.smoothing < 0:
            raise InvalidInput("pseudo-counts must be >= 0", location="MACE.competence_prior")
        if self.max_iter < 1:
            raise InvalidInput("max_iter must be >= 1", location="MACE.max_iter")

    def _fit(self, answers: AnswerTable) -> None:
        self._check_params()
        self.annotators_ = answers.annotators
        n_classes = answers.n_classes
        self.prior_ = np.full(n_classes, 1.0 / n_classes)
        matrix = annotator_matrix(answers, answers.annotators)
        transposed = matrix.T.tocsr()
        voted = voted_rows(matrix)
        counts = answers.vote_counts()
        posterior = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
        theta = np.full(answers.n_annotators, 0.8)
        xi = np.full((answers.n_annotators, n_classes), 1.0 / n_classes)
        previous = -np.inf
        for iteration in range(1, self.max_iter + 1):
            tallies = expected_tallies(transposed, posterior, answers.n_annotators)
            theta, xi = self._m_step(tallies, theta, xi)
            self._store(theta, xi, tallies)
            prior = posterior.sum(axis=0) + self.prior_smoothing
            self.prior_ = prior / prior.sum()
            posterior, evidence = softmax_rows(log_joint(matrix, self._confusion, self.prior_))
            posterior[~voted] = 0.0
            current = float(evidence[voted].sum()) / len(answers.label_codes)
            self.n_iter_, self.log_likelihood_ = iteration, current
            if current - previous < self.tol:
                break
            previous = current

    def _m_step(
        self, tallies: FloatArray, theta: FloatArray, xi: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """MAP update of competence and spam distribution from expected (j, true, given) counts.

        An answer that differs from the truth is spam for sure; one that matches is spam with
        probability ``(1 - theta) xi(l) / (theta + (1 - theta) xi(l))``.
        """
        diagonal = np.einsum("jkk->jk", tallies)
        total = tallies.sum(axis=(1, 2))
        spam_if_match = (1 - theta)[:, None] * xi
        spam_if_match = spam_if_match / (theta[:, None] + spam_if_match)
        spam = tallies.sum(axis=1) - diagonal + diagonal * spam_if_match
        competent, spamming = self.competence_prior
        new_theta = (total - spam.sum(axis=1) + competent) / (total + competent + spamming)
        new_xi = spam + self.smoothing
        with np.errstate(invalid="ignore", divide="ignore"):
            new_xi /= new_xi.sum(axis=1, keepdims=True)
        new_xi = np.nan_to_num(new_xi, nan=1.0 / xi.shape[1])
        return np.clip(new_theta, 1e-6, 1 - 1e-6), new_xi

    def _store(self, theta: FloatArray, xi: FloatArray, tallies: FloatArray) -> None:
        n_classes = xi.shape[1]
        weights = tallies.sum(axis=(1, 2))
        share = (
            weights / weights.sum() if weights.sum() > 0 else np.full(len(theta), 1 / len(theta))
        )
        pooled_theta = np.array([float(share @ theta)])
        pooled_xi = (share @ xi)[None, :]
        all_theta = np.concatenate([theta, pooled_theta])
        all_xi = np.concatenate([xi, pooled_xi])
        eye = np.eye(n_classes)[None]
        self._confusion = (
            all_theta[:, None, None] * eye + (1 - all_theta)[:, None, None] * all_xi[:, None, :]
        )
        self.competence_ = pd.Series(theta, index=self.annotators_.copy(), name="competence")
        self.spam_distribution_ = xi

    def _posterior(self, answers: AnswerTable) -> FloatArray:
        matrix: sparse.csr_array = annotator_matrix(answers, self.annotators_)
        posterior, _ = softmax_rows(log_joint(matrix, self._confusion, self.prior_))
        posterior[~voted_rows(matrix)] = np.nan
        return posterior
