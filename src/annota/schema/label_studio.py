"""Importing a Label Studio labeling config (its XML) as a :class:`LabelSchema`.

Label Studio describes a project as XML: object tags show data (``<Text name="t"
value="$text"/>``) and control tags label them (``<Labels name="ner" toName="t">``). Here
each object becomes a data field named after its ``$variable`` (the key in the task data,
so imported tasks fit unchanged) and each control becomes the matching control pointing at
that field. Layout tags (``View``, ``Header``, ``Style``) are skipped; anything this module
cannot translate faithfully is reported rather than dropped, so an import never silently
loses a question.

The config comes from users, so it is parsed without ``defusedxml`` (not installed) by
first refusing any ``<!DOCTYPE`` or ``<!ENTITY``: with no document type there are no
entities, which rules out external-entity reads (XXE) and entity expansion bombs. A ``str``
is parsed as Unicode whatever its XML declaration says, so the check cannot be dodged with
another encoding.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from annota.errors import ValidationFailed
from annota.schema.document import load_schema
from annota.schema.fields import FieldType
from annota.schema.label_schema import LabelSchema
from annota.schema.messages import Problem, failure

__all__ = ["from_label_studio_xml"]

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

_OBJECTS = {
    "Text": FieldType.TEXT,
    "HyperText": FieldType.TEXT,
    "Image": FieldType.IMAGE,
    "Audio": FieldType.AUDIO,
    "AudioPlus": FieldType.AUDIO,
    "Video": FieldType.VIDEO,
    "Table": FieldType.TABLE,
}
_LAYOUT = frozenset({"View", "Header", "Style", "Collapse", "Panel", "Filter"})
#: Children that belong to the control around them.
_ITEMS = frozenset({"Label", "Choice", "Relation"})


@dataclass(frozen=True)
class _Tag:
    """A control tag with the field its ``toName`` resolves to."""

    element: ET.Element
    field: str | None
    field_type: FieldType | None

    @property
    def where(self) -> str:
        return f'<{self.element.tag} name="{self.element.get("name", "")}">'

    def common(self, control_type: str) -> dict[str, Any]:
        control: dict[str, Any] = {"name": self.element.get("name"), "type": control_type}
        if self.field is not None:
            control["field"] = self.field
        if self.element.get("required") == "true":
            control["required"] = True
        return control


def from_label_studio_xml(xml: str) -> LabelSchema:
    """Translate a Label Studio labeling config into a schema.

    Object tags ``Text``, ``HyperText``, ``Image``, ``Audio``, ``AudioPlus``, ``Video`` and
    ``Table`` become fields; ``Choices``, ``Labels`` (spans on text, segments on audio or
    video), ``RectangleLabels``, ``PolygonLabels``, ``KeyPointLabels`` (one named point per
    label), ``BrushLabels``, ``TextArea``, ``Rating``, ``Number``, ``Taxonomy`` and
    ``Relations`` become controls.

    Raises
    ------
    ValidationFailed
        For a DOCTYPE or ENTITY declaration, XML that does not parse, a tag that cannot be
        translated, a ``toName`` naming no object, or a resulting schema that is invalid;
        each problem located by its tag, e.g. ``<Choices name="sentiment">``.

    Examples
    --------
    >>> schema = from_label_studio_xml('''
    ... <View>
    ...   <Text name="review" value="$text"/>
    ...   <Choices name="sentiment" toName="review" choice="single">
    ...     <Choice value="positive"/><Choice value="negative"/>
    ...   </Choices>
    ... </View>''')
    >>> schema.field("text").type, schema.control("sentiment").field
    (<FieldType.TEXT: 'text'>, 'text')
    """
    declaration = _DECLARATION.search(xml)
    if declaration:
        line = xml.count("\n", 0, declaration.start()) + 1
        raise ValidationFailed(
            "DOCTYPE and ENTITY declarations are not allowed in a labeling config",
            location=f"line {line}",
        )
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ValidationFailed(
            f"not well-formed XML: {exc}", location=f"line {line}, column {column + 1}"
        ) from None
    problems: list[Problem] = []
    fields = _fields(root)
    controls = list(_controls(root, fields, problems))
    if problems:
        raise failure(problems)
    document = {
        "fields": [{"name": name, "type": kind} for name, kind in fields.values()],
        "controls": controls,
    }
    return load_schema(_unique_fields(document))


def _fields(root: ET.Element) -> dict[str, tuple[str, FieldType]]:
    """Object name to ``(field name, type)``; static objects (no ``$variable``) are skipped."""
    fields: dict[str, tuple[str, FieldType]] = {}
    for element in root.iter():
        kind = _OBJECTS.get(element.tag)
        value = element.get("value", "")
        if kind is not None and value.startswith("$") and element.get("name"):
            fields[element.get("name", "")] = (value[1:], kind)
    return fields


def _unique_fields(document: dict[str, Any]) -> dict[str, Any]:
    """Keep one field per variable when two objects show the same data the same way."""
    seen: set[tuple[str, str]] = set()
    fields = []
    for field in document["fields"]:
        key = (field["name"], field["type"])
        if key not in seen:
            seen.add(key)
            fields.append(field)
    return {**document, "fields": fields}


def _controls(
    root: ET.Element, fields: dict[str, tuple[str, FieldType]], problems: list[Problem]
) -> Iterator[dict[str, Any]]:
    """Translate every control tag, recording a problem for anything untranslatable."""
    for element in root.iter():
        if element.tag in _LAYOUT or element.tag in _ITEMS or element.tag in _OBJECTS:
            continue
        builder = _BUILDERS.get(element.tag)
        tag = _Tag(element, None, None)
        if builder is None:
            problems.append(Problem(tag.where, f"unsupported Label Studio tag <{element.tag}>"))
            continue
        target = element.get("toName")
        if target is not None:
            if target not in fields:
                known = ", ".join(fields) or "none"
                problems.append(
                    Problem(
                        f"{tag.where}.toName",
                        f"toName {target!r} names no object tag with a $variable "
                        f"(objects: {known})",
                    )
                )
                continue
            tag = _Tag(element, *fields[target])
        try:
            yield builder(tag)
        except _Untranslatable as exc:
            problems.append(Problem(tag.where, str(exc)))


class _Untranslatable(Exception):
    """A tag that exists in Label Studio but has no faithful equivalent here."""


def _labels(element: ET.Element, child: str = "Label") -> list[dict[str, Any]]:
    labels = []
    for item in element.findall(child):
        label: dict[str, Any] = {"value": item.get("value", "")}
        for source, target in (
            ("hotkey", "hotkey"),
            ("background", "color"),
            ("hint", "description"),
        ):
            if item.get(source):
                label[target] = item.get(source)
        labels.append(label)
    return labels


def _no_per_region(tag: _Tag) -> None:
    if tag.element.get("perRegion") == "true":
        raise _Untranslatable("perRegion controls are not supported; declare attributes instead")


def _choices(tag: _Tag) -> dict[str, Any]:
    _no_per_region(tag)
    multiple = tag.element.get("choice") == "multiple"
    return {
        **tag.common("choices"),
        "options": _labels(tag.element, "Choice"),
        "multiple": multiple,
    }


def _spans_or_segments(tag: _Tag) -> dict[str, Any]:
    kinds = {FieldType.TEXT: "spans", FieldType.AUDIO: "segments", FieldType.VIDEO: "segments"}
    if tag.field_type not in kinds:
        raise _Untranslatable(f"<Labels> on a field of type {tag.field_type} is not supported")
    return {**tag.common(kinds[tag.field_type]), "labels": _labels(tag.element)}


def _labelled(control_type: str) -> Callable[[_Tag], dict[str, Any]]:
    def build(tag: _Tag) -> dict[str, Any]:
        return {**tag.common(control_type), "labels": _labels(tag.element)}

    return build


def _bbox(tag: _Tag) -> dict[str, Any]:
    rotation = tag.element.get("canRotate", "true") != "false"
    return {**tag.common("bbox"), "labels": _labels(tag.element), "rotation": rotation}


def _keypoints(tag: _Tag) -> dict[str, Any]:
    points = [label["value"] for label in _labels(tag.element)]
    return {**tag.common("keypoints"), "points": points}


def _textarea(tag: _Tag) -> dict[str, Any]:
    _no_per_region(tag)
    return tag.common("textarea")


def _rating(tag: _Tag) -> dict[str, Any]:
    _no_per_region(tag)
    return {**tag.common("rating"), "max": tag.element.get("maxRating", "5")}


def _number(tag: _Tag) -> dict[str, Any]:
    _no_per_region(tag)
    bounds = {key: tag.element.get(key) for key in ("min", "max") if tag.element.get(key)}
    return {**tag.common("number"), **bounds}


def _taxonomy(tag: _Tag) -> dict[str, Any]:
    def nodes(element: ET.Element) -> list[Any]:
        return [
            {"value": child.get("value", ""), "children": nodes(child)}
            for child in element.findall("Choice")
        ]

    return {
        **tag.common("taxonomy"),
        "tree": nodes(tag.element),
        "multiple": tag.element.get("maxUsages") != "1",
        "leaf_only": tag.element.get("leafsOnly") == "true",
    }


def _relations(tag: _Tag) -> dict[str, Any]:
    control = tag.common("relations")
    control["name"] = control["name"] or "relations"
    return {**control, "labels": _labels(tag.element, "Relation")}


_BUILDERS: dict[str, Callable[[_Tag], dict[str, Any]]] = {
    "Choices": _choices,
    "Labels": _spans_or_segments,
    "RectangleLabels": _bbox,
    "PolygonLabels": _labelled("polygon"),
    "KeyPointLabels": _keypoints,
    "BrushLabels": _labelled("mask"),
    "TextArea": _textarea,
    "Rating": _rating,
    "Number": _number,
    "Taxonomy": _taxonomy,
    "Relations": _relations,
}
