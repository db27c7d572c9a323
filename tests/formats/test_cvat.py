"""CVAT for images 1.1 XML: a hand-written sample from the spec, round trips, located errors."""

from __future__ import annotations

import io
import math
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from pycocotools import mask as mask_utils

from annota.errors import InvalidInput
from annota.formats import AnnotatedItem, cvat_schema, read_cvat, write_cvat
from annota.schema import MediaInfo, load_schema, validate_annotation
from annota.schema.media import box_corners

SAMPLE = Path(__file__).parent / "data" / "cvat_images_1_1.xml"


def _approx(value: object) -> object:
    """Floats rounded to 9 places, recursively, for comparisons through float arithmetic."""
    if isinstance(value, float):
        return round(value, 9) + 0.0
    if isinstance(value, dict):
        return {key: _approx(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_approx(item) for item in value]
    return value


def _comparable(items: list[AnnotatedItem]) -> list[tuple[object, ...]]:
    return [(i.external_id, i.data, _approx(i.regions), i.meta, i.media) for i in items]


def test_sample_reads_as_labels_items_and_regions() -> None:
    dataset = read_cvat(SAMPLE)
    assert dataset.version == "1.1"
    assert [label.name for label in dataset.labels] == ["car", "person", "road", "night"]
    model = dataset.labels[0].attributes[0]
    assert (model.input_type, model.values, model.default) == (
        "select",
        ("sedan", "suv", "van"),
        "sedan",
    )
    first, second = dataset.items()
    assert (first.external_id, first.data, first.media) == (
        "0",
        {"image": "frames/street_0001.jpg"},
        MediaInfo(width=10, height=8),
    )
    assert second.meta == {"cvat": {"subset": "train"}}
    assert second.regions == []
    box, rotated, polygon, polyline, points, mask, tags = first.regions
    assert box == {
        "control": "bbox",
        "value": {"x": 1.5, "y": 2.0, "width": 5.0, "height": 3.0, "label": "car"},
        "attributes": {"occluded": True, "model": "suv", "parked": True},
    }
    assert _approx(rotated["value"]) == {
        "x": 5.0,
        "y": 1.0,
        "width": 4.0,
        "height": 2.0,
        "rotation": 90.0,
        "label": "car",
    }
    assert rotated["attributes"] == {"z_order": 1, "model": "van", "parked": False}
    assert polygon["value"]["points"] == [[0.0, 8.0], [10.0, 8.0], [6.0, 5.0], [4.0, 5.0]]
    assert polyline == {
        "control": "polyline",
        "value": {"points": [[5.0, 8.0], [5.0, 5.5]], "label": "road"},
        "attributes": {"note": ""},
    }
    assert points["value"]["points"] == {"1": [8.0, 1.0, 2], "2": [8.5, 3.0, 2], "3": [7.5, 3.0, 2]}
    assert points["attributes"] == {"age": 42.0}
    assert (mask["value"]["label"], mask["attributes"]) == ("person", {"age": 7.0})
    assert tags == {"control": "tags", "value": {"choices": ["night"]}}


def test_rotation_about_the_centre_becomes_rotation_about_the_corner() -> None:
    (first, _) = read_cvat(SAMPLE).items()
    value = first.regions[1]["value"]
    corners = box_corners(
        value["x"], value["y"], value["width"], value["height"], value["rotation"]
    )
    # CVAT's box (2,2)-(6,4) turned 90 degrees clockwise about its centre (4,3).
    centre, theta = (4.0, 3.0), math.radians(90)
    expected = [
        (
            centre[0] + (px - centre[0]) * math.cos(theta) - (py - centre[1]) * math.sin(theta),
            centre[1] + (px - centre[0]) * math.sin(theta) + (py - centre[1]) * math.cos(theta),
        )
        for px, py in [(2, 2), (6, 2), (6, 4), (2, 4)]
    ]
    assert _approx([list(c) for c in corners]) == _approx([list(c) for c in expected])


def test_mask_becomes_the_same_pixels_as_pycocotools_decodes() -> None:
    (first, _) = read_cvat(SAMPLE).items()
    rle = first.regions[5]["value"]["rle"]
    encoded = mask_utils.frPyObjects(rle, *rle["size"])
    pixels = mask_utils.decode(encoded)
    expected = np.zeros((8, 10), dtype=np.uint8)
    expected[3:5, 3:5] = 1  # rle "1, 2, 1, 2" over the 3x2 box at (2, 3), row by row
    assert (pixels == expected).all()


def test_schema_is_inferred_and_every_region_validates() -> None:
    dataset = read_cvat(SAMPLE)
    schema = cvat_schema(dataset)
    assert [(c.name, c.type) for c in schema.controls] == [
        ("bbox", "bbox"),
        ("polygon", "polygon"),
        ("polyline", "polyline"),
        ("points", "keypoints"),
        ("mask", "mask"),
        ("tags", "choices"),
    ]
    bbox = schema.control("bbox")
    assert bbox.label_values == ["car", "person", "road", "night"]
    assert {a.name: a.type for a in bbox.attributes} == {
        "occluded": "bool",
        "model": "enum",
        "parked": "bool",
        "z_order": "number",
    }
    age = next(a for a in schema.control("points").attributes if a.name == "age")
    assert (age.type, age.min, age.max) == ("number", 0, 120)
    for item in dataset.items():
        validate_annotation(item.regions, schema, data=item.data, media={"image": item.media})


def test_import_export_import_is_stable(tmp_path: Path) -> None:
    dataset = read_cvat(SAMPLE)
    schema = cvat_schema(dataset)
    out = tmp_path / "again.xml"
    with out.open("wb") as stream:
        assert write_cvat(dataset.items(), stream, schema=schema) == 2
    again = read_cvat(out)
    assert _comparable(list(again.items())) == _comparable(list(dataset.items()))
    assert cvat_schema(again) == schema


SCHEMA = load_schema(
    """
fields: [{name: image, type: image}]
controls:
  - name: box
    type: bbox
    field: image
    labels: [cat, dog]
    rotation: true
    attributes:
      - {name: occluded, type: bool}
      - {name: pose, type: enum, options: [sit, stand]}
  - {name: outline, type: polygon, field: image, labels: [cat, dog]}
  - {name: skeleton, type: keypoints, field: image, points: [nose, tail]}
  - {name: mask, type: mask, field: image, labels: [cat, dog]}
  - {name: scene, type: choices, options: [indoor, outdoor], multiple: true}
"""
)


def test_export_then_import_gives_the_input_back(tmp_path: Path) -> None:
    full = np.zeros((6, 5), dtype=np.uint8)
    full[1:4, 2:4] = 1
    full[5, 0] = 1
    counts = mask_utils.encode(np.asfortranarray(full))["counts"].decode()
    items = [
        AnnotatedItem(
            "12",
            {"image": "a/cat.png"},
            [
                {
                    "control": "box",
                    "value": {"x": 1.0, "y": 1.0, "width": 2.5, "height": 1.25, "label": "cat"},
                    "attributes": {"occluded": True, "pose": "sit"},
                },
                {
                    "control": "box",
                    "value": {
                        "x": 3.0,
                        "y": 0.5,
                        "width": 1.0,
                        "height": 2.0,
                        "rotation": 30.0,
                        "label": "dog",
                    },
                },
                {
                    "control": "outline",
                    "value": {"points": [[0, 0], [4, 0], [2, 3]], "label": "dog"},
                },
                {
                    "control": "skeleton",
                    "value": {"points": {"nose": [1.0, 2.0, 2], "tail": [3.0, 4.0, 2]}},
                },
                {
                    "control": "mask",
                    "value": {"rle": {"size": [6, 5], "counts": counts}, "label": "cat"},
                },
                {"control": "scene", "value": {"choices": ["indoor", "outdoor"]}},
            ],
            media=MediaInfo(width=5, height=6),
        ),
        AnnotatedItem("x", {"image": "b.png"}, [], media=MediaInfo(width=3, height=3)),
    ]
    out = io.BytesIO()
    write_cvat(items, out, schema=SCHEMA)
    (tmp_path / "out.xml").write_bytes(out.getvalue())
    dataset = read_cvat(tmp_path / "out.xml")
    assert [label.name for label in dataset.labels] == [
        "cat",
        "dog",
        "skeleton",
        "indoor",
        "outdoor",
    ]
    assert [a.name for a in dataset.labels[0].attributes] == ["pose"]
    first, second = dataset.items()
    assert (first.external_id, second.external_id) == ("12", "0")
    box, rotated, outline, skeleton, mask, scene = first.regions
    assert box["value"] == items[0].regions[0]["value"]
    assert box["attributes"] == {"occluded": True, "pose": "sit"}
    assert _approx(rotated["value"]) == _approx(items[0].regions[1]["value"])
    assert outline["value"] == {"points": [[0.0, 0.0], [4.0, 0.0], [2.0, 3.0]], "label": "dog"}
    assert skeleton["value"]["points"] == {"1": [1.0, 2.0, 2], "2": [3.0, 4.0, 2]}
    back = mask_utils.decode(mask_utils.frPyObjects(mask["value"]["rle"], 6, 5))
    assert (back == full).all()
    assert scene == {"control": "tags", "value": {"choices": ["indoor", "outdoor"]}}


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n<version>1.1</version>\n' + body
    )
    return path


