from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annota.errors import InvalidInput
from annota.quality import MACE, MajorityVote

from ..datasets import accuracy, load_zheng, simulate


def test_spammer_gets_the_lowest_competence() -> None:
    good = np.eye(3) * 0.85 + 0.05
    spam = np.tile([0.8, 0.1, 0.1], (3, 1))  # always says class 0, whatever the truth
    confusions = np.stack([good, good, good, spam])
    df, truth = simulate(confusions, n_items=1500, prior=np.array([1 / 3] * 3), seed=2)
    model = MACE().fit(df)
    assert model.competence_.idxmin() == 3
    assert model.competence_[3] < 0.3
    assert model.competence_[[0, 1, 2]].min() > 0.7
    assert model.spam_distribution_[model.annotators_.get_loc(3)].argmax() == 0
    assert (model.predict(df).sort_index().to_numpy() == truth).mean() > 0.95


@pytest.mark.parametrize("name", ["product", "duck"])
def test_beats_majority_vote_on_zheng(name: str) -> None:
    answers, truth = load_zheng(name)
    assert accuracy(MACE().fit_predict(answers), truth) > accuracy(
        MajorityVote().fit_predict(answers), truth
    )


def test_toy_and_probabilities(toy: pd.DataFrame) -> None:
    model = MACE().fit(toy)
    assert model.predict(toy)[["i1", "i2", "i3"]].tolist() == ["cat", "dog", "dog"]
    np.testing.assert_allclose(model.predict_proba(toy).sum(axis=1), 1.0)


def test_negative_prior_is_rejected(toy: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="pseudo-counts"):
        MACE(competence_prior=(-1.0, 1.0)).fit(toy)
