from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annota.automation import lf_summary
from annota.errors import InvalidInput

# 5 items x 3 LFs, counted by hand below.
L = np.array(
    [
        [0, 0, -1],  # a, b agree
        [1, -1, 0],  # a, c conflict
        [-1, -1, -1],  # nobody
        [1, 1, 1],  # all agree
        [-1, 0, -1],  # b alone
    ]
)
Y = np.array([0, 0, 1, 1, -1])  # the last item has no gold


def test_summary_without_gold() -> None:
    expected = pd.DataFrame(
        {
            "polarity": [[0, 1], [0, 1], [0, 1]],
            "coverage": [3 / 5, 3 / 5, 2 / 5],
            "overlaps": [3 / 5, 2 / 5, 2 / 5],
            "conflicts": [1 / 5, 0.0, 1 / 5],
        },
        index=["a", "b", "c"],
    )
    pd.testing.assert_frame_equal(lf_summary(L, names=["a", "b", "c"]), expected)


def test_summary_with_gold() -> None:
    table = lf_summary(L, Y)
    # a: item0 0=0 ok, item1 1!=0 wrong, item3 1=1 ok -> 2/3; b: item0 ok, item3 ok,
    # item4 unlabelled -> 2/2; c: item1 0=0 ok, item3 ok -> 2/2.
    assert table["correct"].tolist() == [2, 2, 2]
    assert table["incorrect"].tolist() == [1, 0, 0]
    np.testing.assert_allclose(table["emp_acc"], [2 / 3, 1.0, 1.0])
    assert table.index.tolist() == ["lf_0", "lf_1", "lf_2"]


def test_lf_that_never_voted_on_gold_has_nan_accuracy() -> None:
    table = lf_summary(np.array([[0, -1], [-1, 1]]), np.array([0, -1]))
    assert table["emp_acc"].iloc[0] == 1.0
    assert np.isnan(table["emp_acc"].iloc[1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((np.array([0, 1]),), "2-D integer"),
        ((L, np.array([0, 1])), "expected \\(5,\\)"),
    ],
)
def test_bad_input(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        lf_summary(*args)  # type: ignore[arg-type]


def test_names_must_match_columns() -> None:
    with pytest.raises(InvalidInput, match="2 names for 3"):
        lf_summary(L, names=["a", "b"])
