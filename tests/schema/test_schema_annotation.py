"""Whole annotations: envelopes, attributes, drafts vs submissions, many errors at once."""

from __future__ import annotations

from typing import Any

import pytest

from annota.errors import InvalidInput, ValidationFailed
from annota.schema import (
    LabelSchema,
    load_schema,
    validate,
    validate_annotation,
    validate_item_data,
)

from .conftest import problems

REQUIRED = load_schema(
    """
fields: [{name: text, type: text}, {name: image, type: image}]
controls:
  - {name: sentiment, type: choices, field: text, options: [pos, neg], required: true}
  - {name: topics, type: choices, options: [a, b, c], multiple: true, min: 2}
  - {name: note, type: textarea, required: true}
  - name: lesion
    type: polygon
    field: image
    labels: [nodule]
    attributes: [{name: severity, type: enum, options: [mild, severe], required: true}]
"""
)

_LESION = {"points": [[0, 0], [5, 0], [0, 5]], "label": "nodule"}


def test_validate_is_an_alias() -> None:
    assert validate is validate_annotation


def test_normalised_envelope_key_order(check: Any) -> None:
    region = {
        "note": "looks right",
        "attributes": {"comment": "x", "severity": "mild"},
        "score": 1,
        "value": {"label": "car", "height": 20, "width": 50, "y": 10, "x": 10},
        "id": "b1",
        "control": "objects",
    }
    [normalised] = check([region])
    assert list(normalised) == ["control", "value", "id", "score", "attributes", "note"]
    assert list(normalised["value"]) == ["x", "y", "width", "height", "label"]
    assert list(normalised["attributes"]) == ["severity", "comment"]
    assert normalised["score"] == 1.0
    assert isinstance(normalised["score"], float)


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        pytest.param(
            {"control": "quality", "value": {"rating": 1}, "comment": "x"},
            [("regions[0].comment", "region 0 (quality): unknown key 'comment'")],
            id="unknown-envelope-key",
        ),
        pytest.param(
            {"control": "quality", "value": {"rating": 9}, "score": 1.5},
            [
                ("regions[0].score", "region 0 (quality): score should be less than or equal to 1"),
                ("regions[0].value.rating", "region 0 (quality): rating 9 is outside 1..5"),
            ],
            id="bad-envelope-and-value-together",
        ),
        pytest.param(
            {"control": "stars", "value": {"rating": 1}},
            [("regions[0].control", "region 0 (stars): unknown control 'stars'")],
            id="unknown-control",
        ),
        pytest.param(
            {"value": {"rating": 1}},
            [("regions[0].control", "region 0: missing required key 'control'")],
            id="no-control",
        ),
        pytest.param(
            {"control": "quality", "value": [1]},
            [("regions[0].value", "region 0 (quality): value must be an object")],
            id="value-not-object",
        ),
        pytest.param(
            ["quality"],
            [("regions[0]", "region 0: a region must be an object")],
            id="region-not-object",
        ),
    ],
)
def test_envelope_errors(check: Any, region: Any, expected: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        check([region])
    assert problems(info.value) == expected


def test_regions_must_be_a_list(everything: LabelSchema) -> None:
    with pytest.raises(ValidationFailed, match=r"^regions: regions must be a list"):
        # A mapping where the list belongs is the case under test.
        validate_annotation({"control": "x"}, everything)  # type: ignore[arg-type]


def test_duplicate_region_ids(check: Any) -> None:
    region = {"control": "sounds", "id": "s", "value": {"start": 0, "end": 1, "label": "speech"}}
    with pytest.raises(ValidationFailed) as info:
        check([region, region])
    assert problems(info.value) == [
        ("regions[1].id", "region 1 (sounds): id 's' is already used by region 0")
    ]


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        pytest.param(
            {"severity": "fatal"},
            [
                (
                    "regions[0].attributes.severity",
                    "region 0 (objects): attribute 'severity' is 'fatal', not one of mild, severe",
                )
            ],
            id="enum-outside-options",
        ),
        pytest.param(
            {"severity": "mild", "occluded": "yes"},
            [
                (
                    "regions[0].attributes.occluded",
                    "region 0 (objects): attribute 'occluded' must be true or false",
                )
            ],
            id="bool-wrong-type",
        ),
        pytest.param(
            {"severity": "mild", "confidence": 1.5},
            [
                (
                    "regions[0].attributes.confidence",
                    "region 0 (objects): attribute 'confidence' is 1.5, above the maximum 1.0",
                )
            ],
            id="number-above-max",
        ),
        pytest.param(
            {"severity": "mild", "confidence": True},
            [
                (
                    "regions[0].attributes.confidence",
                    "region 0 (objects): attribute 'confidence' must be a finite number",
                )
            ],
            id="number-bool",
        ),
        pytest.param(
            {"severity": "mild", "comment": 3},
            [
                (
                    "regions[0].attributes.comment",
                    "region 0 (objects): attribute 'comment' must be a string",
                )
            ],
            id="text-wrong-type",
        ),
        pytest.param(
            {"severity": "mild", "colour": "red"},
            [
                (
                    "regions[0].attributes.colour",
                    "region 0 (objects): unknown attribute 'colour' (declared: occluded, "
                    "severity, confidence, comment)",
                )
            ],
            id="unknown-attribute",
        ),
        pytest.param(
            {},
            [
                (
                    "regions[0].attributes.severity",
                    "region 0 (objects): required attribute 'severity' is missing",
                )
            ],
            id="missing-required",
        ),
    ],
)
def test_attribute_errors(check: Any, attributes: dict[str, Any], expected: Any) -> None:
    region = {
        "control": "objects",
        "value": {"x": 1, "y": 1, "width": 5, "height": 5, "label": "car"},
        "attributes": attributes,
    }
    with pytest.raises(ValidationFailed) as info:
        check([region], complete=True)
    assert problems(info.value) == expected


