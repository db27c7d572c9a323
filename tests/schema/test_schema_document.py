"""Loading, dumping and fingerprinting schema documents, and the errors authors see."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from annota.errors import ValidationFailed
from annota.schema import (
    BboxControl,
    ChoicesControl,
    KeypointsControl,
    Label,
    LabelSchema,
    SpansControl,
    TaxonomyControl,
    TaxonomyNode,
    dump_schema_yaml,
    load_schema,
    schema_fingerprint,
)

from .conftest import EVERYTHING, IMAGE_SCHEMA, TEXT_SCHEMA, problems

_FIELD = "fields: [{name: text, type: text}, {name: image, type: image}]\n"


def _load_error(controls: str) -> list[tuple[str | None, str]]:
    """Problems of a document with the standard fields and the given controls block."""
    with pytest.raises(ValidationFailed) as info:
        load_schema(_FIELD + "controls:\n" + controls)
    return problems(info.value)


def test_text_schema_from_the_issue_loads(text_schema: LabelSchema) -> None:
    sentiment = text_schema.control("sentiment")
    entities = text_schema.control("entities")
    assert isinstance(sentiment, ChoicesControl)
    assert [o.value for o in sentiment.options] == ["positive", "negative", "neutral"]
    assert sentiment.multiple is False
    assert isinstance(entities, SpansControl)
    assert entities.labels[0] == Label(value="PER")
    assert entities.allow_overlap is True
    assert text_schema.field("text").required is True


def test_image_schema_from_the_issue_loads() -> None:
    schema = load_schema(IMAGE_SCHEMA)
    assert [c.type for c in schema.controls] == ["bbox", "polygon", "keypoints", "mask"]
    objects, pose = schema.control("objects"), schema.control("pose")
    assert isinstance(objects, BboxControl)
    assert objects.rotation is True
    assert isinstance(pose, KeypointsControl)
    assert pose.skeleton == [("nose", "left_eye"), ("nose", "right_eye")]
    assert pose.labels == []


def test_json_text_and_mapping_give_the_same_schema(text_schema: LabelSchema) -> None:
    as_json = json.dumps(yaml.safe_load(TEXT_SCHEMA))
    assert load_schema(as_json) == text_schema
    assert load_schema(as_json.encode("utf-8")) == text_schema
    assert load_schema(yaml.safe_load(TEXT_SCHEMA)) == text_schema


@pytest.mark.parametrize("document", [TEXT_SCHEMA, IMAGE_SCHEMA, EVERYTHING])
def test_model_dump_and_yaml_round_trip(document: str) -> None:
    schema = load_schema(document)
    assert load_schema(schema.model_dump(mode="json")) == schema
    assert load_schema(dump_schema_yaml(schema)) == schema


def test_yaml_dump_uses_short_forms() -> None:
    schema = load_schema(
        "fields: [{name: text, type: text}]\n"
        "controls:\n"
        "  - {name: c, type: choices, options: ['yes', {value: 'no', hotkey: n}]}\n"
        "  - {name: t, type: taxonomy, tree: [{value: A, children: [B]}, C]}\n"
    )
    assert dump_schema_yaml(schema) == (
        "fields:\n"
        "- name: text\n"
        "  type: text\n"
        "controls:\n"
        "- name: c\n"
        "  type: choices\n"
        "  options:\n"
        "  - 'yes'\n"
        "  - value: 'no'\n"
        "    hotkey: n\n"
        "- name: t\n"
        "  type: taxonomy\n"
        "  tree:\n"
        "  - A:\n"
        "    - B\n"
        "  - C\n"
    )


def test_fingerprint_ignores_form_but_not_content(text_schema: LabelSchema) -> None:
    reordered = load_schema(
        "controls:\n"
        "  - {options: [positive, negative, neutral], type: choices, name: sentiment,"
        " field: text, multiple: false}\n"
        "  - {name: entities, type: spans, field: text,"
        " labels: [{value: PER}, ORG, LOC]}\n"
        "fields: [{type: text, name: text, required: true}]\n"
    )
    assert schema_fingerprint(reordered) == schema_fingerprint(text_schema)
    assert re.fullmatch("[0-9a-f]{64}", schema_fingerprint(text_schema))
    changed = load_schema(TEXT_SCHEMA.replace("LOC]", "LOC, MISC]"))
    assert schema_fingerprint(changed) != schema_fingerprint(text_schema)


def test_labels_accept_objects_and_options_accept_labels_alias() -> None:
    schema = load_schema(
        _FIELD + "controls:\n"
        "  - {name: c, type: choices, labels: [{value: a, hotkey: '1', color: red,"
        " description: first}, b]}\n"
    )
    control = schema.control("c")
    assert isinstance(control, ChoicesControl)
    assert control.options == [
        Label(value="a", hotkey="1", color="red", description="first"),
        Label(value="b"),
    ]
    assert "labels" not in control.model_dump()


def test_taxonomy_tree_short_and_full_forms() -> None:
    schema = load_schema(
        _FIELD + "controls:\n"
        "  - name: t\n"
        "    type: taxonomy\n"
        "    tree:\n"
        "      - Animal:\n"
        "          - Mammal: [Dog]\n"
        "          - Bird:\n"
        "      - {value: Plant, description: green, children: [Tree]}\n"
    )
    control = schema.control("t")
    assert isinstance(control, TaxonomyControl)
    assert control.tree == [
        TaxonomyNode(
            value="Animal",
            children=[
                TaxonomyNode(value="Mammal", children=[TaxonomyNode(value="Dog")]),
                TaxonomyNode(value="Bird"),
            ],
        ),
        TaxonomyNode(value="Plant", description="green", children=[TaxonomyNode(value="Tree")]),
    ]


def test_lookup_of_unknown_names_raises_key_error(text_schema: LabelSchema) -> None:
    with pytest.raises(KeyError, match="no control named 'nope'"):
        text_schema.control("nope")
    with pytest.raises(KeyError, match="no field named 'nope'"):
        text_schema.field("nope")


@pytest.mark.parametrize(
    ("controls", "expected"),
    [
        pytest.param(
            "  - {name: e, type: spans, field: text, labels: [PER], colour: red}\n",
            [("controls[0] (e).colour", "control 'e': unknown key 'colour'")],
            id="unknown-control-key",
        ),
        pytest.param(
            "  - {name: e, type: spans, field: text, labels: [{value: PER, key: p}]}\n",
            [("controls[0] (e).labels[0].key", "control 'e': unknown key 'key' in labels[0]")],
            id="unknown-label-key",
        ),
        pytest.param(
            "  - {name: e, type: spans, field: text, labels: [PER, ORG, PER]}\n",
            [("controls[0] (e).labels", "control 'e': duplicate label 'PER'")],
            id="duplicate-label",
        ),
        pytest.param(
            "  - {name: e, type: spans, field: text,"
            " labels: [{value: PER, hotkey: p}, {value: ORG, hotkey: p}]}\n",
            [("controls[0] (e).labels", "control 'e': duplicate hotkey 'p'")],
            id="duplicate-hotkey",
        ),
        pytest.param(
            "  - {name: c, type: choices, options: [yes, no]}\n",
            [
                (
                    "controls[0] (c).options",
                    "control 'c': label 0 is True, not a string; quote it in YAML "
                    "(e.g. 'yes', '1')",
                )
            ],
            id="yaml-boolean-label",
        ),
        pytest.param(
            "  - {name: e, type: spans, field: text}\n",
            [("controls[0] (e).labels", "control 'e': missing required key 'labels'")],
            id="missing-labels",
        ),
        pytest.param(
            "  - {name: e, type: spans, field: text, labels: []}\n",
            [
                (
                    "controls[0] (e).labels",
                    "control 'e': labels should have at least 1 item after validation, not 0",
                )
            ],
            id="empty-labels",
        ),
        pytest.param(
            "  - {name: b, type: boxes, field: image}\n",
            [
                (
                    "controls[0] (b).type",
                    "control 'b': unknown type 'boxes'; expected one of 'choices', "
                    "'taxonomy', 'rating', 'number', 'textarea', 'spans', 'relations', "
                    "'bbox', 'polygon', 'polyline', 'keypoints', 'mask', 'segments', "
                    "'transcript', 'video_track'",
                )
            ],
            id="unknown-type",
        ),
        pytest.param(
            "  - {name: b, field: image}\n",
            [("controls[0] (b).type", "control 'b': missing key 'type'")],
            id="missing-type",
        ),
        pytest.param(
            "  - {name: b, type: bbox, labels: [car]}\n",
            [("controls[0] (b).field", "control 'b': missing required key 'field'")],
            id="region-control-needs-field",
        ),
        pytest.param(
            "  - {name: ' b', type: rating}\n",
            [
                (
                    "controls[0] ( b).name",
                    "control ' b': a name must be 1-100 characters on one line, without "
                    "leading or trailing spaces, not ' b'",
                )
            ],
            id="name-with-space",
        ),
        pytest.param(
            "  - {name: c, type: choices, options: [a, b], max: 2}\n",
            [("controls[0] (c)", "control 'c': 'min' and 'max' need 'multiple: true'")],
            id="choices-bounds-without-multiple",
        ),
        pytest.param(
            "  - {name: c, type: choices, options: [a, b], multiple: true, min: 3}\n",
            [("controls[0] (c)", "control 'c': min 3 is more than the 2 options")],
            id="choices-min-above-options",
        ),
        pytest.param(
            "  - {name: n, type: number, min: 5, max: 1}\n",
            [("controls[0] (n)", "control 'n': min 5 is above max 1")],
            id="number-bounds",
        ),
        pytest.param(
            "  - {name: r, type: rating, max: 0}\n",
            [("controls[0] (r).max", "control 'r': max should be greater than or equal to 1")],
            id="rating-max",
        ),
        pytest.param(
            "  - {name: k, type: keypoints, field: image, points: [a, b], skeleton: [[a, c]]}\n",
            [("controls[0] (k)", "control 'k': skeleton names unknown point 'c'")],
            id="skeleton-unknown-point",
        ),
        pytest.param(
            "  - {name: k, type: keypoints, field: image, points: [a, a]}\n",
            [("controls[0] (k)", "control 'k': duplicate point name 'a'")],
            id="duplicate-keypoint",
        ),
        pytest.param(
            "  - {name: t, type: taxonomy, tree: [A, {A: [B]}]}\n",
            [("controls[0] (t).tree", "control 't': duplicate taxonomy value 'A'")],
            id="taxonomy-duplicate-sibling",
        ),
        pytest.param(
            "  - {name: w, type: transcript, field: image}\n",
            [
                (
                    "controls[0] (w).field",
                    "control 'w' (transcript) needs a field of type audio or video, but "
                    "field 'image' is image",
                )
            ],
            id="incompatible-field-type",
        ),
        pytest.param(
            "  - {name: e, type: spans, field: body, labels: [PER]}\n",
            [
                (
                    "controls[0] (e).field",
                    "control 'e': field 'body' is not declared (fields: text, image)",
                )
            ],
            id="missing-field",
        ),
        pytest.param(
            "  - {name: a, type: rating}\n  - {name: a, type: textarea}\n",
            [("controls[1] (a).name", "control 'a': name already used by controls[0]")],
            id="duplicate-control",
        ),
    ],
)
def test_control_errors_are_located_and_named(
    controls: str, expected: list[tuple[str, str]]
) -> None:
    assert _load_error(controls) == expected


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        (
            "{name: s, type: enum}",
            "attribute 's': 'options' is required for enum and only for enum",
        ),
        (
            "{name: s, type: text, options: [a]}",
            "attribute 's': 'options' is required for enum and only for enum",
        ),
        ("{name: s, type: enum, options: [a, a]}", "duplicate option 'a'"),
        ("{name: s, type: bool, min: 1}", "attribute 's': 'min' and 'max' apply only to number"),
        ("{name: s, type: number, min: 2, max: 1}", "attribute 's': min 2.0 is above max 1.0"),
    ],
)
def test_attribute_spec_errors(attribute: str, message: str) -> None:
    assert _load_error(
        f"  - {{name: b, type: bbox, field: image, labels: [car], attributes: [{attribute}]}}\n"
    ) == [("controls[0] (b).attributes[0]", f"control 'b': {message}")]


def test_duplicate_attribute_names() -> None:
    assert _load_error(
        "  - {name: b, type: bbox, field: image, labels: [car],"
        " attributes: [{name: s, type: bool}, {name: s, type: text}]}\n"
    ) == [("controls[0] (b).attributes", "control 'b': duplicate attribute 's'")]


def test_field_errors_and_top_level_keys() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_schema(
            "fields:\n"
            "  - {name: text, type: txt}\n"
            "  - {name: image, type: image, hidden: true}\n"
            "controls: [{name: r, type: rating}]\n"
            "version: 2\n"
        )
    assert problems(info.value) == [
        (
            "fields[0] (text).type",
            "field 'text': type should be 'text', 'image', 'audio', 'video', 'table' or 'url'",
        ),
        ("fields[1] (image).hidden", "field 'image': unknown key 'hidden'"),
        ("version", "schema: unknown key 'version'"),
    ]
    assert info.value.location == "fields[0] (text).type"
    assert info.value.message.endswith("(and 2 more problems)")


def test_duplicate_fields_and_every_reference_problem_at_once() -> None:
    with pytest.raises(ValidationFailed, match=r"^fields\[1\] \(text\)\.name: ") as info:
        load_schema(
            "fields: [{name: text, type: text}, {name: text, type: image}]\n"
            "controls:\n"
            "  - {name: b, type: bbox, field: text, labels: [car]}\n"
            "  - {name: s, type: segments, field: sound, labels: [x]}\n"
        )
    assert problems(info.value) == [
        ("fields[1] (text).name", "field 'text': name already used by fields[0]"),
        (
            "controls[0] (b).field",
            "control 'b' (bbox) needs a field of type image or video, but field 'text' is text",
        ),
        ("controls[1] (s).field", "control 's': field 'sound' is not declared (fields: text)"),
    ]


def test_element_without_name_is_located_by_index() -> None:
    assert _load_error("  - {type: rating}\n") == [
        ("controls[0].name", "controls[0]: missing required key 'name'")
    ]


def test_empty_lists_are_refused() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_schema({"fields": [], "controls": []})
    assert [location for location, _ in problems(info.value)] == ["fields", "controls"]


@pytest.mark.parametrize(
    ("source", "location", "message"),
    [
        ("fields: [1", "line 1, column 11", "not valid YAML or JSON: expected ',' or ']'"),
        ("- a\n- b\n", "(document)", "must be a mapping with 'fields' and 'controls', not list"),
        ("", "(document)", "not NoneType"),
        (
            "base: &b {name: text, type: text}\nfields: [*b]\n",
            "line 2, column 10",
            "YAML aliases (*name) are not allowed",
        ),
        ("!!python/object:os.system {}", "line 1, column 1", "could not determine a constructor"),
    ],
)
def test_unreadable_documents(source: str, location: str, message: str) -> None:
    with pytest.raises(ValidationFailed, match=re.escape(message)) as info:
        load_schema(source)
    assert info.value.location == location


def test_billion_laughs_is_refused_before_expansion() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(ValidationFailed, match="aliases"):
        load_schema("\n".join(lines))
