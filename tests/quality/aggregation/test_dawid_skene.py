from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annota.errors import InvalidInput
from annota.quality import DawidSkene, MajorityVote

from ..datasets import CROWDKIT_DS_ACCURACY, accuracy, load_zheng, simulate

CONFUSIONS = np.array(
    [
        [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]],
        [[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]],
        [[0.5, 0.25, 0.25], [0.25, 0.5, 0.25], [0.3, 0.3, 0.4]],
        [[0.8, 0.1, 0.1], [0.0, 1.0, 0.0], [0.2, 0.2, 0.6]],
    ]
)


@pytest.mark.parametrize("name", sorted(CROWDKIT_DS_ACCURACY))
def test_matches_or_beats_crowdkit_on_zheng(name: str) -> None:
    answers, truth = load_zheng(name)
    predicted = DawidSkene().fit_predict(answers)
    assert accuracy(predicted, truth) >= CROWDKIT_DS_ACCURACY[name]


def test_beats_majority_vote_on_duck() -> None:
    answers, truth = load_zheng("duck")
    assert accuracy(DawidSkene().fit_predict(answers), truth) > accuracy(
        MajorityVote().fit_predict(answers), truth
    )


def test_recovers_known_confusion_matrices_and_prior() -> None:
    prior = np.array([0.5, 0.3, 0.2])
    df, truth = simulate(CONFUSIONS, n_items=4000, prior=prior, seed=1)
    model = DawidSkene().fit(df)
    order = model.annotators_.get_indexer([0, 1, 2, 3])
    # compare with the confusion counted against the simulated truth (what EM can recover)
    given = df.sort_values(["annotator", "item"])["label"].to_numpy().reshape(4, -1)
    empirical = np.stack(
        [
            [np.bincount(given[j, truth == k], minlength=3) / (truth == k).sum() for k in range(3)]
            for j in range(4)
        ]
    )
    np.testing.assert_allclose(model.confusion_[order], empirical, atol=0.03)
    np.testing.assert_allclose(model.confusion_[order], CONFUSIONS, atol=0.06)
    np.testing.assert_allclose(model.prior_, prior, atol=0.03)
    np.testing.assert_allclose(model.confusion_.sum(axis=2), 1.0)
    predicted = model.predict(df).sort_index().to_numpy()
    assert (predicted == truth).mean() > 0.9


def test_toy_set_and_fitted_attributes(toy: pd.DataFrame) -> None:
    model = DawidSkene().fit(toy)
    assert model.predict(toy)[["i1", "i2", "i3"]].tolist() == ["cat", "dog", "dog"]
    assert model.confusion_.shape == (3, 2, 2)
    frame = model.confusion_frame("c")
    assert frame.index.tolist() == ["cat", "dog"]
    assert np.trace(frame.to_numpy()) < np.trace(model.confusion_frame("a").to_numpy())
    assert 1 <= model.n_iter_ <= model.max_iter
    proba = model.predict_proba(toy)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_fit_predict_equals_fit_then_predict() -> None:
    answers, _ = load_zheng("dog")
    model = DawidSkene()
    assert model.fit_predict(answers).equals(model.fit(answers).predict(answers))


def test_unseen_annotator_uses_the_pooled_confusion(toy: pd.DataFrame) -> None:
    model = DawidSkene().fit(toy)
    new = pd.DataFrame({"item": ["n1"], "annotator": ["stranger"], "label": ["dog"]})
    proba = model.predict_proba(new)
    expected = model.prior_ * model.pooled_confusion_[:, 1]
    np.testing.assert_allclose(proba.to_numpy()[0], expected / expected.sum())


def test_unsmoothed_fit_stays_finite(toy: pd.DataFrame) -> None:
    model = DawidSkene(smoothing=0.0, prior_smoothing=0.0).fit(toy)
    assert np.isfinite(model.log_likelihood_)
    assert model.predict_proba(toy).notna().all().all()


def test_single_annotator_and_all_abstaining_item() -> None:
    df = pd.DataFrame({"item": [1, 2, 3], "annotator": ["a"] * 3, "label": [0, 1, None]})
    predicted = DawidSkene().fit_predict(df)
    assert predicted[[1, 2]].tolist() == [0, 1]
    assert pd.isna(predicted[3])


@pytest.mark.parametrize(
    ("params", "message"),
    [({"smoothing": -1.0}, "smoothing"), ({"max_iter": 0}, "max_iter"), ({"tol": -1}, "tol")],
)
def test_bad_hyperparameters_fail_in_fit(
    toy: pd.DataFrame, params: dict[str, float], message: str
) -> None:
    model = DawidSkene(**params)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match=message):
        model.fit(toy)


def test_unknown_annotator_for_confusion_frame(toy: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="not seen"):
        DawidSkene().fit(toy).confusion_frame("zz")
