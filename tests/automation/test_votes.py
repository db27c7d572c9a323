from __future__ import annotations

import numpy as np
import pytest

from annota.automation import check_label_matrix, majority_vote
from annota.automation.votes import argmax_with_ties, vote_counts
from annota.errors import InvalidInput


def test_majority_vote_with_each_tie_break() -> None:
    L = [[0, 0, 1], [1, -1, -1], [0, 1, -1], [-1, -1, -1]]
    assert majority_vote(L, 2, tie_break="abstain").tolist() == [0, 1, -1, -1]
    assert majority_vote(L, 2, tie_break="lowest").tolist() == [0, 1, 0, 0]
    random_ties = majority_vote(L, 2, tie_break="random", random_state=3)
    assert random_ties[:2].tolist() == [0, 1]
    assert set(random_ties[2:].tolist()) <= {0, 1}


def test_random_ties_are_seeded_and_pick_only_tied_classes() -> None:
    L = np.array([[0, 2, -1]] * 200)  # classes 0 and 2 tied, class 1 never a candidate
    first = majority_vote(L, 3, random_state=1)
    assert np.array_equal(first, majority_vote(L, 3, random_state=1))
    assert set(first.tolist()) == {0, 2}


def test_vote_counts() -> None:
    counts = vote_counts(np.array([[0, 2, 2, -1], [-1, -1, -1, -1]]), 3)
    assert counts.tolist() == [[1, 0, 2], [0, 0, 0]]


@pytest.mark.parametrize(
    ("L", "message"),
    [
        ([0, 1], "2-D"),
        ([[0, 2]], "outside -1..1"),
        ([[0, -2]], "outside -1..1"),
        ([[0.5, 1]], "integers"),
    ],
)
def test_bad_label_matrix_is_rejected(L: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_label_matrix(L, 2)  # type: ignore[arg-type]


def test_bad_vote_location_names_the_cell() -> None:
    with pytest.raises(InvalidInput) as info:
        check_label_matrix([[0, 1], [1, 5]], 2)
    assert info.value.location == "L[1, 1]"


def test_unknown_tie_break() -> None:
    with pytest.raises(InvalidInput, match="tie_break"):
        argmax_with_ties(np.ones((2, 2)), tie_break="coin", random_state=0)  # type: ignore[arg-type]
