"""COCO export: detection boxes, polygon and RLE segmentation, and keypoints in one JSON file.

The file streams: images are written as items arrive while annotations are spooled to a
temporary file (memory first, disk past a few megabytes) and appended at the end, so an export
of any size holds one item in memory, plus the set of ids already used.

One COCO annotation may combine several Annota regions (a person's box, outline and
keypoints). Regions belong to the same annotation when their ids share the part before ``#``
(``"17"``, ``"17#1"``, ``"17#keypoints"``); a region without an id is an annotation of its
own. Each annotation is then built as follows (the normalisation an import-export round trip
shows):

- ``bbox`` is the box region's box when there is one; otherwise the bounds of the polygons,
  of the mask's pixels (as ``maskUtils.toBbox``) or of the labelled keypoints. A rotated box
  becomes its four corners as a polygon and their bounds as ``bbox``.
- ``area`` is the segmentation's (shoelace sum, or pixel count for RLE), else the box's.
- ``iscrowd`` is 1 when a region carries the attribute ``iscrowd: true``; the other
  attributes are written under ``attributes``, as CVAT and Datumaro do.
- ``keypoints`` follow the category's point order; missing points are ``0, 0, 0``, and a
  category with points gets all-zero keypoints when no keypoints region is present.
- Ids: an item id or region id that is a decimal integer is kept as the image or annotation
  id unless already taken; everything else is numbered from 1, skipping taken ids.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, BinaryIO

import orjson

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem, media_size
from annota.formats.coco_categories import (
    COCO_CONTROL_TYPES,
    CocoCategory,
    categories_from_schema,
    category_by_name,
)
from annota.formats.coco_geometry import Box, points_box, polygon_area, rle_box_and_area
from annota.schema import LabelSchema
from annota.schema.media import box_corners

__all__ = ["write_coco"]

_SPOOL_BYTES = 8 * 1024 * 1024


class _Ids:
    """Hands out unique integer ids, keeping a preferred one when it is still free.

    The ids in use are a contiguous run ``1 .. _low - 1`` plus a set of the others: files
    usually number images and annotations 1, 2, 3..., so the set stays empty and memory
    stays flat however many boxes are written (a plain set cost ~70 bytes a box).
    """

    def __init__(self) -> None:
        self._low = 1
        self._extra: set[int] = set()

    def _used(self, number: int) -> bool:
        return 1 <= number < self._low or number in self._extra

    def _use(self, number: int) -> int:
        if number == self._low:
            self._low += 1
            while self._low in self._extra:
                self._extra.remove(self._low)
                self._low += 1
        else:
            self._extra.add(number)
        return number

    def take(self, preferred: str | None) -> int:
        if preferred is not None and preferred.isdecimal() and str(int(preferred)) == preferred:
            number = int(preferred)
            if not self._used(number):
                return self._use(number)
        number = self._low
        while number in self._extra:
            number += 1
        return self._use(number)


def write_coco(
    items: Iterable[AnnotatedItem],
    out: BinaryIO,
    *,
    schema: LabelSchema,
    categories: Sequence[CocoCategory] | None = None,
    info: Mapping[str, Any] | None = None,
    licenses: Sequence[Mapping[str, Any]] | None = None,
) -> int:
    """Write one COCO JSON file for ``items``; return the number of images written.

    Parameters
    ----------
    items : iterable of AnnotatedItem
        Consumed once. Each needs ``media`` with the image width and height; the image's
        ``file_name`` is the value of the field the schema's image controls mark up, and
        ``meta["coco"]`` (as an import leaves it) adds keys such as ``license``.
    out : binary file
        Written to, not closed.
    schema : LabelSchema
        Says which regions are boxes, polygons, masks and keypoints; others are left out.
    categories : sequence of CocoCategory, optional
        Defaults to :func:`categories_from_schema`; pass an import's categories to keep its ids.
    info, licenses : optional
        Written verbatim; empty when not given.

    Raises
    ------
    InvalidInput
        An item has no image size or no file name, or a region's label is not a category,
        or regions grouped into one annotation disagree on the category; ``location`` names
        the item and region.
    """
    kinds = {c.name: c.type for c in schema.controls if c.type in COCO_CONTROL_TYPES}
    fields = {c.field for c in schema.controls if c.type in COCO_CONTROL_TYPES}
    cats = list(categories) if categories is not None else categories_from_schema(schema)
    builder = _AnnotationBuilder(kinds, category_by_name(cats))
    out.write(b'{"info":' + orjson.dumps(dict(info or {})))
    out.write(b',"licenses":' + orjson.dumps([dict(entry) for entry in licenses or ()]))
    out.write(b',"categories":' + orjson.dumps([category.to_json() for category in cats]))
    out.write(b',"images":[')
    image_ids = _Ids()
    count = spooled = 0
    with tempfile.SpooledTemporaryFile(_SPOOL_BYTES) as spool:
        for item in items:
            image = _image(item, image_ids.take(item.external_id), fields)
            out.write(b"," if count else b"")
            out.write(orjson.dumps(image))
            count += 1
            for annotation in builder.annotations(item, image["id"]):
                spool.write(b"," if spooled else b"")
                spool.write(orjson.dumps(annotation))
                spooled += 1
        out.write(b'],"annotations":[')
        spool.seek(0)
        shutil.copyfileobj(spool, out)
    out.write(b"]}")
    return count


def _image(item: AnnotatedItem, image_id: int, fields: set[str | None]) -> dict[str, Any]:
    width, height = media_size(item, "COCO")
    file_name = next((item.data[f] for f in fields if f is not None and f in item.data), None)
    if not isinstance(file_name, str):
        raise InvalidInput(
            "has no image path in the field the image controls mark up",
            location=f"item {item.external_id}",
        )
    extra = item.meta.get("coco")
    image: dict[str, Any] = dict(extra) if isinstance(extra, dict) else {}
    image.update(id=image_id, file_name=file_name, width=width, height=height)
    return image


class _AnnotationBuilder:
    """Turns one item's regions into COCO annotations, numbering them across the file."""

    def __init__(self, kinds: Mapping[str, str], categories: Mapping[str, CocoCategory]) -> None:
        self._kinds = kinds
        self._categories = categories
        self._ids = _Ids()

    def annotations(self, item: AnnotatedItem, image_id: int) -> list[dict[str, Any]]:
        groups: dict[str, list[int]] = {}
        for index, region in enumerate(item.regions):
            if self._kinds.get(region.get("control", "")) is None:
                continue
            region_id = region.get("id")
            key = region_id.partition("#")[0] if isinstance(region_id, str) else f"#{index}"
            groups.setdefault(key, []).append(index)
        built = []
        for key, indices in groups.items():
            annotation = self._annotation(item, indices, image_id)
            annotation["id"] = self._ids.take(None if key.startswith("#") else key)
            built.append(annotation)
        return built

    def _annotation(self, item: AnnotatedItem, indices: list[int], image_id: int) -> dict[str, Any]:
        category: CocoCategory | None = None
        polygons: list[list[float]] = []
        parts: dict[str, Any] = {"attributes": {}, "iscrowd": 0}
        for index in indices:
            region = item.regions[index]
            location = f"item {item.external_id}: regions[{index}]"
            kind = self._kinds[region["control"]]
            value = region.get("value") or {}
            name = value.get("label") or (region["control"] if kind == "keypoints" else None)
            found = self._categories.get(name) if isinstance(name, str) else None
            if found is None:
                raise InvalidInput(f"label {name!r} is not a COCO category", location=location)
            if category is not None and found.id != category.id:
                raise InvalidInput(
                    f"label {found.name!r} differs from {category.name!r} in the same "
                    "annotation (regions sharing an id prefix form one COCO annotation)",
                    location=location,
                )
            category = found
            self._add(kind, value, parts, polygons, found, location)
            attributes = dict(region.get("attributes") or {})
            if attributes.pop("iscrowd", False) is True:
                parts["iscrowd"] = 1
            parts["attributes"].update(attributes)
            if isinstance(region.get("score"), float | int):
                parts["score"] = region["score"]
        assert category is not None  # every group holds at least one region
        return _assemble(parts, polygons, category, image_id)

    @staticmethod
    def _add(
        kind: str,
        value: Mapping[str, Any],
        parts: dict[str, Any],
        polygons: list[list[float]],
        category: CocoCategory,
        location: str,
    ) -> None:
        if kind == "bbox":
            corners = box_corners(
                value["x"], value["y"], value["width"], value["height"], value.get("rotation") or 0
            )
            if value.get("rotation"):
                polygons.append([coordinate for corner in corners for coordinate in corner])
                parts["bbox"] = points_box(corners)
            else:
                parts["bbox"] = [value["x"], value["y"], value["width"], value["height"]]
        elif kind == "polygon":
            polygons.append([coordinate for point in value["points"] for coordinate in point])
        elif kind == "mask":
            if "rle" in parts:
                raise InvalidInput("two masks in one COCO annotation", location=location)
            parts["rle"] = {"size": list(value["rle"]["size"]), "counts": value["rle"]["counts"]}
        else:
            parts["keypoints"] = _keypoints(value["points"], category, location)


