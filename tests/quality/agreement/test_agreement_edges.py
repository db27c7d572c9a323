from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annota.errors import InvalidInput
from annota.quality import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    pairwise_agreement,
    per_label_agreement,
    percent_agreement,
)
from annota.quality.agreement import category_counts, reliability_matrix


def test_percent_agreement_counts_agreeing_pairs() -> None:
    # item 1: 3 of 3 pairs agree; item 2: 1 of 3 ("a","a","b"); item 3 has one rating
    data = [["a", "a", "x"], ["a", "a", None], ["a", "b", None]]
    assert percent_agreement(data) == pytest.approx((1 + 1 / 3) / 2)


def test_cohen_kappa_drops_missing_pairs_and_takes_strings() -> None:
    assert cohen_kappa(["y", "n", None, "y"], ["y", "n", "y", "y"]) == pytest.approx(1.0)


def test_cohen_weighted_kappa_follows_the_given_label_order() -> None:
    a, b = ["low", "mid", "high"], ["mid", "mid", "high"]
    ordered = cohen_kappa(a, b, weights="linear", labels=["low", "mid", "high"])
    alphabetical = cohen_kappa(a, b, weights="linear")
    assert ordered != pytest.approx(alphabetical)
    assert ordered == pytest.approx(cohen_kappa([0, 1, 2], [1, 1, 2], weights="linear"))


def test_single_category_gives_nan_not_an_error() -> None:
    assert np.isnan(cohen_kappa([1, 1], [1, 1]))
    assert np.isnan(fleiss_kappa([[3, 0], [3, 0]]))
    assert np.isnan(krippendorff_alpha([[1, 1], [1, 1]]))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cohen_kappa([], []), "no item has a label from both"),
        (lambda: cohen_kappa([1, 2], [1]), "a has 2 labels, b has 1"),
        (lambda: cohen_kappa([1], [1], weights="cubic"), "weights must be"),  # type: ignore[arg-type]
        (lambda: cohen_kappa([1], [2], labels=[1]), "missing from labels"),
        (lambda: fleiss_kappa([]), "non-empty"),
        (lambda: fleiss_kappa([[1, 0], [0, 1]]), "two or more ratings"),
        (lambda: fleiss_kappa([[3, -1]]), ">= 0"),
        (lambda: krippendorff_alpha([]), "empty"),
        (lambda: krippendorff_alpha([[np.nan, np.nan]]), "no rating"),
        (lambda: krippendorff_alpha([[1, 2]]), "two or more ratings"),
        (lambda: krippendorff_alpha([["a", "b"], ["a", "b"]], level="interval"), "numeric"),
        (lambda: krippendorff_alpha([[1, -2], [1, 2]], level="ratio"), "non-negative"),
        (lambda: krippendorff_alpha([[1, 2], [1, 2]], level="fuzzy"), "level must be"),  # type: ignore[arg-type]
        (lambda: krippendorff_alpha([["a"], ["b"]], values=["a"]), "not among the values"),
        (lambda: percent_agreement([[1, 2]]), "two or more ratings"),
    ],
)
def test_bad_input_is_a_clear_error(call: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        call()  # type: ignore[operator]


def test_ordinal_alpha_with_explicit_value_order() -> None:
    words = [["low", "mid", "high", "mid"], ["low", "high", "high", "mid"]]
    numbers = [[0, 1, 2, 1], [0, 2, 2, 1]]
    assert krippendorff_alpha(words, "ordinal", values=["low", "mid", "high"]) == pytest.approx(
        krippendorff_alpha(numbers, "ordinal")
    )


def test_fleiss_with_unequal_raters_ignores_single_ratings() -> None:
    assert fleiss_kappa([[3, 0], [0, 3], [2, 1], [1, 0]]) == pytest.approx(
        fleiss_kappa([[3, 0], [0, 3], [2, 1]])
    )


def test_long_table_conversions(toy: pd.DataFrame) -> None:
    matrix = reliability_matrix(toy)
    assert matrix.shape == (3, 4)
    assert pd.isna(matrix.loc["c", "i4"])
    assert matrix.loc["c", "i1"] == "dog"
    counts = category_counts(toy)
    assert counts.loc["i1"].tolist() == [2, 1]
    assert counts.columns.tolist() == ["cat", "dog"]


def test_pairwise_kappa_matches_cohen_on_each_pair(toy: pd.DataFrame) -> None:
    matrix = reliability_matrix(toy)
    table = pairwise_agreement(matrix)
    assert table.index.tolist() == ["a", "b", "c"]
    shared = matrix.loc[["a", "c"]].dropna(axis=1)
    assert table.loc["a", "c"] == pytest.approx(cohen_kappa(shared.loc["a"], shared.loc["c"]))
    assert table.loc["a", "c"] == table.loc["c", "a"]
    percent = pairwise_agreement(matrix, metric="percent")
    assert percent.loc["a", "b"] == pytest.approx(3 / 4)
    assert np.isnan(pairwise_agreement(matrix, min_overlap=4).loc["a", "c"])


def test_pairwise_weighted_kappa_matches_cohen() -> None:
    data = np.array([[1, 2, 3, 1, 2], [1, 3, 3, 2, 2]])
    table = pairwise_agreement(data, weights="quadratic")
    assert table.iloc[0, 1] == pytest.approx(cohen_kappa(data[0], data[1], weights="quadratic"))


def test_per_label_kappa_matches_fleiss_category_formula() -> None:
    rng = np.random.default_rng(0)
    data = rng.integers(0, 3, size=(4, 30))
    data[:2, :15] = data[2, :15]  # some agreement
    result = per_label_agreement(data)
    counts = np.stack([(data == k).sum(axis=0) for k in range(3)], axis=1)
    m, n = 4, 30
    for k in range(3):
        p = counts[:, k].sum() / (n * m)
        expected = 1 - (counts[:, k] * (m - counts[:, k])).sum() / (n * m * (m - 1) * p * (1 - p))
        assert result.loc[k, "kappa"] == pytest.approx(expected)
    assert result["ratings"].sum() == 120


def test_per_label_specific_agreement_on_a_toy() -> None:
    # item 1: a, a ; item 2: a, b  -> for "a": (2*1 + 1*0) / (2*1 + 1*1) = 2/3; for "b": 0/1
    result = per_label_agreement([["a", "a"], ["a", "b"]])
    assert result.loc["a", "specific_agreement"] == pytest.approx(2 / 3)
    assert result.loc["b", "specific_agreement"] == pytest.approx(0.0)
