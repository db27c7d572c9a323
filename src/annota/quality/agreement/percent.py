"""Percent agreement: how often two ratings of the same item are equal."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from annota.errors import InvalidInput
from annota.quality.agreement.reliability import code_ratings

__all__ = ["percent_agreement"]


def percent_agreement(reliability_data: npt.ArrayLike | pd.DataFrame) -> float:
    """Share of agreeing pairs of ratings, averaged over items with two or more ratings.

    Parameters
    ----------
    reliability_data : array-like, shape (n_annotators, n_items)
        Rows annotators, columns items, ``NaN``/``None`` missing. With two rows this is the
        plain share of items on which the two annotators agree.

    Returns
    -------
    float
        In [0, 1]. Not corrected for chance: see ``cohen_kappa``, ``fleiss_kappa`` and
        ``krippendorff_alpha`` for that.

    Examples
    --------
    >>> percent_agreement([[1, 1, 2], [1, 2, 2]])
    0.6666666666666666
    """
    counts = code_ratings(reliability_data).counts()
    raters = counts.sum(axis=1)
    pairable = raters >= 2
    if not pairable.any():
        raise InvalidInput("no item has two or more ratings", location="reliability_data")
    counts, raters = counts[pairable], raters[pairable]
    per_item = (counts * (counts - 1)).sum(axis=1) / (raters * (raters - 1))
    return float(np.mean(per_item))
