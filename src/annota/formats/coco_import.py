"""COCO import: a COCO JSON file as items with regions, its categories and a schema for them.

A COCO file is one JSON document whose annotations refer to images by id. It is read as a
stream in a few passes (ijson's C parser) and never held whole: categories first (the file's
head, or one pass when they come last), then the images, whose order and ids are kept, then
the annotations, whose regions go to a temporary spool keyed by their image's position
(:mod:`annota.formats.coco_spool`), then the items, image by image with their regions.
Memory holds the categories and one number per image, not the boxes. Every image becomes an
item, annotated or not, so nothing is silently dropped. Each annotation becomes regions of
the controls ``bbox``, ``polygon``, ``mask`` and ``keypoints`` over the field ``image``
(:mod:`annota.formats.coco_regions`):

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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import ijson
import orjson

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.formats.coco_categories import CocoCategory
from annota.formats.coco_regions import Reader, regions_of
from annota.formats.coco_spool import AnnotationSpool, LineSpool
from annota.schema import LabelSchema, MediaInfo, load_schema

__all__ = ["CocoDataset", "CocoFile", "coco_schema", "read_coco"]

_IMAGE_FIELD = "image"
_RESERVED_IMAGE_KEYS = ("id", "file_name", "width", "height")
#: How ijson names the first event of a value, in the words of an error message.
_EVENT_TYPES = {
    "start_map": "an object",
    "start_array": "an array",
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}
#: A value of the kind ijson's first event names, for the same error as a parsed value.
_SCALARS: dict[str, Any] = {"string": "", "number": 0, "boolean": False, "null": None}


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


class CocoFile:
    """A COCO file opened for streaming: categories and a region summary up front, items on
    demand, as often as needed.

    Opening reads the file in passes (see the module docstring) and checks all of it, so a
    bad value anywhere is refused before anything is imported; the images and regions wait
    in temporary files until :meth:`close` (or the end of a ``with`` block).

    Raises
    ------
    InvalidInput
        The file is not JSON, or a part of it is missing or of the wrong type, or refers to an
        unknown image or category; ``location`` is ``name:json.path`` such as
        ``instances.json:annotations[3].bbox``.
    """

    def __init__(self, path: Path, *, name: str | None = None) -> None:
        self.path = path
        self.name = name if name is not None else path.name
        self._top = Reader(self.name)
        self._images = LineSpool()
        self._regions = AnnotationSpool()
        self.summary = RegionSummary()
        self._image_count = 0
        positions: dict[int, int] = {}  # image id -> position: one number per image
        try:
            head = self._head(positions)
            self.categories = self._categories(head)
            self._read_images(head, positions)
            self._read_annotations(head, positions)
        except ijson.JSONError as exc:
            self.close()
            raise InvalidInput(f"not valid JSON: {exc}", location=self.name) from None
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> CocoFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Delete the temporary files."""
        self._images.close()
        self._regions.close()

    def items(self) -> Iterator[AnnotatedItem]:
        """One item per image in file order, with the regions of all its annotations."""
        groups = self._regions.groups()
        pending = next(groups, None)
        for position, (image_id, file_name, width, height, extra) in enumerate(self._images):
            regions: list[dict[str, Any]] = []
            if pending is not None and pending[0] == position:
                regions = pending[1]
                pending = next(groups, None)
            yield AnnotatedItem(
                external_id=str(image_id),
                data={_IMAGE_FIELD: file_name},
                regions=regions,
                meta={"coco": extra} if extra else {},
                media=MediaInfo(width=width, height=height),
                location=f"{self.name}:images[{position}]",
            )

    def schema(self) -> LabelSchema:
        """The schema an import into a new project needs (see :func:`coco_schema`)."""
        return _schema(self.categories, self.summary)

    def _head(self, positions: dict[int, int]) -> dict[str, Any]:
        """The kinds of the top-level values up to ``annotations``; early categories and
        images are read on the way.

        Reading stops at the start of ``annotations``: what comes before it is usually the
        small part of the file (info, licenses, categories, images). Images met here are
        spooled at once (``kinds["images_read"]``), which spares a pass over the file.
        """
        kinds: dict[str, Any] = {}
        key: str | None = None
        builder: ijson.ObjectBuilder | None = None
        in_images = False
        with self.path.open("rb") as fh:
            for prefix, event, value in ijson.parse(fh, use_float=True):
                if in_images:
                    if builder is not None:
                        builder.event(event, value)
                        if prefix == "images.item" and event in ("end_map", "end_array"):
                            self._add_image(self._image_count, builder.value, positions)
                            builder = None
                    elif prefix == "images.item":
                        if event in ("start_map", "start_array"):
                            builder = ijson.ObjectBuilder()
                            builder.event(event, value)
                        else:  # a scalar where an image should be
                            self._add_image(self._image_count, value, positions)
                    elif prefix == "images" and event == "end_array":
                        in_images = False
                        kinds["images_read"] = True
                    continue
                if builder is not None:
                    builder.event(event, value)
                    if prefix == "categories" and event in ("end_array", "end_map"):
                        kinds["categories_value"] = builder.value
                        builder = None
                    continue
                if prefix == "" and event == "map_key":
                    key = value
                elif prefix == "" and event == "start_map":
                    continue
                elif prefix == "" and event != "end_map":
                    raise InvalidInput(
                        f"expected an object, got {_EVENT_TYPES.get(event, event)}",
                        location=self.name,
                    )
                elif key is not None and prefix == key and key not in kinds:
                    kinds[key] = event
                    if key == "annotations":
                        break
                    if key == "categories" and event in ("start_array", "start_map"):
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                    elif key == "images" and event == "start_array":
                        in_images = True
        return kinds

    def _categories(self, head: dict[str, Any]) -> list[CocoCategory]:
        if "categories_value" in head:
            raw = head["categories_value"]
        elif "categories" in head:  # a scalar where the array should be
            raw = _SCALARS.get(head["categories"])
        else:
            with self.path.open("rb") as fh:  # stops as soon as the array is read
                raw = next(ijson.items(fh, "categories", use_float=True), None)
        top = self._top
        return [
            _category(top, entry, f"categories[{i}]")
            for i, entry in enumerate(top.array(raw, "categories"))
        ]

    def _read_images(self, head: dict[str, Any], positions: dict[int, int]) -> None:
        """Spool the images, unless the head read them; note each id's first position."""
        kind = head.get("images")
        if kind is not None and kind != "start_array":
            raise InvalidInput(
                f"expected an array, got {_EVENT_TYPES.get(kind, kind)}",
                location=f"{self.name}:images",
            )
        if not head.get("images_read"):
            with self.path.open("rb") as fh:
                for index, raw in enumerate(ijson.items(fh, "images.item", use_float=True)):
                    self._add_image(index, raw, positions)
        if not self._image_count and kind is None:
            raise InvalidInput("the file has no 'images' array", location=f"{self.name}:images")

    def _add_image(self, index: int, raw: Any, positions: dict[int, int]) -> None:
        top = self._top
        where = f"images[{index}]"
        image = top.obj(raw, where)
        image_id = top.integer(image.get("id"), f"{where}.id")
        width = top.integer(image.get("width"), f"{where}.width", positive=True)
        height = top.integer(image.get("height"), f"{where}.height", positive=True)
        file_name = top.string(image.get("file_name"), f"{where}.file_name")
        extra = {k: v for k, v in image.items() if k not in _RESERVED_IMAGE_KEYS}
        self._images.write([image_id, file_name, width, height, extra or None])
        positions.setdefault(image_id, index)
        self._image_count += 1

    def _read_annotations(self, head: dict[str, Any], positions: dict[int, int]) -> None:
        kind = head.get("annotations")
        if kind not in (None, "start_array", "null"):
            raise InvalidInput(
                f"expected an array, got {_EVENT_TYPES.get(kind, kind)}",
                location=f"{self.name}:annotations",
            )
        by_id = {category.id: category for category in self.categories}
        top = self._top
        with self.path.open("rb") as fh:
            for index, raw in enumerate(ijson.items(fh, "annotations.item", use_float=True)):
                image_id, regions = regions_of(top, raw, by_id, index)
                position = positions.get(image_id)
                if position is None:
                    raise InvalidInput(
                        f"image_id {image_id} is not an image of the file",
                        location=f"{self.name}:annotations[{index}].image_id",
                    )
                if not regions:
                    continue
                self.summary.add(regions)
                try:
                    self._regions.add(position, regions)
                except orjson.JSONEncodeError:
                    raise InvalidInput(
                        "a number is too large", location=f"{self.name}:annotations[{index}]"
                    ) from None


