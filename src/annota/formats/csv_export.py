"""Flat CSV export that is safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be run as a
formula by Excel, LibreOffice or Google Sheets (CSV injection, OWASP). Such text cells get a
leading apostrophe, which spreadsheets show as text and which keeps the original readable; the
header is treated the same, since field names come from users too. Numbers are written as they
are: a number cannot be a formula, and ``-3`` must stay a number. Nested values (objects,
lists) become compact JSON so one row stays one line of meaning.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

import orjson

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_csv(rows: Iterable[Mapping[str, Any]], out: TextIO, *, columns: Sequence[str]) -> int:
    """Write a header and one row per mapping; return the number of data rows.

    Parameters
    ----------
    rows : iterable of mappings
        Consumed lazily. Keys not in ``columns`` are left out; a missing key or ``None`` is an
        empty cell.
    out : text file
        Opened with ``newline=""`` as the csv module requires; rows end in ``\\r\\n``
        (RFC 4180).
    columns : sequence of str
        Column order, written as the header.

    Examples
    --------
    >>> import io
    >>> buffer = io.StringIO()
    >>> write_csv([{"text": "=1+1", "n": -3}], buffer, columns=["text", "n"])
    1
    >>> buffer.getvalue()
    "text,n\\r\\n'=1+1,-3\\r\\n"
    """
    writer = csv.writer(out)
    writer.writerow([_neutralise(column) for column in columns])
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
        count += 1
    return count


def _cell(value: Any) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, str):
        return _neutralise(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping | list | tuple):
        return _neutralise(
            orjson.dumps(value if type(value) is not tuple else list(value)).decode()
        )
    return _neutralise(str(value))


def _neutralise(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
