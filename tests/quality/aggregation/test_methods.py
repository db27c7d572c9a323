from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from annota.errors import InvalidInput
from annota.quality import METHODS, DawidSkene, aggregate


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_labels_the_clear_items(toy: pd.DataFrame, method: str) -> None:
    predicted = aggregate(toy, method=method)  # type: ignore[arg-type]
    assert predicted[["i1", "i2", "i3"]].tolist() == ["cat", "dog", "dog"]


def test_default_is_dawid_skene(toy: pd.DataFrame) -> None:
    assert_series_equal(aggregate(toy), DawidSkene().fit_predict(toy))


def test_parameters_are_passed_through(toy: pd.DataFrame) -> None:
    assert pd.isna(aggregate(toy, method="majority_vote", tie_break="abstain")["i4"])


def test_unknown_method_and_parameter_are_rejected(toy: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="unknown method 'glad'"):
        aggregate(toy, method="glad")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="unexpected keyword"):
        aggregate(toy, method="majority_vote", tie="first")