def read_coco(path: Path, *, name: str | None = None) -> CocoDataset:
    """Read a whole COCO detection, segmentation or keypoints file into memory.

    For files that fit in memory (tests, round trips, exports that reproduce ``info`` and
    ``licenses``); an import streams with :class:`CocoFile` instead.

    Raises
    ------
    InvalidInput
        As :class:`CocoFile`; also for ``info`` that is not an object or ``licenses`` that
        is not an array of objects.
    """
    with CocoFile(path, name=name) as coco:
        items = list(coco.items())
        top = coco._top
        try:
            info = _first(path, "info")
            licenses = _first(path, "licenses")
        except ijson.JSONError as exc:
            raise InvalidInput(f"not valid JSON: {exc}", location=coco.name) from None
        return CocoDataset(
            items,
            coco.categories,
            top.obj(info, "info") if info is not None else {},
            [
                top.obj(entry, f"licenses[{i}]")
                for i, entry in enumerate(top.array(licenses, "licenses"))
            ]
            if licenses is not None
            else [],
        )


def _first(path: Path, key: str) -> Any:
    """The top-level value ``key``, reading no further than its end."""
    with path.open("rb") as fh:
        return next(ijson.items(fh, key, use_float=True), None)


@dataclass
class RegionSummary:
    """What schema inference needs to know of a file's regions, gathered while streaming.

    Attributes
    ----------
    attributes : dict
        Per control kind (``bbox``, ``polygon``...), each attribute name and the JSON kinds
        of its values (``"bool"``, ``"number"``, ``"text"``).
    points : list of str
        Keypoint names in order of first appearance.
    """

    attributes: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    points: list[str] = field(default_factory=list)

    def add(self, regions: Iterable[dict[str, Any]]) -> None:
        """Count the kinds, attributes and point names of some regions."""
        for region in regions:
            kind = region["control"]
            seen = self.attributes.setdefault(kind, {})
            for name, value in (region.get("attributes") or {}).items():
                seen.setdefault(name, set()).add(_value_kind(value))
            if kind == "keypoints":
                self.points += [p for p in region["value"]["points"] if p not in self.points]


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "text"


