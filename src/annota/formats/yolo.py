"""YOLO (Ultralytics) label folders: detect, OBB, segment and pose, in normalised coordinates.

A YOLO dataset is a ``data.yaml`` naming the classes and one ``labels/<stem>.txt`` per image,
where ``<stem>`` is the image's file name without folder or extension, as Ultralytics pairs
them. Every number is a fraction of the image width or height, so both directions need the
image size: export takes it from :attr:`AnnotatedItem.media`, import from the caller.

One line per object, class index first:

- ``detect``: ``cls xc yc w h`` from box regions (a rotated box by its upright bounds);
- ``obb``: ``cls x1 y1 .. x4 y4``, the four corners of a box region in drawing order;
- ``segment``: ``cls x1 y1 x2 y2 ...`` from polygon regions;
- ``pose``: ``cls xc yc w h`` then ``px py v`` per point of the keypoints control, the box
  being the box region that shares the keypoints region's id prefix (``"3"``/``"3#kp"``, as
  in the COCO export) or else the bounds of the labelled points.

Class indices are positions in the schema's labels (of the controls the task uses), which
``data.yaml`` lists under ``names``; pose adds ``kpt_shape`` and ``kpt_names``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem, media_size
from annota.formats.coco_geometry import points_box
from annota.schema import KeypointsControl, LabelSchema, MediaInfo
from annota.schema.media import box_corners

__all__ = ["YoloTask", "read_yolo", "write_yolo", "yolo_names"]

YoloTask = Literal["detect", "obb", "segment", "pose"]
_SHAPES: dict[str, str] = {
    "detect": "bbox",
    "obb": "bbox",
    "segment": "polygon",
    "pose": "keypoints",
}


def write_yolo(
    items: Iterable[AnnotatedItem], folder: Path, *, schema: LabelSchema, task: YoloTask
) -> int:
    """Write ``data.yaml`` and one label file per item under ``folder``; return the count.

    Label files are written one item at a time, so an export streams. Images are not copied:
    placing media is the caller's job.

    Raises
    ------
    InvalidInput
        An item has no image size or file name, two items share a file stem, or a region's
        label is not a class of the task.
    """
    kind = _SHAPES[task]
    controls = [c for c in schema.controls if c.type == kind]
    names = list(dict.fromkeys(v for c in controls for v in (c.label_values or [c.name])))
    classes = {name: index for index, name in enumerate(names)}
    points = next((c.points for c in controls if isinstance(c, KeypointsControl)), [])
    labels = folder / "labels"
    labels.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {"path": ".", "train": "images", "val": "images"}
    document["names"] = dict(enumerate(names))
    if task == "pose":
        document.update(kpt_shape=[len(points), 3], kpt_names={0: list(points)})
    (folder / "data.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    stems: set[str] = set()
    count = 0
    for item in items:
        width, height = media_size(item, "YOLO")
        stem = _stem(item, {c.field for c in schema.controls if c.type == kind})
        if stem in stems:
            raise InvalidInput(
                f"another item has the image stem {stem!r}; YOLO pairs labels by stem",
                location=f"item {item.external_id}",
            )
        stems.add(stem)
        lines = _lines(item, task, classes, points, {c.name for c in controls}, (width, height))
        (labels / f"{stem}.txt").write_text("".join(f"{line}\n" for line in lines))
        count += 1
    return count


def _stem(item: AnnotatedItem, fields: set[str | None]) -> str:
    path = next((item.data[f] for f in fields if f is not None and f in item.data), None)
    if not isinstance(path, str) or not Path(path).stem:
        raise InvalidInput(
            "has no image path to name its label file", location=f"item {item.external_id}"
        )
    return Path(path.rsplit("/", 1)[-1]).stem


def _lines(
    item: AnnotatedItem,
    task: str,
    classes: Mapping[str, int],
    points: Sequence[str],
    controls: set[str],
    size: tuple[int, int],
) -> Iterator[str]:
    width, height = size
    boxes = {
        region["id"].partition("#")[0]: region["value"]
        for region in item.regions
        if isinstance(region.get("id"), str) and region["value"].keys() >= {"width", "height"}
    }
    for index, region in enumerate(item.regions):
        if region.get("control") not in controls:
            continue
        value = region["value"]
        label = value.get("label") or region["control"]
        if label not in classes:
            raise InvalidInput(
                f"label {label!r} is not a class of this export",
                location=f"item {item.external_id}: regions[{index}]",
            )
        if task == "segment":
            corners = [(x, y) for x, y in value["points"]]
        elif task == "pose":
            group = region["id"].partition("#")[0] if isinstance(region.get("id"), str) else None
            box = boxes.get(group) if group is not None else None
            corners = _corners(box) if box else []
        else:
            corners = _corners(value)
        numbers: list[float] = []
        if task == "obb" or task == "segment":
            numbers = [c for x, y in corners for c in (x / width, y / height)]
        else:
            if task == "pose" and not corners:
                corners = [(p[0], p[1]) for p in value["points"].values() if p[2] > 0]
            left, top, w, h = points_box(corners)
            numbers = [(left + w / 2) / width, (top + h / 2) / height, w / width, h / height]
        if task == "pose":
            for name in points:
                x, y, v = value["points"].get(name, (0, 0, 0))
                numbers += [x / width, y / height, v] if v > 0 else [0, 0, 0]
        yield " ".join([str(classes[label]), *(f"{n:.6g}" for n in numbers)])


def _corners(value: Mapping[str, Any]) -> list[tuple[float, float]]:
    return box_corners(
        value["x"], value["y"], value["width"], value["height"], value.get("rotation") or 0.0
    )


def read_yolo(
    folder: Path, *, task: YoloTask, sizes: Mapping[str, tuple[int, int]]
) -> Iterator[AnnotatedItem]:
    """Yield one item per label file (sorted by stem), regions in pixels.

    Parameters
    ----------
    folder : Path
        Holds ``data.yaml`` (or ``classes.txt``) and ``labels/*.txt``.
    sizes : mapping
        ``stem -> (width, height)`` of each image; YOLO files do not record it.

    The item's external id and ``image`` field are the stem; controls are ``bbox`` (detect,
    obb and the box of pose), ``polygon`` and ``keypoints``, and keypoint names come from
    ``kpt_names`` or are numbered ``"1"..``.

    Raises
    ------
    InvalidInput
        No class list, a label file without a size, or a bad line; ``location`` is
        ``labels/<stem>.txt:line``.
    """
    names, points = _read_names(folder)
    for path in sorted((folder / "labels").glob("*.txt")):
        where = f"labels/{path.name}"
        if path.stem not in sizes:
            raise InvalidInput("no image size is known for this label file", location=where)
        width, height = sizes[path.stem]
        regions: list[dict[str, Any]] = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                regions += _regions(
                    line, task, names, points, (width, height), f"{where}:{number}", len(regions)
                )
        yield AnnotatedItem(
            path.stem,
            {"image": path.stem},
            regions,
            media=MediaInfo(width=width, height=height),
            location=where,
        )


def yolo_names(folder: Path) -> tuple[list[str], list[str]]:
    """The class names and keypoint names a YOLO dataset folder declares (for a schema)."""
    return _read_names(folder)


def _read_names(folder: Path) -> tuple[list[str], list[str]]:
    data = folder / "data.yaml"
    if not data.exists():
        classes = folder / "classes.txt"
        if not classes.exists():
            raise InvalidInput(
                "no data.yaml or classes.txt names the classes", location=folder.name
            )
        return [line.strip() for line in classes.read_text().splitlines() if line.strip()], []
    document = yaml.safe_load(data.read_text(encoding="utf-8"))
    raw = document.get("names") if isinstance(document, dict) else None
    if isinstance(raw, dict):
        names = [str(raw[key]) for key in sorted(raw)]
    elif isinstance(raw, list):
        names = [str(name) for name in raw]
    else:
        raise InvalidInput(
            "names must be a list or a mapping of index to name", location="data.yaml"
        )
    shape = document.get("kpt_shape") or [0, 3]
    given = (document.get("kpt_names") or {}).get(0) or []
    points = [str(p) for p in given] + [str(i) for i in range(len(given) + 1, int(shape[0]) + 1)]
    return names, points


def _regions(
    line: str,
    task: str,
    names: Sequence[str],
    points: Sequence[str],
    size: tuple[int, int],
    where: str,
    first: int,
) -> list[dict[str, Any]]:
    fields = line.split()
    try:
        index, numbers = int(fields[0]), [float(f) for f in fields[1:]]
    except ValueError:
        raise InvalidInput("expected a class index then numbers", location=where) from None
    if not 0 <= index < len(names):
        raise InvalidInput(f"class {index} is not in 0..{len(names) - 1}", location=where)
    expected = {"detect": 4, "obb": 8, "pose": 4 + 3 * len(points)}.get(task)
    if (expected is not None and len(numbers) != expected) or (
        task == "segment" and (len(numbers) < 6 or len(numbers) % 2)
    ):
        need = expected if expected is not None else "an even number, at least 6,"
        raise InvalidInput(f"expected {need} coordinates, got {len(numbers)}", location=where)
    if any(not math.isfinite(n) for n in numbers):
        raise InvalidInput("coordinates must be finite", location=where)
    width, height = size
    label = names[index]
    xy = [(numbers[i] * width, numbers[i + 1] * height) for i in range(0, len(numbers) - 1, 2)]
    if task == "segment":
        return [{"control": "polygon", "value": {"points": [list(p) for p in xy], "label": label}}]
    if task == "obb":
        (x1, y1), (x2, y2), (_, _), (x4, y4) = xy
        value = {
            "x": x1,
            "y": y1,
            "width": math.hypot(x2 - x1, y2 - y1),
            "height": math.hypot(x4 - x1, y4 - y1),
            "rotation": math.degrees(math.atan2(y2 - y1, x2 - x1)),
            "label": label,
        }
        return [{"control": "bbox", "value": value}]
    xc, yc, w, h = numbers[0] * width, numbers[1] * height, numbers[2] * width, numbers[3] * height
    box = {"x": xc - w / 2, "y": yc - h / 2, "width": w, "height": h, "label": label}
    if task == "detect":
        return [{"control": "bbox", "value": box}]
    named = {
        name: [numbers[4 + 3 * i] * width, numbers[5 + 3 * i] * height, int(numbers[6 + 3 * i])]
        for i, name in enumerate(points)
        if numbers[6 + 3 * i] > 0
    }
    key = str(first)
    return [
        {"id": key, "control": "bbox", "value": box},
        {"id": f"{key}#kp", "control": "keypoints", "value": {"points": named, "label": label}},
    ]
