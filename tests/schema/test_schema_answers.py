"""Item-level answers (choices, taxonomy, rating, number, textarea): values and their rules."""

from __future__ import annotations

from typing import Any

import pytest

from annota.errors import ValidationFailed


@pytest.mark.parametrize(
    ("control", "value", "normalised"),
    [
        ("sentiment", {"choices": ["negative"]}, {"choices": ["negative"]}),
        ("topics", {"choices": ["sports", "tech"]}, {"choices": ["sports", "tech"]}),
        (
            "species",
            {"paths": [["Animal", "Mammal", "Dog"]]},
            {"paths": [["Animal", "Mammal", "Dog"]]},
        ),
        ("species", {"paths": [["Plant"]]}, {"paths": [["Plant"]]}),
        ("quality", {"rating": 5}, {"rating": 5}),
        ("count", {"number": 3.0}, {"number": 3}),
        ("count", {"number": 0}, {"number": 0}),
        ("summary", {"text": "short and sweet"}, {"text": "short and sweet"}),
    ],
)
def test_valid_answers(check: Any, control: str, value: dict[str, Any], normalised: Any) -> None:
    assert check([{"control": control, "value": value}], complete=True) == [
        {"control": control, "value": normalised}
    ]


@pytest.mark.parametrize(
    ("control", "value", "expected"),
    [
        pytest.param(
            "sentiment",
            {"choices": ["happy"]},
            [
                (
                    "regions[0].value.choices[0]",
                    "region 0 (sentiment): choice 'happy' is not one of positive, negative, "
                    "neutral",
                )
            ],
            id="unknown-choice",
        ),
        pytest.param(
            "sentiment",
            {"choices": ["positive", "negative"]},
            [
                (
                    "regions[0].value.choices",
                    "region 0 (sentiment): exactly one selection is needed, got 2",
                )
            ],
            id="two-single-choices",
        ),
        pytest.param(
            "topics",
            {"choices": ["sports", "tech", "politics"]},
            [
                (
                    "regions[0].value.choices",
                    "region 0 (topics): at most 2 selection(s) allowed, got 3",
                )
            ],
            id="over-max",
        ),
        pytest.param(
            "topics",
            {"choices": ["sports", "sports"]},
            [
                (
                    "regions[0].value.choices[1]",
                    "region 0 (topics): choice 'sports' is selected twice",
                )
            ],
            id="repeated-choice",
        ),
        pytest.param(
            "sentiment",
            {"choice": "positive"},
            [
                (
                    "regions[0].value.choices",
                    "region 0 (sentiment): missing required key 'choices'",
                ),
                ("regions[0].value.choice", "region 0 (sentiment): unknown key 'choice'"),
            ],
            id="wrong-key",
        ),
        pytest.param(
            "species",
            {"paths": [["Animal", "Mammal", "Dgo"]]},
            [
                (
                    "regions[0].value.paths[0][2]",
                    "region 0 (species): taxonomy path 'Animal / Mammal / Dgo': 'Dgo' is not "
                    "a child of Animal / Mammal",
                )
            ],
            id="taxonomy-typo",
        ),
        pytest.param(
            "species",
            {"paths": [["Fungus"]]},
            [
                (
                    "regions[0].value.paths[0][0]",
                    "region 0 (species): taxonomy path 'Fungus': 'Fungus' is not a child of "
                    "the root",
                )
            ],
            id="taxonomy-unknown-root",
        ),
        pytest.param(
            "species",
            {"paths": [["Animal", "Mammal"]]},
            [
                (
                    "regions[0].value.paths[0]",
                    "region 0 (species): taxonomy path 'Animal / Mammal' is not a leaf",
                )
            ],
            id="taxonomy-leaf-only",
        ),
        pytest.param(
            "species",
            {"paths": [["Plant"], ["Animal", "Bird"]]},
            [
                (
                    "regions[0].value.paths",
                    "region 0 (species): exactly one selection is needed, got 2",
                )
            ],
            id="taxonomy-single",
        ),
        pytest.param(
            "species",
            {"paths": [[]]},
            [
                (
                    "regions[0].value.paths[0]",
                    "region 0 (species): paths[0] should have at least 1 item after "
                    "validation, not 0",
                )
            ],
            id="taxonomy-empty-path",
        ),
        pytest.param(
            "quality",
            {"rating": 6},
            [("regions[0].value.rating", "region 0 (quality): rating 6 is outside 1..5")],
            id="rating-above-max",
        ),
        pytest.param(
            "quality",
            {"rating": 4.5},
            [("regions[0].value.rating", "region 0 (quality): rating must be an integer")],
            id="rating-fraction",
        ),
        pytest.param(
            "count",
            {"number": 2.5},
            [("regions[0].value.number", "region 0 (count): number 2.5 must be a whole number")],
            id="number-integer",
        ),
        pytest.param(
            "count",
            {"number": -1},
            [("regions[0].value.number", "region 0 (count): number -1 is below the minimum 0")],
            id="number-min",
        ),
        pytest.param(
            "count",
            {"number": True},
            [("regions[0].value.number", "region 0 (count): number must be a number")],
            id="number-bool",
        ),
        pytest.param(
            "count",
            {"number": float("nan")},
            [("regions[0].value.number", "region 0 (count): number must be a finite number")],
            id="number-nan",
        ),
        pytest.param(
            "summary",
            {"text": "x" * 21},
            [
                (
                    "regions[0].value.text",
                    "region 0 (summary): text is 21 characters, over the limit 20",
                )
            ],
            id="textarea-too-long",
        ),
    ],
)
def test_invalid_answers(
    fails: Any, control: str, value: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert fails(control, value) == expected


def test_an_answer_control_takes_one_region(check: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        check(
            [
                {"control": "quality", "value": {"rating": 1}},
                {"control": "quality", "value": {"rating": 2}},
            ]
        )
    assert info.value.location == "regions[1].control"
    assert info.value.message == (
        "region 1 (quality): control 'quality' takes one region per annotation; "
        "region 0 already answers it"
    )
