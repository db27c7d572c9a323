"""CSV and TSV import: column conventions, quoted newlines and line-exact errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from annota.errors import InvalidInput, TooLarge
from annota.formats import SourceRecord, iter_records


def write(tmp_path: Path, content: bytes, filename: str = "items.csv") -> Path:
    path = tmp_path / filename
    path.write_bytes(content)
    return path


def test_columns_split_into_id_data_and_meta(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        b"id,text,meta.source,score\r\nr1,hello,web,5\r\n7,,import,\r\n,no id,x,1\r\n",
    )

    assert list(iter_records(path)) == [
        SourceRecord("items.csv:2", "r1", {"text": "hello", "score": "5"}, {"source": "web"}),
        SourceRecord("items.csv:3", "7", {"text": "", "score": ""}, {"source": "import"}),
        SourceRecord("items.csv:4", None, {"text": "no id", "score": "1"}, {"source": "x"}),
    ]


def test_quoted_newlines_keep_later_rows_on_their_own_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        b'external_id,text\n1,"first\nsecond\nthird"\n'
        b'2,"a ""quoted"" word"\n\n3,"x\r\ny"\n4,plain\n',
    )

    records = list(iter_records(path))

    assert [(r.location, r.external_id) for r in records] == [
        ("items.csv:2", "1"),
        ("items.csv:5", "2"),
        ("items.csv:7", "3"),
        ("items.csv:9", "4"),
    ]
    assert records[0].data == {"text": "first\nsecond\nthird"}
    assert records[1].data == {"text": 'a "quoted" word'}
    assert records[2].data == {"text": "x\r\ny"}


def test_error_after_quoted_newlines_names_the_row_start(tmp_path: Path) -> None:
    path = write(tmp_path, b'id,text\n1,"a\nb\nc"\n2,ok,extra\n')

    with pytest.raises(InvalidInput, match=r"^items\.csv:5: row has 3 cells but the header has 2"):
        list(iter_records(path))


def test_short_row_leaves_missing_fields_out(tmp_path: Path) -> None:
    path = write(tmp_path, b"id,a,b\n1,x\n")

    assert [r.data for r in iter_records(path)] == [{"a": "x"}]


def test_tsv_with_byte_order_mark(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfid\ttext\tmeta.lang\nt1\tcomma, kept\ten\n", "items.tsv")

    assert list(iter_records(path)) == [
        SourceRecord("items.tsv:2", "t1", {"text": "comma, kept"}, {"lang": "en"})
    ]


def test_header_only_or_empty_file_yields_nothing(tmp_path: Path) -> None:
    assert list(iter_records(write(tmp_path, b"id,text\n"))) == []
    assert list(iter_records(write(tmp_path, b"", "empty.csv"))) == []


def test_field_larger_than_the_csv_module_default_is_accepted(tmp_path: Path) -> None:
    big = "w" * 500_000
    path = write(tmp_path, b'text\n"' + big.encode() + b'"\n')

    assert [r.data["text"] for r in iter_records(path)] == [big]


def test_latin1_bytes_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "id,text\n1,ok\n2,café\n".encode("latin-1"))

    with pytest.raises(
        InvalidInput, match=r"^items\.csv:3: not valid UTF-8: byte 0xe9 at byte 6 of the line"
    ):
        list(iter_records(path))


def test_unclosed_quote_names_the_row_start(tmp_path: Path) -> None:
    path = write(tmp_path, b'id,text\n1,ok\n2,"never closed\nmore\n')

    with pytest.raises(InvalidInput, match=r"^items\.csv:3: malformed row: unexpected end of data"):
        list(iter_records(path))


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (b"id,text,text", "column 'text' appears twice"),
        (b"id,,text", "column 2 has no name"),
        (b"id,external_id,text", "has both id and external_id columns"),
        (b"id,meta,text", "a meta column must hold objects; use meta.<key> columns"),
        (b"id,meta.,text", "column 2 is 'meta.' without a key"),
    ],
)
def test_bad_header_is_refused_at_line_one(tmp_path: Path, header: bytes, message: str) -> None:
    path = write(tmp_path, header + b"\n1,2,3\n")

    with pytest.raises(InvalidInput, match=rf"^items\.csv:1: {message}"):
        list(iter_records(path))


def test_row_over_the_record_limit_is_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, b'id,text\n1,"' + b"line\n" * 100 + b'"\n')

    with pytest.raises(TooLarge, match=r"^items\.csv:\d+: row is longer than 200 bytes"):
        list(iter_records(path, max_record_bytes=200))
