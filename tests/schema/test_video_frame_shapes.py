"""Polygons, polylines and keypoints on one frame of a video: ``frame`` in the value."""

from __future__ import annotations

import pytest
from tests.schema.conftest import problems

from annota.errors import ValidationFailed
from annota.schema import MediaInfo, load_schema, validate_annotation

SCHEMA = """\
fields:
  - {name: video, type: video}
controls:
  - {name: outline, type: polygon, field: video, labels: [car]}
  - {name: lanes, type: polyline, field: video, labels: [lane]}
  - {name: pose, type: keypoints, field: video, template: coco_person}
"""
MEDIA = {"video": MediaInfo(width=320, height=240, frames=30)}


@pytest.fixture(name="schema", scope="module")
def schema_fixture():
    return load_schema(SCHEMA)


def check(schema, *regions, media=MEDIA):
    return validate_annotation(list(regions), schema, media=media)


def test_shapes_on_frames_inside_the_video_are_kept(schema):
    regions = check(
        schema,
        {
            "control": "outline",
            "value": {"frame": 3, "points": [[1.0, 1.0], [50.0, 1.0], [9.0, 40.0]], "label": "car"},
        },
        {
            "control": "lanes",
            "value": {"frame": 29, "points": [[0.0, 0.0], [320.0, 240.0]], "label": "lane"},
        },
        {"control": "pose", "value": {"frame": 0, "points": {"nose": [10.0, 10.0, 2]}}},
    )
    assert [r["value"]["frame"] for r in regions] == [3, 29, 0]


def test_a_frame_past_the_end_is_refused_with_its_location(schema):
    with pytest.raises(ValidationFailed) as info:
        check(
            schema,
            {
                "control": "outline",
                "value": {
                    "frame": 30,
                    "points": [[1.0, 1.0], [5.0, 1.0], [1.0, 4.0]],
                    "label": "car",
                },
            },
            {"control": "pose", "value": {"frame": 31, "points": {"nose": [400.0, 10.0, 2]}}},
        )
    assert problems(info.value) == [
        ("regions[0].value.frame", "region 0 (outline): frame 30 is past the last frame 29"),
        ("regions[1].value.frame", "region 1 (pose): frame 31 is past the last frame 29"),
        (
            "regions[1].value.points.nose",
            "region 1 (pose): keypoint 'nose' (400, 10) is outside the 320x240 media",
        ),
    ]


def test_frame_must_be_a_whole_non_negative_number(schema):
    with pytest.raises(ValidationFailed) as info:
        check(
            schema,
            {
                "control": "outline",
                "value": {
                    "frame": -1,
                    "points": [[1.0, 1.0], [5.0, 1.0], [1.0, 4.0]],
                    "label": "car",
                },
            },
            {
                "control": "lanes",
                "value": {"frame": 2.0, "points": [[1.0, 1.0], [5.0, 1.0]], "label": "lane"},
            },
        )
    assert [location for location, _ in problems(info.value)] == [
        "regions[0].value.frame",
        "regions[1].value.frame",
    ]


def test_an_unknown_frame_count_checks_only_the_shape(schema):
    value = {"frame": 5000, "points": {"nose": [10.0, 10.0, 2]}}
    (region,) = check(schema, {"control": "pose", "value": value}, media=None)
    assert region["value"]["frame"] == 5000


def test_masks_stay_image_only():
    with pytest.raises(ValidationFailed) as info:
        load_schema(
            "fields:\n  - {name: video, type: video}\n"
            "controls:\n  - {name: paint, type: mask, field: video, labels: [road]}\n"
        )
    ((location, message),) = problems(info.value)
    assert location.startswith("controls[0] (paint)")
    assert "video" in message
