from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest

from annota.automation import LabelModel, fit_dawid_skene, majority_vote, posterior
from annota.errors import InvalidInput

Split = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
Wrench = Callable[[str, str], Split]
Synthetic = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]


def _expected_mv_accuracy(L: npt.NDArray[np.int64], y: npt.NDArray[np.int64]) -> float:
    """Majority vote accuracy with ties credited 1/(number tied), computed independently."""
    hits = []
    for row, gold in zip(L, y, strict=True):
        counts = np.bincount(row[row >= 0], minlength=2)
        top = np.flatnonzero(counts == counts.max())
        hits.append((gold in top) / top.size)
    return float(np.mean(hits))


def test_beats_majority_vote_with_known_lf_accuracies(synthetic: Synthetic) -> None:
    L, y, _ = synthetic
    model = LabelModel(cardinality=2).fit(L)
    model_acc = np.mean(model.predict(L) == y)
    assert model_acc > _expected_mv_accuracy(L, y) + 0.03


def test_recovers_lf_accuracies_and_class_balance(synthetic: Synthetic) -> None:
    L, y, accuracies = synthetic
    fit = fit_dawid_skene(L, 2, abstain_evidence=True)
    fired = fit.confusions[:, :, :2] / fit.confusions[:, :, :2].sum(axis=2, keepdims=True)
    estimated = fired[:, 0, 0] * fit.class_balance[0] + fired[:, 1, 1] * fit.class_balance[1]
    np.testing.assert_allclose(estimated, accuracies, atol=0.05)
    np.testing.assert_allclose(fit.class_balance, [np.mean(y == 0), np.mean(y == 1)], atol=0.03)


def test_predict_proba_shape_and_rows_sum_to_one(synthetic: Synthetic) -> None:
    L, _, _ = synthetic
    proba = LabelModel(cardinality=2).fit(L).predict_proba(L[:10])
    assert proba.shape == (10, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_three_classes() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 1500)
    noisy = np.where(rng.random((1500, 5)) < 0.75, y[:, None], rng.integers(0, 3, (1500, 5)))
    L = np.where(rng.random(noisy.shape) < 0.7, noisy, -1)
    model = LabelModel(cardinality=3).fit(L)
    assert model.predict_proba(L).shape == (1500, 3)
    assert np.mean(model.predict(L) == y) > 0.8


@pytest.mark.parametrize(("dataset", "split"), [("wrench-youtube", "test"), ("wrench-sms", "test")])
def test_beats_majority_vote_on_wrench(wrench: Wrench, dataset: str, split: str) -> None:
    L_train, _ = wrench(dataset, "train")
    L_valid, y_valid = wrench(dataset, "valid")
    L_test, y_test = wrench(dataset, split)
    model = LabelModel(cardinality=2).fit(L_train, L_valid, y_valid)
    assert not model.fallback_
    assert np.mean(model.predict(L_test) == y_test) > _expected_mv_accuracy(L_test, y_test)


def test_youtube_unsupervised_beats_majority_vote_on_valid_and_test(wrench: Wrench) -> None:
    L_train, _ = wrench("wrench-youtube", "train")
    model = LabelModel(cardinality=2).fit(L_train)
    for split in ("valid", "test"):
        L, y = wrench("wrench-youtube", split)
        assert np.mean(model.predict(L) == y) > _expected_mv_accuracy(L, y)


def test_falls_back_to_majority_vote_and_says_so(
    synthetic: Synthetic, caplog: pytest.LogCaptureFixture
) -> None:
    L, y, _ = synthetic
    # A wrong, user-given prior (99% class 0) makes the model worse than counting votes.
    model = LabelModel(cardinality=2, class_balance=[0.999, 0.001])
    with caplog.at_level(logging.WARNING, logger="annota.automation.label_model"):
        model.fit(L[:2000], L[2000:], y[2000:])
    assert model.fallback_
    scores = model.validation_scores_
    assert scores["label_model"] < scores["majority_vote"]
    assert "falling back to majority vote" in caplog.text
    ties_abstain = majority_vote(L[2000:], 2, tie_break="abstain")
    decided = ties_abstain >= 0
    assert np.array_equal(model.predict(L[2000:])[decided], ties_abstain[decided])


