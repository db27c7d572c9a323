"""Annota's native, lossless export: one JSON object per line, and the reader for it.

The writer is deliberately generic: the export service builds each line's shape
(``{"id", "data", "meta", "annotations": [...]}``) and this module only guarantees how it is
encoded. orjson writes compact UTF-8 with ``datetime`` as RFC 3339; it writes a non-finite float
as ``null``, which never happens for stored items because every reader here rejects NaN and
infinity on the way in. One line per record keeps exports streamable in both directions and
diffable between snapshots.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from annota.errors import InvalidInput
from annota.formats.json_lines import iter_json_lines
from annota.formats.record import DEFAULT_MAX_RECORD_BYTES, describe_json_type

_BUFFER = 1024 * 1024


def write_jsonl(records: Iterable[Mapping[str, Any]], out: BinaryIO) -> int:
    """Write each mapping as one line of JSON; return how many were written.

    Parameters
    ----------
    records : iterable of mappings
        Consumed lazily, one at a time, so an export of any size streams.
    out : binary file
        Written to, never closed or flushed here.

    Raises
    ------
    TypeError
        A value has no JSON form (orjson's ``JSONEncodeError``): a bug in the caller that
        built the line, not bad user input.
    """
    dumps = orjson.dumps
    option = orjson.OPT_APPEND_NEWLINE
    count = 0
    for record in records:
        out.write(dumps(record if type(record) is dict else dict(record), option=option))
        count += 1
    return count


def read_jsonl_export(
    path: Path, *, name: str | None = None, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[dict[str, Any]]:
    """Yield the objects of a JSON-lines export written by :func:`write_jsonl`.

    Shape checks belong to the caller that knows the shape (the snapshot import validates
    annotations against a schema); here each non-blank line must be a JSON object.

    Raises
    ------
    InvalidInput
        A line is not valid UTF-8, not valid JSON, or not an object; ``location`` is
        ``name:line``.
    TooLarge
        A line is longer than ``max_record_bytes``.
    """
    display = name if name is not None else path.name
    with path.open("rb", buffering=_BUFFER) as stream:
        yield from iter_json_lines(
            stream, _json_object, name=display, max_record_bytes=max_record_bytes
        )


def _json_object(value: Any, location: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise InvalidInput(
            f"expected a JSON object, got {describe_json_type(value)}", location=location
        )
    return value