@pytest.mark.parametrize(
    ("body", "location", "message"),
    [
        (
            '<image id="0" name="a" width="4" height="4">\n'
            '<box label="c" xtl="x" ytl="0" xbr="1" ybr="1"/></image></annotations>',
            "bad.xml:5: <box>.xtl",
            "not a finite number",
        ),
        (
            '<image id="0" name="a" width="4" height="4">\n\n<polygon label="c" points="1,1;2"/>'
            "</image></annotations>",
            "bad.xml:6: <polygon>.points",
            "not a point",
        ),
        (
            '<image id="0" name="a" width="4" height="4">\n<mask label="c" rle="1, 2" left="0" '
            'top="0" width="2" height="2"/></image></annotations>',
            "bad.xml:5: <mask>.rle",
            "cover 3 pixels",
        ),
        (
            '<image id="0" name="a" width="4" height="4">\n<ellipse label="c" cx="1" cy="1" rx="1" '
            'ry="1"/></image></annotations>',
            "bad.xml:5: <ellipse>",
            "not supported",
        ),
        ('<track id="0" label="c"></track></annotations>', "bad.xml:4", "CVAT for video"),
        (
            '<image id="0" name="a" width="4" height="4"></annotations>',
            "bad.xml:4",
            "mismatched tag",
        ),
    ],
)
def test_bad_files_are_refused_where_they_break(
    tmp_path: Path, body: str, location: str, message: str
) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(InvalidInput, match=message) as caught:
        list(read_cvat(path).items())
    assert caught.value.location == location


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]>\n'
        "<annotations>&x;</annotations>"
    )
    with pytest.raises(InvalidInput, match="DOCTYPE"):
        read_cvat(path)


