"""JSON document import: an array of objects streamed in chunks, or a sequence of objects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annota.errors import InvalidInput, TooLarge
from annota.formats import SourceRecord, iter_records

CHUNK = 1024 * 1024  # the reader's chunk size; records are placed across its boundary


def write(tmp_path: Path, content: bytes, filename: str = "items.json") -> Path:
    path = tmp_path / filename
    path.write_bytes(content)
    return path


def test_pretty_printed_array_gives_indexed_records(tmp_path: Path) -> None:
    tricky = 'braces } { ] [ and "quotes" and \\ inside'
    items: list[dict[str, Any]] = [
        {"id": "a", "text": "one"},
        {"id": 2, "data": {"text": "two"}, "meta": {"m": True}},
        {"text": tricky},
    ]
    path = write(tmp_path, json.dumps(items, indent=2).encode())

    assert list(iter_records(path)) == [
        SourceRecord("items.json:[0]", "a", {"text": "one"}, {}),
        SourceRecord("items.json:[1]", "2", {"text": "two"}, {"m": True}),
        SourceRecord("items.json:[2]", None, {"text": tricky}, {}),
    ]


def test_minified_array_larger_than_many_chunks_streams_in_order(tmp_path: Path) -> None:
    # Odd items are flat objects, even ones nest: both ways of finding an object's end meet
    # the chunk boundaries somewhere in 4 MB.
    items: list[dict[str, object]] = [
        {"id": i, "text": f"item {i} " + "é" * (i % 50)} for i in range(60_000)
    ]
    for item in items[::2]:
        item["tags"] = [item["id"], {"x": [item["id"]]}]
    content = json.dumps(items, separators=(",", ":"), ensure_ascii=False).encode()
    assert len(content) > 4 * CHUNK
    path = write(tmp_path, content)

    records = list(iter_records(path))

    assert [(r.external_id, r.data) for r in records] == [
        (str(item["id"]), {k: v for k, v in item.items() if k != "id"}) for item in items
    ]
    assert records[59_999].location == "items.json:[59999]"


@pytest.mark.parametrize("shift", [-3, -2, -1, 0, 1])
def test_escape_cut_by_a_chunk_boundary_is_read_whole(tmp_path: Path, shift: int) -> None:
    head = b'[{"id": 1, "t": "'
    escape = b'\\"\\\\\\u00e9'
    padding = b"p" * (CHUNK + shift - len(head))
    content = head + padding + escape + b'x"}, {"id": 2, "t": "after"}]'
    path = write(tmp_path, content)

    records = list(iter_records(path))

    assert [r.external_id for r in records] == ["1", "2"]
    assert records[0].data["t"] == padding.decode() + '"\\éx'


def test_object_larger_than_a_chunk_is_one_record(tmp_path: Path) -> None:
    big = "z" * (3 * CHUNK)
    path = write(tmp_path, json.dumps([{"t": "a"}, {"t": big, "n": {"deep": [1, 2]}}]).encode())

    records = list(iter_records(path))

    assert records[1].data == {"t": big, "n": {"deep": [1, 2]}}


def test_sequence_of_objects_uses_line_locations(tmp_path: Path) -> None:
    path = write(tmp_path, b'\xef\xbb\xbf{"id": 1, "t": 1}\n\n{\n  "id": 2,\n  "t": 2\n}\n{"t": 3}')

    assert [(r.location, r.external_id) for r in iter_records(path)] == [
        ("items.json:1", "1"),
        ("items.json:3", "2"),
        ("items.json:7", None),
    ]


@pytest.mark.parametrize("content", [b"", b"  \n", b"[]", b" [ \n ] \n"])
def test_empty_document_yields_nothing(tmp_path: Path, content: bytes) -> None:
    assert list(iter_records(write(tmp_path, content))) == []


@pytest.mark.parametrize(
    ("content", "location", "message"),
    [
        (b'[{"a": 1}, 5]', r"\[1\]", "expected a JSON object, got a number"),
        (b'[{"a": 1}, [1]]', r"\[1\]", "expected a JSON object, got an array"),
        (b'[{"a": 1}, true]', r"\[1\]", "expected a JSON object, got a boolean"),
        (b'[{"a": 1}, null]', r"\[1\]", "expected a JSON object, got null"),
        (b"[\n\n x]", r"\[0\]", "invalid JSON at line 3"),
        (b'[{"a": 1},]', r"\[1\]", "trailing comma after the last element"),
        (b'[{"a": 1} {"a": 2}]', r"\[0\]", "expected , or \\] after an element"),
        (b'[{"a": 1},\n{"a": 2}', r"\[1\]", "the array is not closed with \\]"),
        (b'[{"a": 1}, {"a": "open', r"\[1\]", "the document ends inside this object"),
        (b'[{"a": 1}] {"b": 2}', "1", "unexpected data after the closing \\]"),
        (b'[{"a": 1},\n{"a": 1,\n "b": }]', r"\[1\]", "invalid JSON at line 3: unexpected char"),
        (b'[{"a": 1}, {"a": NaN}]', r"\[1\]", "invalid JSON at line 1"),
        (b'[{"a": 1}, {"a": 1e999}]', r"\[1\]", "invalid JSON at line 1: number is infinity"),
        (b'[{"a": "\xe9t\xe9"}]', r"\[0\]", "not valid UTF-8: byte 0xe9"),
        (b'[{"id": 1.5}]', r"\[0\]", "id must be a string or an integer"),
        (b'{"a": 1}\n{"a": 2}}', "2", "invalid JSON"),
    ],
)
def test_bad_document_is_refused_with_location(
    tmp_path: Path, content: bytes, location: str, message: str
) -> None:
    path = write(tmp_path, content)

    with pytest.raises(InvalidInput, match=rf"^items\.json:{location}: {message}"):
        list(iter_records(path))


def test_object_over_the_record_limit_is_too_large(tmp_path: Path) -> None:
    content = json.dumps([{"t": "a"}, {"t": "b" * (CHUNK * 3)}]).encode()
    path = write(tmp_path, content)

    with pytest.raises(TooLarge, match=r"^items\.json:\[1\]: object is longer than 2097152 bytes"):
        list(iter_records(path, max_record_bytes=2 * CHUNK))
