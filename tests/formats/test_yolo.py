"""YOLO label folders: exact normalised lines, and pixels back on import."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.formats.yolo import read_yolo, write_yolo
from annota.schema import MediaInfo, load_schema

SCHEMA = load_schema(
    """
fields: [{name: image, type: image}]
controls:
  - {name: box, type: bbox, field: image, labels: [car, bus], rotation: true}
  - {name: outline, type: polygon, field: image, labels: [road]}
  - {name: pose, type: keypoints, field: image, points: [nose, tail], labels: [dog]}
"""
)
SIZE = MediaInfo(width=200, height=100)


def item() -> AnnotatedItem:
    return AnnotatedItem(
        "a",
        {"image": "photos/street 1.jpg"},
        [
            {
                "control": "box",
                "value": {"x": 20, "y": 10, "width": 40, "height": 20, "label": "bus"},
            },
            {
                "control": "box",
                "value": {
                    "x": 100,
                    "y": 50,
                    "width": 20,
                    "height": 10,
                    "rotation": 90,
                    "label": "car",
                },
            },
            {
                "control": "outline",
                "value": {"points": [[0, 0], [100, 0], [100, 50]], "label": "road"},
            },
            {
                "id": "d",
                "control": "box",
                "value": {"x": 0, "y": 0, "width": 50, "height": 50, "label": "car"},
            },
            {
                "id": "d#kp",
                "control": "pose",
                "value": {"points": {"tail": [40, 20, 2]}, "label": "dog"},
            },
        ],
        media=SIZE,
    )


def lines(folder: Path) -> list[str]:
    return (folder / "labels" / "street 1.txt").read_text().splitlines()


def test_detect_lines_are_normalised_centres(tmp_path: Path) -> None:
    assert write_yolo([item()], tmp_path, schema=SCHEMA, task="detect") == 1

    assert lines(tmp_path) == ["1 0.2 0.2 0.2 0.2", "0 0.475 0.6 0.05 0.2", "0 0.125 0.25 0.25 0.5"]
    assert yaml.safe_load((tmp_path / "data.yaml").read_text())["names"] == {0: "car", 1: "bus"}


def test_obb_segment_and_pose_lines(tmp_path: Path) -> None:
    write_yolo([item()], tmp_path / "obb", schema=SCHEMA, task="obb")
    write_yolo([item()], tmp_path / "seg", schema=SCHEMA, task="segment")
    write_yolo([item()], tmp_path / "pose", schema=SCHEMA, task="pose")

    assert lines(tmp_path / "obb")[1] == "0 0.5 0.5 0.5 0.7 0.45 0.7 0.45 0.5"
    assert lines(tmp_path / "seg") == ["0 0 0 0.5 0 0.5 0.5"]
    assert lines(tmp_path / "pose") == ["0 0.125 0.25 0.25 0.5 0 0 0 0.2 0.2 2"]
    data = yaml.safe_load((tmp_path / "pose" / "data.yaml").read_text())
    assert (data["kpt_shape"], data["kpt_names"]) == ([2, 3], {0: ["nose", "tail"]})


@pytest.mark.parametrize("task", ["detect", "obb", "segment", "pose"])
def test_export_then_import_gives_the_same_pixels(tmp_path: Path, task: str) -> None:
    write_yolo([item()], tmp_path, schema=SCHEMA, task=task)  # type: ignore[arg-type]

    (back,) = read_yolo(tmp_path, task=task, sizes={"street 1": (200, 100)})  # type: ignore[arg-type]

    assert (back.external_id, back.media) == ("street 1", SIZE)
    values = [r["value"] for r in back.regions]
    if task == "detect":
        assert values[0] == {"x": 20, "y": 10, "width": 40, "height": 20, "label": "bus"}
    elif task == "obb":
        turned = values[1]
        assert [turned[k] for k in ("x", "y", "width", "height", "rotation")] == pytest.approx(
            [100, 50, 20, 10, 90]
        )
    elif task == "segment":
        assert values == [{"points": [[0, 0], [100, 0], [100, 50]], "label": "road"}]
    else:
        assert values[1] == {"points": {"tail": [40, 20, 2]}, "label": "dog"}
        assert back.regions[1]["id"] == back.regions[0]["id"] + "#kp"


def test_bad_label_lines_name_file_and_line(tmp_path: Path) -> None:
    write_yolo([item()], tmp_path, schema=SCHEMA, task="detect")
    (tmp_path / "labels" / "street 1.txt").write_text("0 0.5 0.5 0.1 0.1\n7 0.5 0.5 0.1 0.1\n")
    with pytest.raises(InvalidInput, match=r"class 7 is not in 0..1") as caught:
        list(read_yolo(tmp_path, task="detect", sizes={"street 1": (200, 100)}))
    assert caught.value.location == "labels/street 1.txt:2"

    (tmp_path / "labels" / "street 1.txt").write_text("0 0.5 0.5 0.1\n")
    with pytest.raises(InvalidInput, match="expected 4 coordinates, got 3") as caught:
        list(read_yolo(tmp_path, task="detect", sizes={"street 1": (200, 100)}))
    assert caught.value.location == "labels/street 1.txt:1"

    with pytest.raises(InvalidInput, match="no image size"):
        list(read_yolo(tmp_path, task="detect", sizes={}))


def test_export_needs_sizes_and_known_labels(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="needs the image width and height"):
        write_yolo([AnnotatedItem("x", {"image": "x.jpg"})], tmp_path, schema=SCHEMA, task="detect")
    stray = AnnotatedItem(
        "y",
        {"image": "y.jpg"},
        [{"control": "outline", "value": {"points": [[0, 0], [1, 0], [1, 1]], "label": "lake"}}],
        media=SIZE,
    )
    with pytest.raises(InvalidInput, match="'lake' is not a class") as caught:
        write_yolo([stray], tmp_path, schema=SCHEMA, task="segment")
    assert caught.value.location == "item y: regions[0]"
