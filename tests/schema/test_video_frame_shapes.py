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
  - {name: boxes, type: bbox, field: video, labels: [car]}
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


TRIANGLE = [[1.0, 1.0], [50.0, 1.0], [9.0, 40.0]]


@pytest.mark.parametrize("complete", [True, False], ids=["submitted", "draft"])
def test_a_shape_on_a_video_without_a_frame_is_refused_where_it_is(schema, complete):
    """Each frameless shape is named by its own index, after a good region; drafts too."""
    regions = [
        {"control": "outline", "value": {"frame": 1, "points": TRIANGLE, "label": "car"}},
        {"control": "outline", "value": {"points": TRIANGLE, "label": "car"}},
        {"control": "lanes", "value": {"points": [[0.0, 0.0], [9.0, 9.0]], "label": "lane"}},
        {"control": "pose", "value": {"points": {"nose": [10.0, 10.0, 2]}}},
        {
            "control": "boxes",
            "value": {"x": 1.0, "y": 1.0, "width": 5.0, "height": 5.0, "label": "car"},
        },
    ]
    with pytest.raises(ValidationFailed) as info:
        validate_annotation(regions, schema, media=MEDIA, complete=complete)
    needs = "a shape on a video needs the frame it is drawn on ('frame', 0-based)"
    assert problems(info.value) == [
        (f"regions[{i}].value.frame", f"region {i} ({name}): {needs}")
        for i, name in [(1, "outline"), (2, "lanes"), (3, "pose"), (4, "boxes")]
    ]


def test_the_frame_is_required_even_when_the_media_is_not_probed(schema):
    with pytest.raises(ValidationFailed) as info:
        check(schema, {"control": "pose", "value": {"points": {"nose": [1.0, 1.0, 2]}}}, media=None)
    assert [location for location, _ in problems(info.value)] == ["regions[0].value.frame"]


def test_a_box_on_a_video_frame_is_kept_and_checked_against_the_frame_count(schema):
    box = {"x": 1.0, "y": 1.0, "width": 5.0, "height": 5.0, "label": "car"}
    (region,) = check(schema, {"control": "boxes", "value": {**box, "frame": 29}})
    assert region["value"]["frame"] == 29
    with pytest.raises(ValidationFailed) as info:
        check(schema, {"control": "boxes", "value": {**box, "frame": 30}})
    assert problems(info.value) == [
        ("regions[0].value.frame", "region 0 (boxes): frame 30 is past the last frame 29")
    ]


def test_shapes_on_an_image_need_no_frame():
    """Image fields are unchanged: no frame needed, and one given is kept as before."""
    image = load_schema(
        "fields:\n  - {name: image, type: image}\n"
        "controls:\n"
        "  - {name: outline, type: polygon, field: image, labels: [car]}\n"
        "  - {name: pose, type: keypoints, field: image, points: [nose]}\n"
        "  - {name: boxes, type: bbox, field: image, labels: [car]}\n"
    )
    regions = validate_annotation(
        [
            {"control": "outline", "value": {"points": TRIANGLE, "label": "car"}},
            {"control": "pose", "value": {"points": {"nose": [10.0, 10.0, 2]}}},
            {
                "control": "boxes",
                "value": {"x": 1.0, "y": 1.0, "width": 5.0, "height": 5.0, "label": "car"},
            },
            {"control": "outline", "value": {"frame": 7, "points": TRIANGLE, "label": "car"}},
        ],
        image,
        media={"image": MediaInfo(width=320, height=240)},
    )
    assert ["frame" in r["value"] for r in regions] == [False, False, False, True]
