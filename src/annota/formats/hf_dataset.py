"""Parquet and Hugging Face ``datasets`` folders: labelled items out, items in.

Export writes the table of :mod:`annota.formats.arrow_columns` a batch at a time (memory
holds one batch), with pyarrow only, so ``datasets`` need not be installed to produce it:

- :func:`write_parquet` writes one Parquet file (with a ``split`` column when splits are
  given); ``pandas.read_parquet`` and ``datasets.load_dataset("parquet", ...)`` read it.
- :func:`write_hf_dataset` writes what ``Dataset.save_to_disk`` writes (an Arrow IPC stream
  ``data-00000-of-00001.arrow``, ``dataset_info.json`` with the features, ``state.json``),
  or, with splits, a ``DatasetDict`` folder (``dataset_dict.json`` and one such folder per
  split), so ``datasets.load_from_disk`` opens it. Both carry the Hugging Face features in the
  Arrow schema metadata too, and the Annota schema under ``annota.schema``.

Import (:func:`iter_hf_dataset`) reads a ``save_to_disk`` folder (a ``Dataset`` or a
``DatasetDict``, whose split goes to ``meta["split"]``) as :class:`SourceRecord`\\ s with the
same conventions as Parquet: ``ClassLabel`` columns become their names, ``Image`` and
``Audio`` columns their file path. File names come from ``state.json`` and
``dataset_dict.json`` and must be plain names inside the folder.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.formats.arrow_columns import Column, table_columns
from annota.formats.parquet import arrow_records
from annota.formats.record import SourceRecord
from annota.schema import LabelSchema

__all__ = ["iter_hf_dataset", "write_hf_dataset", "write_parquet"]

_BATCH_ROWS = 4096
_DATA_FILE = "data-00000-of-00001.arrow"


def write_parquet(
    items: Iterable[AnnotatedItem],
    path: Path,
    *,
    schema: LabelSchema,
    splits: Mapping[str, str] | None = None,
) -> int:
    """Write the items as one Parquet file; return the number of rows.

    Parameters
    ----------
    items : iterable of AnnotatedItem
        Consumed once, a batch at a time.
    path : Path
        The ``.parquet`` file to write.
    schema : LabelSchema
        Decides the columns (see :mod:`annota.formats.arrow_columns`).
    splits : mapping of str to str, optional
        External id to split name (e.g. from :func:`assign_splits`); adds a ``split`` column.
    """
    columns = table_columns(schema, splits=splits)
    arrow_schema = _arrow_schema(columns, schema)
    count = 0
    with pq.ParquetWriter(path, arrow_schema) as writer:
        for batch in _batches(items, columns, arrow_schema):
            writer.write_batch(batch)
            count += batch.num_rows
    return count


def write_hf_dataset(
    items: Iterable[AnnotatedItem],
    folder: Path,
    *,
    schema: LabelSchema,
    splits: Mapping[str, str] | None = None,
) -> int:
    """Write a folder ``datasets.load_from_disk`` opens; return the number of rows.

    Without ``splits`` the folder is a ``Dataset``; with them a ``DatasetDict`` with one
    ``Dataset`` per split name, in order of first appearance (an item missing from
    ``splits`` is refused: every row of a ``DatasetDict`` belongs to a split).

    Raises
    ------
    InvalidInput
        An item has no split, or a split name is not a plain folder name.
    """
    columns = table_columns(schema)
    arrow_schema = _arrow_schema(columns, schema)
    folder.mkdir(parents=True, exist_ok=True)
    if splits is None:
        with _StreamFile(folder, arrow_schema) as stream:
            for batch in _batches(items, columns, arrow_schema):
                stream.write(batch)
        stream.finish(columns, split=None)
        return stream.rows
    streams: dict[str, _StreamFile] = {}
    try:
        for item in items:
            split = splits.get(item.external_id)
            if split is None:
                raise InvalidInput("has no split", location=f"item {item.external_id}")
            if split not in streams:
                _check_plain(split, "split")
                (folder / split).mkdir(exist_ok=True)
                streams[split] = _StreamFile(folder / split, arrow_schema).__enter__()
            streams[split].add(item, columns)
    finally:
        for stream in streams.values():
            stream.__exit__(None, None, None)
    for split, stream in streams.items():
        stream.finish(columns, split=split)
    (folder / "dataset_dict.json").write_text(json.dumps({"splits": list(streams)}))
    return sum(stream.rows for stream in streams.values())


def iter_hf_dataset(folder: Path, *, name: str | None = None) -> Iterator[SourceRecord]:
    """Yield the rows of a ``save_to_disk`` folder as records, split by split.

    Raises
    ------
    InvalidInput
        The folder is not a saved dataset, names a file outside itself, or a row breaks the
        Parquet conventions; ``location`` is ``<split/>file:row N``.
    """
    display = name if name is not None else folder.name
    listing = folder / "dataset_dict.json"
    if listing.is_file():
        splits = _json(listing, display).get("splits")
        if not isinstance(splits, list) or not all(isinstance(s, str) for s in splits):
            raise InvalidInput("splits must be a list of names", location=f"{display}:splits")
        for split in splits:
            _check_plain(split, f"{display}:splits")
            yield from _iter_dataset(folder / split, f"{display}/{split}", split)
        return
    yield from _iter_dataset(folder, display, None)


def _iter_dataset(folder: Path, display: str, split: str | None) -> Iterator[SourceRecord]:
    state = _json(folder / "state.json", display)
    files = state.get("_data_files")
    if not isinstance(files, list):
        raise InvalidInput("state.json lists no _data_files", location=f"{display}/state.json")
    features = _json(folder / "dataset_info.json", display).get("features") or {}
    for entry in files:
        filename = entry.get("filename") if isinstance(entry, dict) else None
        if not isinstance(filename, str):
            raise InvalidInput("a data file has no filename", location=f"{display}/state.json")
        _check_plain(filename, f"{display}/state.json")
        where = f"{display}/{filename}"
        try:
            source = pa.memory_map(str(folder / filename))
            reader = pa.ipc.open_stream(source)
        except (pa.ArrowException, OSError) as exc:
            raise InvalidInput(f"not an Arrow stream: {exc}", location=where) from None
        with source:
            batches = (_decode(batch, features, where) for batch in reader)
            first = next(batches, None)
            if first is None:
                continue
            rows = arrow_records(first.schema, _chain(first, batches), name=where)
            for record in rows:
                if split is not None:
                    record.meta.setdefault("split", split)
                yield record


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _decode(batch: Any, features: Mapping[str, Any], where: str) -> Any:
    """ClassLabel ints to names (-1 to null) and Image/Audio structs to their path."""
    arrays, names = [], []
    for field, array in zip(batch.schema, batch.columns, strict=True):
        raw = features.get(field.name)
        feature: dict[str, Any] = raw if isinstance(raw, dict) else {}
        kind = feature.get("_type")
        if kind == "ClassLabel" and pa.types.is_integer(array.type):
            labels = pa.array([str(n) for n in feature.get("names") or ()], pa.string())
            valid = pc.greater_equal(array, 0)
            if pc.any(pc.greater_equal(array, len(labels))).as_py():
                raise InvalidInput(
                    f"column {field.name!r} has a class index beyond its names", location=where
                )
            mapped = pc.take(labels, pc.if_else(valid, array, 0))
            array = pc.if_else(valid, mapped, pa.scalar(None, pa.string()))
        elif kind in ("Image", "Audio") and pa.types.is_struct(array.type):
            array = array.field("path")
        arrays.append(array)
        names.append(field.name)
    return pa.RecordBatch.from_arrays(arrays, names=names)


def _json(path: Path, display: str) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(
            f"{path.name} is missing; is this a datasets save_to_disk folder?", location=display
        ) from None
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{path.name} is unreadable: {exc}", location=display) from None
    if not isinstance(loaded, dict):
        raise InvalidInput(f"{path.name} is not a JSON object", location=display)
    return loaded


def _check_plain(filename: str, location: str) -> None:
    if not filename or filename in (".", "..") or "/" in filename or "\\" in filename:
        raise InvalidInput(f"{filename!r} is not a plain name inside the folder", location=location)


def _arrow_schema(columns: list[Column], schema: LabelSchema) -> Any:
    features = {column.name: column.feature for column in columns}
    metadata = {
        b"huggingface": orjson.dumps({"info": {"features": features}}),
        b"annota.schema": orjson.dumps(schema.model_dump(mode="json", exclude_none=True)),
    }
    return pa.schema([pa.field(c.name, c.type) for c in columns], metadata=metadata)


def _batches(items: Iterable[AnnotatedItem], columns: list[Column], arrow_schema: Any) -> Any:
    rows: list[list[Any]] = [[] for _ in columns]
    for item in items:
        _append(rows, item, columns)
        if len(rows[0]) >= _BATCH_ROWS:
            yield pa.RecordBatch.from_arrays(rows, schema=arrow_schema)
            rows = [[] for _ in columns]
    if rows[0]:
        yield pa.RecordBatch.from_arrays(rows, schema=arrow_schema)


def _append(rows: list[list[Any]], item: AnnotatedItem, columns: list[Column]) -> None:
    regions: dict[str, list[dict[str, Any]]] = {}
    for region in item.regions:
        regions.setdefault(region.get("control", ""), []).append(region)
    for values, column in zip(rows, columns, strict=True):
        values.append(column.value(item, regions))


class _StreamFile:
    """One ``save_to_disk`` folder being written: the Arrow stream, then the JSON files."""

    def __init__(self, folder: Path, arrow_schema: Any) -> None:
        self.folder = folder
        self.schema = arrow_schema
        self.rows = 0
        self._pending: list[list[Any]] = []
        self._writer: Any = None

    def __enter__(self) -> _StreamFile:
        self._writer = pa.ipc.new_stream(str(self.folder / _DATA_FILE), self.schema)
        return self

    def __exit__(self, *_: object) -> None:
        if self._pending and self._pending[0]:
            self.write(pa.RecordBatch.from_arrays(self._pending, schema=self.schema))
        self._writer.close()

    def write(self, batch: Any) -> None:
        self._writer.write_batch(batch)
        self.rows += batch.num_rows

    def add(self, item: AnnotatedItem, columns: list[Column]) -> None:
        if not self._pending:
            self._pending = [[] for _ in columns]
        _append(self._pending, item, columns)
        if len(self._pending[0]) >= _BATCH_ROWS:
            self.write(pa.RecordBatch.from_arrays(self._pending, schema=self.schema))
            self._pending = [[] for _ in columns]

    def finish(self, columns: list[Column], *, split: str | None) -> None:
        """Write ``dataset_info.json`` and ``state.json`` (fingerprint = data file's sha256)."""
        digest = hashlib.sha256()
        with (self.folder / _DATA_FILE).open("rb") as data:
            for block in iter(lambda: data.read(1024 * 1024), b""):
                digest.update(block)
        info = {
            "citation": "",
            "description": "",
            "features": {column.name: column.feature for column in columns},
            "homepage": "",
            "license": "",
        }
        state: dict[str, Any] = {
            "_data_files": [{"filename": _DATA_FILE}],
            "_fingerprint": digest.hexdigest()[:16],
            "_format_columns": None,
            "_format_kwargs": {},
            "_format_type": None,
            "_output_all_columns": False,
            "_split": split,
        }
        (self.folder / "dataset_info.json").write_text(json.dumps(info, indent=2))
        (self.folder / "state.json").write_text(json.dumps(state, indent=2))
