"""Text spans (code-point offsets over emoji, combining marks, CRLF) and relations."""

from __future__ import annotations

from typing import Any

import pytest

from annota.errors import ValidationFailed
from annota.schema import LabelSchema, validate_annotation

from .conftest import problems

THUMBS = "Hi \U0001f44d\U0001f3fd Anna"  # thumbs up + skin tone: 2 code points, 4 UTF-16 units
CAFE = "Cafe\u0301 ok"  # 'e' + COMBINING ACUTE ACCENT
CRLF = "line one\r\nline two"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467!"  # man ZWJ woman ZWJ girl, then '!'


def _span(start: int, end: int, label: str = "PER", **extra: Any) -> dict[str, Any]:
    return {"control": "entities", "value": {"start": start, "end": end, "label": label, **extra}}


def _span_problems(schema: LabelSchema, text: str, *regions: dict[str, Any]) -> Any:
    with pytest.raises(ValidationFailed) as info:
        validate_annotation(list(regions), schema, data={"text": text})
    return problems(info.value)


@pytest.mark.parametrize(
    ("text", "start", "end", "quoted"),
    [
        (THUMBS, 6, 10, "Anna"),
        (THUMBS, 3, 5, "\U0001f44d\U0001f3fd"),
        (CAFE, 0, 5, "Cafe\u0301"),
        (CRLF, 10, 18, "line two"),
        (CRLF, 0, 10, "line one\r\n"),
        (FAMILY, 0, 5, "\U0001f468\u200d\U0001f469\u200d\U0001f467"),
        (FAMILY, 5, 6, "!"),
    ],
)
def test_spans_use_code_point_offsets(
    text_schema: LabelSchema, text: str, start: int, end: int, quoted: str
) -> None:
    assert text[start:end] == quoted
    regions = [_span(start, end, text=quoted)]
    assert validate_annotation(regions, text_schema, data={"text": text}) == regions


def test_utf16_offsets_from_a_browser_are_caught(text_schema: LabelSchema) -> None:
    # JavaScript counts "Anna" in THUMBS as [8, 12): two extra units for the two astral chars.
    assert _span_problems(text_schema, THUMBS, _span(8, 12)) == [
        (
            "regions[0].value.end",
            "region 0 (entities): span end 12 is past the end of field 'text' (length 10)",
        )
    ]


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        (
            THUMBS,
            3,
            4,
            [
                (
                    "regions[0].value.end",
                    "region 0 (entities): span end 4 splits a character sequence "
                    "(EMOJI MODIFIER FITZPATRICK TYPE-4 continues the previous character)",
                )
            ],
        ),
        (
            CAFE,
            0,
            4,
            [
                (
                    "regions[0].value.end",
                    "region 0 (entities): span end 4 splits a character sequence "
                    "(COMBINING ACUTE ACCENT continues the previous character)",
                )
            ],
        ),
        (
            CRLF,
            0,
            9,
            [("regions[0].value.end", "region 0 (entities): span end 9 splits a CRLF line break")],
        ),
        (
            FAMILY,
            2,
            5,
            [
                (
                    "regions[0].value.start",
                    "region 0 (entities): span start 2 splits a character sequence "
                    "(WOMAN continues the previous character)",
                )
            ],
        ),
    ],
)
def test_boundaries_inside_a_character_sequence_are_refused(
    text_schema: LabelSchema, text: str, start: int, end: int, expected: Any
) -> None:
    assert _span_problems(text_schema, text, _span(start, end)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            {"start": 5, "end": 5, "label": "PER"},
            [("regions[0].value.end", "region 0 (entities): span end 5 is not after start 5")],
            id="empty",
        ),
        pytest.param(
            {"start": -1, "end": 5, "label": "PER"},
            [
                (
                    "regions[0].value.start",
                    "region 0 (entities): start should be greater than or equal to 0",
                )
            ],
            id="negative",
        ),
        pytest.param(
            {"start": "0", "end": 5, "label": "PER"},
            [("regions[0].value.start", "region 0 (entities): start must be an integer")],
            id="string-offset",
        ),
        pytest.param(
            {"start": 0, "end": 5, "label": "PERSON"},
            [
                (
                    "regions[0].value.label",
                    "region 0 (entities): label 'PERSON' is not one of PER, ORG, LOC",
                )
            ],
            id="unknown-label",
        ),
        pytest.param(
            {"start": 0, "end": 5},
            [
                (
                    "regions[0].value.label",
                    "region 0 (entities): missing label; expected one of PER, ORG, LOC",
                )
            ],
            id="missing-label",
        ),
        pytest.param(
            {"start": 0, "end": 5, "label": "PER", "text": "Alicia"},
            [
                (
                    "regions[0].value.text",
                    "region 0 (entities): span text 'Alicia' does not match field 'text' "
                    "[0:5] = 'Alice'",
                )
            ],
            id="text-mismatch",
        ),
        pytest.param(
            {"start": 0, "end": 5, "label": "PER", "labels": ["PER"]},
            [("regions[0].value.labels", "region 0 (entities): unknown key 'labels'")],
            id="labels-list",
        ),
    ],
)
def test_invalid_spans(fails: Any, value: dict[str, Any], expected: Any) -> None:
    assert fails("entities", value) == expected


