"""COCO import: a COCO JSON file as items with regions, its categories and a schema for them.

A COCO file is one JSON document whose annotations refer to images by id, so it is parsed
whole (orjson, a few hundred bytes per annotation) and grouped per image; every image becomes
an item, annotated or not, so nothing is silently dropped. Each annotation becomes regions of
the controls ``bbox``, ``polygon``, ``mask`` and ``keypoints`` over the field ``image``:

- a segmentation becomes one ``polygon`` region per ring, or one ``mask`` region (RLE,
  compressed or not, kept as it is); its ``bbox`` and ``area`` are left to be derived again
  on export (see :mod:`annota.formats.coco_export`). Without a segmentation the ``bbox``
  becomes a ``bbox`` region (keypoint results may have neither).
- ``keypoints`` become a ``keypoints`` region with the points whose visibility is not 0.
- The regions of one annotation get the ids ``"<id>"``, ``"<id>#1"``, ... so an export joins
  them again; ``iscrowd: 1`` and the ``attributes`` object become region attributes (on the
  first region), ``score`` the region score.
- The image's id becomes the item's external id, ``file_name`` the field ``image``, and its
  other keys (``license``, ``coco_url``...) ``meta["coco"]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.formats.coco_categories import CocoCategory
from annota.formats.record import describe_json_type
from annota.schema import LabelSchema, MediaInfo, load_schema

__all__ = ["CocoDataset", "coco_schema", "read_coco"]

_IMAGE_FIELD = "image"
_RESERVED_IMAGE_KEYS = ("id", "file_name", "width", "height")


@dataclass(frozen=True, slots=True)
class CocoDataset:
    """What a COCO file holds besides its items, kept so an export can reproduce it.

    Attributes
    ----------
    items : list of AnnotatedItem
        One per image, in file order.
    categories : list of CocoCategory
        In file order, ids as in the file.
    info : dict
    licenses : list of dict
    """

    items: list[AnnotatedItem]
    categories: list[CocoCategory]
    info: dict[str, Any]
    licenses: list[dict[str, Any]]


def read_coco(path: Path, *, name: str | None = None) -> CocoDataset:
    """Read a COCO detection, segmentation or keypoints file.

    Raises
    ------
    InvalidInput
        The file is not JSON, or a part of it is missing or of the wrong type, or refers to an
        unknown image or category; ``location`` is ``name:json.path`` such as
        ``instances.json:annotations[3].bbox``.
    """
    display = name if name is not None else path.name
    try:
        document = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"not valid JSON: {exc}", location=display) from None
    top = _Reader(display)
    root = top.obj(document, "")
    categories = [
        _category(top, entry, f"categories[{i}]")
        for i, entry in enumerate(top.array(root.get("categories"), "categories"))
    ]
    by_id = {category.id: category for category in categories}
    regions = _regions_by_image(top, root, by_id)
    items = []
    for index, raw in enumerate(top.array(root.get("images"), "images")):
        where = f"images[{index}]"
        image = top.obj(raw, where)
        image_id = top.integer(image.get("id"), f"{where}.id")
        width = top.integer(image.get("width"), f"{where}.width", positive=True)
        height = top.integer(image.get("height"), f"{where}.height", positive=True)
        file_name = top.string(image.get("file_name"), f"{where}.file_name")
        extra = {key: value for key, value in image.items() if key not in _RESERVED_IMAGE_KEYS}
        items.append(
            AnnotatedItem(
                external_id=str(image_id),
                data={_IMAGE_FIELD: file_name},
                regions=regions.pop(image_id, []),
                meta={"coco": extra} if extra else {},
                media=MediaInfo(width=width, height=height),
                location=f"{display}:{where}",
            )
        )
    if regions:
        orphan = min(regions)
        raise InvalidInput(f"image_id {orphan} is not an image of the file", location=display)
    info = root.get("info")
    licenses = root.get("licenses")
    return CocoDataset(
        items,
        categories,
        top.obj(info, "info") if info is not None else {},
        [
            top.obj(entry, f"licenses[{i}]")
            for i, entry in enumerate(top.array(licenses, "licenses"))
        ]
        if licenses is not None
        else [],
    )


def coco_schema(dataset: CocoDataset) -> LabelSchema:
    """Infer the schema an import needs: one control per kind of region the file holds.

    Every control offers every category, so a polygon of any category validates. A bone of
    the skeleton that names no declared point (some tools number from 0) is left out of the
    schema; the category keeps it verbatim for export.
    """
    kinds: dict[str, set[str]] = {}
    points: list[str] = []
    for item in dataset.items:
        for region in item.regions:
            attributes = kinds.setdefault(region["control"], set())
            attributes.update(region.get("attributes") or {})
            if region["control"] == "keypoints":
                points += [p for p in region["value"]["points"] if p not in points]
    labels = [category.name for category in dataset.categories]
    controls: list[dict[str, Any]] = []
    for kind in ("bbox", "polygon", "mask", "keypoints"):
        if kind not in kinds:
            continue
        control: dict[str, Any] = {"name": kind, "type": kind, "field": _IMAGE_FIELD}
        control["labels"] = labels
        control["attributes"] = [_attribute(dataset, kind, a) for a in sorted(kinds[kind])]
        if kind == "keypoints":
            category = next(c for c in dataset.categories if c.keypoints is not None)
            names = category.point_names(len(points))
            control["points"] = names
            control["skeleton"] = [
                [names[a - 1], names[b - 1]]
                for a, b in category.skeleton or ()
                if 0 < a <= len(names) and 0 < b <= len(names) and a != b
            ]
        controls.append(control)
    if not controls:
        controls.append({"name": "bbox", "type": "bbox", "field": _IMAGE_FIELD, "labels": labels})
    return load_schema({"fields": [{"name": _IMAGE_FIELD, "type": "image"}], "controls": controls})


def _attribute(dataset: CocoDataset, kind: str, name: str) -> dict[str, Any]:
    values = [
        region["attributes"][name]
        for item in dataset.items
        for region in item.regions
        if region["control"] == kind and name in (region.get("attributes") or {})
    ]
    if all(isinstance(value, bool) for value in values):
        return {"name": name, "type": "bool"}
    if all(isinstance(value, int | float) and not isinstance(value, bool) for value in values):
        return {"name": name, "type": "number"}
    return {"name": name, "type": "text"}


def _category(top: _Reader, raw: Any, where: str) -> CocoCategory:
    entry = top.obj(raw, where)
    keypoints = entry.get("keypoints")
    skeleton = entry.get("skeleton")
    return CocoCategory(
        id=top.integer(entry.get("id"), f"{where}.id"),
        name=top.string(entry.get("name"), f"{where}.name"),
        supercategory=str(entry.get("supercategory") or ""),
        keypoints=tuple(
            top.string(p, f"{where}.keypoints[{i}]")
            for i, p in enumerate(top.array(keypoints, f"{where}.keypoints"))
        )
        if keypoints is not None
        else None,
        skeleton=tuple(_bone(top, b, f"{where}.skeleton[{i}]") for i, b in enumerate(skeleton))
        if isinstance(skeleton, list)
        else None,
    )


def _bone(top: _Reader, raw: Any, where: str) -> tuple[int, int]:
    pair = top.array(raw, where)
    if len(pair) != 2:
        raise InvalidInput("a bone joins exactly 2 points", location=f"{top.name}:{where}")
    return top.integer(pair[0], f"{where}[0]"), top.integer(pair[1], f"{where}[1]")


def _regions_by_image(
    top: _Reader, root: dict[str, Any], categories: dict[int, CocoCategory]
) -> dict[int, list[dict[str, Any]]]:
    regions: dict[int, list[dict[str, Any]]] = {}
    for index, raw in enumerate(top.array(root.get("annotations", []), "annotations")):
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
        built = list(_annotation_regions(top, annotation, category, where))
        key = str(top.integer(annotation.get("id", index + 1), f"{where}.id"))
        for part, region in enumerate(built):
            region["id"] = key if part == 0 else f"{key}#{part}"
        if built:
            extra = dict(top.obj(annotation.get("attributes") or {}, f"{where}.attributes"))
            if annotation.get("iscrowd") == 1:
                extra["iscrowd"] = True
            if extra:
                built[0]["attributes"] = extra
        regions.setdefault(image_id, []).extend(built)
    return regions


def _annotation_regions(
    top: _Reader, annotation: dict[str, Any], category: CocoCategory, where: str
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


def _points(top: _Reader, raw: Any, category: CocoCategory, where: str) -> dict[str, list[float]]:
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


def _rle(top: _Reader, raw: dict[str, Any], where: str) -> dict[str, Any]:
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


class _Reader:
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
