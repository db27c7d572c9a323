"""Checking an item's data against the schema's fields, at import time.

An item whose ``text`` is a number or whose ``image`` is missing cannot be annotated, and
finding out when an annotator opens it wastes their time; the importer checks each item
here and reports every bad field of it. Keys the schema does not declare are allowed: they
are metadata (source, batch, external ids) that travel with the item.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annota.schema.fields import DataField, FieldType
from annota.schema.label_schema import LabelSchema
from annota.schema.messages import Problem, failure

__all__ = ["validate_item_data"]

_MEDIA = frozenset({FieldType.IMAGE, FieldType.AUDIO, FieldType.VIDEO, FieldType.URL})


def validate_item_data(data: Mapping[str, Any], schema: LabelSchema) -> None:
    """Check that ``data`` has every required field, each of the declared kind.

    Text must be a string; image, audio, video and url fields a non-empty string (a URL or
    a storage path); a table a mapping or a list of mappings (rows). A field that is not
    required may be absent or ``null``.

    Raises
    ------
    ValidationFailed
        One entry per bad field; the location is the field name.

    Examples
    --------
    >>> from annota.schema import load_schema
    >>> schema = load_schema("{fields: [{name: text, type: text}], "
    ...                      "controls: [{name: c, type: textarea}]}")
    >>> validate_item_data({"text": "hello", "source": "web"}, schema)
    """
    if not isinstance(data, Mapping):
        raise failure([Problem("data", "item data must be an object")])
    problems: list[Problem] = []
    for field in schema.fields:
        value = data.get(field.name)
        if value is None:
            if field.required:
                state = "missing" if field.name not in data else "null"
                problems.append(
                    Problem(field.name, f"required {field.type} field {field.name!r} is {state}")
                )
            continue
        problem = _kind_problem(field, value)
        if problem:
            problems.append(Problem(field.name, f"{field.type} field {field.name!r} {problem}"))
    if problems:
        raise failure(problems)


def _kind_problem(field: DataField, value: Any) -> str | None:
    """Say how ``value`` fails to be the field's kind of data, or ``None`` when it fits."""
    if field.type is FieldType.TEXT:
        return None if isinstance(value, str) else f"must be a string, not {_kind(value)}"
    if field.type in _MEDIA:
        if isinstance(value, str) and value.strip():
            return None
        return f"must be a URL or path string, not {_kind(value)}"
    if isinstance(value, Mapping):
        return None
    if isinstance(value, list) and all(isinstance(row, Mapping) for row in value):
        return None
    return f"must be an object or a list of row objects, not {_kind(value)}"


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }
    return names.get(type(value), type(value).__name__)
