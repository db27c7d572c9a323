"""Image and timeline regions: boxes, polygons, keypoints, masks, segments, transcripts, tracks.

``MEDIA`` in conftest: the image is 100 wide and 80 high, the audio 10 s long, the video
640x480 with 100 frames.
"""

from __future__ import annotations

from typing import Any

import pytest

from annota.errors import ValidationFailed
from annota.schema import LabelSchema, MediaInfo, load_schema, validate_annotation
from annota.schema.media import box_corners
from annota.schema.rle import decode_counts, rle_problem

from .conftest import IMAGE_SCHEMA, problems


def _coco_rle_string(counts: list[int]) -> str:
    """pycocotools ``rleToString``, transcribed line by line as the reference encoder."""
    chars = []
    for i, count in enumerate(counts):
        x = count - (counts[i - 2] if i > 2 else 0)
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = x != -1 if c & 0x10 else x != 0
            if more:
                c |= 0x20
            chars.append(chr(c + 48))
    return "".join(chars)


def _box(**value: Any) -> dict[str, Any]:
    return {"x": 10, "y": 10, "width": 50, "height": 20, "label": "car", **value}


# ---- boxes -------------------------------------------------------------------------------


def test_rotated_box_worked_example() -> None:
    """A 50x20 box at (10, 10) turned 90 degrees clockwise hangs left of its anchor.

    cos 90 = 0, sin 90 = 1: top-right = (10 + 50*0, 10 + 50*1) = (10, 60),
    bottom-right = (10 - 20*1, 60 + 20*0) = (-10, 60), bottom-left = (10 - 20, 10) = (-10, 10).
    """
    corners = [(round(x, 9), round(y, 9)) for x, y in box_corners(10.0, 10.0, 50.0, 20.0, 90.0)]
    assert corners == [(10.0, 10.0), (10.0, 60.0), (-10.0, 60.0), (-10.0, 10.0)]


def test_rotated_box_outside_is_refused_corner_by_corner(fails: Any) -> None:
    assert fails("objects", _box(rotation=90), attributes={"severity": "mild"}) == [
        (
            "regions[0].value",
            "region 0 (objects): box bottom-right corner (-10, 60) is outside the 100x80 media",
        ),
        (
            "regions[0].value",
            "region 0 (objects): box bottom-left corner (-10, 10) is outside the 100x80 media",
        ),
    ]


@pytest.mark.parametrize(
    "box",
    [
        pytest.param(_box(), id="plain"),
        # 30 degrees: bottom-left x = 10 - 20 * sin 30 = 0 (1.8e-15 in floats): on the edge.
        pytest.param(_box(rotation=30), id="rotated-touching-left-edge"),
        # The whole image, anchored bottom-right and turned 180 degrees: two corners land at
        # -9.8e-15 and 80.00000000000001, inside only thanks to the 1e-6 relative slack.
        pytest.param(_box(x=100, y=80, width=100, height=80, rotation=180), id="float-noise"),
        pytest.param(_box(x=0, y=0, width=100, height=80), id="full-image"),
    ],
)
def test_boxes_inside_the_image(check: Any, box: dict[str, Any]) -> None:
    region = {"control": "objects", "value": box}
    assert check([region]) == [region]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            _box(width=0),
            [("regions[0].value.width", "region 0 (objects): width should be greater than 0")],
            id="zero-width",
        ),
        pytest.param(
            _box(x=60),
            [
                (
                    "regions[0].value",
                    "region 0 (objects): box top-right corner (110, 10) is outside the 100x80 "
                    "media",
                ),
                (
                    "regions[0].value",
                    "region 0 (objects): box bottom-right corner (110, 30) is outside the "
                    "100x80 media",
                ),
            ],
            id="past-right-edge",
        ),
        pytest.param(
            _box(label="bus"),
            [
                (
                    "regions[0].value.label",
                    "region 0 (objects): label 'bus' is not one of car, person",
                )
            ],
            id="unknown-label",
        ),
        pytest.param(
            _box(x="10"),
            [("regions[0].value.x", "region 0 (objects): x must be a number")],
            id="string-coordinate",
        ),
    ],
)
def test_invalid_boxes(fails: Any, value: dict[str, Any], expected: Any) -> None:
    assert fails("objects", value) == expected


def test_rotation_needs_a_rotating_control() -> None:
    schema = load_schema(IMAGE_SCHEMA.replace(", rotation: true", ""))
    with pytest.raises(ValidationFailed) as info:
        validate_annotation([{"control": "objects", "value": _box(rotation=5)}], schema)
    assert problems(info.value) == [
        (
            "regions[0].value.rotation",
            "region 0 (objects): control 'objects' does not allow rotated boxes",
        )
    ]


def test_box_bounds_need_a_known_size() -> None:
    schema = load_schema(IMAGE_SCHEMA)
    region = {"control": "objects", "value": _box(x=5000)}
    assert validate_annotation([region], schema) == [region]
    assert validate_annotation([region], schema, media={"image": MediaInfo(width=100)}) == [region]


