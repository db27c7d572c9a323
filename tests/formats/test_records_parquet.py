"""Parquet import: column conventions, struct ``data``, JSON-safe values, row locations."""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from annota.errors import InvalidInput
from annota.formats import SourceRecord, count_records_hint, iter_records


def write(tmp_path: Path, table: pa.Table, filename: str = "items.parquet") -> Path:
    path = tmp_path / filename
    pq.write_table(table, path, row_group_size=1000)
    return path


def test_flat_columns_with_id_and_meta_prefix(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": [10, 11, None],
            "text": ["a", None, "c"],
            "score": [0.5, 1.0, 2.0],
            "meta.source": ["web", "api", "web"],
            "tags": [["x"], [], ["y", "z"]],
        }
    )
    path = write(tmp_path, table)

    assert list(iter_records(path)) == [
        SourceRecord(
            "items.parquet:row 1",
            "10",
            {"text": "a", "score": 0.5, "tags": ["x"]},
            {"source": "web"},
        ),
        SourceRecord(
            "items.parquet:row 2", "11", {"text": None, "score": 1.0, "tags": []}, {"source": "api"}
        ),
        SourceRecord(
            "items.parquet:row 3",
            None,
            {"text": "c", "score": 2.0, "tags": ["y", "z"]},
            {"source": "web"},
        ),
    ]


def test_struct_data_column_is_the_nested_form(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": ["a", "b"],
            "data": [{"text": "one", "n": 1}, {"text": "two", "n": 2}],
            "meta": [{"batch": 1}, None],
        }
    )
    path = write(tmp_path, table)

    assert list(iter_records(path)) == [
        SourceRecord("items.parquet:row 1", "a", {"text": "one", "n": 1}, {"batch": 1}),
        SourceRecord("items.parquet:row 2", "b", {"text": "two", "n": 2}, {}),
    ]


def test_struct_data_next_to_other_columns_is_a_field(tmp_path: Path) -> None:
    path = write(tmp_path, pa.table({"data": [{"k": 1}], "text": ["t"]}))

    assert [r.data for r in iter_records(path)] == [{"data": {"k": 1}, "text": "t"}]


def test_pandas_index_columns_are_not_data(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "text": ["x", "y", "z"]}).iloc[[2, 0]]
    frame.index = pd.Index([7, 3], name="row")
    path = tmp_path / "items.parquet"
    frame.to_parquet(path)
    assert "row" in pq.ParquetFile(path).schema_arrow.names

    assert [(r.external_id, r.data) for r in iter_records(path)] == [
        ("c", {"text": "z"}),
        ("a", {"text": "x"}),
    ]


def test_types_without_json_form_become_strings(tmp_path: Path) -> None:
    table = pa.table(
        {
            "when": pa.array([dt.datetime(2024, 5, 6, 7, 8, 9)], pa.timestamp("us")),
            "day": [dt.date(2024, 5, 6)],
            "price": [decimal.Decimal("12.50")],
            "label": pa.array(["cat"]).dictionary_encode(),
            "nested": [{"at": dt.date(2020, 1, 2), "xs": [1, 2]}],
        }
    )
    path = write(tmp_path, table)

    assert [r.data for r in iter_records(path)] == [
        {
            "when": "2024-05-06 07:08:09.000000",
            "day": "2024-05-06",
            "price": "12.50",
            "label": "cat",
            "nested": {"at": "2020-01-02", "xs": [1, 2]},
        }
    ]


def test_binary_column_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, pa.table({"text": ["a"], "blob": [b"\x00\x01"]}))

    with pytest.raises(InvalidInput, match=r"^items\.parquet: column 'blob' has type binary"):
        list(iter_records(path))


def test_many_batches_keep_order_and_absolute_rows(tmp_path: Path) -> None:
    path = write(tmp_path, pa.table({"id": list(range(5000)), "text": ["t"] * 5000}))

    records = list(iter_records(path))

    assert [r.external_id for r in records] == [str(i) for i in range(5000)]
    assert records[4321].location == "items.parquet:row 4322"
    assert count_records_hint(path) == 5000


@pytest.mark.parametrize(
    "column",
    [
        pa.array([1.0] * 1499 + [float("nan")] + [1.0] * 100),
        pa.array([{"p": [1.0]}] * 1499 + [{"p": [float("inf")]}] + [{"p": [1.0]}] * 100),
    ],
)
def test_non_finite_float_names_its_row(tmp_path: Path, column: pa.Array) -> None:
    path = write(tmp_path, pa.table({"x": column}))

    with pytest.raises(InvalidInput, match=r"^items\.parquet:row 1500: NaN or infinite numbers"):
        list(iter_records(path))


def test_bad_id_type_names_its_row(tmp_path: Path) -> None:
    path = write(tmp_path, pa.table({"id": [1.5], "text": ["a"]}))

    with pytest.raises(InvalidInput, match=r"^items\.parquet:row 1: id must be a string or"):
        list(iter_records(path))


def test_file_that_is_not_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "items.parquet"
    path.write_bytes(b"id,text\n1,a\n" * 10)

    with pytest.raises(InvalidInput, match=r"^items\.parquet: not a readable Parquet file"):
        list(iter_records(path))
    assert count_records_hint(path) is None