def test_span_past_the_end_message_from_the_issue(text_schema: LabelSchema) -> None:
    text = "x" * 57
    regions = [
        {"control": "sentiment", "value": {"choices": ["neutral"]}},
        *[_span(i, i + 1) for i in range(3)],
    ]
    regions[3] = _span(50, 120)
    with pytest.raises(
        ValidationFailed,
        match=r"^regions\[3\]\.value\.end: region 3 \(entities\): span end 120 is past the end "
        r"of field 'text' \(length 57\)$",
    ):
        validate_annotation(regions, text_schema, data={"text": text})


def test_span_field_missing_from_given_data(text_schema: LabelSchema) -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_annotation([_span(0, 1)], text_schema, data={"body": "x"})
    assert problems(info.value) == [
        ("regions[0].control", "region 0 (entities): field 'text' has no text in the item data")
    ]


def test_span_bounds_unchecked_without_data(text_schema: LabelSchema) -> None:
    assert validate_annotation([_span(0, 500)], text_schema) == [_span(0, 500)]


def test_overlap_allowed_by_default(text_schema: LabelSchema) -> None:
    regions = [_span(0, 5), _span(3, 8, "ORG")]
    assert validate_annotation(regions, text_schema, data={"text": "Alice works"}) == regions


def test_overlap_refused_when_disallowed(check: Any) -> None:
    # "Alice works at Acme": [0, 5) Alice, [6, 11) works, [0, 11) both, [15, 19) Acme
    with pytest.raises(ValidationFailed) as info:
        check([_span(6, 11), _span(0, 5), _span(15, 19, "ORG"), _span(0, 11)])
    assert problems(info.value) == [
        (
            "regions[0].value.start",
            "region 0 (entities): span [6, 11) overlaps region 3 [0, 11); control 'entities' "
            "does not allow overlap",
        ),
        (
            "regions[3].value.start",
            "region 3 (entities): span [0, 11) overlaps region 1 [0, 5); control 'entities' "
            "does not allow overlap",
        ),
    ]


def test_touching_spans_do_not_overlap(check: Any) -> None:
    assert len(check([_span(0, 5), _span(5, 11, "ORG")])) == 2


def test_relations_link_regions_by_id(check: Any) -> None:
    regions = [
        {"control": "entities", "id": "p", "value": {"start": 0, "end": 5, "label": "PER"}},
        {"control": "entities", "id": "o", "value": {"start": 15, "end": 19, "label": "ORG"}},
        {"control": "links", "value": {"from": "p", "to": "o", "label": "works_for"}},
    ]
    assert check(regions) == regions


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            {"from": "p", "to": "ghost", "label": "works_for"},
            [
                (
                    "regions[1].value.to",
                    "region 1 (links): relation to 'ghost': no region has this id",
                )
            ],
            id="missing-region",
        ),
        pytest.param(
            {"from": "p", "to": "p", "label": "works_for"},
            [("regions[1].value.to", "region 1 (links): relation from 'p' to itself")],
            id="self-loop",
        ),
        pytest.param(
            {"from": "rel", "to": "p", "label": "works_for"},
            [
                (
                    "regions[1].value.from",
                    "region 1 (links): relation from 'rel' points at the relation itself",
                )
            ],
            id="points-at-itself",
        ),
        pytest.param(
            {"from": "p", "to": "ghost"},
            [
                (
                    "regions[1].value.label",
                    "region 1 (links): missing label; expected one of works_for",
                ),
                (
                    "regions[1].value.to",
                    "region 1 (links): relation to 'ghost': no region has this id",
                ),
            ],
            id="missing-label-and-region",
        ),
        pytest.param(
            {"source": "p", "to": "p"},
            [
                ("regions[1].value.from", "region 1 (links): missing required key 'from'"),
                ("regions[1].value.source", "region 1 (links): unknown key 'source'"),
            ],
            id="wrong-key",
        ),
    ],
)
def test_invalid_relations(check: Any, value: dict[str, Any], expected: Any) -> None:
    regions = [
        {"control": "entities", "id": "p", "value": {"start": 0, "end": 5, "label": "PER"}},
        {"control": "links", "id": "rel", "value": value},
    ]
    with pytest.raises(ValidationFailed) as info:
        check(regions)
    assert problems(info.value) == expected


def test_unlabeled_relations_carry_no_label() -> None:
    schema = load_relations_schema()
    regions = [
        {"control": "r", "id": "a", "value": {"rating": 1}},
        {"control": "links", "value": {"from": "a", "to": "a", "label": "x"}},
    ]
    with pytest.raises(ValidationFailed) as info:
        validate_annotation(regions, schema)
    assert problems(info.value) == [
        (
            "regions[1].value.label",
            "region 1 (links): label 'x' given, but control 'links' has no labels",
        ),
        ("regions[1].value.to", "region 1 (links): relation from 'a' to itself"),
    ]


def load_relations_schema() -> LabelSchema:
    return LabelSchema.model_validate(
        {
            "fields": [{"name": "text", "type": "text"}],
            "controls": [
                {"name": "r", "type": "rating"},
                {"name": "links", "type": "relations", "directed": False},
            ],
        }
    )
