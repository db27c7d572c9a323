"""``aggregate(df, method=...)``: one call for every label aggregator by name."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from annota.errors import InvalidInput
from annota.quality.aggregation.base import CrowdClassifier
from annota.quality.aggregation.dawid_skene import DawidSkene
from annota.quality.aggregation.mace import MACE
from annota.quality.aggregation.majority_vote import MajorityVote
from annota.quality.aggregation.weighted_vote import WeightedVote

__all__ = ["METHODS", "Method", "aggregate"]

Method = Literal["dawid_skene", "majority_vote", "weighted_vote", "mace"]

#: aggregator class per method name
METHODS: dict[str, type[CrowdClassifier]] = {
    "dawid_skene": DawidSkene,
    "majority_vote": MajorityVote,
    "weighted_vote": WeightedVote,
    "mace": MACE,
}


def aggregate(df: pd.DataFrame, method: Method = "dawid_skene", **params: Any) -> pd.Series:
    """Infer one label per item from an ``(item, annotator, label)`` table.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``item``, ``annotator``, ``label`` (``NaN`` label = abstention).
    method : {"dawid_skene", "majority_vote", "weighted_vote", "mace"}, default "dawid_skene"
        Dawid-Skene is the default: on the Zheng et al. (2017) benchmarks it matches or beats
        the other methods here.
    **params
        Hyperparameters of the method's class (e.g. ``tie_break="random"``).

    Returns
    -------
    pandas.Series
        Index ``item``, values the inferred label (``NaN`` where every answer abstained).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"item": ["q1", "q1", "q2"], "annotator": ["a", "b", "a"],
    ...                    "label": ["yes", "yes", "no"]})
    >>> aggregate(df, method="majority_vote").to_dict()
    {'q1': 'yes', 'q2': 'no'}
    """
    if method not in METHODS:
        raise InvalidInput(
            f"unknown method {method!r}; choose one of {sorted(METHODS)}", location="method"
        )
    try:
        model = METHODS[method](**params)
    except TypeError as error:
        raise InvalidInput(str(error), location="params") from error
    return model.fit_predict(df)
