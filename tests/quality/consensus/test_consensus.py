from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annota.errors import InvalidInput
from annota.quality import aggregate_numeric
from annota.quality.consensus import box_consensus, span_consensus


def test_three_annotators_two_objects_and_a_stray_box() -> None:
    boxes = [
        [0, 0, 10, 10],
        [1, 1, 11, 11],
        [0, 1, 10, 11],  # object 1, all three annotators
        [50, 50, 60, 60],
        [51, 50, 61, 60],  # object 2, two annotators
        [100, 100, 105, 105],  # one annotator only
    ]
    annotators = ["a", "b", "c", "a", "c", "b"]
    result = box_consensus(boxes, annotators, min_votes=2)
    assert [c.support for c in result] == [3, 2]
    np.testing.assert_allclose(result[0].box, [1 / 3, 2 / 3, 31 / 3, 32 / 3])
    assert sorted(result[0].annotators) == ["a", "b", "c"]
    np.testing.assert_allclose(result[1].box, [50.5, 50, 60.5, 60])
    assert 0.8 < result[1].agreement < 1.0


def test_one_annotator_never_fills_a_cluster_twice() -> None:
    result = box_consensus([[0, 0, 10, 10], [0, 0, 10, 9]], ["a", "a"], min_votes=2)
    assert result == []


def test_labels_keep_clusters_apart_and_median_fusion() -> None:
    boxes = [[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 30, 30]]
    result = box_consensus(
        boxes, ["a", "b", "c", "d"], ["cat", "dog", "dog", "dog"], iou_threshold=0.1, fuse="median"
    )
    assert [(c.label, c.support) for c in result] == [("dog", 3)]
    np.testing.assert_allclose(result[0].box, [0, 0, 10, 10])


def test_box_consensus_rejects_mismatched_lengths() -> None:
    with pytest.raises(InvalidInput, match="differ in length"):
        box_consensus([[0, 0, 1, 1]], ["a", "b"])


def test_span_majority_and_silent_annotators_count() -> None:
    votes = {"a": [(0, 5, "PER")], "b": [(0, 4, "PER")], "c": [(1, 6, "PER")]}
    assert span_consensus(votes) == [(0, 5, "PER")]
    votes["d"], votes["e"] = [], []
    assert span_consensus(votes) == [(1, 4, "PER")]
    assert span_consensus(votes, quorum=0.6) == []


def test_span_consensus_per_label_and_overlapping_own_spans() -> None:
    votes = {"a": [(0, 3, "X"), (1, 3, "X"), (5, 8, "Y")], "b": [(0, 3, "X"), (5, 8, "Y")]}
    assert span_consensus(votes, quorum=0.5) == [(0, 3, "X"), (5, 8, "Y")]
    with pytest.raises(InvalidInput, match="no annotator"):
        span_consensus({})


def test_numeric_aggregation() -> None:
    df = pd.DataFrame(
        {"item": [1, 1, 1, 1, 2, 2], "annotator": list("abcdab"), "label": [4, 5, 6, 100, 2, None]}
    )
    assert aggregate_numeric(df, "mean").tolist() == [28.75, 2.0]
    assert aggregate_numeric(df).tolist() == [5.5, 2.0]
    assert aggregate_numeric(df, "trimmed_mean", trim=0.25).tolist() == [5.5, 2.0]
    with pytest.raises(InvalidInput, match="is not a number"):
        aggregate_numeric(df.assign(label=["x", 1, 2, 3, 4, 5]))
    with pytest.raises(InvalidInput, match="trim"):
        aggregate_numeric(df, "trimmed_mean", trim=0.5)
