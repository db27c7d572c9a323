from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annota.errors import InvalidInput
from annota.quality import annotator_bias, annotator_performance, slice_label_distribution
from annota.quality.bias import adjust_p_values


@pytest.fixture(scope="module")
def crowd() -> tuple[pd.DataFrame, pd.Series]:
    """300 items, 3 classes; 4 good annotators, a one-class spammer, a fast clicker and one
    whose quality collapses over the last 30 % of its answers."""
    rng = np.random.default_rng(0)
    n = 300
    truth = rng.integers(0, 3, size=n)
    rows = []
    for name in ["g1", "g2", "g3", "g4", "spam", "fast", "drop"]:
        correct = rng.random(n) < 0.9
        labels = np.where(correct, truth, (truth + rng.integers(1, 3, size=n)) % 3)
        seconds = rng.uniform(8, 12, size=n)
        if name == "spam":
            labels = np.where(rng.random(n) < 0.95, 0, labels)
        if name == "fast":
            seconds = rng.uniform(0.5, 1.5, size=n)
        if name == "drop":
            late = np.arange(n) >= 210
            labels = np.where(late, rng.integers(0, 3, size=n), labels)
        rows.append(
            pd.DataFrame(
                {
                    "item": np.arange(n),
                    "annotator": name,
                    "label": labels,
                    "seconds": seconds,
                    "step": np.arange(n),
                }
            )
        )
    return pd.concat(rows, ignore_index=True), pd.Series(truth[:100], index=np.arange(100))


def test_flags_name_the_right_annotators_with_evidence(
    crowd: tuple[pd.DataFrame, pd.Series],
) -> None:
    df, gold = crowd
    report = annotator_performance(df, gold=gold, duration="seconds", order="step")
    by_kind = {(f.kind, f.annotator) for f in report.flags}
    assert ("too_fast", "fast") in by_kind
    assert ("one_class", "spam") in by_kind
    assert ("low_agreement", "spam") in by_kind
    assert ("sudden_drop", "drop") in by_kind
    assert not any(a.startswith("g") for _, a in by_kind)
    drop = next(f for f in report.flags if f.kind == "sudden_drop")
    assert drop.value < 0.5 < drop.reference
    assert "Fisher" in drop.evidence


def test_table_accuracy_against_gold_and_confusion(crowd: tuple[pd.DataFrame, pd.Series]) -> None:
    df, gold = crowd
    report = annotator_performance(df, gold=gold)
    table = report.table
    assert table.loc["g1", "n_gold"] == 100
    subset = df[(df["annotator"] == "g1") & (df["item"] < 100)]
    expected = (subset["label"].to_numpy() == gold.to_numpy()).mean()
    assert table.loc["g1", "gold_accuracy"] == pytest.approx(expected)
    assert table.loc["spam", "top_label"] == 0
    assert table.loc["spam", "top_label_share"] > 0.9
    assert report.confusion["spam"].loc[1, 0] > 0.8  # says 0 when the truth is 1
    assert "median_seconds" not in table.columns


def test_missing_duration_column_is_an_error(crowd: tuple[pd.DataFrame, pd.Series]) -> None:
    with pytest.raises(InvalidInput, match="'secs' is missing"):
        annotator_performance(crowd[0], duration="secs")


def test_bias_flags_the_spammer_only(crowd: tuple[pd.DataFrame, pd.Series]) -> None:
    df, _ = crowd
    findings = annotator_bias(df[df["annotator"] != "drop"])
    assert findings[0].annotator == "spam"
    assert findings[0].flagged
    assert findings[0].most_over_used == 0
    assert findings[0].observed.sum() == pytest.approx(findings[0].expected.sum())
    assert 0 < findings[0].divergence <= 1
    assert [f.annotator for f in findings if f.flagged] == ["spam"]


def test_holm_and_bh_match_hand_computation() -> None:
    p = [0.01, 0.04, 0.03, 0.2]
    np.testing.assert_allclose(adjust_p_values(p, "holm"), [0.04, 0.09, 0.09, 0.2])
    np.testing.assert_allclose(adjust_p_values(p, "bh"), [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2])
    with pytest.raises(InvalidInput, match="correction"):
        adjust_p_values(p, "bonferroni")  # type: ignore[arg-type]


def test_slice_distribution_finds_the_skewed_and_the_small_slice() -> None:
    rng = np.random.default_rng(1)
    items = np.arange(400)
    source = pd.Series(
        np.where(items < 200, "web", np.where(items < 390, "news", "radio")), index=items
    )
    labels = np.where(items < 200, rng.integers(0, 2, size=400), 1)
    df = pd.DataFrame({"item": items, "annotator": "a", "label": labels})
    report = slice_label_distribution(df, source)
    assert report.p_value < 1e-6
    assert report.under_represented == ["radio"]
    assert report.skewed[0][0] in {"news", "web"}
    assert report.shares.loc["news", 1] == 1.0
    assert report.counts.to_numpy().sum() == 400