def coco_schema(dataset: CocoDataset) -> LabelSchema:
    """Infer the schema an import needs: one control per kind of region the file holds.

    Every control offers every category, so a polygon of any category validates. A bone of
    the skeleton that names no declared point (some tools number from 0) is left out of the
    schema; the category keeps it verbatim for export.
    """
    summary = RegionSummary()
    for item in dataset.items:
        summary.add(item.regions)
    return _schema(dataset.categories, summary)


def _schema(categories: list[CocoCategory], summary: RegionSummary) -> LabelSchema:
    labels = [category.name for category in categories]
    controls: list[dict[str, Any]] = []
    for kind in ("bbox", "polygon", "mask", "keypoints"):
        if kind not in summary.attributes:
            continue
        control: dict[str, Any] = {"name": kind, "type": kind, "field": _IMAGE_FIELD}
        control["labels"] = labels
        control["attributes"] = [
            {"name": name, "type": next(iter(kinds)) if len(kinds) == 1 else "text"}
            for name, kinds in sorted(summary.attributes[kind].items())
        ]
        if kind == "keypoints":
            category = next(c for c in categories if c.keypoints is not None)
            names = category.point_names(len(summary.points))
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


def _category(top: Reader, raw: Any, where: str) -> CocoCategory:
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


def _bone(top: Reader, raw: Any, where: str) -> tuple[int, int]:
    pair = top.array(raw, where)
    if len(pair) != 2:
        raise InvalidInput("a bone joins exactly 2 points", location=f"{top.name}:{where}")
    return top.integer(pair[0], f"{where}[0]"), top.integer(pair[1], f"{where}[1]")
