"""Label Studio XML configs: translation of each tag, and refusal of hostile XML."""

from __future__ import annotations

import pytest

from annota.errors import ValidationFailed
from annota.schema import from_label_studio_xml, load_schema

from .conftest import problems

NER_AND_SENTIMENT = """
<View>
  <Header value="Read the review"/>
  <Text name="review" value="$text"/>
  <Labels name="ner" toName="review">
    <Label value="PER" background="red" hotkey="p"/>
    <Label value="ORG" hint="companies"/>
  </Labels>
  <Relations>
    <Relation value="works_for"/>
  </Relations>
  <Choices name="sentiment" toName="review" choice="single" required="true">
    <Choice value="positive"/>
    <Choice value="negative"/>
  </Choices>
  <Taxonomy name="topic" toName="review" leafsOnly="true" maxUsages="1">
    <Choice value="Animal"><Choice value="Dog"/><Choice value="Cat"/></Choice>
    <Choice value="Plant"/>
  </Taxonomy>
  <TextArea name="summary" toName="review"/>
  <Rating name="stars" toName="review" maxRating="10"/>
  <Number name="count" toName="review" min="0" max="9"/>
</View>
"""

EXPECTED_TEXT = """
fields: [{name: text, type: text}]
controls:
  - {name: ner, type: spans, field: text,
     labels: [{value: PER, color: red, hotkey: p}, {value: ORG, description: companies}]}
  - {name: relations, type: relations, labels: [works_for]}
  - {name: sentiment, type: choices, field: text, required: true, options: [positive, negative]}
  - {name: topic, type: taxonomy, field: text, leaf_only: true, tree: [{Animal: [Dog, Cat]}, Plant]}
  - {name: summary, type: textarea, field: text}
  - {name: stars, type: rating, field: text, max: 10}
  - {name: count, type: number, field: text, min: 0, max: 9}
"""

IMAGES_AND_MEDIA = """
<View>
  <Image name="img" value="$image"/>
  <RectangleLabels name="boxes" toName="img" canRotate="false">
    <Label value="car"/><Label value="person"/>
  </RectangleLabels>
  <PolygonLabels name="outline" toName="img"><Label value="car"/></PolygonLabels>
  <KeyPointLabels name="pose" toName="img">
    <Label value="nose"/><Label value="eye"/>
  </KeyPointLabels>
  <BrushLabels name="paint" toName="img"><Label value="road"/></BrushLabels>
  <Audio name="clip" value="$audio"/>
  <Labels name="sounds" toName="clip"><Label value="speech"/></Labels>
  <Video name="movie" value="$video"/>
  <Choices name="genre" toName="movie" choice="multiple"><Choice value="drama"/></Choices>
</View>
"""

EXPECTED_MEDIA = """
fields:
  - {name: image, type: image}
  - {name: audio, type: audio}
  - {name: video, type: video}
controls:
  - {name: boxes, type: bbox, field: image, labels: [car, person], rotation: false}
  - {name: outline, type: polygon, field: image, labels: [car]}
  - {name: pose, type: keypoints, field: image, points: [nose, eye]}
  - {name: paint, type: mask, field: image, labels: [road]}
  - {name: sounds, type: segments, field: audio, labels: [speech]}
  - {name: genre, type: choices, field: video, options: [drama], multiple: true}
"""


@pytest.mark.parametrize(
    ("xml", "expected"),
    [(NER_AND_SENTIMENT, EXPECTED_TEXT), (IMAGES_AND_MEDIA, EXPECTED_MEDIA)],
)
def test_configs_translate(xml: str, expected: str) -> None:
    assert from_label_studio_xml(xml) == load_schema(expected)


def test_same_variable_in_two_objects_is_one_field() -> None:
    schema = from_label_studio_xml(
        '<View><Image name="a" value="$image"/><Image name="b" value="$image"/>'
        '<RectangleLabels name="r" toName="b"><Label value="x"/></RectangleLabels></View>'
    )
    assert [field.name for field in schema.fields] == ["image"]


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        pytest.param(
            '<View><Text name="t" value="$text"/><Ranker name="rank" toName="t"/></View>',
            [('<Ranker name="rank">', "unsupported Label Studio tag <Ranker>")],
            id="unsupported-tag",
        ),
        pytest.param(
            '<View><Text name="t" value="$text"/>'
            '<Choices name="c" toName="txt"><Choice value="a"/></Choices></View>',
            [
                (
                    '<Choices name="c">.toName',
                    "toName 'txt' names no object tag with a $variable (objects: t)",
                )
            ],
            id="unknown-to-name",
        ),
        pytest.param(
            '<View><Image name="i" value="$image"/>'
            '<TextArea name="note" toName="i" perRegion="true"/></View>',
            [
                (
                    '<TextArea name="note">',
                    "perRegion controls are not supported; declare attributes instead",
                )
            ],
            id="per-region",
        ),
        pytest.param(
            '<View><Image name="i" value="$image"/>'
            '<Labels name="l" toName="i"><Label value="a"/></Labels></View>',
            [('<Labels name="l">', "<Labels> on a field of type image is not supported")],
            id="labels-on-image",
        ),
        pytest.param(
            '<View><Text name="t" value="$text"/>'
            '<Labels name="l" toName="t"><Label value="a"/><Label value="a"/></Labels></View>',
            [("controls[0] (l).labels", "control 'l': duplicate label 'a'")],
            id="invalid-resulting-schema",
        ),
    ],
)
def test_untranslatable_configs(xml: str, expected: list[tuple[str, str]]) -> None:
    with pytest.raises(ValidationFailed) as info:
        from_label_studio_xml(xml)
    assert problems(info.value) == expected


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<View><Header value="&lol3;"/></View>"""

XXE = """<?xml version="1.0"?>
<!doctype View [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<View><Text name="t" value="$text"/><Header value="&secret;"/></View>"""


@pytest.mark.parametrize(("xml", "line"), [(BILLION_LAUGHS, "line 2"), (XXE, "line 2")])
def test_entity_declarations_are_refused(xml: str, line: str) -> None:
    with pytest.raises(ValidationFailed, match="DOCTYPE and ENTITY declarations are not allowed"):
        from_label_studio_xml(xml)
    with pytest.raises(ValidationFailed) as info:
        from_label_studio_xml(xml)
    assert info.value.location == line


def test_undeclared_entity_is_a_parse_error() -> None:
    with pytest.raises(ValidationFailed, match="not well-formed XML: undefined entity") as info:
        from_label_studio_xml('<View><Header value="&secret;"/></View>')
    assert info.value.location == "line 1, column 7"


def test_malformed_xml_is_located() -> None:
    with pytest.raises(ValidationFailed, match="not well-formed XML: mismatched tag") as info:
        from_label_studio_xml("<View>\n  <Text name='t' value='$text'>\n</View>")
    assert info.value.location == "line 3, column 3"
