"""Pascal VOC XML: one ``<annotation>`` file per image with its upright boxes.

Coordinates are written as pixel edges, ``xmin = x`` and ``xmax = x + width``, the way
LabelImg and CVAT write them; import reads them back the same way, so a round trip is exact.
A rotated box is written as its upright bounds (VOC has no angle). Only box regions are
exported; ``difficult``, ``truncated`` and ``occluded`` travel as region attributes when the
control declares them.

Parsing untrusted XML: a document type declaration (the carrier of entity expansion and
external-entity attacks) is refused outright before parsing; ``defusedxml`` is used as well
when it is installed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, BinaryIO

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem, media_size
from annota.formats.coco_geometry import points_box
from annota.schema import MediaInfo
from annota.schema.media import box_corners

try:
    from defusedxml.ElementTree import fromstring as _fromstring
except ImportError:  # optional: the DOCTYPE refusal below already blocks entity attacks
    from xml.etree.ElementTree import fromstring as _fromstring  # type: ignore[assignment]

__all__ = ["read_voc", "write_voc"]

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FLAGS = ("truncated", "difficult", "occluded")


def write_voc(item: AnnotatedItem, out: BinaryIO, *, control: str, field: str = "image") -> int:
    """Write the VOC file of one item's ``control`` boxes; return how many objects it holds.

    Raises
    ------
    InvalidInput
        The item has no image size or no file name in ``field``.
    """
    width, height = media_size(item, "Pascal VOC")
    path = item.data.get(field)
    if not isinstance(path, str):
        raise InvalidInput(
            f"has no image path in field {field!r}", location=f"item {item.external_id}"
        )
    root = ET.Element("annotation")
    folder, _, name = path.rpartition("/")
    ET.SubElement(root, "folder").text = folder
    ET.SubElement(root, "filename").text = name
    size = ET.SubElement(root, "size")
    for key, pixels in (("width", width), ("height", height), ("depth", 3)):
        ET.SubElement(size, key).text = str(pixels)
    ET.SubElement(root, "segmented").text = "0"
    count = 0
    for region in item.regions:
        if region.get("control") != control:
            continue
        value = region["value"]
        corners = box_corners(
            value["x"], value["y"], value["width"], value["height"], value.get("rotation") or 0.0
        )
        left, top, w, h = points_box(corners)
        obj = ET.SubElement(root, "object")
        ET.SubElement(obj, "name").text = str(value.get("label"))
        ET.SubElement(obj, "pose").text = "Unspecified"
        attributes = region.get("attributes") or {}
        for flag in _FLAGS:
            if flag in attributes or flag != "occluded":
                ET.SubElement(obj, flag).text = "1" if attributes.get(flag) else "0"
        box = ET.SubElement(obj, "bndbox")
        for key, number in (("xmin", left), ("ymin", top), ("xmax", left + w), ("ymax", top + h)):
            ET.SubElement(box, key).text = f"{number:g}"
        count += 1
    ET.indent(root)
    out.write(ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n")
    return count


def read_voc(data: bytes, *, name: str, control: str = "bbox") -> AnnotatedItem:
    """Read one VOC file into an item whose external id and ``image`` are its file name.

    Raises
    ------
    InvalidInput
        The XML has a DOCTYPE or ENTITY, does not parse, or lacks a size, a name or a number;
        ``location`` is ``name:<element path>`` such as ``a.xml:object[1]/bndbox/xmax``.
    """
    if _DOCTYPE.search(data):
        raise InvalidInput("XML with a DOCTYPE or ENTITY declaration is refused", location=name)
    try:
        root = _fromstring(data)
    except ET.ParseError as exc:
        raise InvalidInput(f"not well-formed XML: {exc}", location=name) from None
    if root.tag != "annotation":
        raise InvalidInput(f"root element is <{root.tag}>, not <annotation>", location=name)
    width = int(_number(root, "size/width", name))
    height = int(_number(root, "size/height", name))
    filename = _text(root, "filename", name)
    regions: list[dict[str, Any]] = []
    for index, obj in enumerate(root.findall("object")):
        where = f"object[{index}]"
        xmin, ymin, xmax, ymax = (
            _number(obj, f"bndbox/{k}", name, where) for k in ("xmin", "ymin", "xmax", "ymax")
        )
        if xmax <= xmin or ymax <= ymin:
            raise InvalidInput("bndbox has no area (max <= min)", location=f"{name}:{where}/bndbox")
        label = _text(obj, "name", name, where)
        value = {"x": xmin, "y": ymin, "width": xmax - xmin, "height": ymax - ymin, "label": label}
        region: dict[str, Any] = {"control": control, "value": value}
        flags = {f: True for f in _FLAGS if (obj.findtext(f) or "0").strip() == "1"}
        if flags:
            region["attributes"] = flags
        regions.append(region)
    return AnnotatedItem(
        filename,
        {"image": filename},
        regions,
        media=MediaInfo(width=width, height=height),
        location=name,
    )


def _text(element: ET.Element, path: str, name: str, where: str = "") -> str:
    text = element.findtext(path)
    if text is None or not text.strip():
        location = f"{name}:{where}/{path}" if where else f"{name}:{path}"
        raise InvalidInput(f"<{path.rsplit('/', 1)[-1]}> is missing or empty", location=location)
    return text.strip()


def _number(element: ET.Element, path: str, name: str, where: str = "") -> float:
    text = _text(element, path, name, where)
    try:
        return float(text)
    except ValueError:
        location = f"{name}:{where}/{path}" if where else f"{name}:{path}"
        raise InvalidInput(f"{text!r} is not a number", location=location) from None
