"""Keypoint templates expand on load into the dataset's own point names and skeleton."""

from __future__ import annotations

import pytest
from tests.schema.conftest import problems

from annota.errors import ValidationFailed
from annota.schema import load_schema, validate_annotation

# As in COCO's person_keypoints_*.json ("keypoints" and the 1-based "skeleton").
COCO_KEYPOINTS = [
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
]
COCO_SKELETON = [
    [16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [6, 8],
    [7, 9], [8, 10], [9, 11], [2, 3], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7],
]  # fmt: skip

HEAD = "fields:\n  - {name: image, type: image}\ncontrols:\n"


def load(control: str):
    return load_schema(HEAD + control)


def test_coco_person_expands_to_the_coco_points_and_skeleton():
    schema = load("  - {name: pose, type: keypoints, field: image, template: coco_person}\n")
    (pose,) = schema.controls
    assert pose.points == COCO_KEYPOINTS
    expected = {frozenset(COCO_KEYPOINTS[a - 1] for a in bone) for bone in COCO_SKELETON}
    assert {frozenset(bone) for bone in pose.skeleton} == expected
    assert len(pose.skeleton) == len(COCO_SKELETON)
    # what the editor receives: plain points and skeleton, no template left to resolve
    dumped = pose.model_dump(mode="json")
    assert dumped["template"] is None
    assert dumped["points"] == COCO_KEYPOINTS
    assert load_schema(HEAD + "  - " + repr(dumped).replace("None", "null") + "\n")


def test_an_explicit_skeleton_is_kept_with_a_template():
    schema = load(
        "  - {name: pose, type: keypoints, field: image, template: coco_person,\n"
        "     skeleton: [[nose, left_eye]]}\n"
    )
    assert schema.controls[0].skeleton == [("nose", "left_eye")]
    assert len(schema.controls[0].points) == 17


def test_points_with_a_template_is_refused_at_points():
    with pytest.raises(ValidationFailed) as info:
        load(
            "  - {name: pose, type: keypoints, field: image, template: coco_person,\n"
            "     points: [nose]}\n"
        )
    assert problems(info.value) == [
        (
            "controls[0] (pose).points",
            "control 'pose': points are given by template 'coco_person'; leave points out "
            "(or leave the template out and list the points)",
        )
    ]


def test_an_unknown_template_is_refused_at_template():
    with pytest.raises(ValidationFailed) as info:
        load("  - {name: pose, type: keypoints, field: image, template: horse}\n")
    assert ("controls[0] (pose).template", "control 'pose': template should be 'coco_person'") in (
        problems(info.value)
    )


def test_a_skeleton_naming_a_point_outside_the_template_is_refused():
    with pytest.raises(ValidationFailed) as info:
        load(
            "  - {name: pose, type: keypoints, field: image, template: coco_person,\n"
            "     skeleton: [[nose, tail]]}\n"
        )
    assert problems(info.value) == [
        ("controls[0] (pose)", "control 'pose': skeleton names unknown point 'tail'")
    ]


def test_template_points_validate_annotations_by_coco_name():
    schema = load("  - {name: pose, type: keypoints, field: image, template: coco_person}\n")
    value = {"points": {"left_shoulder": [10.0, 20.0, 2], "right_ankle": [5.0, 6.0, 1]}}
    (region,) = validate_annotation([{"control": "pose", "value": value}], schema)
    assert region["value"]["points"] == {
        "left_shoulder": [10.0, 20.0, 2],
        "right_ankle": [5.0, 6.0, 1],
    }
    with pytest.raises(ValidationFailed) as info:
        validate_annotation(
            [{"control": "pose", "value": {"points": {"left_sholder": [1.0, 1.0, 2]}}}], schema
        )
    ((location, message),) = problems(info.value)
    assert location == "regions[0].value.points.left_sholder"
    assert "unknown keypoint 'left_sholder'" in message
