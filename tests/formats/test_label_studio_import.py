"""Label Studio JSON export import, on an export built by hand from Label Studio's docs.

Format: https://labelstud.io/guide/task_format (tasks, annotations, predictions, results);
the brush RLE is the thi.ng rle-pack stream Label Studio's converter decodes, encoded here by
a small independent encoder.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pycocotools import mask as mask_utils

from annota.errors import InvalidInput
from annota.formats import read_label_studio
from annota.schema import from_label_studio_xml, validate_annotation

CONFIG = """
<View>
  <Text name="review" value="$text"/>
  <Labels name="ner" toName="review">
    <Label value="FOOD"/><Label value="CITY"/>
  </Labels>
  <Relations><Relation value="served_in"/></Relations>
  <Choices name="sentiment" toName="review" choice="single">
    <Choice value="positive"/><Choice value="negative"/>
  </Choices>
  <TextArea name="summary" toName="review"/>
  <Rating name="stars" toName="review" maxRating="5"/>
  <Number name="price" toName="review" min="0" max="100"/>
  <Taxonomy name="topic" toName="review">
    <Choice value="Food"><Choice value="Pizza"/><Choice value="Pasta"/></Choice>
    <Choice value="Travel"/>
  </Taxonomy>
  <Image name="photo" value="$image"/>
  <RectangleLabels name="box" toName="photo"><Label value="plate"/></RectangleLabels>
  <PolygonLabels name="outline" toName="photo"><Label value="plate"/></PolygonLabels>
  <KeyPointLabels name="kp" toName="photo">
    <Label value="left"/><Label value="right"/>
  </KeyPointLabels>
  <BrushLabels name="brush" toName="photo"><Label value="sauce"/></BrushLabels>
