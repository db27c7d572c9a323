"""CVAT for images 1.1 XML export, streamed one ``<image>`` at a time.

The inverse of :mod:`annota.formats.cvat_import` (see its table): boxes (rotation moved back
to CVAT's centre convention), polygons, polylines, keypoints as ``<points>`` (in the control's
point order, labelled points only), masks (COCO RLE cut to the mask's tight box, row-major)
and choices as ``<tag>`` elements. Region attributes ``occluded`` and ``z_order`` become the
shape's XML attributes, the others ``<attribute>`` children (bools as ``true``/``false``).
Scores, region ids and notes have no place in CVAT and are left out; everything else reads
back equal, with coordinates written in Python's shortest exact form (a rotated box within
float rounding, about 1e-12 px).

The ``<meta>`` block declares every label of the schema's image controls and tag controls
(type ``any``) with the attributes of the controls that offer it, so CVAT can create the
task's labels from the file.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem, media_size
from annota.formats.cvat_mask import coco_rle_to_cvat
from annota.schema import AttributeSpec, Control, KeypointsControl, LabelSchema

__all__ = ["write_cvat"]

_SHAPES = {"bbox": "box", "polygon": "polygon", "polyline": "polyline", "keypoints": "points"}
_IMAGE_TYPES = frozenset({*_SHAPES, "mask"})
_XML_ATTRIBUTES = frozenset({"occluded", "z_order"})


def write_cvat(
    items: Iterable[AnnotatedItem],
    out: BinaryIO,
    *,
    schema: LabelSchema,
    tag_controls: Sequence[str] | None = None,
    task_name: str = "annota export",
) -> int:
    """Write one CVAT for images 1.1 XML file; return the number of images.

    Parameters
    ----------
    items : iterable of AnnotatedItem
        Consumed once; each needs ``media`` with its image size and its path in the field the
        image controls mark up. ``meta["cvat"]`` (as an import leaves it) adds image
        attributes such as ``subset``; a decimal external id is kept as the image id when free.
    out : binary file
        Written to, not closed.
    schema : LabelSchema
        Says which regions are shapes; other controls are left out.
    tag_controls : sequence of str, optional
        The ``choices`` controls written as ``<tag>``; default: every choices control.
    task_name : str
        The ``<meta><task><name>``.

    Raises
    ------
    InvalidInput
        An item has no size or path, or a mask is empty or malformed; ``location`` names the
        item and region.
    """
    controls = {c.name: c for c in schema.controls}
    tags = (
        set(tag_controls)
        if tag_controls is not None
        else {c.name for c in schema.controls if c.type == "choices"}
    )
    fields = [c.field for c in schema.controls if c.type in _IMAGE_TYPES and c.field is not None]
    out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n')
    out.write(_meta(schema, tags, task_name))
    used: set[int] = set()
    next_id = 0
    count = 0
    for item in items:
        image_id: int
        if item.external_id.isdecimal() and int(item.external_id) not in used:
            image_id = int(item.external_id)
        else:
            while next_id in used:
                next_id += 1
            image_id = next_id
        used.add(image_id)
        element = _image(item, image_id, fields, controls, tags)
        ET.indent(element, space="  ", level=1)
        out.write(b"  " + ET.tostring(element, encoding="utf-8", xml_declaration=False) + b"\n")
        count += 1
    out.write(b"</annotations>\n")
    return count


def _labels(schema: LabelSchema, tags: set[str]) -> dict[str, list[AttributeSpec]]:
    """Each label of an image or tag control with the attributes its controls declare."""
    labels: dict[str, list[AttributeSpec]] = {}
    for control in schema.controls:
        if control.type in _IMAGE_TYPES:
            values = control.label_values or (
                [control.name] if isinstance(control, KeypointsControl) else []
            )
        elif control.name in tags and control.type == "choices":
            values = [option.value for option in getattr(control, "options", [])]
        else:
            continue
        for value in values:
            specs = labels.setdefault(value, [])
            known = {spec.name for spec in specs}
            specs += [
                spec
                for spec in control.attributes
                if spec.name not in known and spec.name not in _XML_ATTRIBUTES
            ]
    return labels


def _meta(schema: LabelSchema, tags: set[str], task_name: str) -> bytes:
    meta = ET.Element("meta")
    task = ET.SubElement(meta, "task")
    ET.SubElement(task, "name").text = task_name
    ET.SubElement(task, "mode").text = "annotation"
    labels = ET.SubElement(task, "labels")
    for value, specs in _labels(schema, tags).items():
        label = ET.SubElement(labels, "label")
        ET.SubElement(label, "name").text = value
        ET.SubElement(label, "type").text = "any"
        attributes = ET.SubElement(label, "attributes")
        for spec in specs:
            attribute = ET.SubElement(attributes, "attribute")
            input_type, values, default = _declaration(spec)
            ET.SubElement(attribute, "name").text = spec.name
            ET.SubElement(attribute, "mutable").text = "False"
            ET.SubElement(attribute, "input_type").text = input_type
            ET.SubElement(attribute, "default_value").text = default
            ET.SubElement(attribute, "values").text = "\n".join(values)
    ET.indent(meta, space="  ", level=1)
    text: bytes = ET.tostring(meta, encoding="utf-8", xml_declaration=False)
    return b"  " + text + b"\n"


def _declaration(spec: AttributeSpec) -> tuple[str, list[str], str]:
    if spec.type == "enum":
        options = list(spec.options or ())
        return "select", options, options[0]
    if spec.type == "bool":
        return "checkbox", ["false"], "false"
    if spec.type == "number":
        low = spec.min if spec.min is not None else -1e9
        high = spec.max if spec.max is not None else 1e9
        return "number", [_num(low), _num(high), "1"], _num(low)
    return "text", [], ""


def _image(
    item: AnnotatedItem,
    image_id: int,
    fields: list[str],
    controls: dict[str, Control],
    tags: set[str],
) -> ET.Element:
    width, height = media_size(item, "CVAT")
    path = next((item.data[f] for f in fields if isinstance(item.data.get(f), str)), None)
    if path is None:
        raise InvalidInput(
            "has no image path in the field the image controls mark up",
            location=f"item {item.external_id}",
        )
    extra = item.meta.get("cvat")
    attrib = {k: str(v) for k, v in extra.items()} if isinstance(extra, dict) else {}
    attrib.update(id=str(image_id), name=path, width=str(width), height=str(height))
    image = ET.Element("image", attrib)
    for index, region in enumerate(item.regions):
        control = controls.get(region.get("control", ""))
        if control is None:
            continue
        where = f"item {item.external_id}: regions[{index}]"
        if control.type == "choices" and control.name in tags:
            for choice in region["value"]["choices"]:
                tag = ET.SubElement(image, "tag", {"label": choice, "source": "manual"})
                _children(tag, region.get("attributes") or {})
        elif control.type in _IMAGE_TYPES:
            _shape(image, region, control, where)
    return image


def _shape(image: ET.Element, region: dict[str, Any], control: Control, where: str) -> None:
    value = region["value"]
    attributes = region.get("attributes") or {}
    label = value.get("label") or control.name
    attrib = {"label": str(label), "source": "manual"}
    attrib["occluded"] = "1" if attributes.get("occluded") else "0"
    if control.type == "bbox":
        attrib.update(_box(value))
    elif control.type in ("polygon", "polyline"):
        attrib["points"] = ";".join(f"{_num(x)},{_num(y)}" for x, y in value["points"])
    elif control.type == "keypoints":
        order = list(getattr(control, "points", []))
        points = value["points"]
        names = [n for n in order if n in points] + [n for n in points if n not in order]
        attrib["points"] = ";".join(
            f"{_num(points[n][0])},{_num(points[n][1])}" for n in names if points[n][2] > 0
        )
        if not attrib["points"]:
            return
    else:
        try:
            converted = coco_rle_to_cvat(value["rle"])
        except ValueError as exc:
            raise InvalidInput(str(exc), location=where) from None
        if converted is None:
            raise InvalidInput("the mask is empty; CVAT cannot store it", location=where)
        runs, (left, top, width, height) = converted
        attrib.update(
            rle=", ".join(str(run) for run in runs),
            left=str(left),
            top=str(top),
            width=str(width),
            height=str(height),
        )
    attrib["z_order"] = str(int(attributes.get("z_order") or 0))
    kind = "mask" if control.type == "mask" else _SHAPES[control.type]
    _children(ET.SubElement(image, kind, attrib), attributes)


def _box(value: dict[str, Any]) -> dict[str, str]:
    x, y, width, height = value["x"], value["y"], value["width"], value["height"]
    rotation = value.get("rotation") or 0.0
    if rotation:
        theta = math.radians(rotation)
        cos, sin = math.cos(theta), math.sin(theta)
        cx = x + width / 2 * cos - height / 2 * sin
        cy = y + width / 2 * sin + height / 2 * cos
        x, y = cx - width / 2, cy - height / 2
    box = {"xtl": _num(x), "ytl": _num(y), "xbr": _num(x + width), "ybr": _num(y + height)}
    if rotation:
        box["rotation"] = _num(rotation)
    return box


def _children(element: ET.Element, attributes: dict[str, Any]) -> None:
    for key, value in attributes.items():
        if key in _XML_ATTRIBUTES:
            continue
        child = ET.SubElement(element, "attribute", {"name": key})
        if isinstance(value, bool):
            child.text = "true" if value else "false"
        elif isinstance(value, int | float):
            child.text = _num(value)
        else:
            child.text = str(value)


def _num(value: float) -> str:
    """Shortest text that reads back as the same float; integers without ``.0``."""
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
