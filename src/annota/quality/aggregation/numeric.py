"""Numeric answers (ratings, counts, measurements): one robust value per item."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from annota.errors import InvalidInput
from annota.quality.answers import ANSWER_COLUMNS

__all__ = ["NumericMethod", "aggregate_numeric"]

NumericMethod = Literal["mean", "median", "trimmed_mean"]


def aggregate_numeric(
    df: pd.DataFrame, method: NumericMethod = "median", *, trim: float = 0.1
) -> pd.Series:
    """Aggregate numeric labels per item.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``item``, ``annotator``, ``label`` with numeric labels (``NaN`` = abstention).
    method : {"median", "mean", "trimmed_mean"}, default "median"
        The median resists one wild answer out of three; the trimmed mean drops ``trim`` of the
        answers at each end (scipy's ``trim_mean``) and keeps more of the information.
    trim : float, default 0.1
        Fraction cut from each end for ``"trimmed_mean"``, in [0, 0.5).

    Returns
    -------
    pandas.Series
        Index ``item``, float values; ``NaN`` where every answer abstained.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"item": [1, 1, 1], "annotator": list("abc"), "label": [4, 5, 40]})
    >>> aggregate_numeric(df).tolist()
    [5.0]
    """
    if not isinstance(df, pd.DataFrame) or any(c not in df.columns for c in ANSWER_COLUMNS):
        raise InvalidInput(f"need a DataFrame with columns {list(ANSWER_COLUMNS)}", location="df")
    if len(df) == 0:
        raise InvalidInput("the answer table is empty", location="df")
    if not 0.0 <= trim < 0.5:
        raise InvalidInput("trim must be in [0, 0.5)", location="trim")
    values = pd.to_numeric(df["label"], errors="coerce")
    bad = values.isna() & df["label"].notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InvalidInput(
            f"label {df['label'].iloc[row]!r} is not a number", location=f"df.label[{row}]"
        )
    grouped = values.groupby(df["item"].to_numpy(), sort=False)
    if method == "mean":
        result = grouped.mean()
    elif method == "median":
        result = grouped.median()
    elif method == "trimmed_mean":
        result = grouped.agg(
            lambda v: stats.trim_mean(v.dropna(), trim) if v.notna().any() else np.nan
        )
    else:
        raise InvalidInput(f"unknown method {method!r}", location="method")
    result = result.astype(np.float64)
    result.index.name = "item"
    return result.rename("label")
