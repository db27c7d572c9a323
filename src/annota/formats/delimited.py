"""CSV and TSV rows as records, with the line each row starts on.

The csv module parses; we feed it lines we decoded ourselves, one at a time, instead of a text
wrapper. That costs a little speed but buys three things a wrapper cannot give: a decoding
error names the exact line, a row that starts on line 40 and spans three lines (quoted
newlines) is reported as line 40, and the bytes of one row are capped before they pile up in
memory.

Conventions: the header row is required; cells are kept as strings, an empty cell as ``""``
(a CSV cannot tell an empty string from a missing value, so we do not guess); a row shorter
than the header leaves the missing fields out; a longer row is an error; blank lines are
skipped. See :mod:`annota.formats.record` for ``id`` and ``meta.<key>`` columns.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import partial
from typing import IO

from annota.errors import InvalidInput, TooLarge
from annota.formats.encoding import BOM, utf8_error
from annota.formats.record import DEFAULT_MAX_RECORD_BYTES, ColumnPlan, SourceRecord


class _Lines:
    """Decoded lines of a binary stream, counting the bytes of the row being parsed."""

    __slots__ = ("_lines", "limit", "lineno", "name", "row_bytes")

    def __init__(self, stream: IO[bytes], name: str, limit: int) -> None:
        self._lines = iter(partial(stream.readline, limit + 1), b"")
        self.name = name
        self.limit = limit
        self.lineno = 0
        #: bytes read since the caller last reset it (at the start of each row)
        self.row_bytes = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.lineno += 1
        self.row_bytes += len(line)
        if self.row_bytes > self.limit:
            raise TooLarge(
                f"row is longer than {self.limit} bytes", location=f"{self.name}:{self.lineno}"
            )
        if self.lineno == 1 and line.startswith(BOM):
            line = line[len(BOM) :]
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            error = utf8_error(line, f"{self.name}:{self.lineno}")
            assert error is not None  # the same decode just failed
            raise error from None


def iter_delimited(
    stream: IO[bytes],
    *,
    name: str,
    delimiter: str,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[SourceRecord]:
    """Yield one record per data row of a CSV (``delimiter=","``) or TSV (``"\\t"``) stream.

    ``csv.field_size_limit`` is process-wide; it is raised (never lowered) to
    ``max_record_bytes`` because the per-row byte cap here is the limit that matters.

    Raises
    ------
    InvalidInput
        The header is missing or bad, a row has more cells than the header, a quoted cell is
        not closed, or a line is not valid UTF-8.
    TooLarge
        One row is longer than ``max_record_bytes``.
    """
    if csv.field_size_limit() < max_record_bytes:
        csv.field_size_limit(max_record_bytes)
    lines = _Lines(stream, name, max_record_bytes)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    plan: ColumnPlan | None = None
    while True:
        start = lines.lineno + 1
        lines.row_bytes = 0
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise InvalidInput(f"malformed row: {exc}", location=f"{name}:{start}") from None
        if row is None:
            return
        if not row:
            continue
        location = f"{name}:{start}"
        if plan is None:
            plan = ColumnPlan(row, location)
            continue
        if len(row) > plan.width:
            raise InvalidInput(
                f"row has {len(row)} cells but the header has {plan.width}", location=location
            )
        yield plan.record(row, location)
