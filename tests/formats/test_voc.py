"""Pascal VOC XML: the file ElementTree reads, the round trip, and refused XML."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.formats.voc import read_voc, write_voc
from annota.schema import MediaInfo


def item() -> AnnotatedItem:
    return AnnotatedItem(
        "a",
        {"image": "imgs/a.jpg"},
        [
            {
                "control": "box",
                "value": {"x": 10, "y": 5, "width": 30.5, "height": 20, "label": "cat"},
                "attributes": {"difficult": True},
            },
            {
                "control": "box",
                "value": {"x": 50, "y": 40, "width": 10, "height": 10, "label": "dog"},
            },
            {"control": "other", "value": {"x": 0, "y": 0, "width": 1, "height": 1, "label": "x"}},
        ],
        media=MediaInfo(width=64, height=48),
    )


def written() -> bytes:
    out = io.BytesIO()
    assert write_voc(item(), out, control="box") == 2
    return out.getvalue()


def test_export_has_the_voc_elements() -> None:
    root = ET.fromstring(written())

    assert (root.findtext("filename"), root.findtext("folder")) == ("a.jpg", "imgs")
    assert (root.findtext("size/width"), root.findtext("size/height")) == ("64", "48")
    objects = root.findall("object")
    assert [o.findtext("name") for o in objects] == ["cat", "dog"]
    assert [o.findtext("difficult") for o in objects] == ["1", "0"]
    box = objects[0].find("bndbox")
    assert box is not None
    assert [box.findtext(k) for k in ("xmin", "ymin", "xmax", "ymax")] == ["10", "5", "40.5", "25"]


def test_round_trip_keeps_boxes_and_flags() -> None:
    back = read_voc(written(), name="a.xml", control="box")

    assert (back.external_id, back.media) == ("a.jpg", MediaInfo(width=64, height=48))
    assert back.regions == item().regions[:2]


@pytest.mark.parametrize(
    ("data", "location", "message"),
    [
        (b'<!DOCTYPE x [<!ENTITY e "boom">]><annotation/>', "a.xml", "DOCTYPE"),
        (b"<annotation><size>", "a.xml", "not well-formed"),
        (b"<other/>", "a.xml", "not <annotation>"),
        (b"<annotation><filename>a</filename></annotation>", "a.xml:size/width", "missing"),
        (
            b"<annotation><filename>a</filename><size><width>4</width><height>4</height></size>"
            b"<object><name>c</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>x</xmax>"
            b"<ymax>1</ymax></bndbox></object></annotation>",
            "a.xml:object[0]/bndbox/xmax",
            "'x' is not a number",
        ),
    ],
)
def test_bad_xml_is_refused_where_it_breaks(data: bytes, location: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        read_voc(data, name="a.xml")
    assert caught.value.location == location
