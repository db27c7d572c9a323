"""Stream the objects of a JSON document (``[{...}, {...}]``) without loading the document.

A ``.json`` export from another tool is usually one array of objects, often hundreds of
megabytes on a single line. We read it in chunks and use regular expressions to find where
each top-level object ends. A flat object (no bracket outside its strings, the usual import
record) is matched whole, with the whitespace and separator after it, in one call. Anything
else is scanned token by token: a match swallows a whole string literal (escapes included) or
stops at a bracket, so a record costs a handful of matches however long its text is. The bytes
of each object are then parsed by orjson, so the accepted JSON is exactly as strict as the
JSON-lines reader (no ``NaN``, no lone surrogates, valid UTF-8 only).

A file whose first value is an object instead of ``[`` is read as a sequence of objects
separated by whitespace: a single item, or JSON lines saved with a ``.json`` name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import IO, Any, TypeVar

import orjson

from annota.errors import InvalidInput, TooLarge
from annota.formats.encoding import BOM
from annota.formats.json_lines import line_error
from annota.formats.record import DEFAULT_MAX_RECORD_BYTES

T = TypeVar("T")

_CHUNK = 1024 * 1024
# A complete string literal (group 1 is its closing quote), a string cut off by the end of the
# buffer (group 1 unset), or one bracket/brace.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:(")|\\?\Z)|[\[\]{}]', re.DOTALL)
# Whitespace, a whole object with no bracket outside its strings (group 1), whitespace, and the
# separator after it (group 2). Possessive quantifiers keep a failed match linear.
_FLAT_ELEMENT = re.compile(
    rb'[ \t\r\n]*+(\{(?:[^{}\[\]"]++|"[^"\\]*+(?:\\.[^"\\]*+)*+")*+\})[ \t\r\n]*+([,\]])',
    re.DOTALL,
)
_SPACE = re.compile(rb"[ \t\r\n]*")
_OPEN = frozenset(b"[{")
_OPEN_BRACE, _OPEN_BRACKET, _CLOSE, _COMMA = b"{[],"
_FIRST_BYTE_TYPES = {
    **dict.fromkeys(b"-0123456789", "a number"),
    **{ord("["): "an array", ord('"'): "a string", ord("n"): "null"},
    **{ord("t"): "a boolean", ord("f"): "a boolean"},
}


class _Buffer:
    """A sliding window over a binary stream: bytes before ``pos`` are done with."""

    __slots__ = ("_lines", "_mark", "data", "eof", "pos", "stream")

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.data = b""
        self.pos = 0
        self.eof = False
        # Newlines are counted once, lazily: ``_lines`` is how many precede offset ``_mark``.
        self._lines = 0
        self._mark = 0

    def fill(self) -> bool:
        """Drop consumed bytes and read more; ``False`` once the stream is exhausted.

        The read is at least as long as what is kept, so a record spanning many chunks is
        copied a logarithmic number of times rather than once per chunk.
        """
        if self.eof:
            return False
        self.line_at(self.pos)
        kept = self.data[self.pos :]
        chunk = self.stream.read(max(_CHUNK, len(kept)))
        self.data = kept + chunk
        self._mark -= self.pos
        self.pos = 0
        self.eof = not chunk
        return not self.eof

    def skip_space(self) -> int | None:
        """Move past whitespace; the next byte, or ``None`` at the end of the stream."""
        while True:
            match = _SPACE.match(self.data, self.pos)
            assert match is not None  # the pattern matches the empty string
            self.pos = match.end()
            if self.pos < len(self.data):
                return self.data[self.pos]
            if not self.fill():
                return None

    def line_at(self, pos: int) -> int:
        """1-based line of the byte at ``pos``, counting only bytes not counted before."""
        if pos < self._mark:
            return self._lines - self.data.count(b"\n", pos, self._mark) + 1
        self._lines += self.data.count(b"\n", self._mark, pos)
        self._mark = pos
        return self._lines + 1


def iter_json_values(
    stream: IO[bytes],
    build: Callable[[Any, str], T],
    *,
    name: str,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[T]:
    """Yield ``build(object, location)`` for each top-level object of a JSON document.

    Locations are ``name:[index]`` (0-based) inside an array, and ``name:line`` (1-based line
    where the object starts) for a sequence of objects.

    Raises
    ------
    InvalidInput
        The document is not valid JSON, an element is not an object, or data follows the array.
    TooLarge
        One object is longer than ``max_record_bytes``.
    """
    buf = _Buffer(stream)
    buf.fill()
    if buf.data.startswith(BOM):
        buf.pos = len(BOM)
    first = buf.skip_space()
    if first is None:
        return
    if first == _OPEN_BRACKET:
        buf.pos += 1
        yield from _array_elements(buf, build, name, max_record_bytes)
        if buf.skip_space() is not None:
            raise InvalidInput(
                "unexpected data after the closing ]", location=f"{name}:{buf.line_at(buf.pos)}"
            )
        return
    while first is not None:
        location = f"{name}:{buf.line_at(buf.pos)}"
        yield build(_object_at(buf, location, max_record_bytes), location)
        first = buf.skip_space()


def _array_elements(
    buf: _Buffer, build: Callable[[Any, str], T], name: str, max_record_bytes: int
) -> Iterator[T]:
    if buf.skip_space() == _CLOSE:
        buf.pos += 1
        return
    index = 0
    while True:
        location = f"{name}:[{index}]"
        flat = _FLAT_ELEMENT.match(buf.data, buf.pos)
        if flat is not None:
            value = _parse(buf, *flat.span(1), location, max_record_bytes)
            buf.pos = flat.end()
            last = flat.group(2) == b"]"
        else:
            value, last = _next_element(buf, location, max_record_bytes)
        yield build(value, location)
        if last:
            return
        index += 1


def _next_element(buf: _Buffer, location: str, max_record_bytes: int) -> tuple[Any, bool]:
    """The general path: parse the element at ``buf.pos`` and its separator; is it the last?"""
    char = buf.skip_space()
    if char == _CLOSE:
        raise InvalidInput("trailing comma after the last element", location=location)
    if char is None:
        raise InvalidInput("the array is not closed with ]", location=location)
    value = _object_at(buf, location, max_record_bytes)
    char = buf.skip_space()
    buf.pos += 1
    if char is None:
        raise InvalidInput("the array is not closed with ]", location=location)
    if char not in (_CLOSE, _COMMA):
        raise InvalidInput("expected , or ] after an element", location=location)
    return value, char == _CLOSE


def _object_at(buf: _Buffer, location: str, max_record_bytes: int) -> Any:
    """Parse the object starting at ``buf.pos`` and move past it."""
    first = buf.data[buf.pos]
    if first != _OPEN_BRACE:
        got = _FIRST_BYTE_TYPES.get(first)
        message = f"expected a JSON object, got {got}" if got else "invalid JSON"
        raise InvalidInput(f"{message} at line {buf.line_at(buf.pos)}", location=location)
    end = _object_end(buf, location, max_record_bytes)
    value = _parse(buf, buf.pos, end, location, max_record_bytes)
    buf.pos = end
    return value


def _parse(buf: _Buffer, start: int, end: int, location: str, max_record_bytes: int) -> Any:
    if end - start > max_record_bytes:
        raise TooLarge(f"object is longer than {max_record_bytes} bytes", location=location)
    raw = buf.data[start:end]
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "UTF-8" in exc.msg:
            raise line_error(raw, exc, location) from None
        line = buf.line_at(start) + exc.lineno - 1
        raise InvalidInput(f"invalid JSON at line {line}: {exc.msg}", location=location) from None


def _object_end(buf: _Buffer, location: str, max_record_bytes: int) -> int:
    """Find the offset just past the brace that closes the object at ``buf.pos``.

    Reads more of the stream while the object is incomplete, resuming the scan where it
    stopped (a string cut by the end of the buffer is rescanned from its opening quote), so a
    large object costs one pass.
    """
    depth = 0
    scan = buf.pos
    while True:
        for match in _TOKEN.finditer(buf.data, scan):
            token = match.group()
            if token[0] == 0x22:  # a string literal
                if match.group(1) is None:
                    scan = match.start()
                    break
            elif token[0] in _OPEN:
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    scan = match.end()
                    break
            scan = match.end()
        else:
            scan = len(buf.data)
        if scan - buf.pos > max_record_bytes:
            raise TooLarge(f"object is longer than {max_record_bytes} bytes", location=location)
        if depth == 0:
            return scan
        offset = buf.pos
        if not buf.fill():
            raise InvalidInput("the document ends inside this object", location=location)
        scan -= offset
