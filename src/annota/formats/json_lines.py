"""JSON lines read as bytes, one ``orjson.loads`` per line, with errors that name the line.

This loop is the import hot path, so the happy path does nothing but read a line, check its
length and parse it: blank lines, a byte-order mark and bad UTF-8 are all found *after* orjson
rejects a line, never by checking every line up front. Memory stays flat because only one line
is held at a time, and a line longer than the record limit is refused after reading at most
``max_record_bytes + 1`` bytes of it.

orjson is strict JSON: ``NaN``, ``Infinity``, numbers that overflow a double and lone UTF-16
surrogates are all rejected, which is what an item store that writes JSON back out needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain
from typing import IO, Any, TypeVar

import orjson

from annota.errors import InvalidInput, TooLarge
from annota.formats.encoding import BOM, utf8_error
from annota.formats.record import DEFAULT_MAX_RECORD_BYTES

T = TypeVar("T")


def iter_json_lines(
    stream: IO[bytes],
    build: Callable[[Any, str], T],
    *,
    name: str,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[T]:
    """Yield ``build(value, location)`` for every non-blank line of a binary stream.

    Parameters
    ----------
    stream : binary file
        Read line by line from its current position; not closed here.
    build : callable
        Turns one parsed value and its location into what is yielded, and raises
        :class:`InvalidInput` for a value of the wrong shape. Taking it here rather than
        wrapping this generator in another saves a generator hop per line.
    name : str
        File name used in locations (``name:line``, 1-based).
    max_record_bytes : int
        Longest line accepted, newline included.

    Raises
    ------
    InvalidInput
        A line is not valid UTF-8 or not valid JSON.
    TooLarge
        A line is longer than ``max_record_bytes``.
    """
    lines = iter(partial(stream.readline, max_record_bytes + 1), b"")
    first = next(lines, b"")
    if first.startswith(BOM):
        first = first[len(BOM) :]
    loads = orjson.loads
    for lineno, line in enumerate(chain((first,), lines), 1):
        if len(line) > max_record_bytes:
            raise TooLarge(
                f"line is longer than {max_record_bytes} bytes", location=f"{name}:{lineno}"
            )
        try:
            value = loads(line)
        except orjson.JSONDecodeError as exc:
            if line.strip():
                raise line_error(line, exc, f"{name}:{lineno}") from None
            continue
        yield build(value, f"{name}:{lineno}")


def line_error(line: bytes, exc: orjson.JSONDecodeError, location: str) -> InvalidInput:
    """Explain why a line did not parse, putting an encoding problem before a syntax one.

    orjson reports bad UTF-8 as "str is not valid UTF-8" at column 1; decoding the line again
    finds the offending byte so the user can fix the exact spot.
    """
    encoding = utf8_error(line, location)
    if encoding is not None:
        return encoding
    return InvalidInput(f"invalid JSON: {exc.msg} at column {exc.colno}", location=location)
