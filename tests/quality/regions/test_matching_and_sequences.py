from __future__ import annotations

import json

import numpy as np
import pytest

from annota.errors import InvalidInput
from annota.quality.regions import (
    cer,
    edit_distance,
    hierarchical_f1,
    keypoint_oks,
    mask_iou,
    match_by_iou,
    path_similarity,
    rle_decode,
    rle_encode,
    segment_iou,
    span_f1,
    timeline_iou,
    wer,
)

from ..datasets import DATA


def test_hungarian_prefers_the_global_optimum_over_greedy() -> None:
    # greedy would take (0, 0) = 0.9 and leave (1, 1) = 0.0; the optimum pairs crosswise
    result = match_by_iou([[0.9, 0.8], [0.7, 0.0]], threshold=0.5)
    assert result.pairs == [(0, 1), (1, 0)]
    assert result.f1 == 1.0
    assert result.mean_iou == pytest.approx(0.75)
    strict = match_by_iou([[0.9, 0.8], [0.7, 0.0]], threshold=0.75)
    assert strict.pairs == [(0, 1)]
    assert (strict.precision, strict.recall) == (0.5, 0.5)


def test_matching_edge_cases() -> None:
    assert match_by_iou(np.zeros((0, 0))).f1 == 1.0
    assert match_by_iou(np.zeros((2, 0))).f1 == 0.0
    with pytest.raises(InvalidInput, match="threshold"):
        match_by_iou([[1.0]], threshold=2.0)


def test_span_f1_exact_and_overlap() -> None:
    ref = [(0, 5, "PER"), (10, 15, "LOC"), (20, 25, "ORG")]
    pred = [(0, 5, "PER"), (11, 15, "LOC"), (20, 25, "PER")]
    exact = span_f1(ref, pred)
    assert (exact.true_positives, exact.f1) == (1, pytest.approx(1 / 3))
    overlap = span_f1(ref, pred, mode="overlap")
    assert overlap.true_positives == 2
    with pytest.raises(InvalidInput, match="empty or reversed"):
        span_f1([(3, 3, "X")], [])


def test_segments() -> None:
    np.testing.assert_allclose(segment_iou([[0, 2]], [[1, 3], [5, 6]]), [[1 / 3, 0.0]])
    assert timeline_iou([[0, 1], [0.5, 2]], [[1, 3]]) == pytest.approx(1 / 3)
    with pytest.raises(InvalidInput, match="ends before"):
        segment_iou([[2, 1]], [[0, 1]])


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "abc", 0),
        ("flaw", "lawn", 2),
        ("intention", "execution", 5),
    ],
)
def test_edit_distance_known_values(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance


def test_edit_distance_matches_a_plain_dynamic_programme() -> None:
    rng = np.random.default_rng(0)
    for _ in range(30):
        a, b = rng.integers(0, 3, rng.integers(0, 12)), rng.integers(0, 3, rng.integers(0, 12))
        table = np.zeros((len(a) + 1, len(b) + 1), dtype=int)
        table[:, 0], table[0, :] = np.arange(len(a) + 1), np.arange(len(b) + 1)
        for i in range(1, len(a) + 1):
            for j in range(1, len(b) + 1):
                table[i, j] = min(
                    table[i - 1, j] + 1,
                    table[i, j - 1] + 1,
                    table[i - 1, j - 1] + (a[i - 1] != b[j - 1]),
                )
        assert edit_distance(a.tolist(), b.tolist()) == table[-1, -1]


def test_wer_and_cer() -> None:
    assert wer("the cat sat on the mat", "the cat sit on mat") == pytest.approx(2 / 6)
    assert cer("abcd", "abed") == pytest.approx(0.25)
    with pytest.raises(InvalidInput, match="no words"):
        wer("  ", "x")


def test_taxonomy_agreement() -> None:
    assert path_similarity("A/B/C", "A/B/C") == 1.0
    assert path_similarity("A/B/C", "A/X") == pytest.approx(1 / 3)
    assert path_similarity(["A", "B"], ["Z"]) == 0.0
    assert hierarchical_f1("A/B/C", "A/B") == pytest.approx(0.8)
    with pytest.raises(InvalidInput, match="empty taxonomy"):
        path_similarity("A//C", "A")


def test_rle_round_trip_on_pycocotools_output() -> None:
    path = DATA / "coco-cocoapi-fake-results" / "instances_val2014_fakesegm100_results.json"
    detections = json.loads(path.read_text())[:100]
    for detection in detections:
        rle = detection["segmentation"]
        mask = rle_decode(rle)
        assert mask.shape == tuple(rle["size"])
        assert rle_encode(mask)["counts"] == rle["counts"]


def test_mask_iou_on_uncompressed_and_compressed_rle() -> None:
    mask_a = np.zeros((4, 5), dtype=bool)
    mask_a[1:3, 1:4] = True
    mask_b = np.zeros((4, 5), dtype=bool)
    mask_b[2:4, 2:5] = True
    expected = (mask_a & mask_b).sum() / (mask_a | mask_b).sum()
    assert mask_iou(rle_encode(mask_a), rle_encode(mask_b)) == pytest.approx(expected)
    assert mask_iou(
        {"size": [2, 2], "counts": [0, 2, 2]}, {"size": [2, 2], "counts": [0, 3, 1]}
    ) == (pytest.approx(2 / 3))
    with pytest.raises(InvalidInput, match="sum to"):
        rle_decode({"size": [2, 2], "counts": [1, 1]})


def test_keypoint_oks() -> None:
    ref = np.array([[10, 10, 2], [20, 20, 2], [0, 0, 0]], dtype=float)
    assert keypoint_oks(ref, ref, area=100.0, sigmas=[0.1, 0.1, 0.1]) == pytest.approx(1.0)
    moved = ref + np.array([[1, 0, 0], [0, 0, 0], [50, 50, 0]])  # the invisible one is ignored
    expected = (np.exp(-1 / (2 * 100 * 0.2**2)) + 1) / 2
    assert keypoint_oks(ref, moved, area=100.0, sigmas=[0.1, 0.1, 0.1]) == pytest.approx(expected)
    with pytest.raises(InvalidInput, match="area"):
        keypoint_oks(ref, ref, area=0.0, sigmas=[0.1] * 3)
