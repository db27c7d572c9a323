from __future__ import annotations

import cleanlab.filter
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import cross_val_predict

from annota.errors import InvalidInput
from annota.quality import confident_joint, find_label_issues, label_quality_scores

PROBS = np.array(
    [[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.1, 0.9], [0.2, 0.8], [0.95, 0.05], [0.3, 0.7]]
)
LABELS = np.array([0, 0, 0, 1, 1, 1, 1])


def test_confident_joint_on_a_toy() -> None:
    # thresholds: class 0 = mean(0.9, 0.8, 0.7) = 0.8; class 1 = mean(.9, .8, .05, .7) = 0.6125
    joint, confident = confident_joint(LABELS, PROBS, calibrate=False)
    assert confident.tolist() == [0, 0, -1, 1, 1, 0, 1]
    assert joint.tolist() == [[2, 0], [1, 3]]
    calibrated, _ = confident_joint(LABELS, PROBS)
    np.testing.assert_allclose(calibrated.sum(axis=1), [3, 4])


def test_the_mislabelled_toy_example_is_found_by_every_rule() -> None:
    for rule in (
        "low_self_confidence",
        "prune_by_noise_rate",
        "prune_by_class",
        "both",
        "confident_joint",
    ):
        assert np.flatnonzero(find_label_issues(LABELS, PROBS, filter_by=rule)).tolist() == [5]  # type: ignore[arg-type]


def test_agreeing_prediction_is_never_flagged_and_frac_noise_zero_flags_none() -> None:
    assert not find_label_issues(LABELS, PROBS, frac_noise=0.0).any()
    clean = np.array([[0.9, 0.1], [0.2, 0.8]])
    assert not find_label_issues(np.array([0, 1]), clean).any()


def test_quality_scores_are_normalized_margins() -> None:
    np.testing.assert_allclose(label_quality_scores(LABELS, PROBS)[[0, 5]], [0.9, 0.05])


@pytest.fixture(scope="module")
def noisy_problem() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """4-class problem, labels flipped at 10/20/40 %, 5-fold out-of-fold probabilities."""
    features, truth = make_classification(
        n_samples=2000,
        n_features=20,
        n_informative=10,
        n_classes=4,
        n_clusters_per_class=1,
        class_sep=1.5,
        random_state=0,
    )
    cases = []
    for rate in (0.1, 0.2, 0.4):
        rng = np.random.default_rng(1)
        noisy = truth.copy()
        flipped = rng.choice(len(truth), int(rate * len(truth)), replace=False)
        noisy[flipped] = (truth[flipped] + rng.integers(1, 4, len(flipped))) % 4
        probs = cross_val_predict(
            LogisticRegression(max_iter=500), features, noisy, cv=5, method="predict_proba"
        )
        cases.append((noisy, probs, noisy != truth))
    return cases


def test_keeps_up_with_cleanlab_default_on_the_same_probabilities(
    noisy_problem: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> None:
    # the full AG News comparison lives in bench/quality; on this small synthetic problem the
    # two rules trade places by noise level, so the bar is the mean F1 over the three levels
    ours, theirs = [], []
    for noisy, probs, wrong in noisy_problem:
        ours.append(f1_score(wrong, find_label_issues(noisy, probs)))
        theirs.append(f1_score(wrong, cleanlab.filter.find_label_issues(noisy, probs, n_jobs=1)))
    assert np.mean(ours) >= np.mean(theirs) - 0.005
    assert min(ours) > 0.8


def test_prune_by_noise_rate_reproduces_cleanlab(
    noisy_problem: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> None:
    noisy, probs, _ = noisy_problem[1]
    ours = find_label_issues(noisy, probs, filter_by="prune_by_noise_rate")
    theirs = cleanlab.filter.find_label_issues(noisy, probs, n_jobs=1)
    assert (ours != theirs).sum() <= 0.01 * len(noisy)


@pytest.mark.parametrize(
    ("labels", "probs", "kwargs", "message"),
    [
        (np.array([0]), np.zeros((0, 2)), {}, "must have shape"),
        (np.array([0, 1]), PROBS, {}, "labels has shape"),
        (LABELS.astype(float), PROBS, {}, "integer class indices"),
        (LABELS + 1, PROBS, {}, r"lie in \[0, 1\]"),
        (LABELS, -PROBS, {}, "finite and >= 0"),
        (LABELS, PROBS, {"filter_by": "magic"}, "filter_by must be"),
        (LABELS, PROBS, {"frac_noise": 2.0}, "frac_noise"),
    ],
)
def test_bad_input_is_rejected(
    labels: np.ndarray, probs: np.ndarray, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        find_label_issues(labels, probs, **kwargs)  # type: ignore[arg-type]
