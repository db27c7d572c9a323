"""One imported item as it came out of a file, and the rules that split fields into its parts.

Every reader (JSON lines, JSON array, CSV/TSV, Parquet) ends in one of the two builders here, so
the conventions are the same whatever the format:

- ``id`` (or its alias ``external_id``) is the item's external id: a string or an integer
  (turned into a string), or absent/null/empty for none. Any other type is an error, because a
  float or a boolean id cannot round-trip through an export unchanged.
- ``meta`` is a reserved key holding an object; in column formats ``meta.<key>`` columns fill it
  too.
- Everything else is data. An object whose only keys are ``id``/``external_id``/``data``/``meta``
  and whose ``data`` is an object is the *nested* form: ``data`` then holds the fields.

The builders are plain functions over dicts and tuples because they run once per record on the
import hot path; the column plan is worked out once per file so a row costs one ``zip``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annota.errors import InvalidInput

#: Default cap on one record's encoded size: far above any real item, far below a memory risk.
DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024

_ID_KEYS = ("id", "external_id")
_NESTED_KEYS = frozenset({"id", "external_id", "data", "meta"})
_META_PREFIX = "meta."
_TYPE_NAMES = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One item read from an import file, before it is matched against a project.

    Attributes
    ----------
    location : str
        Where the record sits in the file, for error messages: ``items.jsonl:17`` (1-based
        line), ``items.csv:4`` (line the row starts on, header is line 1), ``items.json:[3]``
        (0-based array index) or ``items.parquet:row 12`` (1-based row).
    external_id : str or None
        The id the record carries in the source, so re-imports and exports line up.
    data : dict
        The item's fields, JSON-compatible values only.
    meta : dict
        Free metadata that travels with the item but is not shown for labeling.
    """

    location: str
    external_id: str | None
    data: dict[str, Any]
    meta: dict[str, Any]


def describe_json_type(value: object) -> str:
    """Name a JSON value's type the way a user who wrote the file would say it."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _external_id(value: object, location: str) -> str | None:
    if value is None or value == "":
        return None
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    raise InvalidInput(
        f"id must be a string or an integer, not {describe_json_type(value)}", location=location
    )


def _pop_external_id(obj: dict[str, Any], location: str) -> str | None:
    """Take ``id``/``external_id`` out of ``obj``; both at once is ambiguous, so an error."""
    if "external_id" in obj:
        if "id" in obj:
            raise InvalidInput("has both id and external_id; give one", location=location)
        return _external_id(obj.pop("external_id"), location)
    return _external_id(obj.pop("id", None), location)


def _meta_object(value: object, location: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise InvalidInput(
        f"meta must be an object, not {describe_json_type(value)}", location=location
    )


def record_from_object(obj: object, location: str) -> SourceRecord:
    """Build a record from one parsed JSON value, flat or nested form.

    ``obj`` is consumed: its dict becomes the record's ``data`` in the flat form, which saves a
    copy per line on the import hot path. Callers hand over freshly parsed objects only.

    Raises
    ------
    InvalidInput
        The value is not an object, or its id or meta has the wrong type.
    """
    if type(obj) is not dict:
        raise InvalidInput(
            f"expected a JSON object, got {describe_json_type(obj)}", location=location
        )
    external_id = _pop_external_id(obj, location) if "id" in obj or "external_id" in obj else None
    meta = _meta_object(obj.pop("meta"), location) if "meta" in obj else {}
    data = obj.get("data")
    if type(data) is dict and len(obj) == 1:
        return SourceRecord(location, external_id, data, meta)
    return SourceRecord(location, external_id, obj, meta)


class ColumnPlan:
    """How the columns of a tabular file map onto a record, decided once from the header.

    Parameters
    ----------
    names : sequence of str
        Column names in file order.
    location : str
        Where the header is (``items.csv:1``), for errors about the header itself.
    struct_columns : sequence of str, optional
        Columns whose values are objects (Parquet struct columns). A ``data`` struct next to only
        ``id``/``meta`` columns is the nested form; a ``meta`` struct fills ``meta``.

    Raises
    ------
    InvalidInput
        A column name is empty or repeated, ``id`` and ``external_id`` both appear, or a
        ``meta`` column is not an object column.
    """

    __slots__ = ("_data_index", "_fields", "_id_index", "_meta_fields", "_meta_index", "width")

    def __init__(
        self, names: Sequence[str], location: str, *, struct_columns: Sequence[str] = ()
    ) -> None:
        _check_names(names, location)
        ids = [i for i, name in enumerate(names) if name in _ID_KEYS]
        if len(ids) > 1:
            raise InvalidInput("has both id and external_id columns; give one", location=location)
        if "meta" in names and "meta" not in struct_columns:
            raise InvalidInput(
                "a meta column must hold objects; use meta.<key> columns for metadata",
                location=location,
            )
        nested = "data" in struct_columns and set(names) <= _NESTED_KEYS
        self.width = len(names)
        self._id_index = ids[0] if ids else None
        self._meta_index = names.index("meta") if "meta" in names else None
        self._data_index = names.index("data") if nested else None
        self._meta_fields = [
            (i, name[len(_META_PREFIX) :])
            for i, name in enumerate(names)
            if name.startswith(_META_PREFIX)
        ]
        self._fields = [
            (i, name)
            for i, name in enumerate(names)
            if name not in _NESTED_KEYS and not name.startswith(_META_PREFIX)
        ]
        if not nested and "data" in names:
            self._fields.append((names.index("data"), "data"))
            self._fields.sort()

    def record(self, row: Sequence[Any], location: str) -> SourceRecord:
        """Split one row (as long as the header, or shorter) into a record.

        Cells missing at the end of a short row leave their fields out rather than inventing a
        value, so a row written without trailing empty cells is not an error.
        """
        n = len(row)
        external_id = (
            _external_id(row[self._id_index], location)
            if self._id_index is not None and self._id_index < n
            else None
        )
        meta: dict[str, Any] = {}
        if self._meta_index is not None and self._meta_index < n:
            meta = dict(_meta_object(row[self._meta_index], location))
        for index, key in self._meta_fields:
            if index < n:
                meta[key] = row[index]
        if self._data_index is not None:
            data = row[self._data_index] if self._data_index < n else None
            if not isinstance(data, dict):
                raise InvalidInput("data must be an object", location=location)
            return SourceRecord(location, external_id, data, meta)
        if n == self.width:
            return SourceRecord(
                location, external_id, {key: row[i] for i, key in self._fields}, meta
            )
        return SourceRecord(
            location, external_id, {key: row[i] for i, key in self._fields if i < n}, meta
        )


def _check_names(names: Sequence[str], location: str) -> None:
    seen: set[str] = set()
    for position, name in enumerate(names, 1):
        if not name:
            raise InvalidInput(f"column {position} has no name", location=location)
        if name in seen:
            raise InvalidInput(f"column {name!r} appears twice", location=location)
        if name == _META_PREFIX:
            raise InvalidInput(f"column {position} is 'meta.' without a key", location=location)
        seen.add(name)
