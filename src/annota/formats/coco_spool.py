"""Temporary storage that puts a COCO file's annotations back in image order.

COCO lists images and annotations in two separate arrays; an annotation names its image by
id, and nothing obliges a file to list annotations in the order of its images. Holding all
annotations in memory until the last one is read is what made importing a large COCO file
cost about a kilobyte per box. Instead the reader writes each annotation's regions here,
keyed by its image's position, and reads them back in that order:

- Files whose annotations follow their images' order (every exporter we know of: cocoapi,
  CVAT, Datumaro, Label Studio, Annota) go to a plain temporary file, written and read
  sequentially.
- At the first annotation that goes back to an earlier image the spool moves what it holds
  into a temporary SQLite table and sorts there; SQLite is already a dependency and sorts on
  disk, so memory stays flat for any order.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from itertools import groupby
from types import TracebackType
from typing import IO, Any

import orjson

__all__ = ["AnnotationSpool", "LineSpool"]

_BATCH = 10_000


class LineSpool:
    """An anonymous temporary file of JSON lines, written then read back in order."""

    def __init__(self) -> None:
        # Closed by close(): the owner (a COCO file being read) decides the lifetime.
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="annota-coco-")  # noqa: SIM115

    def write(self, value: Any) -> None:
        """Append one JSON-ready value."""
        self._file.write(orjson.dumps(value))
        self._file.write(b"\n")

    def __iter__(self) -> Iterator[Any]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield orjson.loads(line)

    def close(self) -> None:
        """Delete the file."""
        self._file.close()


class AnnotationSpool:
    """Regions per image position, read back grouped by position in ascending order."""

    def __init__(self) -> None:
        self._lines: LineSpool | None = LineSpool()
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[int, bytes]] = []
        self._last = -1
        self._run: list[dict[str, Any]] = []  # regions of image ``_last`` not yet written

    def __enter__(self) -> AnnotationSpool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def sorted_on_disk(self) -> bool:
        """Whether the file's annotations came out of image order (and SQLite sorts them)."""
        return self._db is not None

    def add(self, position: int, regions: list[dict[str, Any]]) -> None:
        """Keep the regions of one annotation of the image at ``position``."""
        if self._lines is not None and position >= self._last:
            # In order: gather one image's regions and write them as one line.
            if position != self._last:
                self._write_run()
                self._last = position
            self._run.extend(regions)
            return
        if self._db is None:
            self._spill()
        self._pending.append((position, orjson.dumps(regions)))
        if len(self._pending) >= _BATCH:
            self._flush()

    def _write_run(self) -> None:
        if self._run and self._lines is not None:
            self._lines.write([self._last, self._run])
        self._run = []

    def groups(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """``(position, regions)`` per image that has any, positions ascending.

        Regions keep the order of their annotations in the file.
        """
        if self._lines is not None:
            self._write_run()
            rows: Iterator[tuple[int, list[dict[str, Any]]]] = (
                (position, regions) for position, regions in self._lines
            )
        else:
            rows = self._sorted()
        for position, run in groupby(rows, key=lambda row: row[0]):
            yield position, [region for _, regions in run for region in regions]

    def close(self) -> None:
        """Delete the temporary file or database."""
        if self._lines is not None:
            self._lines.close()
        if self._db is not None:
            self._db.close()

    def _spill(self) -> None:
        """Move the in-order lines so far into a temporary database; go on there."""
        # An empty file name asks SQLite for a private on-disk database that is deleted
        # when the connection closes.
        self._db = sqlite3.connect("")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE spool (position INTEGER NOT NULL, regions BLOB NOT NULL)")
        self._write_run()
        lines, self._lines = self._lines, None
        assert lines is not None
        for position, regions in lines:
            self._pending.append((position, orjson.dumps(regions)))
            if len(self._pending) >= _BATCH:
                self._flush()
        lines.close()

    def _flush(self) -> None:
        assert self._db is not None
        self._db.executemany("INSERT INTO spool VALUES (?, ?)", self._pending)
        self._pending.clear()

    def _sorted(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        assert self._db is not None
        self._flush()
        # rowid is the arrival order, so annotations of one image keep their file order.
        cursor = self._db.execute("SELECT position, regions FROM spool ORDER BY position, rowid")
        for position, regions in cursor:
            yield position, orjson.loads(regions)