</View>
"""

TEXT = "I ❤️ 🍕 in Napoli"


def _utf16(index: int) -> int:
    return len(TEXT[:index].encode("utf-16-le")) // 2


def _encode_rle(values: np.ndarray) -> list[int]:
    """thi.ng rle-pack with repeat chunks only: 8-bit words, run-length fields of 16 bits."""
    bits = [f"{len(values):032b}", f"{8 - 1:05b}"] + [f"{16 - 1:04b}"] * 4
    position = 0
    while position < len(values):
        end = position
        while end < len(values) and values[end] == values[position] and end - position < 65536:
            end += 1
        bits += ["1", "00", f"{end - position - 1:016b}", f"{int(values[position]):08b}"]
        position = end
    stream = "".join(bits)
    stream += "0" * (-len(stream) % 8)
    return [int(stream[i : i + 8], 2) for i in range(0, len(stream), 8)]


def _mask() -> np.ndarray:
    mask = np.zeros((4, 5), dtype=bool)
    mask[1:3, 2:5] = True
    return mask


def _export() -> list[dict[str, object]]:
    food = TEXT.index("🍕")
    city = TEXT.index("Napoli")
    rgba = np.zeros((4, 5, 4), dtype=np.uint8)
    rgba[_mask()] = [255, 0, 0, 255]
    image = {"original_width": 200, "original_height": 100, "to_name": "photo"}
    return [
        {
            "id": 101,
            "data": {"text": TEXT, "image": "/data/upload/1/plate.jpg"},
            "meta": {"batch": 3},
            "created_at": "2024-05-01T10:00:00Z",
            "annotations": [
                {
                    "id": 9001,
                    "completed_by": {"id": 4, "email": "ann@example.com"},
                    "lead_time": 12.5,
                    "was_cancelled": False,
                    "ground_truth": True,
                    "created_at": "2024-05-01T10:05:00Z",
                    "result": [
                        {
                            "id": "f1",
                            "from_name": "ner",
                            "to_name": "review",
                            "type": "labels",
                            "value": {
                                "start": _utf16(food),
                                "end": _utf16(food + 1),
                                "text": "🍕",
                                "labels": ["FOOD"],
                            },
                        },
                        {
                            "id": "c1",
                            "from_name": "ner",
                            "to_name": "review",
                            "type": "labels",
                            "value": {
                                "start": _utf16(city),
                                "end": _utf16(city + 6),
                                "text": "Napoli",
                                "labels": ["CITY"],
                            },
                        },
                        {
                            "type": "relation",
                            "from_id": "c1",
                            "to_id": "f1",
                            "direction": "left",
                            "labels": ["served_in"],
                        },
                        {
                            "id": "s",
                            "from_name": "sentiment",
                            "to_name": "review",
                            "type": "choices",
                            "value": {"choices": ["positive"]},
                        },
                        {
                            "id": "t",
                            "from_name": "summary",
                            "to_name": "review",
                            "type": "textarea",
                            "value": {"text": ["great", "pizza"]},
                        },
                        {
                            "id": "r",
                            "from_name": "stars",
                            "to_name": "review",
                            "type": "rating",
                            "value": {"rating": 5},
                        },
                        {
                            "id": "p",
                            "from_name": "price",
                            "to_name": "review",
                            "type": "number",
                            "value": {"number": 12},
                        },
                        {
                            "id": "x",
                            "from_name": "topic",
                            "to_name": "review",
                            "type": "taxonomy",
                            "value": {"taxonomy": [["Food", "Pizza"]]},
                        },
                        {
                            "id": "b",
                            "from_name": "box",
                            "type": "rectanglelabels",
                            **image,
                            "value": {
                                "x": 10,
                                "y": 20,
                                "width": 50,
                                "height": 40,
                                "rotation": 15,
                                "rectanglelabels": ["plate"],
                            },
                        },
                        {
                            "id": "o",
                            "from_name": "outline",
                            "type": "polygonlabels",
                            **image,
                            "value": {
                                "points": [[10, 10], [50, 10], [30, 60]],
                                "polygonlabels": ["plate"],
                                "closed": True,
                            },
                        },
                        {
                            "id": "k1",
                            "from_name": "kp",
                            "type": "keypointlabels",
                            **image,
                            "value": {"x": 25, "y": 50, "width": 0.5, "keypointlabels": ["left"]},
                        },
                        {
                            "id": "k2",
                            "from_name": "kp",
                            "type": "keypointlabels",
                            **image,
                            "value": {"x": 75, "y": 50, "width": 0.5, "keypointlabels": ["right"]},
                        },
                        {
                            "id": "k3",
                            "from_name": "kp",
                            "type": "keypointlabels",
                            **image,
                            "value": {"x": 5, "y": 5, "width": 0.5, "keypointlabels": ["left"]},
                        },
                        {
                            "id": "m",
                            "from_name": "brush",
                            "type": "brushlabels",
                            "original_width": 5,
                            "original_height": 4,
                            "to_name": "photo",
                            "value": {
                                "format": "rle",
                                "rle": _encode_rle(rgba.ravel()),
                                "brushlabels": ["sauce"],
                            },
                        },
                    ],
                },
                {
                    "id": 9002,
                    "completed_by": 7,
                    "lead_time": 3,
                    "was_cancelled": True,
                    "result": [],
                },
            ],
            "predictions": [
                {
                    "model_version": "ner-v2",
                    "score": 0.8,
                    "result": [
                        {
                            "id": "q",
                            "from_name": "sentiment",
                            "type": "choices",
                            "score": 0.8,
                            "value": {"choices": ["negative"]},
                        },
                    ],
                }
            ],
        },
        {"id": 102, "data": {"text": "plain", "image": "b.jpg"}, "annotations": []},
    ]


def test_export_converts_to_regions_the_schema_accepts(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(), ensure_ascii=False))
    schema = from_label_studio_xml(CONFIG)
    first, second = read_label_studio(path, CONFIG)
    assert first.record.external_id == "101"
    assert first.record.meta == {
        "batch": 3,
        "label_studio": {"id": 101, "created_at": "2024-05-01T10:00:00Z"},
    }
    annotation, cancelled = first.annotations
    assert (annotation.completed_by, annotation.lead_time, annotation.id) == (
        "ann@example.com",
        12.5,
        "9001",
    )
    assert annotation.ground_truth is True
    assert (cancelled.completed_by, cancelled.was_cancelled, cancelled.regions) == ("7", True, [])
    regions = {region.get("id", region["control"]): region for region in annotation.regions}
    food = TEXT.index("🍕")
    assert regions["f1"]["value"] == {"start": food, "end": food + 1, "label": "FOOD"}
    assert TEXT[regions["c1"]["value"]["start"] : regions["c1"]["value"]["end"]] == "Napoli"
    assert regions["relations"]["value"] == {"from": "f1", "to": "c1", "label": "served_in"}
    assert regions["t"]["value"] == {"text": "great\npizza"}
    assert regions["p"]["value"] == {"number": 12.0}
    assert regions["x"]["value"] == {"paths": [["Food", "Pizza"]]}
    assert regions["b"]["value"] == {
        "x": 20.0,
        "y": 20.0,
        "width": 100.0,
        "height": 40.0,
        "rotation": 15.0,
        "label": "plate",
    }
    assert regions["o"]["value"]["points"] == [[20.0, 10.0], [100.0, 10.0], [60.0, 60.0]]
    kp = [r for r in annotation.regions if r["control"] == "kp"]
    assert [r["value"]["points"] for r in kp] == [
        {"left": [50.0, 50.0, 2], "right": [150.0, 50.0, 2]},
        {"left": [10.0, 5.0, 2]},
    ]
    rle = regions["m"]["value"]["rle"]
    assert (mask_utils.decode(mask_utils.frPyObjects(rle, 4, 5)) == _mask()).all()
    data = first.record.data
    validate_annotation(annotation.regions, schema, data=data)
    (prediction,) = first.predictions
    assert (prediction.kind, prediction.model_version, prediction.score) == (
        "prediction",
        "ner-v2",
        0.8,
    )
    assert prediction.regions == [
        {"control": "sentiment", "value": {"choices": ["negative"]}, "id": "q", "score": 0.8}
    ]
    assert (second.record.external_id, second.annotations) == ("102", [])
    assert (annotation.author, cancelled.author, prediction.author) == (
        "ann@example.com",
        "7",
        "model:ner-v2",
    )
    item = first.item
    assert (item.external_id, item.data, item.regions) == ("101", first.record.data, [])
    (again, _) = read_label_studio(path, schema=schema)
    assert again.annotations == first.annotations


def test_code_point_offsets_from_python_tools_are_recognised(tmp_path: Path) -> None:
    city = TEXT.index("Napoli")
    task = {
        "id": 1,
        "data": {"text": TEXT},
        "annotations": [
            {
                "result": [
                    {
                        "from_name": "ner",
                        "type": "labels",
                        "value": {
                            "start": city,
                            "end": city + 6,
                            "text": "Napoli",
                            "labels": ["CITY"],
                        },
                    }
                ]
            }
        ],
    }
    path = tmp_path / "py.json"
    path.write_text(json.dumps([task]))
    (read,) = read_label_studio(path, CONFIG)
    assert read.annotations[0].regions[0]["value"] == {
        "start": city,
        "end": city + 6,
        "label": "CITY",
    }


@pytest.mark.parametrize(
    ("result", "location", "message"),
    [
        (
            {"from_name": "nope", "type": "choices", "value": {}},
            "x.json:[0].annotations[0].result[0].from_name",
            "names no control",
        ),
        (
            {
                "from_name": "box",
                "type": "rectanglelabels",
                "value": {"x": 1, "y": 1, "width": 1, "height": 1},
            },
            "x.json:[0].annotations[0].result[0].original_width",
            "must be an integer",
        ),
        (
            {
                "from_name": "ner",
                "type": "labels",
                "value": {"start": 5, "end": 6, "labels": ["FOOD"]},
            },
            "x.json:[0].annotations[0].result[0].value.start",
            "inside a character",
        ),
        (
            {
                "from_name": "brush",
                "type": "brushlabels",
                "original_width": 2,
                "original_height": 2,
                "value": {"format": "rle", "rle": [0, 0, 0, 1], "brushlabels": ["sauce"]},
            },
            "x.json:[0].annotations[0].result[0].value.rle",
            "holds 1 values",
        ),
    ],
)
def test_bad_results_are_refused_where_they_break(
    tmp_path: Path, result: dict[str, object], location: str, message: str
) -> None:
    path = tmp_path / "x.json"
    path.write_text(
        json.dumps([{"id": 1, "data": {"text": TEXT}, "annotations": [{"result": [result]}]}])
    )
    with pytest.raises(InvalidInput, match=message) as caught:
        list(read_label_studio(path, CONFIG))
    assert caught.value.location == location


def test_audio_labels_become_segments_in_seconds(tmp_path: Path) -> None:
    config = """
    <View>
      <Audio name="audio" value="$audio"/>
      <Labels name="speaker" toName="audio"><Label value="A"/><Label value="B"/></Labels>
    </View>"""
    task = {
        "id": "call-1",
        "data": {"audio": "s3://bucket/call.wav"},
        "annotations": [
            {
                "completed_by": 3,
                "result": [
                    {
                        "id": "s1",
                        "from_name": "speaker",
                        "to_name": "audio",
                        "type": "labels",
                        "original_length": 9.5,
                        "value": {"start": 0.25, "end": 4.5, "channel": 0, "labels": ["A", "B"]},
                    }
                ],
            }
        ],
    }
    path = tmp_path / "audio.json"
    path.write_text(json.dumps([task]))
    (read,) = read_label_studio(path, config)
    assert read.record.external_id == "call-1"
    assert read.annotations[0].regions == [
        {"control": "speaker", "value": {"start": 0.25, "end": 4.5, "label": "A"}, "id": "s1"},
        {"control": "speaker", "value": {"start": 0.25, "end": 4.5, "label": "B"}, "id": "s1#1"},
    ]
    validate_annotation(read.annotations[0].regions, from_label_studio_xml(config))
