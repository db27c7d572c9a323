"""Label-error detection by confident learning on out-of-sample predicted probabilities."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput

__all__ = ["FilterBy", "confident_joint", "find_label_issues", "label_quality_scores"]

FilterBy = Literal[
    "low_self_confidence", "prune_by_noise_rate", "prune_by_class", "both", "confident_joint"
]
_FILTERS = (
    "low_self_confidence",
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_joint",
)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def _check(labels: npt.ArrayLike, pred_probs: npt.ArrayLike) -> tuple[IntArray, FloatArray]:
    given = np.asarray(labels)
    probs = np.asarray(pred_probs, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[0] == 0:
        raise InvalidInput(
            "pred_probs must have shape (n_examples, n_classes)", location="pred_probs"
        )
    if given.shape != (probs.shape[0],):
        raise InvalidInput(
            f"labels has shape {given.shape}, pred_probs has {probs.shape[0]} rows",
            location="labels",
        )
    if not np.issubdtype(given.dtype, np.integer):
        raise InvalidInput("labels must be integer class indices", location="labels")
    if given.min() < 0 or given.max() >= probs.shape[1]:
        raise InvalidInput(f"labels must lie in [0, {probs.shape[1] - 1}]", location="labels")
    if not np.all(np.isfinite(probs)) or (probs < 0).any():
        raise InvalidInput("pred_probs must be finite and >= 0", location="pred_probs")
    return given.astype(np.intp), probs


def confident_joint(
    labels: npt.ArrayLike, pred_probs: npt.ArrayLike, *, calibrate: bool = True
) -> tuple[FloatArray, IntArray]:
    r"""Count examples by given label and confidently predicted true label.

    Class ``j``'s threshold :math:`t_j` is the mean predicted probability of ``j`` over
    examples labelled ``j``. An example is *confidently* of class ``j`` when
    :math:`p_j \ge t_j`, taking the most probable such class; examples above no threshold are
    not counted. With ``calibrate`` the rows are rescaled to the given-label counts, so that
    ``C / N`` estimates the joint distribution of given and true labels.

    Parameters
    ----------
    labels : array-like of int, shape (N,)
        Given labels as class indices.
    pred_probs : array-like, shape (N, K)
        Out-of-sample predicted probabilities (e.g. cross-validated).

    Returns
    -------
    joint : numpy.ndarray, shape (K, K)
        Rows given label, columns confident true label.
    confident : numpy.ndarray of int, shape (N,)
        Each example's confident class, -1 where none.

    References
    ----------
    C. Northcutt, L. Jiang and I. Chuang, "Confident learning: estimating uncertainty in
    dataset labels", *Journal of Artificial Intelligence Research*, 70:1373-1411, 2021.
    """
    given, probs = _check(labels, pred_probs)
    n_classes = probs.shape[1]
    counts = np.bincount(given, minlength=n_classes).astype(np.float64)
    sums = np.zeros((n_classes, n_classes))
    np.add.at(sums, given, probs)
    thresholds = np.diag(sums) / np.maximum(counts, 1.0)
    above = probs >= thresholds[None, :] - 1e-12
    masked = np.where(above, probs, -np.inf)
    confident = np.where(above.any(axis=1), np.argmax(masked, axis=1), -1).astype(np.intp)
    keep = confident >= 0
    tally = np.bincount(given[keep] * n_classes + confident[keep], minlength=n_classes**2)
    joint: FloatArray = tally.reshape(n_classes, n_classes).astype(np.float64)
    if calibrate:
        row = joint.sum(axis=1, keepdims=True)
        joint = np.where(row > 0, joint / np.where(row > 0, row, 1.0) * counts[:, None], 0.0)
    return joint, confident


def label_quality_scores(labels: npt.ArrayLike, pred_probs: npt.ArrayLike) -> FloatArray:
    """Normalized margin of the given label, in [0, 1]: low means a likely label error.

    ``(p_given - max_{k != given} p_k + 1) / 2``, shape (N,).
    """
    given, probs = _check(labels, pred_probs)
    rows = np.arange(len(given))
    own = probs[rows, given]
    others = probs.copy()
    others[rows, given] = -np.inf
    return np.asarray((own - others.max(axis=1) + 1.0) / 2.0, dtype=np.float64)


def _prune_counts(joint: FloatArray, counts: FloatArray, frac_noise: float) -> IntArray:
    """Examples to remove per (given, true) cell, keeping at least one example per class."""
    off = joint.copy()
    np.fill_diagonal(off, 0.0)
    prune = np.round(off * frac_noise).astype(np.intp)
    # never remove every example of a given label
    excess = prune.sum(axis=1) - (counts.astype(np.intp) - 1)
    for given in np.flatnonzero(excess > 0):
        row = prune[given].astype(np.float64)
        prune[given] = np.floor(row * (counts[given] - 1) / row.sum()).astype(np.intp)
    return prune


def _by_noise_rate(given: IntArray, probs: FloatArray, prune: IntArray) -> npt.NDArray[np.bool_]:
    """For each (given i, true j), flag the ``prune[i, j]`` examples of ``i`` with the largest
    margin ``p_j - p_i``."""
    mask = np.zeros(len(given), dtype=bool)
    rows = np.arange(len(given))
    for i, j in zip(*np.nonzero(prune), strict=True):
        members = np.flatnonzero(given == i)
        margin = probs[members, j] - probs[rows[members], i]
        take = min(int(prune[i, j]), len(members))
        mask[members[np.argpartition(-margin, take - 1)[:take]]] = True
    return mask


def _by_class(given: IntArray, probs: FloatArray, prune: IntArray) -> npt.NDArray[np.bool_]:
    """For each given label ``i``, flag its examples with the lowest ``p_i``."""
    mask = np.zeros(len(given), dtype=bool)
    for i in np.flatnonzero(prune.sum(axis=1) > 0):
        members = np.flatnonzero(given == i)
        take = min(int(prune[i].sum()), len(members))
        mask[members[np.argpartition(probs[members, i], take - 1)[:take]]] = True
    return mask


def _low_self_confidence(
    given: IntArray, probs: FloatArray, n_issues: int
) -> npt.NDArray[np.bool_]:
    """Flag the ``n_issues`` examples with the lowest probability of their given label."""
    mask = np.zeros(len(given), dtype=bool)
    if n_issues > 0:
        own = probs[np.arange(len(given)), given]
        mask[np.argsort(own, kind="stable")[:n_issues]] = True
    return mask


def find_label_issues(
    labels: npt.ArrayLike,
    pred_probs: npt.ArrayLike,
    *,
    filter_by: FilterBy = "low_self_confidence",
    frac_noise: float = 1.0,
) -> npt.NDArray[np.bool_]:
    """Flag examples whose given label is probably wrong (confident learning).

    The confident joint counts the examples whose predicted probability of another class
    clears that class's threshold: an estimate of how many labels are wrong. The default rule
    flags that many examples, those with the lowest probability of their given label.

    Parameters
    ----------
    labels : array-like of int, shape (N,)
        Given labels as class indices in ``[0, K)``.
    pred_probs : array-like, shape (N, K)
        Out-of-sample predicted probabilities: from cross-validation, never from a model that
        saw the example's label.
    filter_by : {"low_self_confidence", "prune_by_noise_rate", "prune_by_class", "both", \
"confident_joint"}
        ``"low_self_confidence"`` (default): the ``n`` examples with the lowest ``p_given``,
        ``n`` the off-diagonal count of the *uncalibrated* confident joint. Calibration
        rescales rows to the given-label counts and, on AG News with 10-40 % flipped labels,
        over-estimates the number of errors by 20-55 % while the raw count is within 12 %
        (see ``bench/quality``). The other rules use the calibrated joint :math:`C`, as in
        cleanlab: ``"prune_by_noise_rate"`` (cleanlab's default), per cell ``(i, j)`` the
        ``C[i, j]`` examples of ``i`` with the largest margin ``p_j - p_i``;
        ``"prune_by_class"``, per given label the ``sum_j C[i, j]`` examples with the lowest
        ``p_i``; ``"both"``, flagged by both; ``"confident_joint"``, the off-diagonal examples.
    frac_noise : float, default 1.0
        Scale the estimated number of errors (below 1 flags fewer, only the surest).

    Returns
    -------
    numpy.ndarray of bool, shape (N,)
        True where the label is suspected wrong. An example whose given label is also the
        model's most probable class is never flagged.

    References
    ----------
    C. Northcutt, L. Jiang and I. Chuang, "Confident learning: estimating uncertainty in
    dataset labels", *JAIR*, 70:1373-1411, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.1, 0.9], [0.2, 0.8], [0.95, 0.05]])
    >>> find_label_issues(np.array([0, 0, 0, 1, 1, 1]), probs).tolist()
    [False, False, False, False, False, True]
    """
    if filter_by not in _FILTERS:
        raise InvalidInput(f"filter_by must be one of {_FILTERS}", location="filter_by")
    if not 0.0 <= frac_noise <= 1.0:
        raise InvalidInput("frac_noise must be in [0, 1]", location="frac_noise")
    given, probs = _check(labels, pred_probs)
    joint, confident = confident_joint(given, probs)
    off_diagonal = (confident >= 0) & (confident != given)
    if filter_by == "confident_joint":
        mask = off_diagonal
    elif filter_by == "low_self_confidence":
        mask = _low_self_confidence(given, probs, round(frac_noise * int(off_diagonal.sum())))
    else:
        counts = np.bincount(given, minlength=probs.shape[1]).astype(np.float64)
        prune = _prune_counts(joint, counts, frac_noise)
        if filter_by == "prune_by_noise_rate":
            mask = _by_noise_rate(given, probs, prune)
        elif filter_by == "prune_by_class":
            mask = _by_class(given, probs, prune)
        else:
            mask = _by_noise_rate(given, probs, prune) & _by_class(given, probs, prune)
    return np.asarray(mask & (np.argmax(probs, axis=1) != given), dtype=np.bool_)
