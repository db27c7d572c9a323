from __future__ import annotations

import numpy as np
import pytest

from annota.automation import STRATEGIES, query, uncertainty_scores
from annota.errors import InvalidInput

# Hand-computed (see each test): rows chosen so the three uncertainty orders all differ.
PROBS = np.array(
    [
        [0.50, 0.30, 0.20],  # LC 0.50  margin 0.20  entropy 1.030
        [0.90, 0.05, 0.05],  # LC 0.10  margin 0.85  entropy 0.394
        [0.40, 0.40, 0.20],  # LC 0.60  margin 0.00  entropy 1.055
        [0.60, 0.35, 0.05],  # LC 0.40  margin 0.25  entropy 0.824
        [0.34, 0.33, 0.33],  # LC 0.66  margin 0.01  entropy 1.099
        [0.55, 0.45, 0.00],  # LC 0.45  margin 0.10  entropy 0.688
    ]
)
EMB = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0], [0.0, 0.1], [9.0, 0.0]])


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("least_confidence", [4, 2, 0, 5, 3, 1]),
        ("margin", [2, 4, 5, 0, 3, 1]),
        ("entropy", [4, 2, 0, 3, 5, 1]),
    ],
)
def test_uncertainty_orderings(strategy: str, expected: list[int]) -> None:
    assert query(strategy, PROBS, 6).tolist() == expected


def test_entropy_values() -> None:
    np.testing.assert_allclose(
        uncertainty_scores("entropy", PROBS[[1, 5]]),
        [-(0.9 * np.log(0.9) + 0.1 * np.log(0.05)), -(0.55 * np.log(0.55) + 0.45 * np.log(0.45))],
    )


def test_labeled_rows_are_never_returned() -> None:
    assert query("margin", PROBS, 3, labeled=np.array([2, 4])).tolist() == [5, 0, 3]


def test_n_larger_than_pool_returns_all_remaining() -> None:
    out = query("entropy", PROBS, 100, labeled=[0, 1])
    assert sorted(out.tolist()) == [2, 3, 4, 5]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_strategy_returns_distinct_unlabeled_rows(strategy: str) -> None:
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(4), size=200)
    emb = rng.normal(size=(200, 8))
    labeled = np.arange(0, 200, 3)
    out = query(strategy, probs, 50, embeddings=emb, labeled=labeled, seed=1)
    assert out.shape == (50,)
    assert np.unique(out).size == 50
    assert not np.isin(out, labeled).any()
    assert np.array_equal(out, query(strategy, probs, 50, embeddings=emb, labeled=labeled, seed=1))


def test_random_depends_on_seed_only() -> None:
    a = query("random", PROBS, 4, seed=1)
    assert np.array_equal(a, query("random", PROBS, 4, seed=1))
    assert any(not np.array_equal(a, query("random", PROBS, 4, seed=s)) for s in range(2, 6))


def test_kcenter_picks_farthest_first() -> None:
    # From labelled row 0 at the origin the farthest is row 5 (9, 0). Then each row's
    # distance to its nearest center: row 2 (5, 5) min(7.07, 6.40) = 6.40 beats
    # row 3 (5.1, 5) min(7.14, 6.34) = 6.34.
    assert query("kcenter", PROBS, 2, embeddings=EMB, labeled=[0]).tolist() == [5, 2]


def test_cold_start_without_model_uses_embeddings() -> None:
    # No model: k-center from the most typical row. Mean is (3.2, 1.68); squared distances
    # row 0 13.1, row 1 12.4, row 4 12.6 -> row 1 first; then farthest from it, row 5; then
    # row 2 (nearest-center distance^2 41.0) over row 3 (40.2).
    assert query("margin", None, 3, embeddings=EMB).tolist() == [1, 5, 2]


def test_cluster_margin_spreads_over_clusters() -> None:
    # Blob A (rows 0-2) holds the three lowest margins, blob B (rows 3-4) the next two.
    # Plain margin picks two rows of A; cluster-margin visits the smaller cluster B first,
    # then A, each time taking the cluster's lowest-margin row.
    probs = np.array([[0.50, 0.50], [0.505, 0.495], [0.51, 0.49], [0.515, 0.485], [0.52, 0.48]])
    emb = np.array([[0.0, 0.0], [0.0, 0.1], [0.1, 0.0], [8.0, 8.0], [8.1, 8.0]])
    assert query("margin", probs, 2).tolist() == [0, 1]
    assert query("cluster_margin", probs, 2, embeddings=emb).tolist() == [3, 0]


@pytest.mark.parametrize(
    ("kwargs", "message", "location"),
    [
        ({"strategy": "bald"}, "unknown strategy", "strategy"),
        ({"pred_probs": np.ones(3)}, "shape", "pred_probs"),
        ({"n": -1}, "non-negative", "n"),
        ({"labeled": [7]}, "outside 0..5", "labeled"),
        ({"labeled": [[1]]}, "1-D", "labeled"),
        ({"embeddings": np.ones((4, 2)), "strategy": "kcenter"}, "4 rows", "embeddings"),
        ({"strategy": "kcenter"}, "needs embeddings", "embeddings"),
        ({"pred_probs": None}, "cold start", "pred_probs"),
        ({"pred_probs": [[np.nan, 1.0]]}, "finite", "pred_probs"),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str, location: str) -> None:
    args: dict[str, object] = {"strategy": "margin", "pred_probs": PROBS, "n": 2} | kwargs
    with pytest.raises(InvalidInput, match=message) as info:
        query(**args)  # type: ignore[arg-type]
    assert info.value.location == location
