"""CVAT for images 1.1 XML import: labels, images and their shapes as Annota regions.

Format reference: https://docs.cvat.ai/docs/other/xml_format/ (version 1.1, "Annotation"
section) and CVAT's own reader and writer, ``cvat/apps/dataset_manager/formats/cvat.py``.

Each ``<image id name width height>`` becomes an item (external id = ``id``, field
``image`` = ``name``, other attributes such as ``subset`` kept in ``meta["cvat"]``); its
shapes become regions of fixed controls:

==============  ===========  =====================================================
CVAT element    control      value
==============  ===========  =====================================================
``<box>``       ``bbox``     CVAT rotates about the box centre, Annota about the
                             top-left corner: the corner is moved accordingly
``<polygon>``   ``polygon``  ``points="x,y;x,y;..."``
``<polyline>``  ``polyline`` same
``<points>``    ``points``   a keypoints region, points numbered ``"1".."N"``,
                             visibility 2
``<mask>``      ``mask``     CVAT's cropped row-major runs become COCO RLE of the
                             whole image (:mod:`annota.formats.cvat_mask`)
``<tag>``       ``tags``     all tags of an image form one multiple-choice region
==============  ===========  =====================================================

``occluded="1"`` becomes the attribute ``occluded: true`` and a non-zero ``z_order`` the
attribute ``z_order``; ``<attribute>`` children become attributes typed by the label's
declaration (checkbox as bool, number as float, others as text). Not kept (the documented
normalisation of a round trip): ``source``, ``group_id``, shape ids, and the rest of the
task meta. ``<ellipse>``, ``<cuboid>`` and ``<skeleton>`` have no Annota equivalent yet and are
refused with their line, as are video ``<track>`` elements.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.formats.cvat_mask import cvat_rle_to_coco
from annota.formats.cvat_xml import XmlElement, iter_cvat_elements
from annota.schema import MediaInfo

__all__ = ["CONTROL_OF_SHAPE", "CvatAttribute", "CvatDataset", "CvatLabel", "read_cvat"]

#: The control each CVAT element's regions belong to, and that control's type.
CONTROL_OF_SHAPE: dict[str, tuple[str, str]] = {
    "box": ("bbox", "bbox"),
    "polygon": ("polygon", "polygon"),
    "polyline": ("polyline", "polyline"),
    "points": ("points", "keypoints"),
    "mask": ("mask", "mask"),
    "tag": ("tags", "choices"),
}
_UNSUPPORTED = ("ellipse", "cuboid", "skeleton")
_IMAGE_FIELD = "image"
_IMAGE_KEYS = ("id", "name", "width", "height")


@dataclass(frozen=True, slots=True)
class CvatAttribute:
    """One attribute a CVAT label declares.

    Attributes
    ----------
    name : str
    input_type : str
        ``select``, ``radio``, ``checkbox``, ``number`` or ``text``.
    values : tuple of str
        Options of ``select``/``radio``; ``(min, max, step)`` of ``number``; the default of
        ``checkbox``.
    default : str
    mutable : bool
    """

    name: str
    input_type: str
    values: tuple[str, ...] = ()
    default: str = ""
    mutable: bool = False


@dataclass(frozen=True, slots=True)
class CvatLabel:
    """One label of the task, with its CVAT shape type (``any`` when unrestricted)."""

    name: str
    type: str = "any"
    color: str | None = None
    attributes: tuple[CvatAttribute, ...] = ()


@dataclass(frozen=True, slots=True)
class CvatDataset:
    """A CVAT for images file: its labels (read eagerly) and its items (streamed on demand).

    Call :meth:`items` as often as needed; each call parses the file again, one image at a
    time, so memory never holds more than one image's shapes.
    """

    path: Path
    name: str
    version: str
    labels: list[CvatLabel]

    def items(self) -> Iterator[AnnotatedItem]:
        """Yield one item per ``<image>``, in file order.

        Raises
        ------
        InvalidInput
            A shape or image is malformed; ``location`` is ``name:line: <element>.attribute``.
        """
        attributes = {label.name: {a.name: a for a in label.attributes} for label in self.labels}
        for element in iter_cvat_elements(self.path, name=self.name):
            if element.tag == "image":
                yield _item(element, self.name, attributes)


def read_cvat(path: Path, *, name: str | None = None) -> CvatDataset:
    """Open a CVAT for images 1.1 XML file: read its version and labels, check the root.

    Only ``<meta>`` is read here (it comes before the images); :meth:`CvatDataset.items`
    streams the images. A file without ``<meta>`` has no declared labels; the labels used by
    its shapes still reach the schema through :func:`cvat_schema`.

    Raises
    ------
    InvalidInput
        Not well-formed XML, a DOCTYPE, a root other than ``<annotations>``, a version other
        than 1.x, or video tracks before the first image; ``location`` is ``name:line``.
    """
    display = name if name is not None else path.name
    version = "1.1"
    labels: list[CvatLabel] = []
    for element in iter_cvat_elements(path, name=display):
        if element.tag == "version":
            version = element.text.strip()
            if not version.startswith("1."):
                raise InvalidInput(
                    f"CVAT XML version {version!r} is not supported; use 1.1",
                    location=f"{display}:{element.line}",
                )
        elif element.tag == "meta":
            labels = _labels(element)
        else:
            break
    return CvatDataset(path, display, version, labels)


def _labels(meta: XmlElement) -> list[CvatLabel]:
    """Labels of ``meta/task``, ``meta/project`` or ``meta/job``, whichever the file has."""
    labels: list[CvatLabel] = []
    seen: set[str] = set()
    for owner in meta.children:
        container = owner.find("labels")
        for entry in container.children if container is not None else ():
            label_name = entry.findtext("name")
            if entry.tag != "label" or not label_name or label_name in seen:
                continue
            seen.add(label_name)
            block = entry.find("attributes")
            attributes = tuple(
                CvatAttribute(
                    name=attr.findtext("name"),
                    input_type=attr.findtext("input_type", "text").lower(),
                    values=tuple(v for v in attr.findtext("values").split("\n") if v != ""),
                    default=attr.findtext("default_value"),
                    mutable=attr.findtext("mutable").lower() == "true",
                )
                for attr in (block.children if block is not None else ())
                if attr.tag == "attribute" and attr.findtext("name")
            )
            color = entry.findtext("color") or None
            labels.append(
                CvatLabel(label_name, entry.findtext("type", "any") or "any", color, attributes)
            )
    return labels


class _Where:
    """Builds ``file:line: <tag>.attr`` locations and reads typed XML attributes."""

    def __init__(self, name: str, element: XmlElement) -> None:
        self.name = name
        self.element = element

    def at(self, attribute: str = "") -> str:
        suffix = f".{attribute}" if attribute else ""
        return f"{self.name}:{self.element.line}: <{self.element.tag}>{suffix}"

    def text(self, attribute: str) -> str:
        value = self.element.attrib.get(attribute)
        if value is None or not value.strip():
            raise InvalidInput(f"attribute {attribute!r} is missing", location=self.at(attribute))
        return value.strip()

    def number(self, attribute: str, default: str | None = None) -> float:
        raw = self.element.attrib.get(attribute, default)
        try:
            value = float(raw) if raw is not None else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            got = "missing" if raw is None else f"{raw!r}, not a finite number"
            raise InvalidInput(f"{attribute} is {got}", location=self.at(attribute))
        return value

    def integer(self, attribute: str) -> int:
        value = self.number(attribute)
        if not value.is_integer():
            raise InvalidInput(f"{attribute} must be a whole number", location=self.at(attribute))
        return int(value)

    def points(self, minimum: int) -> list[list[float]]:
        raw = self.text("points")
        points = []
        for pair in raw.split(";"):
            x, comma, y = pair.partition(",")
            try:
                point = [float(x), float(y)]
            except ValueError:
                point = []
            if not comma or len(point) != 2 or not all(math.isfinite(v) for v in point):
                raise InvalidInput(f"{pair!r} is not a point x,y", location=self.at("points"))
            points.append(point)
        if len(points) < minimum:
            raise InvalidInput(
                f"needs at least {minimum} points, has {len(points)}", location=self.at("points")
            )
        return points


def _item(
    image: XmlElement, name: str, declared: dict[str, dict[str, CvatAttribute]]
) -> AnnotatedItem:
    where = _Where(name, image)
    width, height = where.integer("width"), where.integer("height")
    if width <= 0 or height <= 0:
        raise InvalidInput(f"image size {width}x{height} has no area", location=where.at())
    extra = {key: value for key, value in image.attrib.items() if key not in _IMAGE_KEYS}
    regions: list[dict[str, Any]] = []
    tags: dict[str, Any] | None = None
    for shape in image.children:
        shape_where = _Where(name, shape)
        if shape.tag in _UNSUPPORTED:
            raise InvalidInput(f"<{shape.tag}> shapes are not supported", location=shape_where.at())
        if shape.tag not in CONTROL_OF_SHAPE:
            continue
        label = shape_where.text("label")
        attributes = _attributes(shape, shape_where, declared.get(label, {}))
        if shape.tag == "tag":
            if tags is None:
                tags = {"control": "tags", "value": {"choices": []}}
                regions.append(tags)
            if label not in tags["value"]["choices"]:
                tags["value"]["choices"].append(label)
            if attributes:
                tags.setdefault("attributes", {}).update(attributes)
            continue
        value = _value(shape, shape_where, label, (width, height))
        region: dict[str, Any] = {"control": CONTROL_OF_SHAPE[shape.tag][0], "value": value}
        if attributes:
            region["attributes"] = attributes
        regions.append(region)
    return AnnotatedItem(
        external_id=where.text("id"),
        data={_IMAGE_FIELD: where.text("name")},
        regions=regions,
        meta={"cvat": extra} if extra else {},
        media=MediaInfo(width=width, height=height),
        location=f"{name}:{image.line}",
    )


def _value(shape: XmlElement, where: _Where, label: str, image: tuple[int, int]) -> dict[str, Any]:
    if shape.tag == "box":
        return _box(where, label)
    if shape.tag in ("polygon", "polyline"):
        return {"points": where.points(3 if shape.tag == "polygon" else 2), "label": label}
    if shape.tag == "points":
        named = {str(i): [x, y, 2] for i, (x, y) in enumerate(where.points(1), 1)}
        return {"points": named, "label": label}
    box = tuple(where.integer(key) for key in ("left", "top", "width", "height"))
    try:
        runs = [int(run) for run in where.text("rle").split(",")]
    except ValueError:
        raise InvalidInput(
            "rle must be integers separated by commas", location=where.at("rle")
        ) from None
    try:
        rle = cvat_rle_to_coco(runs, box, image)  # type: ignore[arg-type]  # 4-tuple by build
    except ValueError as exc:
        raise InvalidInput(str(exc), location=where.at("rle")) from None
    return {"rle": rle, "label": label}


def _box(where: _Where, label: str) -> dict[str, Any]:
    xtl, ytl, xbr, ybr = (where.number(key) for key in ("xtl", "ytl", "xbr", "ybr"))
    width, height = xbr - xtl, ybr - ytl
    if width <= 0 or height <= 0:
        raise InvalidInput("the box has no area (xbr <= xtl or ybr <= ytl)", location=where.at())
    rotation = where.number("rotation", "0")
    if not rotation:
        return {"x": xtl, "y": ytl, "width": width, "height": height, "label": label}
    theta = math.radians(rotation)
    cos, sin = math.cos(theta), math.sin(theta)
    cx, cy = (xtl + xbr) / 2, (ytl + ybr) / 2
    x = cx - width / 2 * cos + height / 2 * sin
    y = cy - width / 2 * sin - height / 2 * cos
    value = {"x": x, "y": y, "width": width, "height": height, "rotation": rotation}
    return {**value, "label": label}


def _attributes(
    shape: XmlElement, where: _Where, declared: dict[str, CvatAttribute]
) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    if shape.attrib.get("occluded", "0").strip() == "1":
        attributes["occluded"] = True
    if shape.tag != "tag" and where.number("z_order", "0"):
        attributes["z_order"] = int(where.integer("z_order"))
    for child in shape.children:
        if child.tag != "attribute":
            continue
        key = child.attrib.get("name", "").strip()
        if not key:
            raise InvalidInput(
                "<attribute> has no name", location=f"{where.name}:{child.line}: <attribute>"
            )
        attributes[key] = _typed(child, declared.get(key), where.name)
    return attributes


def _typed(child: XmlElement, spec: CvatAttribute | None, name: str) -> Any:
    text = child.text.strip()
    kind = spec.input_type if spec is not None else "text"
    if kind == "checkbox":
        return text.lower() == "true"
    if kind == "number":
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise InvalidInput(
                f"attribute {child.attrib['name']!r} is {text!r}, not a number",
                location=f"{name}:{child.line}: <attribute>",
            )
        return value
    return text
