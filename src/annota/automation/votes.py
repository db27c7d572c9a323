"""Label matrices and the plain majority vote every label model is measured against.

A *label matrix* ``L`` has one row per item and one column per labeling function (LF); entry
``L[i, j]`` is the class LF ``j`` voted for item ``i`` (``0 .. cardinality - 1``) or ``-1``
when it abstained. Everything in :mod:`annota.automation` that takes votes takes this shape,
the convention of Snorkel and WRENCH, so their matrices load unchanged.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

from annota.errors import InvalidInput

#: the vote of a labeling function that has no opinion on an item
ABSTAIN = -1

TieBreak = Literal["random", "abstain", "lowest"]


def check_label_matrix(
    L: npt.ArrayLike, cardinality: int, *, name: str = "L"
) -> npt.NDArray[np.int64]:
    """Validate a label matrix and return it as a 2-D ``int64`` array.

    Parameters
    ----------
    L : array-like of shape (n_items, n_lfs)
        Votes in ``{-1, 0, ..., cardinality - 1}``.
    cardinality : int
        Number of classes ``k`` (at least 2).
    name : str
        Name used as the error ``location``.

    Returns
    -------
    ndarray of shape (n_items, n_lfs), dtype int64

    Raises
    ------
    InvalidInput
        When ``L`` is not 2-D, holds non-integers, or a vote lies outside ``[-1, k)``.
    """
    if not isinstance(cardinality, int | np.integer) or cardinality < 2:
        raise InvalidInput(f"cardinality must be an integer >= 2, got {cardinality!r}")
    arr = np.asarray(L)
    if arr.ndim != 2:
        raise InvalidInput(
            f"expected a 2-D (items x labeling functions) matrix, got shape {arr.shape}",
            location=name,
        )
    is_int = np.issubdtype(arr.dtype, np.integer)
    is_whole_float = np.issubdtype(arr.dtype, np.floating) and bool(np.all(np.mod(arr, 1) == 0))
    if arr.size and not (is_int or is_whole_float):
        raise InvalidInput("votes must be integers (-1 for abstain)", location=name)
    out = arr.astype(np.int64, copy=False)
    bad = (out < ABSTAIN) | (out >= cardinality)
    if bad.any():
        i, j = (int(x) for x in np.argwhere(bad)[0])
        raise InvalidInput(
            f"vote {out[i, j]} is outside -1..{cardinality - 1}", location=f"{name}[{i}, {j}]"
        )
    return out


def vote_counts(L: npt.NDArray[np.int64], cardinality: int) -> npt.NDArray[np.int64]:
    """Count the votes per item and class.

    Parameters
    ----------
    L : ndarray of shape (n_items, n_lfs)
        A checked label matrix.
    cardinality : int
        Number of classes ``k``.

    Returns
    -------
    ndarray of shape (n_items, k)
        ``counts[i, c]`` is how many LFs voted ``c`` on item ``i``.
    """
    classes = np.arange(cardinality)
    return np.asarray(np.equal(L[:, :, None], classes).sum(axis=1), dtype=np.int64)


def one_hot_votes(
    L: npt.NDArray[np.int64], cardinality: int, *, with_abstain: bool
) -> sparse.csr_matrix:
    """Encode each LF's vote as a one-hot block, the design matrix of the label model.

    Parameters
    ----------
    L : ndarray of shape (n_items, n_lfs)
        A checked label matrix.
    cardinality : int
        Number of classes ``k``.
    with_abstain : bool
        When true, each LF gets ``k + 1`` columns, the last one meaning "abstained";
        otherwise ``k`` columns and an abstaining LF's block is all zeros.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_items, n_lfs * (k + with_abstain)), dtype float64
    """
    n, m = L.shape
    width = cardinality + 1 if with_abstain else cardinality
    col = np.where(L == ABSTAIN, cardinality, L) + width * np.arange(m)[None, :]
    keep = np.ones_like(L, dtype=bool) if with_abstain else L != ABSTAIN
    rows = np.broadcast_to(np.arange(n)[:, None], L.shape)[keep]
    data = np.ones(rows.size, dtype=np.float64)
    return sparse.csr_matrix((data, (rows, col[keep])), shape=(n, m * width))


def majority_vote(
    L: npt.ArrayLike,
    cardinality: int,
    *,
    tie_break: TieBreak = "random",
    random_state: int | None = 0,
) -> npt.NDArray[np.int64]:
    """Label each item with the class most labeling functions voted for.

    Items on which every LF abstained count as a tie between all classes.

    Parameters
    ----------
    L : array-like of shape (n_items, n_lfs)
        Votes, ``-1`` for abstain.
    cardinality : int
        Number of classes ``k``.
    tie_break : {"random", "abstain", "lowest"}
        ``"random"`` picks uniformly among the tied classes (seeded by ``random_state``, the
        WRENCH and Snorkel ``"random"`` policy); ``"abstain"`` returns ``-1``; ``"lowest"``
        returns the tied class with the smallest id.
    random_state : int or None
        Seed for ``"random"`` tie breaking.

    Returns
    -------
    ndarray of shape (n_items,), dtype int64

    Examples
    --------
    >>> majority_vote([[0, 0, 1], [1, -1, -1], [0, 1, -1]], 2, tie_break="abstain")
    array([ 0,  1, -1])
    """
    votes = check_label_matrix(L, cardinality)
    counts = vote_counts(votes, cardinality)
    return argmax_with_ties(counts, tie_break=tie_break, random_state=random_state)


def argmax_with_ties(
    scores: npt.NDArray[np.floating] | npt.NDArray[np.integer],
    *,
    tie_break: TieBreak,
    random_state: int | None,
) -> npt.NDArray[np.int64]:
    """Row-wise argmax where exact ties follow ``tie_break`` (see :func:`majority_vote`).

    Parameters
    ----------
    scores : ndarray of shape (n_items, k)
        Vote counts or probabilities.
    tie_break : {"random", "abstain", "lowest"}
    random_state : int or None

    Returns
    -------
    ndarray of shape (n_items,), dtype int64
    """
    if tie_break not in ("random", "abstain", "lowest"):
        raise InvalidInput(f"unknown tie_break {tie_break!r}", location="tie_break")
    top = scores.max(axis=1, keepdims=True)
    is_top = np.isclose(scores, top, rtol=0.0, atol=1e-12)
    tied = is_top.sum(axis=1) > 1
    labels = np.asarray(scores.argmax(axis=1), dtype=np.int64)
    if not tied.any() or tie_break == "lowest":
        return labels
    if tie_break == "abstain":
        labels[tied] = ABSTAIN
        return labels
    rng = np.random.default_rng(random_state)
    noise = rng.random(scores.shape)
    labels[tied] = np.where(is_top[tied], noise[tied], -1.0).argmax(axis=1)
    return labels


def expected_majority_accuracy(
    votes: npt.NDArray[np.int64], gold: npt.NDArray[np.int64], cardinality: int
) -> float:
    """Majority-vote accuracy with ties credited ``1 / (number tied)``, i.e. in expectation.

    Random tie breaking makes one run's accuracy noisy; this is its mean over all draws.

    Parameters
    ----------
    votes : ndarray of shape (n_items, n_lfs)
        A checked label matrix.
    gold : ndarray of shape (n_items,)
        True classes in ``0 .. cardinality - 1``.
    cardinality : int

    Returns
    -------
    float
    """
    counts = vote_counts(votes, cardinality)
    is_top = counts == counts.max(axis=1, keepdims=True)
    hit = is_top[np.arange(gold.shape[0]), gold] / is_top.sum(axis=1)
    return float(hit.mean())
