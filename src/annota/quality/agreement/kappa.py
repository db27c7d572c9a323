"""Chance-corrected agreement: Cohen's kappa (two raters) and Fleiss' kappa (many)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from annota.errors import InvalidInput
from annota.quality.answers import sorted_classes

__all__ = ["KappaWeights", "cohen_kappa", "fleiss_kappa", "kappa_from_confusion"]

KappaWeights = Literal["linear", "quadratic"] | None


def kappa_from_confusion(confusion: npt.ArrayLike, *, weights: KappaWeights = None) -> float:
    r"""Cohen's kappa from a (K, K) contingency table of two raters' labels.

    :math:`\kappa = 1 - \sum w_{ij} o_{ij} / \sum w_{ij} e_{ij}` with :math:`e` the product of
    the marginals, and disagreement weights :math:`w_{ij}` of 1 off the diagonal (nominal),
    :math:`|i - j|` (linear) or :math:`(i - j)^2` (quadratic). ``NaN`` when chance disagreement
    is zero (both raters used one and the same category).
    """
    observed = np.asarray(confusion, dtype=np.float64)
    if observed.ndim != 2 or observed.shape[0] != observed.shape[1]:
        raise InvalidInput(f"need a square table, got shape {observed.shape}", location="confusion")
    total = observed.sum()
    if total <= 0:
        raise InvalidInput("the contingency table is empty", location="confusion")
    size = observed.shape[0]
    distance = np.abs(np.subtract.outer(np.arange(size), np.arange(size))).astype(np.float64)
    if weights is None:
        weight = (distance > 0).astype(np.float64)
    elif weights == "linear":
        weight = distance
    elif weights == "quadratic":
        weight = distance**2
    else:
        raise InvalidInput(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / total
    chance = float((weight * expected).sum())
    if chance == 0:
        return float("nan")
    return 1.0 - float((weight * observed).sum()) / chance


def cohen_kappa(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    *,
    weights: KappaWeights = None,
    labels: npt.ArrayLike | None = None,
) -> float:
    """Cohen's kappa between two raters' labels of the same items.

    Parameters
    ----------
    a, b : array-like, shape (n_items,)
        Labels (any hashable); a pair where either is missing (``None``/``NaN``) is dropped.
    weights : {None, "linear", "quadratic"}, default None
        Weighted kappa for ordered categories; the order is that of ``labels``.
    labels : array-like, optional
        Categories in order; by default the sorted distinct labels of ``a`` and ``b``.

    Returns
    -------
    float
        In [-1, 1]; ``NaN`` when undefined (a single category used throughout).

    References
    ----------
    J. Cohen, "A coefficient of agreement for nominal scales", *Educational and Psychological
    Measurement*, 20(1):37-46, 1960; "Weighted kappa", *Psychological Bulletin*, 70(4), 1968.

    Examples
    --------
    >>> cohen_kappa(["y", "y", "n", "n"], ["y", "n", "n", "n"])
    0.5
    """
    left = np.asarray(pd.Series(list(np.asarray(a, dtype=object)), dtype=object))
    right = np.asarray(pd.Series(list(np.asarray(b, dtype=object)), dtype=object))
    if left.shape != right.shape:
        raise InvalidInput(f"a has {len(left)} labels, b has {len(right)}", location="b")
    keep = ~(pd.isna(left) | pd.isna(right))
    if not keep.any():
        raise InvalidInput("no item has a label from both raters", location="a")
    left, right = left[keep], right[keep]
    categories = (
        sorted_classes(np.concatenate([left, right]))
        if labels is None
        else np.asarray(labels, dtype=object)
    )
    index = pd.Index(categories)
    codes_a, codes_b = index.get_indexer(left), index.get_indexer(right)
    if (codes_a < 0).any() or (codes_b < 0).any():
        raise InvalidInput("a label is missing from labels", location="labels")
    size = len(categories)
    confusion = np.bincount(codes_a * size + codes_b, minlength=size * size).reshape(size, size)
    return kappa_from_confusion(confusion, weights=weights)


def fleiss_kappa(counts: npt.ArrayLike | pd.DataFrame) -> float:
    r"""Fleiss' kappa for many raters from a count table.

    Parameters
    ----------
    counts : array-like, shape (n_items, n_categories)
        ``counts[i, k]``: how many raters put item ``i`` in category ``k``. Fleiss (1971) assumes
        the same number of raters per item; with unequal numbers each item's agreement is
        computed over its own raters, and items with fewer than two raters are left out.

    Returns
    -------
    float
        :math:`(\bar P - \bar P_e) / (1 - \bar P_e)`; ``NaN`` when a single category is used.

    References
    ----------
    J. L. Fleiss, "Measuring nominal scale agreement among many raters", *Psychological
    Bulletin*, 76(5):378-382, 1971.

    Examples
    --------
    >>> round(fleiss_kappa([[3, 0], [0, 3], [2, 1]]), 4)
    0.55
    """
    table = np.asarray(counts, dtype=np.float64)
    if table.ndim != 2 or table.size == 0:
        raise InvalidInput("counts must be a non-empty 2-D table", location="counts")
    if (table < 0).any():
        raise InvalidInput("counts must be >= 0", location="counts")
    raters = table.sum(axis=1)
    table, raters = table[raters >= 2], raters[raters >= 2]
    if len(table) == 0:
        raise InvalidInput("no item has two or more ratings", location="counts")
    per_item = ((table * (table - 1)).sum(axis=1)) / (raters * (raters - 1))
    shares = table.sum(axis=0) / raters.sum()
    observed = float(per_item.mean())
    chance = float((shares**2).sum())
    if chance == 1.0:
        return float("nan")
    return (observed - chance) / (1.0 - chance)
