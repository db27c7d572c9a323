"""Per-labeling-function statistics: how much each rule covers, overlaps, conflicts, is right.

The numbers follow Snorkel's ``LFAnalysis.lf_summary`` so people moving over read the same
table: *coverage* is the share of items an LF voted on; *overlaps* the share where it voted
and at least one other LF voted too; *conflicts* the share where it voted and another LF
voted a different class. With gold labels, *correct*, *incorrect* and *emp_acc* (correct
over voted) are added.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from annota.automation.votes import ABSTAIN
from annota.errors import InvalidInput


def lf_summary(
    L: npt.ArrayLike,
    y: npt.ArrayLike | None = None,
    *,
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Summarise a label matrix, one row per labeling function.

    Parameters
    ----------
    L : array-like of shape (n_items, n_lfs)
        Votes, ``-1`` for abstain.
    y : array-like of shape (n_items,), optional
        Gold classes; items with ``-1`` here count as unlabelled and are left out of
        ``correct``/``incorrect``.
    names : sequence of str, optional
        Index of the result; defaults to ``"lf_0"``, ``"lf_1"``, ...

    Returns
    -------
    pandas.DataFrame
        Columns ``polarity`` (sorted classes the LF ever voted), ``coverage``,
        ``overlaps``, ``conflicts`` (fractions of all items), plus ``correct``,
        ``incorrect`` and ``emp_acc`` when ``y`` is given (``emp_acc`` is NaN for an LF
        that never voted on a labelled item).

    Examples
    --------
    >>> L = np.array([[0, 0, -1], [1, -1, 0], [-1, -1, -1], [1, 1, 1]])
    >>> lf_summary(L, names=["a", "b", "c"])["conflicts"].tolist()
    [0.25, 0.0, 0.25]
    """
    votes = np.asarray(L)
    if votes.ndim != 2 or not np.issubdtype(votes.dtype, np.integer):
        raise InvalidInput("L must be a 2-D integer matrix", location="L")
    n, m = votes.shape
    index = list(names) if names is not None else [f"lf_{j}" for j in range(m)]
    if len(index) != m:
        raise InvalidInput(f"{len(index)} names for {m} labeling functions", location="names")
    fired = votes != ABSTAIN
    n_fired = fired.sum(axis=1)
    others_fired = n_fired[:, None] - fired > 0
    denom = max(n, 1)
    table = pd.DataFrame(
        {
            "polarity": [
                sorted(int(v) for v in np.unique(votes[fired[:, j], j])) for j in range(m)
            ],
            "coverage": fired.sum(axis=0) / denom,
            "overlaps": (fired & others_fired).sum(axis=0) / denom,
            "conflicts": (fired & _disagrees_with_another(votes, fired)).sum(axis=0) / denom,
        },
        index=index,
    )
    if y is None:
        return table
    gold = np.asarray(y)
    if gold.shape != (n,):
        raise InvalidInput(f"y has shape {gold.shape}, expected ({n},)", location="y")
    scored = fired & (gold[:, None] != ABSTAIN)
    correct = (scored & (votes == gold[:, None])).sum(axis=0)
    incorrect = scored.sum(axis=0) - correct
    table["correct"] = correct
    table["incorrect"] = incorrect
    with np.errstate(invalid="ignore", divide="ignore"):
        table["emp_acc"] = np.where(scored.sum(axis=0) > 0, correct / scored.sum(axis=0), np.nan)
    return table


def _disagrees_with_another(
    votes: npt.NDArray[np.integer], fired: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """``out[i, j]``: some other LF voted on item ``i`` for a class other than ``L[i, j]``."""
    out = np.zeros(votes.shape, dtype=bool)
    labels = np.unique(votes[fired])
    for c in labels:
        voted_c = (votes == c).sum(axis=1)
        voted_other = fired.sum(axis=1) - voted_c
        out |= (votes == c) & (voted_other[:, None] > 0)
    return out
