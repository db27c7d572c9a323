"""A temporary file of checked import entries, written once and read back once.

An annotated import checks every entry before it stores any (all or nothing), and checking
normalises the regions. Keeping the normalised entries on disk between the two steps means
the source is parsed and every region validated exactly once, while memory holds one batch
rather than the whole file. Lines are JSON (orjson); the standard library's encoder takes
the rare value orjson refuses (an integer beyond 64 bits), so nothing a format can read is
lost on the way.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any

import orjson

from annota.formats import AnnotatedItem
from annota.schema import MediaInfo
from annota.services.import_entries import Answer, ImportedItem, Suggestion

__all__ = ["EntrySpool"]


class EntrySpool:
    """Append checked entries, then iterate them in the order they were written.

    The file is anonymous (unlinked at creation by :func:`tempfile.TemporaryFile`), so it
    vanishes with the process even when an import is killed half-way.
    """

    def __init__(self) -> None:
        # Closed by __exit__: the spool lives exactly as long as its ``with`` block.
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="annota-import-")  # noqa: SIM115
        self.count = 0

    def __enter__(self) -> EntrySpool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._file.close()

    def write(self, entry: ImportedItem) -> None:
        """Append one entry."""
        self._file.write(_encode(_plain(entry)))
        self._file.write(b"\n")
        self.count += 1

    def __iter__(self) -> Iterator[ImportedItem]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield _entry(_decode(line))


def _plain(entry: ImportedItem) -> list[Any]:
    item, media = entry.item, entry.item.media
    return [
        item.external_id,
        item.data,
        item.meta,
        None if media is None else [media.width, media.height, media.duration, media.frames],
        item.location,
        [[a.regions, a.author, a.lead_time] for a in entry.answers],
        [[s.regions, s.model, s.version, s.score] for s in entry.suggestions],
    ]


def _entry(plain: list[Any]) -> ImportedItem:
    external_id, data, meta, media, location, answers, suggestions = plain
    item = AnnotatedItem(
        external_id,
        data,
        meta=meta,
        media=None if media is None else MediaInfo(*media),
        location=location,
    )
    return ImportedItem(
        item,
        [Answer(regions, author, lead_time) for regions, author, lead_time in answers],
        [Suggestion(*suggestion) for suggestion in suggestions],
    )


def _encode(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, allow_nan=False).encode()


def _decode(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)
