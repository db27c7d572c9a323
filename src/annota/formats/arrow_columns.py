"""The columns of a labelled-dataset table: how items and regions become Arrow values.

One row per item. The table is meant to be used as it is by pandas, pyarrow and Hugging Face
``datasets``, so labels get native column types where a natural one exists, and the rest
stays lossless as JSON text:

- choices, single: ``<name>`` string (null when unanswered) and ``<name>_index`` int64, a
  ``ClassLabel`` (-1 when unanswered);
- choices, multiple: ``<name>`` list of string and ``<name>_index`` list of ``ClassLabel``;
- spans: ``<name>`` list of struct ``{start, end, label}``, offsets in code points, sorted;
- rating: int64; number: float64; textarea: string (the first answer);
- anything else: ``<name>`` string, the JSON array of the control's regions (without
  ``control``), lossless.

Before those come ``id`` (the external id) and one string column per schema field (a value
that is not a string, such as a table, is JSON text); ``split`` is added when splits are
given. A control whose name is already a column is suffixed ``_label``. The Hugging Face
``features`` built alongside make ``datasets`` show the ``_index`` columns as ``ClassLabel``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import pyarrow as pa

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.schema import LabelSchema

__all__ = ["Column", "table_columns"]

_Regions = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Column:
    """One column: its name, Arrow type, Hugging Face feature and how a row's value is made."""

    name: str
    type: Any
    feature: Any
    value: Callable[[AnnotatedItem, _Regions], Any]


def _string(dtype: str = "string") -> dict[str, str]:
    return {"dtype": dtype, "_type": "Value"}


def table_columns(schema: LabelSchema, *, splits: Mapping[str, str] | None = None) -> list[Column]:
    """The columns for ``schema`` in table order; a ``split`` column when ``splits`` is given.

    ``splits`` maps external ids to split names; an item it lacks gets a null split.

    Raises
    ------
    InvalidInput
        Two columns would share a name even after suffixing.
    """
    columns = [Column("id", pa.string(), _string(), lambda item, _: item.external_id)]
    if splits is not None:
        columns.append(
            Column("split", pa.string(), _string(), lambda item, _: splits.get(item.external_id))
        )
    for field in schema.fields:
        columns.append(Column(field.name, pa.string(), _string(), _data(field.name)))
    taken = {column.name for column in columns}
    for control in schema.controls:
        name = control.name if control.name not in taken else f"{control.name}_label"
        columns += _control_columns(control, name)
        taken.update(column.name for column in columns)
    names = [column.name for column in columns]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InvalidInput(f"column names {repeated} repeat; rename a control", location="schema")
    return columns


def _data(key: str) -> Callable[[AnnotatedItem, _Regions], Any]:
    def value(item: AnnotatedItem, _: _Regions) -> Any:
        raw = item.data.get(key)
        if raw is None or isinstance(raw, str):
            return raw
        return orjson.dumps(raw).decode()

    return value


def _control_columns(control: Any, name: str) -> list[Column]:
    key = control.name
    if control.type == "choices":
        options = [option.value for option in control.options]
        index = {option: position for position, option in enumerate(options)}
        label = {"names": options, "_type": "ClassLabel"}
        if control.multiple:
            return [
                Column(name, pa.list_(pa.string()), [_string()], _choices(key)),
                Column(
                    f"{name}_index",
                    pa.list_(pa.int64()),
                    [label],
                    lambda item, regions: [index.get(c, -1) for c in _choices(key)(item, regions)],
                ),
            ]
        return [
            Column(name, pa.string(), _string(), _first_choice(key)),
            Column(
                f"{name}_index",
                pa.int64(),
                label,
                lambda item, regions: index.get(_first_choice(key)(item, regions) or "", -1),
            ),
        ]
    if control.type == "spans":
        struct = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string())])
        feature = [{"start": _string("int64"), "end": _string("int64"), "label": _string()}]
        return [Column(name, pa.list_(struct), feature, _spans(key))]
    scalars = {
        "rating": (pa.int64(), "int64", "rating"),
        "number": (pa.float64(), "float64", "number"),
        "textarea": (pa.string(), "string", "text"),
    }
    if control.type in scalars:
        arrow_type, dtype, field = scalars[control.type]
        return [Column(name, arrow_type, _string(dtype), _scalar(key, field))]
    return [Column(name, pa.string(), _string(), _json(key))]


def _choices(key: str) -> Callable[[AnnotatedItem, _Regions], list[str]]:
    def value(_: AnnotatedItem, regions: _Regions) -> list[str]:
        chosen: list[str] = []
        for region in regions.get(key, ()):
            chosen += [c for c in region["value"].get("choices", ()) if c not in chosen]
        return chosen

    return value


def _first_choice(key: str) -> Callable[[AnnotatedItem, _Regions], str | None]:
    def value(item: AnnotatedItem, regions: _Regions) -> str | None:
        chosen = _choices(key)(item, regions)
        return chosen[0] if chosen else None

    return value


def _spans(key: str) -> Callable[[AnnotatedItem, _Regions], list[dict[str, Any]]]:
    def value(_: AnnotatedItem, regions: _Regions) -> list[dict[str, Any]]:
        spans = [
            {
                "start": r["value"]["start"],
                "end": r["value"]["end"],
                "label": r["value"].get("label"),
            }
            for r in regions.get(key, ())
        ]
        return sorted(spans, key=lambda span: (span["start"], span["end"]))

    return value


def _scalar(key: str, field: str) -> Callable[[AnnotatedItem, _Regions], Any]:
    def value(_: AnnotatedItem, regions: _Regions) -> Any:
        found = regions.get(key)
        return found[0]["value"].get(field) if found else None

    return value


def _json(key: str) -> Callable[[AnnotatedItem, _Regions], str]:
    def value(_: AnnotatedItem, regions: _Regions) -> str:
        stripped = [
            {k: v for k, v in region.items() if k != "control"} for region in regions.get(key, ())
        ]
        return orjson.dumps(stripped).decode()

    return value
