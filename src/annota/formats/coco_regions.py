"""Regions of one COCO annotation, and the type checks that name where a value broke.

Kept apart from the reader (:mod:`annota.formats.coco_import`) so the rules for turning one
annotation into regions read on their own: see that module's docstring for the mapping.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from annota.errors import InvalidInput
from annota.formats.coco_categories import CocoCategory
from annota.formats.record import describe_json_type

__all__ = ["Reader", "annotation_regions", "regions_of"]


def regions_of(
    top: Reader, raw: Any, categories: dict[int, CocoCategory], index: int
) -> tuple[int, list[dict[str, Any]]]:
    """The image id of ``annotations[index]`` and its regions, ids and attributes set."""
    plain = _plain_annotation(raw, categories, index)
    if plain is not None:
        return plain
    where = f"annotations[{index}]"
    annotation = top.obj(raw, where)
    image_id = top.integer(annotation.get("image_id"), f"{where}.image_id")
    category_id = top.integer(annotation.get("category_id"), f"{where}.category_id")
    category = categories.get(category_id)
    if category is None:
        raise InvalidInput(
            f"category_id {category_id} is not a category of the file",
            location=f"{top.name}:{where}.category_id",
        )
    built = _plain_box(annotation, category) or list(
        annotation_regions(top, annotation, category, where)
    )
    key = str(top.integer(annotation.get("id", index + 1), f"{where}.id"))
    for part, region in enumerate(built):
        region["id"] = key if part == 0 else f"{key}#{part}"
    if built:
        extra = dict(top.obj(annotation.get("attributes") or {}, f"{where}.attributes"))
        if annotation.get("iscrowd") == 1:
            extra["iscrowd"] = True
        if extra:
            built[0]["attributes"] = extra
    return image_id, built


def _plain_annotation(
    raw: Any, categories: dict[int, CocoCategory], index: int
) -> tuple[int, list[dict[str, Any]]] | None:
    """:func:`regions_of` in one step for a plain box (integer ids, a known category, no
    attributes); ``None`` sends anything else through the checks that locate problems."""
    if type(raw) is not dict:
        return None
    image_id, category_id = raw.get("image_id"), raw.get("category_id")
    key = raw.get("id", index + 1)
    if type(image_id) is not int or type(category_id) is not int or type(key) is not int:
        return None
    category = categories.get(category_id)
    if category is None or raw.get("attributes") or raw.get("iscrowd") == 1:
        return None
    built = _plain_box(raw, category)
    if not built:
        return None
    built[0]["id"] = str(key)
    return image_id, built


def _plain_box(annotation: dict[str, Any], category: CocoCategory) -> list[dict[str, Any]]:
    """The region of a detection-only annotation, built without the general checks.

    Most COCO files are boxes and nothing else; this takes them in one step and leaves
    anything else (a segmentation, keypoints, a score, a value of the wrong type) to
    :func:`annotation_regions`, which checks and locates it. Returns ``[]`` to pass.
    """
    segmentation = annotation.get("segmentation")
    box = annotation.get("bbox")
    if (
        (segmentation is None or (type(segmentation) is list and not segmentation))
        and not annotation.get("keypoints")
        and "score" not in annotation
        and type(box) is list
        and len(box) == 4
        and all(type(v) is float or type(v) is int for v in box)
    ):
        x, y, width, height = box
        value = {"x": x, "y": y, "width": width, "height": height, "label": category.name}
        return [{"control": "bbox", "value": value}]
    return []


def annotation_regions(
    top: Reader, annotation: dict[str, Any], category: CocoCategory, where: str
) -> Iterator[dict[str, Any]]:
    score = annotation.get("score")
    base: dict[str, Any] = {} if score is None else {"score": top.number(score, f"{where}.score")}
    segmentation = annotation.get("segmentation")
    label = category.name
    if isinstance(segmentation, dict):
        rle = _rle(top, segmentation, f"{where}.segmentation")
        yield {"control": "mask", "value": {"rle": rle, "label": label}, **base}
    elif segmentation:
        for ring_index, ring in enumerate(top.array(segmentation, f"{where}.segmentation")):
            ring_where = f"{where}.segmentation[{ring_index}]"
            flat = [
                top.number(v, f"{ring_where}[{i}]")
                for i, v in enumerate(top.array(ring, ring_where))
            ]
            if len(flat) < 6 or len(flat) % 2:
                raise InvalidInput(
                    f"a polygon needs an even number of coordinates, at least 6; got {len(flat)}",
                    location=f"{top.name}:{ring_where}",
                )
            points = [[flat[i], flat[i + 1]] for i in range(0, len(flat), 2)]
            yield {"control": "polygon", "value": {"points": points, "label": label}, **base}
    elif "bbox" in annotation or not annotation.get("keypoints"):
        box = top.array(annotation.get("bbox"), f"{where}.bbox")
        if len(box) != 4:
            raise InvalidInput("bbox needs 4 numbers", location=f"{top.name}:{where}.bbox")
        x, y, width, height = (top.number(v, f"{where}.bbox[{i}]") for i, v in enumerate(box))
        value = {"x": x, "y": y, "width": width, "height": height, "label": label}
        yield {"control": "bbox", "value": value, **base}
    keypoints = annotation.get("keypoints")
    if keypoints:
        named = _points(top, keypoints, category, f"{where}.keypoints")
        if named:
            yield {"control": "keypoints", "value": {"points": named, "label": label}, **base}


def _points(top: Reader, raw: Any, category: CocoCategory, where: str) -> dict[str, list[float]]:
    flat = [top.number(v, f"{where}[{i}]") for i, v in enumerate(top.array(raw, where))]
    count = len(flat) // 3
    names = category.point_names(count)
    if len(flat) % 3 or (category.keypoints and len(flat) != 3 * len(category.keypoints)):
        raise InvalidInput(
            f"expected {3 * len(names)} numbers (x, y, v per point of {category.name!r}), "
            f"got {len(flat)}",
            location=f"{top.name}:{where}",
        )
    points: dict[str, list[float]] = {}
    for index in range(count):
        x, y, visibility = flat[3 * index : 3 * index + 3]
        if visibility not in (0, 1, 2):
            raise InvalidInput(
                f"visibility {visibility:g} is not 0, 1 or 2",
                location=f"{top.name}:{where}[{3 * index + 2}]",
            )
        if visibility:
            points[names[index]] = [x, y, int(visibility)]
    return points


def _rle(top: Reader, raw: dict[str, Any], where: str) -> dict[str, Any]:
    size = top.array(raw.get("size"), f"{where}.size")
    if len(size) != 2:
        raise InvalidInput("size must be [height, width]", location=f"{top.name}:{where}.size")
    height = top.integer(size[0], f"{where}.size[0]", positive=True)
    width = top.integer(size[1], f"{where}.size[1]", positive=True)
    counts = raw.get("counts")
    if isinstance(counts, list):
        counts = [top.integer(v, f"{where}.counts[{i}]") for i, v in enumerate(counts)]
    elif not isinstance(counts, str):
        raise InvalidInput(
            f"counts must be a list or a string, not {describe_json_type(counts)}",
            location=f"{top.name}:{where}.counts",
        )
    return {"size": [height, width], "counts": counts}


class Reader:
    """Type checks on parsed JSON that name the file and the JSON path of a bad value."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _fail(self, what: str, value: Any, where: str) -> InvalidInput:
        location = f"{self.name}:{where}" if where else self.name
        return InvalidInput(f"expected {what}, got {describe_json_type(value)}", location=location)

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self._fail("an object", value, where)
        return value

    def array(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self._fail("an array", value, where)
        return value

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self._fail("a string", value, where)
        return value

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail("a number", value, where)
        return value

    def integer(self, value: Any, where: str, *, positive: bool = False) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail("an integer", value, where)
        if positive and value <= 0:
            raise InvalidInput(f"must be positive, got {value}", location=f"{self.name}:{where}")
        return value
