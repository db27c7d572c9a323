"""Label Studio ``result`` entries as Annota regions, for the schema its XML config gives.

Each result names its control by ``from_name`` (the control's name in the schema built by
:func:`annota.schema.from_label_studio_xml`) and carries a ``value`` whose shape depends on
``type``. The conversions, and the normalisation they imply:

- ``choices``, ``taxonomy`` (``paths``), ``rating``, ``number``: copied; ``textarea``'s list
  of lines is joined with newlines.
- ``labels`` on text: ``start``/``end`` are JavaScript string offsets, i.e. UTF-16 code
  units, converted to code points (an emoji counts 2 in Label Studio, 1 here). When the
  result's ``text`` matches the code-point reading but not the UTF-16 one (files produced by
  Python scripts), the offsets are taken as code points. ``labels`` on audio or video are
  segments in seconds. A result with several labels becomes one region per label, ids
  ``<id>``, ``<id>#1``...
- ``rectanglelabels``, ``polygonlabels``, ``keypointlabels``: percentages of
  ``original_width``/``original_height`` become pixels; rotation is about the top-left
  corner in both tools. Keypoint results (one point each) of one control are gathered into
  one region per instance: a new region starts when a point name repeats.
- ``brushlabels``: Label Studio's RGBA RLE is decoded (:mod:`annota.formats.ls_brush`) into
  COCO RLE; the ``format: "rle"`` form only.
- ``relation``: ``from_id``/``to_id`` become the relations control's ``from``/``to``
  (swapped for ``direction: "left"``).

The result ``id`` becomes the region id and ``score`` the region score.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import Any

from annota.errors import InvalidInput
from annota.formats.ls_brush import brush_to_coco
from annota.schema import Control, LabelSchema

__all__ = ["convert_results"]

_LABEL_KEYS = {
    "spans": "labels",
    "segments": "labels",
    "bbox": "rectanglelabels",
    "polygon": "polygonlabels",
    "keypoints": "keypointlabels",
    "mask": "brushlabels",
}


def convert_results(
    results: Any, schema: LabelSchema, data: Mapping[str, Any], location: str
) -> list[dict[str, Any]]:
    """Convert one annotation's (or prediction's) ``result`` list into regions.

    Raises
    ------
    InvalidInput
        A result names no control of the schema, lacks a value the conversion needs, or has
        offsets that fall inside a character; ``location`` is
        ``<location>.result[<i>]<.key>``.
    """
    if not isinstance(results, list):
        raise InvalidInput("result must be a list", location=f"{location}.result")
    controls = {control.name: control for control in schema.controls}
    relations = next((c.name for c in schema.controls if c.type == "relations"), None)
    regions: list[dict[str, Any]] = []
    open_points: dict[str, dict[str, Any]] = {}
    for index, result in enumerate(results):
        where = f"{location}.result[{index}]"
        if not isinstance(result, dict):
            raise InvalidInput("a result must be an object", location=where)
        if result.get("type") == "relation":
            regions.append(_relation(result, relations, where))
            continue
        control = controls.get(str(result.get("from_name")))
        if control is None:
            raise InvalidInput(
                f"from_name {result.get('from_name')!r} names no control of the config",
                location=f"{where}.from_name",
            )
        value = result.get("value")
        if not isinstance(value, dict):
            raise InvalidInput("value must be an object", location=f"{where}.value")
        base: dict[str, Any] = {}
        if result.get("id") is not None:
            base["id"] = str(result["id"])
        if isinstance(result.get("score"), int | float):
            base["score"] = float(result["score"])
        if control.type == "keypoints":
            _add_point(regions, open_points, control, result, value, base, where)
            continue
        for part, converted in enumerate(_values(control, result, value, data, where)):
            region = {"control": control.name, "value": converted, **base}
            if part and "id" in region:
                region["id"] = f"{region['id']}#{part}"
            regions.append(region)
    return regions


def _values(
    control: Control,
    result: dict[str, Any],
    value: dict[str, Any],
    data: Mapping[str, Any],
    where: str,
) -> list[dict[str, Any]]:
    kind = control.type
    if kind == "choices":
        return [{"choices": _list(value, "choices", where)}]
    if kind == "taxonomy":
        return [{"paths": _list(value, "taxonomy", where)}]
    if kind == "textarea":
        lines = value.get("text")
        text = "\n".join(str(line) for line in lines) if isinstance(lines, list) else lines
        return [{"text": _typed(text, str, "text", where)}]
    if kind == "rating":
        return [{"rating": _typed(value.get("rating"), int, "rating", where)}]
    if kind == "number":
        return [{"number": float(_typed(value.get("number"), float, "number", where))}]
    labels = _list(value, _LABEL_KEYS.get(kind, "labels"), where) or [None]
    if kind == "spans":
        start, end = _span(control, value, data, where)
        shape: dict[str, Any] = {"start": start, "end": end}
    elif kind == "segments":
        start_s = _typed(value.get("start"), float, "start", where)
        shape = {"start": start_s, "end": _typed(value.get("end"), float, "end", where)}
    elif kind in ("bbox", "polygon", "mask"):
        shape = _image_shape(kind, result, value, where)
    else:
        raise InvalidInput(f"results for a {kind} control are not supported", location=where)
    return [{**shape, "label": label} if label is not None else dict(shape) for label in labels]


def _image_shape(
    kind: str, result: dict[str, Any], value: dict[str, Any], where: str
) -> dict[str, Any]:
    width, height = (
        _typed(result.get(key), int, key, where, at="")
        for key in ("original_width", "original_height")
    )
    if kind == "bbox":
        x, y, w, h = (
            _typed(value.get(key), float, key, where) for key in ("x", "y", "width", "height")
        )
        box = {"x": x * width / 100, "y": y * height / 100}
        box.update(width=w * width / 100, height=h * height / 100)
        if value.get("rotation"):
            box["rotation"] = float(_typed(value["rotation"], float, "rotation", where))
        return box
    if kind == "polygon":
        points = _list(value, "points", where)
        try:
            return {"points": [[px * width / 100, py * height / 100] for px, py in points]}
        except (TypeError, ValueError):
            raise InvalidInput(
                "points must be [x, y] percentages", location=f"{where}.value.points"
            ) from None
    if value.get("format") != "rle":
        raise InvalidInput(
            f"brush format {value.get('format')!r} is not supported; export with RLE",
            location=f"{where}.value.format",
        )
    try:
        return {"rle": brush_to_coco(_list(value, "rle", where), width, height)}
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"brush RLE: {exc}", location=f"{where}.value.rle") from None


def _add_point(
    regions: list[dict[str, Any]],
    open_points: dict[str, dict[str, Any]],
    control: Control,
    result: dict[str, Any],
    value: dict[str, Any],
    base: dict[str, Any],
    where: str,
) -> None:
    width, height = (
        _typed(result.get(key), int, key, where, at="")
        for key in ("original_width", "original_height")
    )
    names = _list(value, "keypointlabels", where)
    if len(names) != 1:
        raise InvalidInput("a keypoint needs exactly one label", location=f"{where}.value")
    x, y = (_typed(value.get(key), float, key, where) for key in ("x", "y"))
    current = open_points.get(control.name)
    if current is None or names[0] in current["value"]["points"]:
        current = {"control": control.name, "value": {"points": {}}, **base}
        open_points[control.name] = current
        regions.append(current)
    current["value"]["points"][names[0]] = [x * width / 100, y * height / 100, 2]


def _relation(result: dict[str, Any], control: str | None, where: str) -> dict[str, Any]:
    if control is None:
        raise InvalidInput("a relation, but the config has no <Relations>", location=where)
    source, target = (
        str(_typed(result.get(k), str, k, where, at="")) for k in ("from_id", "to_id")
    )
    if result.get("direction") == "left":
        source, target = target, source
    value: dict[str, Any] = {"from": source, "to": target}
    labels = result.get("labels")
    if isinstance(labels, list) and labels:
        value["label"] = str(labels[0])
    return {"control": control, "value": value}


def _span(
    control: Control, value: dict[str, Any], data: Mapping[str, Any], where: str
) -> tuple[int, int]:
    text = data.get(str(control.field))
    if not isinstance(text, str):
        raise InvalidInput(f"the task has no text in {control.field!r}", location=where)
    start = _typed(value.get("start"), int, "start", where)
    end = _typed(value.get("end"), int, "end", where)
    quoted = value.get("text")
    converted = _code_points(text, start), _code_points(text, end)
    if converted[0] is None or converted[1] is None:
        if isinstance(quoted, str) and text[start:end] == quoted:
            return start, end
        raise InvalidInput(
            f"offsets {start}-{end} fall inside a character (UTF-16 surrogate pair)",
            location=f"{where}.value.start",
        )
    if (
        isinstance(quoted, str)
        and text[converted[0] : converted[1]] != quoted
        and text[start:end] == quoted
    ):
        return start, end
    return converted[0], converted[1]


def _code_points(text: str, offset: int) -> int | None:
    """The code-point index of a UTF-16 offset, or ``None`` inside a surrogate pair."""
    if text.isascii() or all(ord(char) < 0x10000 for char in text):
        return offset
    positions = [0]
    for char in text:
        positions.append(positions[-1] + (2 if ord(char) > 0xFFFF else 1))
    index = bisect_left(positions, offset)
    return index if index < len(positions) and positions[index] == offset else None


def _list(value: dict[str, Any], key: str, where: str) -> list[Any]:
    found = value.get(key)
    if found is None:
        return []
    if not isinstance(found, list):
        raise InvalidInput(f"{key} must be a list", location=f"{where}.value.{key}")
    return found


def _typed(raw: Any, kind: type, key: str, where: str, *, at: str = "value.") -> Any:
    number = kind in (int, float)
    ok = isinstance(raw, int | float) if kind is float else isinstance(raw, kind)
    if number and isinstance(raw, bool):
        ok = False
    if kind is int and isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if not ok:
        wanted = {int: "an integer", float: "a number", str: "text"}.get(kind, kind.__name__)
        raise InvalidInput(f"{key} must be {wanted}", location=f"{where}.{at}{key}")
    return raw