def test_no_fallback_when_model_is_better(synthetic: Synthetic) -> None:
    L, y, _ = synthetic
    model = LabelModel(cardinality=2).fit(L[:2000], L[2000:], y[2000:])
    assert not model.fallback_
    assert model.validation_scores_["label_model"] > model.validation_scores_["majority_vote"]


def test_items_without_votes_get_the_class_prior(synthetic: Synthetic) -> None:
    L, _, _ = synthetic
    fit = fit_dawid_skene(L, 2)
    np.testing.assert_allclose(posterior(np.full((1, L.shape[1]), -1), fit)[0], fit.class_balance)


def test_deterministic(synthetic: Synthetic) -> None:
    L, _, _ = synthetic
    a = LabelModel(cardinality=2).fit(L).predict_proba(L)
    b = LabelModel(cardinality=2).fit(L).predict_proba(L)
    np.testing.assert_array_equal(a, b)


def test_params_round_trip() -> None:
    model = LabelModel(cardinality=3, smoothing=2.0)
    assert model.get_params()["smoothing"] == 2.0
    assert model.set_params(smoothing=0.5) is model
    assert model.smoothing == 0.5
    with pytest.raises(InvalidInput, match="unknown parameter"):
        model.set_params(learning_rate=0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"L_valid": [[0, 1]]}, "both L_valid and y_valid"),
        ({"L_valid": [[0, 1]], "y_valid": [0, 1]}, "y_valid must be 1 integer"),
        ({"L_valid": [[0, 1, 1]], "y_valid": [0]}, "3 labeling functions"),
        ({"L_valid": [[0, 1]], "y_valid": [4]}, "classes in 0..1"),
    ],
)
def test_bad_validation_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        LabelModel(cardinality=2).fit([[0, 1], [1, 1]], **kwargs)  # type: ignore[arg-type]


def test_predict_rejects_other_lf_count() -> None:
    model = LabelModel(cardinality=2).fit([[0, 1], [1, 1]])
    with pytest.raises(InvalidInput, match="fitted on 2"):
        model.predict([[0, 1, 1]])


def test_cannot_fit_without_any_vote() -> None:
    with pytest.raises(InvalidInput, match="no item has a vote"):
        LabelModel(cardinality=2).fit([[-1, -1]])


def _half_labelled(seed: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 400)
    L = np.where(rng.random((400, 5)) < 0.7, y[:, None], 1 - y[:, None])
    L = np.where(rng.random(L.shape) < 0.6, L, -1)
    known = np.where(np.arange(400) < 120, y, -1)
    return L, known


def test_unlabeled_weight_zero_fits_the_labelled_items_alone() -> None:
    L, known = _half_labelled(3)
    weighted = fit_dawid_skene(L, 2, y=known, unlabeled_weight=0.0)
    alone = fit_dawid_skene(L[known >= 0], 2, y=known[known >= 0])
    np.testing.assert_allclose(weighted.confusions, alone.confusions)
    np.testing.assert_allclose(weighted.class_balance, alone.class_balance)


def test_unlabeled_weight_halves_like_doubling_the_labels() -> None:
    """Without smoothing, unlabelled items at weight 1/2 are the same fit as every labelled
    item counted twice at weight 1: only the ratio of the two kinds matters."""
    L, known = _half_labelled(4)
    labelled = known >= 0
    halved = fit_dawid_skene(L, 2, y=known, smoothing=0.0, unlabeled_weight=0.5)
    doubled = fit_dawid_skene(
        np.vstack([L, L[labelled]]), 2, y=np.r_[known, known[labelled]], smoothing=0.0
    )
    np.testing.assert_allclose(halved.confusions, doubled.confusions, atol=1e-6)
    np.testing.assert_allclose(halved.class_balance, doubled.class_balance, atol=1e-6)
    plain = fit_dawid_skene(L, 2, y=known, smoothing=0.0)
    assert not np.allclose(plain.confusions, halved.confusions, atol=1e-3)


@pytest.mark.parametrize("weight", [-0.1, 1.5, float("nan")])
def test_unlabeled_weight_is_checked(weight: float) -> None:
    with pytest.raises(InvalidInput, match="unlabeled_weight"):
        fit_dawid_skene([[0, 1], [1, 1]], 2, unlabeled_weight=weight)