def test_export_refuses_an_empty_mask() -> None:
    item = AnnotatedItem(
        "e",
        {"image": "e.png"},
        [{"control": "mask", "value": {"rle": {"size": [2, 2], "counts": [4]}, "label": "cat"}}],
        media=MediaInfo(width=2, height=2),
    )
    with pytest.raises(InvalidInput, match="empty") as caught:
        write_cvat([item], io.BytesIO(), schema=SCHEMA)
    assert caught.value.location == "item e: regions[0]"


def _big_cvat(path: Path, images: int) -> None:
    with path.open("w") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<annotations><version>1.1</version>\n')
        for index in range(images):
            out.write(
                f'<image id="{index}" name="f{index}.jpg" width="640" height="480">'
                f'<box label="car" occluded="0" xtl="1" ytl="2" xbr="30" ybr="40" z_order="0">'
                f'<attribute name="note">image {index}</attribute></box></image>\n'
            )
        out.write("</annotations>\n")


def _peak_reading(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    count = sum(1 for _ in read_cvat(path).items())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return count, peak


def test_reading_streams_in_constant_memory(tmp_path: Path) -> None:
    _big_cvat(tmp_path / "small.xml", 2_000)
    _big_cvat(tmp_path / "large.xml", 20_000)
    small_count, small_peak = _peak_reading(tmp_path / "small.xml")
    large_count, large_peak = _peak_reading(tmp_path / "large.xml")
    assert (small_count, large_count) == (2_000, 20_000)
    assert large_peak < 1.5 * small_peak + 256 * 1024


def test_a_cvat_export_zip_reads_like_its_xml(tmp_path: Path) -> None:
    archive = tmp_path / "task.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(SAMPLE, "annotations.xml")
        out.writestr("images/frames/street_0001.jpg", b"")
    assert _comparable(list(read_cvat(archive).items())) == _comparable(
        list(read_cvat(SAMPLE).items())
    )
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as out:
        out.writestr("readme.txt", "no annotations")
    with pytest.raises(InvalidInput, match=r"no annotations\.xml"):
        read_cvat(tmp_path / "other.zip")