def test_attribute_on_a_control_without_attributes(check: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        check([{"control": "quality", "value": {"rating": 1}, "attributes": {"x": 1}}])
    assert problems(info.value) == [
        ("regions[0].attributes.x", "region 0 (quality): unknown attribute 'x' (declared: none)")
    ]


def test_a_draft_may_be_incomplete() -> None:
    draft = [
        {"control": "sentiment", "value": {"choices": []}},
        {"control": "topics", "value": {"choices": ["a"]}},
        {"control": "note", "value": {"text": " "}},
        {"control": "lesion", "value": _LESION},
    ]
    assert validate_annotation(draft, REQUIRED, complete=False) == draft
    assert validate_annotation([], REQUIRED, complete=False) == []


def test_a_submission_must_be_complete() -> None:
    submitted = [
        {"control": "sentiment", "value": {"choices": []}},
        {"control": "topics", "value": {"choices": ["a"]}},
        {"control": "note", "value": {"text": " "}},
        {"control": "lesion", "value": _LESION},
    ]
    with pytest.raises(ValidationFailed) as info:
        validate_annotation(submitted, REQUIRED)
    assert problems(info.value) == [
        (
            "regions[0].value.choices",
            "region 0 (sentiment): exactly one selection is needed, got 0",
        ),
        ("regions[1].value.choices", "region 1 (topics): at least 2 selection(s) needed, got 1"),
        ("regions[2].value.text", "region 2 (note): required answer is blank"),
        (
            "regions[3].attributes.severity",
            "region 3 (lesion): required attribute 'severity' is missing",
        ),
    ]


def test_a_submission_needs_every_required_control() -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_annotation([{"control": "note", "value": {"text": "fine"}}], REQUIRED)
    assert problems(info.value) == [
        (
            "regions",
            "control 'sentiment' (field 'text') is required, but none of the 1 regions answers it",
        )
    ]


def test_structure_is_checked_in_drafts_too() -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_annotation(
            [{"control": "sentiment", "value": {"choices": ["pos", "neg"]}}],
            REQUIRED,
            complete=False,
        )
    assert problems(info.value) == [
        ("regions[0].value.choices", "region 0 (sentiment): exactly one selection is needed, got 2")
    ]


def test_all_problems_are_collected_into_one_error(check: Any) -> None:
    regions = [
        {"control": "sentiment", "value": {"choices": ["positive"]}},
        {"control": "entities", "value": {"start": 0, "end": 57, "label": "PER"}},
        {"control": "objects", "value": {"x": 1, "y": 1, "width": -5, "height": 5, "label": "car"}},
        {"control": "links", "value": {"from": "a", "to": "b", "label": "works_for"}},
        {"control": "sentiment", "value": {"choices": ["negative"]}},
    ]
    with pytest.raises(ValidationFailed) as info:
        check(regions)
    error = info.value
    assert isinstance(error, InvalidInput)
    assert error.code == "validation_failed"
    assert problems(error) == [
        (
            "regions[1].value.end",
            "region 1 (entities): span end 57 is past the end of field 'text' (length 19)",
        ),
        ("regions[2].value.width", "region 2 (objects): width should be greater than 0"),
        ("regions[3].value.from", "region 3 (links): relation from 'a': no region has this id"),
        ("regions[3].value.to", "region 3 (links): relation to 'b': no region has this id"),
        (
            "regions[4].control",
            "region 4 (sentiment): control 'sentiment' takes one region per annotation; "
            "region 0 already answers it",
        ),
    ]
    assert error.location == "regions[1].value.end"
    assert error.message == (
        "region 1 (entities): span end 57 is past the end of field 'text' (length 19) "
        "(and 4 more problems)"
    )
    assert error.to_dict()["code"] == "validation_failed"


# ---- item data ---------------------------------------------------------------------------

ITEM_SCHEMA = load_schema(
    """
fields:
  - {name: text, type: text}
  - {name: image, type: image}
  - {name: rows, type: table, required: false}
  - {name: link, type: url, required: false}
controls: [{name: r, type: rating}]
"""
)


@pytest.mark.parametrize(
    "data",
    [
        {"text": "", "image": "s3://bucket/a.png"},
        {"text": "hi", "image": "a.png", "rows": {"a": 1}, "link": None, "extra": [1]},
        {"text": "hi", "image": "a.png", "rows": [{"a": 1}, {"a": 2}]},
    ],
)
def test_valid_item_data(data: dict[str, Any]) -> None:
    validate_item_data(data, ITEM_SCHEMA)  # raises on any problem


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {"image": "a.png"},
            [("text", "required text field 'text' is missing")],
            id="missing",
        ),
        pytest.param(
            {"text": None, "image": "a.png"},
            [("text", "required text field 'text' is null")],
            id="null",
        ),
        pytest.param(
            {"text": 5, "image": " ", "rows": [1, 2], "link": True},
            [
                ("text", "text field 'text' must be a string, not a number"),
                ("image", "image field 'image' must be a URL or path string, not an empty string"),
                (
                    "rows",
                    "table field 'rows' must be an object or a list of row objects, not a list",
                ),
                ("link", "url field 'link' must be a URL or path string, not a boolean"),
            ],
            id="wrong-kinds",
        ),
    ],
)
def test_invalid_item_data(data: dict[str, Any], expected: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_item_data(data, ITEM_SCHEMA)
    assert problems(info.value) == expected
    assert info.value.location == expected[0][0]
