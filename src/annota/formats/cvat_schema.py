"""The schema a CVAT import needs: one control per kind of shape the file holds.

Like the COCO import, every image control offers every label of the task (CVAT labels of
type ``any`` may be drawn with any tool), and attributes follow CVAT's declarations:
``select`` and ``radio`` become enums (with any value the shapes use that the declaration
lacks), ``checkbox`` a bool, ``number`` a number with CVAT's min and max, ``text`` text.
Attributes CVAT declares per label are merged per control; an attribute used but not
declared becomes text (or bool/number when every value is one). ``occluded`` and
``z_order`` appear when some shape uses them. The file is streamed once; memory holds the
distinct attribute values, not the shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annota.formats.cvat_import import CONTROL_OF_SHAPE, CvatAttribute, CvatDataset
from annota.schema import LabelSchema, load_schema

__all__ = ["cvat_schema"]

_MAX_ENUM_VALUES = 1000


@dataclass
class _Seen:
    """What one control's regions use: labels, attributes and their values, point counts."""

    labels: list[str] = field(default_factory=list)
    attributes: dict[str, list[Any]] = field(default_factory=dict)
    points: int = 0
    rotation: bool = False


def cvat_schema(dataset: CvatDataset) -> LabelSchema:
    """Infer the schema of a CVAT file (reads the file once more, streaming).

    Raises
    ------
    InvalidInput
        The file is malformed (see :meth:`CvatDataset.items`).
    """
    seen: dict[str, _Seen] = {}
    for item in dataset.items():
        for region in item.regions:
            entry = seen.setdefault(region["control"], _Seen())
            value = region["value"]
            for label in value.get("choices") or [value.get("label")]:
                if label not in entry.labels:
                    entry.labels.append(label)
            if "points" in value and isinstance(value["points"], dict):
                entry.points = max(entry.points, len(value["points"]))
            entry.rotation = entry.rotation or bool(value.get("rotation"))
            for key, attribute in (region.get("attributes") or {}).items():
                values = entry.attributes.setdefault(key, [])
                if attribute not in values and len(values) < _MAX_ENUM_VALUES:
                    values.append(attribute)
    labels = [label.name for label in dataset.labels]
    for entry in seen.values():
        labels += [label for label in entry.labels if label not in labels]
    declared = _declared(dataset)
    controls = []
    for control_name, control_type in CONTROL_OF_SHAPE.values():
        if control_name not in seen:
            continue
        entry = seen[control_name]
        control: dict[str, Any] = {"name": control_name, "type": control_type}
        if control_type == "choices":
            control.update(options=labels, multiple=True)
        else:
            control.update(field="image", labels=labels)
        if control_type == "keypoints":
            control["points"] = [str(index) for index in range(1, entry.points + 1)]
        if control_type == "bbox" and entry.rotation:
            control["rotation"] = True
        control["attributes"] = [
            _attribute(key, declared.get(key), values) for key, values in entry.attributes.items()
        ]
        controls.append(control)
    if not controls:
        controls.append({"name": "bbox", "type": "bbox", "field": "image", "labels": labels})
    return load_schema({"fields": [{"name": "image", "type": "image"}], "controls": controls})


def _declared(dataset: CvatDataset) -> dict[str, CvatAttribute]:
    """Attribute declarations by name across labels; enum options are merged."""
    merged: dict[str, CvatAttribute] = {}
    for label in dataset.labels:
        for attribute in label.attributes:
            known = merged.get(attribute.name)
            if known is None:
                merged[attribute.name] = attribute
            elif known.input_type in ("select", "radio"):
                values = known.values + tuple(v for v in attribute.values if v not in known.values)
                merged[attribute.name] = CvatAttribute(known.name, known.input_type, values)
    return merged


def _attribute(name: str, spec: CvatAttribute | None, values: list[Any]) -> dict[str, Any]:
    if name == "occluded" and spec is None:
        return {"name": name, "type": "bool"}
    if name == "z_order" and spec is None:
        return {"name": name, "type": "number"}
    kind = spec.input_type if spec is not None else None
    if kind in ("select", "radio") and spec is not None:
        options = list(spec.values) + [v for v in values if v not in spec.values]
        return {"name": name, "type": "enum", "options": options}
    if kind == "checkbox" or (kind is None and values and all(isinstance(v, bool) for v in values)):
        return {"name": name, "type": "bool"}
    if kind == "number" and spec is not None:
        bounds = _bounds(spec.values, values)
        return {"name": name, "type": "number", **bounds}
    return {"name": name, "type": "text"}


def _bounds(declared: tuple[str, ...], values: list[Any]) -> dict[str, float]:
    """CVAT's ``min``/``max`` (the first two of ``values``), widened to cover used values."""
    try:
        low, high = float(declared[0]), float(declared[1])
    except (IndexError, ValueError):
        return {}
    numbers = [float(v) for v in values if isinstance(v, int | float)]
    return {"min": min([low, *numbers]), "max": max([high, *numbers])}
