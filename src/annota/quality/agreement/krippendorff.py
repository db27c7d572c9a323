"""Krippendorff's alpha for any number of raters, missing data and four levels of measurement."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from annota.errors import InvalidInput
from annota.quality.agreement.reliability import code_ratings

__all__ = ["Level", "coincidence_matrix", "krippendorff_alpha"]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
_LEVELS = ("nominal", "ordinal", "interval", "ratio")
FloatArray = npt.NDArray[np.float64]


def coincidence_matrix(counts: FloatArray) -> FloatArray:
    """Krippendorff's coincidence matrix from per-item value counts (n_items, n_values).

    Each item with :math:`m_u \\ge 2` ratings contributes every ordered pair of its ratings,
    weighted :math:`1 / (m_u - 1)`: ``o = N' W N - diag(N' w)``, with ``W = diag(w)``.
    """
    raters = counts.sum(axis=1)
    pairable = raters >= 2
    counts, raters = counts[pairable], raters[pairable]
    weight = 1.0 / (raters - 1)
    coincidences = (counts * weight[:, None]).T @ counts
    coincidences -= np.diag((counts * weight[:, None]).sum(axis=0))
    return np.asarray(coincidences, dtype=np.float64)


def _squared_distance(level: Level, values: FloatArray, marginals: FloatArray) -> FloatArray:
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "interval":
        return np.subtract.outer(values, values) ** 2
    if level == "ratio":
        total = np.add.outer(values, values)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.subtract.outer(values, values) / total
        return np.nan_to_num(ratio, nan=0.0) ** 2
    # ordinal: the mass between two ranks, half-counting the ranks themselves
    # for ranks c < k: sum(n_g, g = c..k) - (n_c + n_k) / 2 = cum[k] - cum[c] + (n_c - n_k) / 2
    cumulative = np.cumsum(marginals)
    between = np.subtract.outer(marginals, marginals) / 2 - np.subtract.outer(
        cumulative, cumulative
    )
    upper = np.triu(between)
    return np.asarray((upper + upper.T) ** 2, dtype=np.float64)


def krippendorff_alpha(
    reliability_data: npt.ArrayLike | pd.DataFrame,
    level: Level = "nominal",
    *,
    values: npt.ArrayLike | None = None,
) -> float:
    r"""Krippendorff's alpha reliability coefficient.

    :math:`\alpha = 1 - D_o / D_e`: observed over expected disagreement, both computed from the
    coincidence matrix of pairable ratings, with the squared distance of ``level``. Handles any
    number of raters and missing ratings; items with a single rating do not count.

    Parameters
    ----------
    reliability_data : array-like, shape (n_annotators, n_items)
        Rows annotators, columns items; ``NaN``/``None`` missing. Values must be numbers for the
        interval and ratio levels; for nominal and ordinal they may be any labels.
    level : {"nominal", "ordinal", "interval", "ratio"}, default "nominal"
    values : array-like, optional
        The categories in order (ordinal labels that do not sort naturally, e.g. "low" <
        "mid" < "high"); by default the sorted distinct values.

    Returns
    -------
    float
        1 is perfect agreement, 0 chance; ``NaN`` when only one value occurs (no expected
        disagreement).

    References
    ----------
    K. Krippendorff, "Computing Krippendorff's Alpha-Reliability", University of Pennsylvania,
    2011. https://repository.upenn.edu/asc_papers/43

    Examples
    --------
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...         [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    >>> round(krippendorff_alpha(data, level="nominal"), 3)
    0.743
    """
    if level not in _LEVELS:
        raise InvalidInput(f"level must be one of {_LEVELS}, got {level!r}", location="level")
    coded = code_ratings(reliability_data, values=values)
    numeric = np.zeros(len(coded.values))
    if level in ("interval", "ratio"):
        try:
            numeric = coded.values.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise InvalidInput(f"{level} level needs numeric ratings", location="level") from error
        if level == "ratio" and (numeric < 0).any():
            raise InvalidInput("ratio level needs non-negative ratings", location="level")
    coincidences = coincidence_matrix(coded.counts())
    marginals = coincidences.sum(axis=1)
    total = marginals.sum()
    if total == 0:
        raise InvalidInput("no item has two or more ratings", location="reliability_data")
    distance = _squared_distance(level, numeric, marginals)
    expected = float(marginals @ distance @ marginals)
    if expected == 0:
        return float("nan")
    return 1.0 - float(total - 1) * float((coincidences * distance).sum()) / expected
