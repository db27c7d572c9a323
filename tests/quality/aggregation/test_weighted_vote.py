from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annota.errors import InvalidInput
from annota.quality import MajorityVote, WeightedVote
from annota.quality.aggregation.weighted_vote import leave_one_out_skill
from annota.quality.answers import encode_answers

from ..datasets import accuracy, load_zheng


def test_a_trusted_annotator_outvotes_two_weak_ones() -> None:
    df = pd.DataFrame({"item": [1, 1, 1], "annotator": ["a", "b", "c"], "label": ["x", "y", "y"]})
    model = WeightedVote(skills={"a": 0.99, "b": 0.6, "c": 0.6}).fit(df)
    assert model.predict(df).tolist() == ["x"]
    # log((K - 1) s / (1 - s)) with K = 2
    np.testing.assert_allclose(model.weights_["a"], np.log(0.99 / 0.01))
    linear = WeightedVote(skills={"a": 0.99, "b": 0.6, "c": 0.6}, weighting="linear")
    assert linear.fit_predict(df).tolist() == ["y"]


def test_missing_skill_gets_the_median(toy: pd.DataFrame) -> None:
    model = WeightedVote(skills={"a": 0.9, "b": 0.7}).fit(toy)
    assert model.skills_["c"] == pytest.approx(0.8)


def test_leave_one_out_skill_on_the_toy(toy: pd.DataFrame) -> None:
    skills = leave_one_out_skill(encode_answers(toy))
    # a: i1 others tie (cat, dog) -> 1/2, i2 -> 1, i3 others tie -> 1/2, i4 others dog -> 0
    # b: the same by symmetry; c: i1 others cat -> 0, i2 -> 1, i3 others dog -> 0
    np.testing.assert_allclose(skills, [2 / 4, 2 / 4, 1 / 3])


def test_estimated_skills_beat_majority_vote_on_product() -> None:
    answers, truth = load_zheng("product")
    assert accuracy(WeightedVote().fit_predict(answers), truth) > accuracy(
        MajorityVote().fit_predict(answers), truth
    )


def test_skill_outside_unit_interval_is_rejected(toy: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="outside") as caught:
        WeightedVote(skills={"a": 1.5}).fit(toy)
    assert caught.value.location == "skills['a']"
