"""The label model estimator: Dawid-Skene with settings chosen on validation votes.

:mod:`~annota.automation.dawid_skene` fits and scores the model on arrays; this module wraps
it in a scikit-learn style estimator (``fit`` / ``predict_proba`` / ``predict``) that, given
labelled validation votes, chooses its settings on them the way the WRENCH benchmark does
(:mod:`~annota.automation.label_model_selection`) and falls back to majority vote when even
the best setting loses to it there.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from annota.automation.dawid_skene import (
    DawidSkeneFit,
    fit_dawid_skene,
    majority_shares,
    posterior,
)
from annota.automation.label_model_selection import (
    Candidate,
    SelectionMetric,
    candidates,
    expected_score,
    prior_from_labels,
)
from annota.automation.votes import ABSTAIN, TieBreak, argmax_with_ties, check_label_matrix
from annota.errors import InvalidInput
from annota.quality.params import Params

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class LabelModel(Params):
    """Turn a label matrix into probabilistic labels; never worse than majority vote.

    A thin estimator over :func:`fit_dawid_skene`. Given labelled validation votes it does
    what WRENCH does for every label model: it tries a few settings (class prior from EM,
    from the validation labels or uniform; silent LFs as evidence or not; validation items
    clamped into EM or not, and when clamped, how much the unlabelled items weigh against
    them, see :mod:`~annota.automation.label_model_selection`) and keeps the one with the
    best validation ``selection_metric``. If even that is below majority
    vote's score on the same items, it *falls back* to majority vote, sets ``fallback_`` and
    logs a warning, so a weak-supervision pipeline never loses to the simplest baseline on
    the data the user trusts.

    Parameters
    ----------
    cardinality : int
        Number of classes ``k``.
    class_balance : array-like of shape (k,), optional
        Known class prior; when omitted it is estimated (by EM, or chosen on validation).
    smoothing : float
        Dirichlet pseudo-count per confusion cell (see :func:`fit_dawid_skene`).
    abstain_evidence : bool
        Score an LF's abstain as evidence (full Dawid-Skene); off by default. Tried first
        when settings are chosen on validation data.
    max_iter : int
        EM iteration cap.
    tol : float
        EM convergence threshold on the largest change of a soft label.
    tie_break : {"random", "abstain", "lowest"}
        How :meth:`predict` breaks exact ties between classes.
    random_state : int or None
        Seed for random tie breaking and the validation folds.
    selection_metric : {"accuracy", "f1"}
        Validation score used to choose settings and to decide the fallback; ``"f1"`` is the
        F1 of class 1 (binary tasks with a rare positive class). Ties count in expectation.

    Attributes
    ----------
    fit_ : DawidSkeneFit
        The EM result (confusions, class balance, iterations).
    class_balance_ : ndarray of shape (k,)
    fallback_ : bool
        True when validation showed the model below majority vote, so predictions are the
        majority vote's.
    validation_scores_ : dict of str to float
        ``{"label_model": score, "majority_vote": score}`` on the validation set (the chosen
        setting's score; out of fold when it clamps validation items); empty without
        validation data.
    selected_ : dict
        The chosen setting (``prior``, ``abstain_evidence``, ``semi_supervised``,
        ``unlabeled_weight``); empty without validation data.
    candidate_scores_ : list of (dict, float)
        Every setting tried and its validation score, in the order tried.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[1, 1, -1], [1, 0, 1], [0, 0, 0], [-1, 0, 0]])
    >>> LabelModel(cardinality=2).fit(L).predict(L)
    array([1, 1, 0, 0])
    """

    def __init__(
        self,
        cardinality: int = 2,
        *,
        class_balance: npt.ArrayLike | None = None,
        smoothing: float = 1.0,
        abstain_evidence: bool = False,
        max_iter: int = 100,
        tol: float = 1e-5,
        tie_break: TieBreak = "random",
        random_state: int | None = 0,
        selection_metric: SelectionMetric = "accuracy",
    ) -> None:
        self.cardinality = cardinality
        self.class_balance = class_balance
        self.smoothing = smoothing
        self.abstain_evidence = abstain_evidence
        self.max_iter = max_iter
        self.tol = tol
        self.tie_break = tie_break
        self.random_state = random_state
        self.selection_metric = selection_metric

    def fit(
        self,
        L_train: npt.ArrayLike,
        L_valid: npt.ArrayLike | None = None,
        y_valid: npt.ArrayLike | None = None,
    ) -> LabelModel:
        """Fit on unlabelled votes; with labelled validation votes, choose settings on them.

        Unsupervised settings are fitted on ``L_train`` alone and scored on the validation
        items; settings that clamp the validation items into EM are scored out of fold
        (5 folds, each predicted by a model that never saw its labels), so neither kind is
        flattered by having seen the labels it is scored on. The prior counted from the
        validation labels is the one exception, as in WRENCH.

        Parameters
        ----------
        L_train : array-like of shape (n_items, n_lfs)
        L_valid : array-like of shape (n_valid, n_lfs), optional
        y_valid : array-like of shape (n_valid,), optional
            Gold classes of the validation items; required together with ``L_valid``.

        Returns
        -------
        self
        """
        if (L_valid is None) != (y_valid is None):
            raise InvalidInput("give both L_valid and y_valid, or neither", location="y_valid")
        if self.selection_metric not in ("accuracy", "f1"):
            raise InvalidInput(
                f"unknown selection metric {self.selection_metric!r}",
                location="selection_metric",
            )
        train = check_label_matrix(L_train, self.cardinality, name="L_train")
        self.n_lfs_ = train.shape[1]
        self.fallback_ = False
        self.validation_scores_: dict[str, float] = {}
        self.selected_: dict[str, str | bool | float] = {}
        self.candidate_scores_: list[tuple[dict[str, str | bool | float], float]] = []
        if L_valid is None or y_valid is None:
            self.fit_ = self._fit_votes(train, None, self.class_balance)
        else:
            valid, gold = self._check_validation(L_valid, y_valid)
            self.fit_, score = self._select(train, valid, gold)
            self._compare_with_majority(valid, gold, score)
        self.class_balance_ = self.fit_.class_balance
        return self

    def predict_proba(self, L: npt.ArrayLike) -> FloatArray:
        """Class probabilities per item.

        Parameters
        ----------
        L : array-like of shape (n_items, n_lfs)

        Returns
        -------
        ndarray of shape (n_items, k)
            Rows sum to 1. After a fallback these are majority-vote shares (uniform where
            nobody voted).
        """
        if self.fallback_:
            votes = check_label_matrix(L, self.cardinality)
            self._check_width(votes)
            return majority_shares(votes, self.cardinality)
        return posterior(L, self.fit_)

    def predict(self, L: npt.ArrayLike) -> IntArray:
        """Most probable class per item, ties broken by ``tie_break``.

        Parameters
        ----------
        L : array-like of shape (n_items, n_lfs)

        Returns
        -------
        ndarray of shape (n_items,), dtype int64
            ``-1`` only for ties under ``tie_break="abstain"``.
        """
        return argmax_with_ties(
            self.predict_proba(L), tie_break=self.tie_break, random_state=self.random_state
        )

    def _check_width(self, votes: IntArray) -> None:
        if votes.shape[1] != self.n_lfs_:
            raise InvalidInput(
                f"L has {votes.shape[1]} labeling functions, the model was fitted on {self.n_lfs_}",
                location="L",
            )

    def _fit_votes(
        self,
        votes: IntArray,
        known: IntArray | None,
        prior: npt.ArrayLike | None,
        unlabeled_weight: float = 1.0,
    ) -> DawidSkeneFit:
        return fit_dawid_skene(
            votes,
            self.cardinality,
            y=known,
            class_balance=prior,
            smoothing=self.smoothing,
            abstain_evidence=self.abstain_evidence,
            max_iter=self.max_iter,
            tol=self.tol,
            unlabeled_weight=unlabeled_weight,
        )

    def _check_validation(
        self, L_valid: npt.ArrayLike, y_valid: npt.ArrayLike
    ) -> tuple[IntArray, IntArray]:
        valid = check_label_matrix(L_valid, self.cardinality, name="L_valid")
        self._check_width(valid)
        gold = np.asarray(y_valid)
        if gold.shape != (valid.shape[0],) or not np.issubdtype(gold.dtype, np.integer):
            raise InvalidInput(
                f"y_valid must be {valid.shape[0]} integer classes, got shape {gold.shape}",
                location="y_valid",
            )
        if valid.shape[0] == 0 or ((gold < 0) | (gold >= self.cardinality)).any():
            raise InvalidInput(
                f"y_valid must be non-empty classes in 0..{self.cardinality - 1}",
                location="y_valid",
            )
        return valid, gold.astype(np.int64)

    def _select(
        self, train: IntArray, valid: IntArray, gold: IntArray
    ) -> tuple[DawidSkeneFit, float]:
        """Fit and score every candidate setting; return the best fit and its score."""
        options = candidates(
            prior_given=self.class_balance is not None,
            abstain_evidence=self.abstain_evidence,
            n_unlabeled=train.shape[0],
            n_labeled=gold.shape[0],
        )
        if not (train != ABSTAIN).any():  # only the clamped validation items can teach EM
            options = [option for option in options if option.semi_supervised]
        fitted: dict[tuple[str, bool, float], tuple[DawidSkeneFit, dict[bool, FloatArray]]] = {}
        best: tuple[float, Candidate] = (-np.inf, options[0])
        for option in options:
            key = (option.prior, option.semi_supervised, option.unlabeled_weight)
            if key not in fitted:
                fitted[key] = self._fit_candidate(train, valid, gold, option)
            proba = fitted[key][1][option.abstain_evidence]
            score = expected_score(proba, gold, self.selection_metric)
            self.candidate_scores_.append((option.as_dict(), score))
            if score > best[0]:
                best = (score, option)
        score, chosen = best
        self.selected_ = chosen.as_dict()
        final = fitted[(chosen.prior, chosen.semi_supervised, chosen.unlabeled_weight)][0]
        return replace(final, abstain_evidence=chosen.abstain_evidence), score

    def _fit_candidate(
        self, train: IntArray, valid: IntArray, gold: IntArray, option: Candidate
    ) -> tuple[DawidSkeneFit, dict[bool, FloatArray]]:
        """One setting's final fit and its validation probabilities, per ``abstain_evidence``.

        Unsupervised: fitted on train, validation predicted directly. Clamped: fitted on
        train + validation with all labels, validation predicted fold by fold by fits that
        hid that fold's labels.
        """
        prior: npt.ArrayLike | None = {
            "estimate": None,
            "given": self.class_balance,
            "valid": prior_from_labels(gold, self.cardinality),
            "uniform": np.full(self.cardinality, 1.0 / self.cardinality),
        }[option.prior]
        if not option.semi_supervised:
            final = self._fit_votes(train, None, prior)
            return final, {e: posterior(valid, replace(final, abstain_evidence=e)) for e in _BOTH}
        stacked = np.vstack([train, valid])
        unknown = np.full(train.shape[0], ABSTAIN, dtype=np.int64)
        weight = option.unlabeled_weight
        final = self._fit_votes(stacked, np.r_[unknown, gold], prior, weight)
        n_folds = min(5, gold.shape[0])
        fold_of = np.random.default_rng(self.random_state).permutation(gold.shape[0]) % n_folds
        held_out = {e: np.empty((gold.shape[0], self.cardinality)) for e in _BOTH}
        for fold in range(n_folds):
            hidden = fold_of == fold
            known = np.r_[unknown, np.where(hidden, ABSTAIN, gold)]
            fit = self._fit_votes(stacked, known, prior, weight)
            for e in _BOTH:
                held_out[e][hidden] = posterior(valid[hidden], replace(fit, abstain_evidence=e))
        return final, held_out

    def _compare_with_majority(self, valid: IntArray, gold: IntArray, model_score: float) -> None:
        mv_score = expected_score(
            majority_shares(valid, self.cardinality), gold, self.selection_metric
        )
        self.validation_scores_ = {"label_model": model_score, "majority_vote": mv_score}
        if model_score < mv_score:
            self.fallback_ = True
            logger.warning(
                "label model %s %.4f is below majority vote %.4f on %d validation items; "
                "falling back to majority vote",
                self.selection_metric,
                model_score,
                mv_score,
                valid.shape[0],
            )


_BOTH = (False, True)

__all__ = ["ABSTAIN", "DawidSkeneFit", "LabelModel", "fit_dawid_skene", "posterior"]
