from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from annota.errors import InvalidInput
from annota.quality import MajorityVote


def test_majority_with_first_tie_policy(toy: pd.DataFrame) -> None:
    predicted = MajorityVote().fit_predict(toy)
    expected = pd.Series(
        ["cat", "dog", "dog", "cat"], index=pd.Index(["i1", "i2", "i3", "i4"], name="item")
    )
    assert_series_equal(predicted, expected, check_names=False)


def test_abstain_policy_leaves_ties_missing(toy: pd.DataFrame) -> None:
    predicted = MajorityVote(tie_break="abstain").fit_predict(toy)
    assert predicted[["i1", "i2", "i3"]].tolist() == ["cat", "dog", "dog"]
    assert pd.isna(predicted["i4"])


def test_random_policy_is_seeded_and_reaches_every_tied_label() -> None:
    df = pd.DataFrame(
        {"item": np.repeat(np.arange(200), 2), "annotator": ["a", "b"] * 200, "label": [0, 1] * 200}
    )
    first = MajorityVote(tie_break="random", random_state=3).fit_predict(df)
    again = MajorityVote(tie_break="random", random_state=3).fit_predict(df)
    assert_series_equal(first, again)
    assert 60 < int((first == 1).sum()) < 140


def test_predict_proba_gives_vote_shares(toy: pd.DataFrame) -> None:
    proba = MajorityVote().fit(toy).predict_proba(toy)
    expected = pd.DataFrame(
        [[2 / 3, 1 / 3], [0.0, 1.0], [1 / 3, 2 / 3], [0.5, 0.5]],
        index=pd.Index(["i1", "i2", "i3", "i4"], name="item"),
        columns=pd.Index(["cat", "dog"], name="label"),
    )
    assert_frame_equal(proba, expected, check_index_type=False, check_column_type=False)


def test_item_whose_answers_all_abstain_is_kept_as_missing() -> None:
    df = pd.DataFrame({"item": [1, 1, 2], "annotator": ["a", "b", "a"], "label": [3, 3, None]})
    predicted = MajorityVote().fit_predict(df)
    assert predicted.index.tolist() == [1, 2]
    assert predicted[1] == 3
    assert pd.isna(predicted[2])
    assert MajorityVote().fit(df).predict_proba(df).loc[2].isna().all()


def test_one_annotator_gets_its_own_labels() -> None:
    df = pd.DataFrame({"item": ["x", "y"], "annotator": ["solo", "solo"], "label": [1, 0]})
    assert MajorityVote().fit_predict(df).tolist() == [1, 0]


def test_unknown_tie_policy_is_rejected(toy: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="tie_break must be one of"):
        MajorityVote(tie_break="coin").fit(toy)  # type: ignore[arg-type]


def test_predict_before_fit_is_rejected(toy: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="not fitted"):
        MajorityVote().predict(toy)


def test_params_round_trip() -> None:
    model = MajorityVote(tie_break="random", random_state=7)
    assert model.get_params() == {"tie_break": "random", "random_state": 7}
    assert model.set_params(tie_break="abstain").tie_break == "abstain"
    with pytest.raises(InvalidInput, match="unknown parameter"):
        model.set_params(seed=1)
