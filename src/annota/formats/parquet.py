"""Parquet rows as records, a small batch at a time.

Items are stored as JSON, so every value that leaves this reader must be JSON: we work out a
JSON-friendly Arrow type for each column once (timestamps, dates, times and decimals become strings,
dictionary-encoded columns their values, half floats doubles) and cast whole batches, rather
than inspecting values one by one. Types with no faithful JSON form (binary, maps, durations,
unions) are refused up front with the column named. Non-finite floats are searched for with
Arrow compute per batch; only a batch that has one is walked in Python to name the row.

Memory is bounded by one row group (which Arrow decodes as a unit) plus one batch of Python
objects; the file's total size does not matter.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from annota.errors import InvalidInput
from annota.formats.record import ColumnPlan, SourceRecord

_BATCH_ROWS = 1024


def parquet_row_count(path: Path) -> int:
    """Exact row count from the file footer, without reading any data."""
    with pq.ParquetFile(path) as parquet:
        return int(parquet.metadata.num_rows)


def iter_parquet(path: Path, *, name: str) -> Iterator[SourceRecord]:
    """Yield one record per row; locations are ``name:row N`` (1-based).

    Raises
    ------
    InvalidInput
        The file is not Parquet or is corrupt, a column has a type with no JSON form, a column
        name breaks the column conventions, or a float is NaN or infinite.
    """
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InvalidInput(f"not a readable Parquet file: {exc}", location=name) from None
    with parquet:
        fields = _item_fields(parquet.schema_arrow)
        batches = parquet.iter_batches(
            batch_size=_BATCH_ROWS, columns=[field.name for field in fields]
        )
        yield from arrow_records(pa.schema(fields), batches, name=name)


def arrow_records(schema: Any, batches: Iterator[Any], *, name: str) -> Iterator[SourceRecord]:
    """Yield one record per row of Arrow record batches that follow ``schema``.

    Shared by Parquet and Hugging Face ``datasets`` folders (Arrow IPC streams): the same
    column conventions, JSON casts and ``name:row N`` locations (1-based, across batches).

    Raises
    ------
    InvalidInput
        A column has a type with no JSON form, a column name breaks the conventions, a float
        is NaN or infinite, or reading a batch fails (corrupt data).
    """
    fields = list(schema)
    targets = [_json_type(field.type, f"column {field.name!r}", name) for field in fields]
    plan = ColumnPlan(
        [field.name for field in fields],
        name,
        struct_columns=[field.name for field in fields if pa.types.is_struct(field.type)],
    )
    row = 0
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as exc:
            raise InvalidInput(f"corrupt data: {exc}", location=f"{name}:row {row + 1}") from None
        if batch is None:
            return
        yield from _batch_records(batch, targets, plan, name, row)
        row += batch.num_rows


def _item_fields(schema: Any) -> list[Any]:
    """The schema's fields less a pandas index stored as columns (``__index_level_0__``).

    ``DataFrame.to_parquet`` keeps a non-default index as extra columns; it is row bookkeeping
    of the DataFrame, not part of any item, and would otherwise appear as a data field.
    """
    pandas = schema.pandas_metadata or {}
    index = {column for column in pandas.get("index_columns", []) if isinstance(column, str)}
    return [field for field in schema if field.name not in index]


def _batch_records(
    batch: Any, targets: list[Any], plan: ColumnPlan, name: str, first_row: int
) -> Iterator[SourceRecord]:
    columns = []
    for array, target in zip(batch.columns, targets, strict=True):
        converted = array if array.type == target else array.cast(target)
        if _has_non_finite(converted):
            _raise_non_finite(converted.to_pylist(), name, first_row)
        columns.append(converted.to_pylist())
    for offset, values in enumerate(zip(*columns, strict=True)):
        yield plan.record(values, f"{name}:row {first_row + offset + 1}")


def _json_type(arrow_type: Any, what: str, name: str) -> Any:
    """The Arrow type a column is cast to so that ``to_pylist`` gives JSON values only."""
    types = pa.types
    if types.is_null(arrow_type) or types.is_boolean(arrow_type) or types.is_integer(arrow_type):
        return arrow_type
    if types.is_string(arrow_type) or types.is_large_string(arrow_type):
        return arrow_type
    if types.is_float16(arrow_type):
        return pa.float64()
    if types.is_floating(arrow_type):
        return arrow_type
    if types.is_dictionary(arrow_type):
        return _json_type(arrow_type.value_type, what, name)
    if types.is_decimal(arrow_type) or _is_date_or_time(arrow_type):
        return pa.string()
    if types.is_list(arrow_type) or types.is_fixed_size_list(arrow_type):
        return pa.list_(_json_type(arrow_type.value_type, what, name))
    if types.is_large_list(arrow_type):
        return pa.large_list(_json_type(arrow_type.value_type, what, name))
    if types.is_struct(arrow_type):
        return pa.struct(
            [
                field.with_type(_json_type(field.type, f"{what}.{field.name}", name))
                for field in arrow_type
            ]
        )
    raise InvalidInput(
        f"{what} has type {arrow_type}, which has no JSON form; convert it to text or numbers",
        location=name,
    )


def _is_date_or_time(arrow_type: Any) -> bool:
    types = pa.types
    return bool(
        types.is_timestamp(arrow_type) or types.is_date(arrow_type) or types.is_time(arrow_type)
    )


def _has_non_finite(array: Any) -> bool:
    if pa.types.is_floating(array.type):
        return bool(pc.any(pc.invert(pc.is_finite(array))).as_py())
    if pa.types.is_struct(array.type):
        return any(_has_non_finite(child) for child in array.flatten())
    if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        return _has_non_finite(array.flatten())
    return False


def _raise_non_finite(values: list[Any], name: str, first_row: int) -> None:
    for offset, value in enumerate(values):
        if not _finite(value):
            raise InvalidInput(
                "NaN or infinite numbers are not allowed",
                location=f"{name}:row {first_row + offset + 1}",
            )


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(child) for child in value.values())
    if isinstance(value, list):
        return all(_finite(child) for child in value)
    return True