# ---- polygons, polylines, keypoints ------------------------------------------------------


def test_polygon_and_polyline_valid(check: Any) -> None:
    regions = [
        {"control": "outline", "value": {"points": [[0, 0], [100, 0], [50, 80]], "label": "car"}},
        {"control": "lanes", "value": {"points": [[0, 40], [100, 40.5]], "label": "lane"}},
    ]
    assert check(regions) == regions


@pytest.mark.parametrize(
    ("control", "value", "expected"),
    [
        pytest.param(
            "outline",
            {"points": [[0, 0], [100, 0]], "label": "car"},
            [
                (
                    "regions[0].value.points",
                    "region 0 (outline): points should have at least 3 items after "
                    "validation, not 2",
                )
            ],
            id="polygon-two-points",
        ),
        pytest.param(
            "outline",
            {"points": [[0, 0], [100, 0], [50, 81]], "label": "car"},
            [
                (
                    "regions[0].value.points[2]",
                    "region 0 (outline): point (50, 81) is outside the 100x80 media",
                )
            ],
            id="polygon-outside",
        ),
        pytest.param(
            "outline",
            {"points": [[0, 0], [100, 0], [50]], "label": "car"},
            [
                (
                    "regions[0].value.points[2]",
                    "region 0 (outline): points[2] should have at least 2 items after "
                    "validation, not 1",
                )
            ],
            id="polygon-short-point",
        ),
        pytest.param(
            "lanes",
            {"points": [[0, 40]], "label": "lane"},
            [
                (
                    "regions[0].value.points",
                    "region 0 (lanes): points should have at least 2 items after validation, not 1",
                )
            ],
            id="polyline-one-point",
        ),
    ],
)
def test_invalid_outlines(fails: Any, control: str, value: Any, expected: Any) -> None:
    assert fails(control, value) == expected


def test_keypoints_valid_and_visibility_normalised(check: Any) -> None:
    value = {"points": {"nose": [50, 40, 2.0], "left_eye": [500, 500, 0]}, "label": "person"}
    assert check([{"control": "pose", "value": value}]) == [
        {
            "control": "pose",
            "value": {
                "points": {"nose": [50.0, 40.0, 2], "left_eye": [500.0, 500.0, 0]},
                "label": "person",
            },
        }
    ]


def test_invalid_keypoints(fails: Any) -> None:
    value = {
        "points": {"nose": [50, 40, 3], "ear": [1, 1, 1], "left_eye": [101, 2, 1]},
        "label": "person",
    }
    assert fails("pose", value) == [
        (
            "regions[0].value.points.nose[2]",
            "region 0 (pose): keypoint 'nose' visibility 3 is not 0, 1 or 2",
        ),
        (
            "regions[0].value.points.ear",
            "region 0 (pose): unknown keypoint 'ear'; expected one of nose, left_eye, right_eye",
        ),
        (
            "regions[0].value.points.left_eye",
            "region 0 (pose): keypoint 'left_eye' (101, 2) is outside the 100x80 media",
        ),
    ]


def test_keypoints_without_labels_take_no_label() -> None:
    schema = load_schema(IMAGE_SCHEMA)
    value = {"points": {"nose": [1, 1, 2]}}
    assert validate_annotation([{"control": "pose", "value": value}], schema)[0]["value"] == {
        "points": {"nose": [1.0, 1.0, 2]}
    }
    with pytest.raises(ValidationFailed, match="label 'person' given, but control 'pose' has no"):
        validate_annotation([{"control": "pose", "value": {**value, "label": "person"}}], schema)


# ---- masks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "counts"),
    [("3452", [3, 4, 5, 6]), ("345M", [3, 4, 5, 1]), ("T3", [100]), ("", [])],
)
def test_compressed_counts_hand_computed_vectors(encoded: str, counts: list[int]) -> None:
    assert decode_counts(encoded) == counts
    assert _coco_rle_string(counts) == encoded


def test_compressed_counts_round_trip_reference_encoder() -> None:
    counts = [0, 7, 123456, 1, 1, 99, 31, 32, 16, 17, 5000]
    assert decode_counts(_coco_rle_string(counts)) == counts


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([4000, 3999], "runs cover 7999 pixels, but size 80x100 has 8000"),
        ([4000, -1, 4001], "run 1 has negative length -1"),
        ("3~", "compressed counts cannot be decoded: character '~' at 1 is outside '0'..'o'"),
        ("T", "compressed counts cannot be decoded: the string ends in the middle of a run length"),
    ],
)
def test_rle_problems(counts: Any, message: str) -> None:
    assert rle_problem(80, 100, counts) == message


@pytest.mark.parametrize("counts", [[4000, 4000], _coco_rle_string([4000, 4000]), [8000]])
def test_mask_valid(check: Any, counts: Any) -> None:
    region = {
        "control": "paint",
        "value": {"rle": {"size": [80, 100], "counts": counts}, "label": "road"},
    }
    assert check([region]) == [region]


