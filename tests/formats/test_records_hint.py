"""Record-count hints for progress bars: exact when cheap, scaled from a sample otherwise."""

from __future__ import annotations

import json
from pathlib import Path

from annota.formats import count_records_hint


def test_small_line_files_are_counted_exactly(tmp_path: Path) -> None:
    jsonl = tmp_path / "items.jsonl"
    jsonl.write_bytes(b'{"a": 1}\n{"a": 2}\n{"a": 3}')
    csv = tmp_path / "items.csv"
    csv.write_bytes(b"id,text\n1,a\n2,b\n")

    assert count_records_hint(jsonl) == 3
    assert count_records_hint(csv) == 2
    assert count_records_hint(tmp_path / "upload.bin", format="csv") is None


def test_large_file_is_estimated_within_a_few_percent(tmp_path: Path) -> None:
    path = tmp_path / "upload.tmp"
    with path.open("wb") as out:
        for i in range(100_000):
            out.write(b'{"id": %d, "text": "%s"}\n' % (i, b"w" * (i % 40)))

    hint = count_records_hint(path, name="items.jsonl")

    assert hint is not None
    assert abs(hint - 100_000) < 3_000


def test_json_document_has_no_cheap_estimate(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"a": 1}, {"a": 2}]))

    assert count_records_hint(path) is None
