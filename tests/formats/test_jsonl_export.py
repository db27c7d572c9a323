"""Native JSON-lines export: what is written reads back unchanged, line by line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from annota.errors import InvalidInput
from annota.formats import read_jsonl_export, write_jsonl


def exported_item(n: int) -> dict[str, Any]:
    return {
        "id": f"item-{n}",
        "data": {"text": "naïve café 🐍\u200b\r\nline two", "n": n},
        "meta": {"source": "web"},
        "annotations": [
            {
                "id": 10 + n,
                "author": {"kind": "person", "id": 3, "name": "ana"},
                "status": "accepted",
                "regions": [
                    {"type": "span", "value": {"start": 0, "end": 5, "labels": ["ORG"]}},
                    {"type": "bbox", "value": {"x": 0.1, "y": 0.25, "w": 0.5, "h": 0.125}},
                ],
                "schema_version": 2,
                "guidelines_version": 1,
                "version": 4,
                "created_at": "2024-05-06T07:08:09+00:00",
                "updated_at": "2024-05-06T07:09:00+00:00",
                "lead_time": 12.5,
                "corrects": None,
            }
        ],
    }


def test_round_trip_is_lossless(tmp_path: Path) -> None:
    items = [exported_item(n) for n in range(3)]
    path = tmp_path / "export.jsonl"

    with path.open("wb") as out:
        count = write_jsonl(iter(items), out)

    assert count == 3
    assert path.read_bytes().count(b"\n") == 3
    assert list(read_jsonl_export(path)) == items


def test_records_are_consumed_lazily(tmp_path: Path) -> None:
    seen: list[int] = []

    def records() -> Iterator[dict[str, Any]]:
        for n in range(3):
            seen.append(n)
            yield {"n": n}

    path = tmp_path / "export.jsonl"
    with path.open("wb") as out:
        assert write_jsonl(records(), out) == 3
    assert seen == [0, 1, 2]


def test_mappings_and_datetimes_are_written(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)

    with path.open("wb") as out:
        write_jsonl([MappingProxyType({"id": "a", "at": when})], out)

    assert path.read_bytes() == b'{"id":"a","at":"2024-01-02T03:04:05+00:00"}\n'


def test_empty_export_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    with path.open("wb") as out:
        assert write_jsonl([], out) == 0
    assert path.read_bytes() == b""
    assert list(read_jsonl_export(path)) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"[1]", "expected a JSON object, got an array"),
        (b'{"id": 1,', "invalid JSON"),
        (b'{"t": "\xff"}', "not valid UTF-8: byte 0xff"),
    ],
)
def test_bad_export_line_names_its_line(tmp_path: Path, line: bytes, message: str) -> None:
    path = tmp_path / "upload.tmp"
    path.write_bytes(b'{"id": "a"}\n\n' + line + b"\n")

    with pytest.raises(InvalidInput, match=rf"^snapshot\.jsonl:3: {message}"):
        list(read_jsonl_export(path, name="snapshot.jsonl"))
