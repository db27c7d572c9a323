"""JSON lines import: flat and nested forms, and errors that name the exact line."""

from __future__ import annotations

from pathlib import Path

import pytest

from annota.errors import InvalidInput, TooLarge
from annota.formats import SourceRecord, iter_records


def write(tmp_path: Path, content: bytes, filename: str = "items.jsonl") -> Path:
    path = tmp_path / filename
    path.write_bytes(content)
    return path


def test_flat_objects_split_id_fields_and_meta(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        b'{"id": "r1", "text": "hello", "n": 2}\n'
        b'{"id": 7, "text": "bye", "meta": {"source": "web"}}\n'
        b'{"text": "no id"}\n',
    )

    records = list(iter_records(path))

    assert records == [
        SourceRecord("items.jsonl:1", "r1", {"text": "hello", "n": 2}, {}),
        SourceRecord("items.jsonl:2", "7", {"text": "bye"}, {"source": "web"}),
        SourceRecord("items.jsonl:3", None, {"text": "no id"}, {}),
    ]


def test_nested_form_takes_fields_from_data(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        b'{"id": "a", "data": {"text": "x", "id": "inner"}, "meta": {"k": 1}}\n'
        b'{"external_id": 3, "data": {"image": "s3://b/1.png"}}\n',
    )

    records = list(iter_records(path))

    assert records == [
        SourceRecord("items.jsonl:1", "a", {"text": "x", "id": "inner"}, {"k": 1}),
        SourceRecord("items.jsonl:2", "3", {"image": "s3://b/1.png"}, {}),
    ]


def test_data_next_to_other_fields_is_just_a_field(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"id": 1, "data": {"a": 1}, "text": "t"}\n{"data": "plain"}\n')

    records = list(iter_records(path))

    assert records[0].data == {"data": {"a": 1}, "text": "t"}
    assert records[1].data == {"data": "plain"}


def test_blank_lines_are_skipped_and_line_numbers_kept(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"a": 1}\n\n   \r\n{"a": 2}\r\n{"a": 3}')

    assert [r.location for r in iter_records(path)] == [
        "items.jsonl:1",
        "items.jsonl:4",
        "items.jsonl:5",
    ]


def test_byte_order_mark_at_start_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, b'\xef\xbb\xbf{"id": "x", "t": 1}\n{"t": 2}\n')

    records = list(iter_records(path))

    assert [(r.external_id, r.data) for r in records] == [("x", {"t": 1}), (None, {"t": 2})]


def test_empty_file_yields_nothing(tmp_path: Path) -> None:
    assert list(iter_records(write(tmp_path, b""))) == []
    assert list(iter_records(write(tmp_path, b"\n\n", "blank.jsonl"))) == []


def test_malformed_json_names_its_line(tmp_path: Path) -> None:
    lines = [b'{"n": %d}' % i for i in range(1, 17)] + [b'{"n": 17,}'] + [b'{"n": 18}']
    path = write(tmp_path, b"\n".join(lines) + b"\n")

    with pytest.raises(InvalidInput, match=r"^items\.jsonl:17: invalid JSON: trailing comma") as e:
        list(iter_records(path))
    assert e.value.location == "items.jsonl:17"


def test_latin1_bytes_name_the_line_and_the_byte(tmp_path: Path) -> None:
    path = write(tmp_path, '{"t": "ok"}\n{"t": "café"}\n'.encode("latin-1"))

    with pytest.raises(
        InvalidInput, match=r"^items\.jsonl:2: not valid UTF-8: byte 0xe9 at byte 11 of the line"
    ):
        list(iter_records(path))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"[1, 2]", "expected a JSON object, got an array"),
        (b'"text"', "expected a JSON object, got a string"),
        (b"42", "expected a JSON object, got a number"),
        (b"null", "expected a JSON object, got null"),
        (b'{"id": 1.5, "t": 1}', "id must be a string or an integer, not a number"),
        (b'{"id": true, "t": 1}', "id must be a string or an integer, not a boolean"),
        (b'{"id": [1], "t": 1}', "id must be a string or an integer, not an array"),
        (b'{"id": 1, "external_id": 2}', "has both id and external_id"),
        (b'{"t": 1, "meta": "x"}', "meta must be an object, not a string"),
        (b'{"t": NaN}', "invalid JSON"),
        (b'{"t": Infinity}', "invalid JSON"),
        (b'{"t": -Infinity}', "invalid JSON"),
        (b'{"t": 1e400}', "invalid JSON: number is infinity"),
        (b'{"t": "\\ud800"}', "invalid JSON"),
    ],
)
def test_bad_line_is_refused_with_location(tmp_path: Path, line: bytes, message: str) -> None:
    path = write(tmp_path, b'{"ok": 1}\n' + line + b"\n")

    with pytest.raises(InvalidInput, match=rf"^items\.jsonl:2: {message}"):
        list(iter_records(path))


def test_null_or_empty_id_means_no_external_id(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"id": null, "t": 1}\n{"id": "", "t": 2}\n')

    assert [r.external_id for r in iter_records(path)] == [None, None]


def test_line_over_the_record_limit_is_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"t": "short"}\n{"t": "' + b"x" * 500 + b'"}\n{"t": 1}\n')

    with pytest.raises(TooLarge, match=r"^items\.jsonl:2: line is longer than 100 bytes"):
        list(iter_records(path, max_record_bytes=100))


def test_display_name_and_format_override_for_temp_uploads(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"id": 1, "t": 1}\n', "upload-4f2a.tmp")

    by_name = list(iter_records(path, name="mine.ndjson"))
    by_format = list(iter_records(path, format="jsonl"))

    assert [r.location for r in by_name] == ["mine.ndjson:1"]
    assert [r.location for r in by_format] == ["upload-4f2a.tmp:1"]


def test_unknown_format_names_file_and_allowed_formats(tmp_path: Path) -> None:
    path = write(tmp_path, b"a\n", "items.xml")

    with pytest.raises(InvalidInput, match=r"^items\.xml: cannot tell the format .*\.csv.*\.jsonl"):
        iter_records(path)
    with pytest.raises(InvalidInput, match=r"unknown import format 'xml'; use one of jsonl, json"):
        iter_records(path, format="xml")


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"t": 1}\n', "ITEMS.JSONL")

    assert [r.data for r in iter_records(path)] == [{"t": 1}]
