"""Constant memory: reading 2,000,000 lines costs what reading 200,000 does.

Tracing every allocation of 2,000,000 records would make this test take minutes, so
tracemalloc watches two windows: the first 200,000 records (whose peak includes the reader's
buffers) and the last 200,000. Between the windows, ``sys.getallocatedblocks`` shows whether
anything per record is kept alive: a leak of one object per record would add 1,600,000 blocks.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections import deque
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest

from annota.formats import SourceRecord, iter_records

ROWS = 2_000_000
WINDOW = 200_000
MB = 1024 * 1024


def write_rows(path: Path, rows: int) -> None:
    """Write rows in blocks from a generator, so the test itself stays small in memory."""
    with path.open("wb") as out:
        for start in range(0, rows, 50_000):
            end = min(start + 50_000, rows)
            out.write(
                b"".join(b'{"id": "r%d", "text": "item %d"}\n' % (i, i) for i in range(start, end))
            )


def traced_peak(records: Iterator[SourceRecord], count: int) -> tuple[int, SourceRecord | None]:
    """Consume ``count`` records under tracemalloc; the peak and the last record."""
    tracemalloc.start()
    try:
        tail = deque(islice(records, count), maxlen=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, tail[0] if tail else None


@pytest.mark.slow
def test_reading_two_million_lines_keeps_memory_flat(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    write_rows(path, ROWS)
    records = iter_records(path)

    peak_first, _ = traced_peak(records, WINDOW)
    gc.collect()
    blocks_first = sys.getallocatedblocks()
    skipped = sum(1 for _ in islice(records, ROWS - 2 * WINDOW))
    gc.collect()
    blocks_late = sys.getallocatedblocks()
    peak_last, last = traced_peak(records, WINDOW)

    assert skipped == ROWS - 2 * WINDOW
    assert last == SourceRecord(
        f"items.jsonl:{ROWS}", f"r{ROWS - 1}", {"text": f"item {ROWS - 1}"}, {}
    )
    assert next(records, None) is None
    assert peak_first < 20 * MB
    assert peak_last <= peak_first + MB // 4
    assert blocks_late - blocks_first < 1_000