def test_invalid_masks(fails: Any) -> None:
    value = {"rle": {"size": [100, 80], "counts": _coco_rle_string([10, 20])}, "label": "road"}
    assert fails("paint", value) == [
        (
            "regions[0].value.rle.counts",
            "region 0 (paint): runs cover 30 pixels, but size 100x80 has 8000",
        ),
        (
            "regions[0].value.rle.size",
            "region 0 (paint): mask size [100, 80] differs from the image [height 80, width 100]",
        ),
    ]


# ---- timeline ----------------------------------------------------------------------------


def test_timeline_regions_valid(check: Any) -> None:
    regions = [
        {"control": "sounds", "value": {"start": 0, "end": 10, "label": "music"}},
        {"control": "words", "value": {"start": 1.5, "end": 2.25, "text": "hello", "speaker": "A"}},
        {"control": "words", "value": {"start": 3, "end": 4, "text": "hi"}},
    ]
    assert check(regions) == [
        {"control": "sounds", "value": {"start": 0.0, "end": 10.0, "label": "music"}},
        regions[1],
        {"control": "words", "value": {"start": 3.0, "end": 4.0, "text": "hi"}},
    ]


@pytest.mark.parametrize(
    ("control", "value", "expected"),
    [
        pytest.param(
            "sounds",
            {"start": 2, "end": 1, "label": "speech"},
            [("regions[0].value.end", "region 0 (sounds): end 1s is not after start 2s")],
            id="reversed",
        ),
        pytest.param(
            "sounds",
            {"start": 9, "end": 10.5, "label": "speech"},
            [
                (
                    "regions[0].value.end",
                    "region 0 (sounds): end 10.5s is past the media duration 10s",
                )
            ],
            id="past-duration",
        ),
        pytest.param(
            "words",
            {"start": 0, "end": 1, "text": "hi", "speaker": "C"},
            [("regions[0].value.speaker", "region 0 (words): speaker 'C' is not one of A, B")],
            id="unknown-speaker",
        ),
        pytest.param(
            "words",
            {"start": 0, "end": 1},
            [("regions[0].value.text", "region 0 (words): missing required key 'text'")],
            id="transcript-without-text",
        ),
    ],
)
def test_invalid_timeline_regions(fails: Any, control: str, value: Any, expected: Any) -> None:
    assert fails(control, value) == expected


def _frame(frame: int, **extra: Any) -> dict[str, Any]:
    return {"frame": frame, "x": 10, "y": 10, "width": 100, "height": 50, **extra}


def test_video_track_valid_with_defaults_filled(check: Any) -> None:
    value = {"label": "car", "frames": [_frame(0), _frame(50, keyframe=False), _frame(99)]}
    [region] = check([{"control": "tracks", "value": value}])
    assert region["value"]["interpolate"] is True
    assert region["value"]["frames"][1] == {
        "frame": 50,
        "x": 10.0,
        "y": 10.0,
        "width": 100.0,
        "height": 50.0,
        "keyframe": False,
        "outside": False,
        "occluded": False,
    }


def test_invalid_video_track(fails: Any) -> None:
    value = {
        "label": "car",
        "frames": [
            _frame(5, keyframe=False),
            _frame(5, keyframe=False),
            _frame(100, keyframe=False, x=600),
            _frame(101, keyframe=False, x=600, outside=True),
        ],
    }
    assert fails("tracks", value) == [
        ("regions[0].value.frames", "region 0 (tracks): a track needs at least one keyframe"),
        (
            "regions[0].value.frames[1].frame",
            "region 0 (tracks): frame 5 does not come after frame 5",
        ),
        (
            "regions[0].value.frames[2].frame",
            "region 0 (tracks): frame 100 is past the last frame 99",
        ),
        (
            "regions[0].value.frames[2]",
            "region 0 (tracks): frame 100 box corner (700, 10) is outside the 640x480 media",
        ),
        (
            "regions[0].value.frames[2]",
            "region 0 (tracks): frame 100 box corner (700, 60) is outside the 640x480 media",
        ),
        (
            "regions[0].value.frames[3].frame",
            "region 0 (tracks): frame 101 is past the last frame 99",
        ),
    ]


def test_video_track_needs_frames(fails: Any) -> None:
    assert fails("tracks", {"label": "car", "frames": []}) == [
        (
            "regions[0].value.frames",
            "region 0 (tracks): frames should have at least 1 item after validation, not 0",
        )
    ]


def test_schema_field_types_for_media_controls(everything: LabelSchema) -> None:
    kinds = {c.name: c.field_types for c in everything.controls if c.field_types is not None}
    assert kinds["objects"] == {"image", "video"}
    assert kinds["sounds"] == {"audio", "video"}
    assert kinds["tracks"] == {"video"}
    assert "sentiment" not in kinds
