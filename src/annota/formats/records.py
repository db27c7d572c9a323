"""Read items for import from JSON lines, JSON, CSV, TSV or Parquet, one record at a time.

This is the entry point the import service uses: one call gives an iterator of
:class:`SourceRecord` whatever the format, with the same ``id``/``data``/``meta`` conventions
(see :mod:`annota.formats.record`) and errors that say where in the file the problem is. Every
reader holds one record (or one small batch) at a time, so memory does not grow with the file.

The format comes from the file name's suffix unless given, and the name used is the display
``name`` when there is one: an upload lands in a temporary file without the user's suffix.

Examples
--------
>>> from pathlib import Path
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "items.jsonl").write_text('{"id": 1, "text": "hi"}\\n')
>>> [r.external_id for r in iter_records(folder / "items.jsonl")]
['1']
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annota.errors import InvalidInput
from annota.formats.delimited import iter_delimited
from annota.formats.json_array import iter_json_values
from annota.formats.json_lines import iter_json_lines
from annota.formats.parquet import iter_parquet, parquet_row_count
from annota.formats.record import DEFAULT_MAX_RECORD_BYTES, SourceRecord, record_from_object

__all__ = ["FORMATS", "SourceRecord", "count_records_hint", "iter_records"]

#: Accepted ``format`` values and the file suffixes that imply them.
FORMATS: dict[str, tuple[str, ...]] = {
    "jsonl": (".jsonl", ".ndjson"),
    "json": (".json",),
    "csv": (".csv",),
    "tsv": (".tsv",),
    "parquet": (".parquet",),
}
_BY_SUFFIX = {suffix: fmt for fmt, suffixes in FORMATS.items() for suffix in suffixes}
_BUFFER = 1024 * 1024
_HINT_SAMPLE = 1024 * 1024


def iter_records(
    path: Path,
    *,
    format: str | None = None,
    name: str | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[SourceRecord]:
    """Yield the records of an import file in file order.

    Parameters
    ----------
    path : Path
        The file to read.
    format : {"jsonl", "json", "csv", "tsv", "parquet"}, optional
        Overrides the suffix of ``name`` (or of ``path`` when there is no ``name``).
    name : str, optional
        File name shown in locations, such as the user's name for an uploaded temp file.
    max_record_bytes : int
        Largest single record (line, object or CSV row) accepted, so one hostile record
        cannot exhaust memory. Parquet is bounded by its row groups instead.

    Returns
    -------
    Iterator[SourceRecord]
        Lazily: nothing is read before the first ``next``. An empty file yields nothing.

    Raises
    ------
    InvalidInput
        The format is unknown, or a record is malformed; ``location`` says where.
    TooLarge
        A record is longer than ``max_record_bytes``.
    """
    display = name if name is not None else path.name
    fmt = _resolve_format(path, format, display)
    if fmt == "parquet":
        return iter_parquet(path, name=display)
    return _iter_text(path, fmt, display, max_record_bytes)


def _iter_text(path: Path, fmt: str, name: str, max_record_bytes: int) -> Iterator[SourceRecord]:
    with path.open("rb", buffering=_BUFFER) as stream:
        if fmt == "jsonl":
            yield from iter_json_lines(
                stream, record_from_object, name=name, max_record_bytes=max_record_bytes
            )
        elif fmt == "json":
            yield from iter_json_values(
                stream, record_from_object, name=name, max_record_bytes=max_record_bytes
            )
        else:
            yield from iter_delimited(
                stream,
                name=name,
                delimiter="," if fmt == "csv" else "\t",
                max_record_bytes=max_record_bytes,
            )


def count_records_hint(
    path: Path,
    *,
    format: str | None = None,
    name: str | None = None,
) -> int | None:
    """Estimate how many records a file holds, cheaply, for a progress bar.

    Parquet gives the exact count from its footer. Line formats count the lines of the first
    megabyte and scale by the file size (exact for smaller files, minus the header for CSV and
    TSV; quoted newlines make it an overestimate). A JSON document has no cheap estimate, and
    a file that cannot be read gives ``None`` too: the reader reports the real problem.
    """
    display = name if name is not None else path.name
    fmt = _resolve_format(path, format, display)
    try:
        if fmt == "parquet":
            return parquet_row_count(path)
        if fmt == "json":
            return None
        size = path.stat().st_size
        with path.open("rb") as stream:
            sample = stream.read(_HINT_SAMPLE)
    except (OSError, ValueError):
        return None
    lines = sample.count(b"\n") + (1 if sample and not sample.endswith(b"\n") else 0)
    if size > len(sample):
        lines = round(lines * size / len(sample))
    header = 0 if fmt == "jsonl" else 1
    return max(lines - header, 0)


def _resolve_format(path: Path, format: str | None, display: str) -> str:
    if format is not None:
        if format not in FORMATS:
            raise InvalidInput(
                f"unknown import format {format!r}; use one of {', '.join(FORMATS)}",
                location=display,
            )
        return format
    suffix = Path(display).suffix.lower() or path.suffix.lower()
    fmt = _BY_SUFFIX.get(suffix)
    if fmt is None:
        allowed = ", ".join(sorted(_BY_SUFFIX))
        raise InvalidInput(
            f"cannot tell the format of {display!r} from its name; use a file ending in {allowed}",
            location=display,
        )
    return fmt
