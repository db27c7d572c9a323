from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from annota.errors import InvalidInput
from annota.quality import DawidSkene, MajorityVote
from annota.quality.answers import encode_answers


def test_encoding_sorts_classes_and_keeps_item_order() -> None:
    df = pd.DataFrame({"item": ["q", "p", "q"], "annotator": [1, 2, 2], "label": ["b", "a", "b"]})
    answers = encode_answers(df)
    assert answers.items.tolist() == ["q", "p"]
    assert answers.classes.tolist() == ["a", "b"]
    assert answers.vote_counts().tolist() == [[0.0, 2.0], [1.0, 0.0]]


def test_unorderable_labels_keep_first_appearance() -> None:
    df = pd.DataFrame({"item": [1, 2, 3], "annotator": [1, 1, 1], "label": ["b", 2, "a"]})
    assert encode_answers(df).classes.tolist() == ["b", 2, "a"]


def test_tuple_items_are_fine() -> None:
    df = pd.DataFrame(
        {"item": [(1, "x"), (1, "x"), (2, "y")], "annotator": [1, 2, 1], "label": [0, 0, 1]}
    )
    predicted = MajorityVote().fit_predict(df)
    assert predicted.to_dict() == {(1, "x"): 0, (2, "y"): 1}


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame(columns=["item", "annotator", "label"]), "empty"),
        (pd.DataFrame({"item": [1], "label": [1]}), "missing column"),
        (
            pd.DataFrame({"item": [1, None], "annotator": [1, 2], "label": [0, 1]}),
            "item is missing",
        ),
        (pd.DataFrame({"item": [1, 2], "annotator": [1, 2], "label": [None, np.nan]}), "abstains"),
    ],
)
def test_bad_tables_are_rejected(frame: pd.DataFrame, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        DawidSkene().fit(frame)


def test_not_a_frame_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="expected a pandas DataFrame"):
        MajorityVote().fit([[1, 2, 3]])  # type: ignore[arg-type]


def test_label_unseen_in_fit_is_rejected_with_its_row(toy: pd.DataFrame) -> None:
    model = MajorityVote().fit(toy)
    other = pd.DataFrame({"item": [1, 1], "annotator": ["a", "b"], "label": ["cat", "cow"]})
    with pytest.raises(InvalidInput, match="'cow' was not seen") as caught:
        model.predict(other)
    assert caught.value.location == "df.label[1]"