def _keypoints(
    points: Mapping[str, Sequence[float]], category: CocoCategory, location: str
) -> list[float]:
    names = category.point_names(0)
    if not names:
        numbered = [int(name) for name in points if name.isdecimal()]
        names = category.point_names(max(numbered, default=0))
    flat: list[float] = [0] * (3 * len(names))
    for name, (x, y, visibility) in points.items():
        if name not in names:
            raise InvalidInput(
                f"keypoint {name!r} is not a point of category {category.name!r}",
                location=location,
            )
        if visibility > 0:
            position = 3 * names.index(name)
            flat[position : position + 3] = [x, y, int(visibility)]
    return flat


def _assemble(
    parts: dict[str, Any], polygons: list[list[float]], category: CocoCategory, image_id: int
) -> dict[str, Any]:
    segmentation: list[list[float]] | dict[str, Any] = polygons
    box: Box | None = parts.get("bbox")
    rle = parts.get("rle")
    area: float = 0.0
    if rle is not None:
        segmentation = rle
        rle_bbox, pixels = rle_box_and_area(rle["size"][0], rle["counts"])
        box, area = box or rle_bbox, pixels
    elif polygons:
        rings = [list(zip(ring[0::2], ring[1::2], strict=True)) for ring in polygons]
        area = sum((polygon_area(ring) for ring in rings), 0.0)
        box = box or points_box([point for ring in rings for point in ring])
    keypoints = parts.get("keypoints")
    if keypoints is None and category.keypoints:
        keypoints = [0] * (3 * len(category.keypoints))
    if box is None:
        flat = keypoints or []
        box = points_box([flat[i : i + 2] for i in range(0, len(flat), 3) if flat[i + 2]])
    if rle is None and not polygons:
        area = box[2] * box[3]
    annotation: dict[str, Any] = {
        "image_id": image_id,
        "category_id": category.id,
        "segmentation": segmentation,
        "area": area,
        "bbox": box,
        "iscrowd": parts["iscrowd"],
    }
    if keypoints is not None:
        annotation["keypoints"] = keypoints
        annotation["num_keypoints"] = sum(1 for v in keypoints[2::3] if v > 0)
    if parts["attributes"]:
        annotation["attributes"] = parts["attributes"]
    if "score" in parts:
        annotation["score"] = parts["score"]
    return annotation
