"""Exporting a project as native JSONL: one line per item with its annotations.

The whole export reads inside one read transaction, so it is a consistent snapshot even
while annotators keep submitting; items are read in keyset-paged chunks and written as they
come, so memory stays flat at any project size. Writing to a file goes to a temporary name
that is fsynced and renamed when complete, so a partial export is never mistaken for one.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, Text, cast, select

from annota.errors import InvalidInput
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database

FORMATS = ("jsonl",)
CHUNK = 2000
Progress = Callable[[int], None]


def _rfc3339(stored: str) -> str:
    """``2026-11-26 10:00:00.5`` (UTC, as both engines print it) → ``2026-11-26T10:00:00.5Z``."""
    return stored.replace(" ", "T", 1) + "Z"


def _annotation(row: Any) -> bytes:
    """One annotation as JSON; its regions are spliced in as stored, never re-parsed."""
    head = orjson.dumps(
        {
            "id": row.id,
            "author": {"kind": row.author_kind, "id": row.author_id, "name": row.author_name},
            "status": row.status,
            "schema_version": row.schema_version,
            "guidelines_version": row.guidelines_version,
            "version": row.version,
            "lead_time": row.lead_time,
            "corrects": row.corrects_id,
            "lineage": row.lineage or {},
            "created_at": _rfc3339(row.created_at),
            "updated_at": _rfc3339(row.updated_at),
        }
    )
    regions: str = row.regions
    return head[:-1] + b',"regions":' + regions.encode() + b"}"


def _lines(conn: Connection, project_id: int, include_drafts: bool) -> Iterator[bytes]:
    """Export lines, chunk by chunk. JSON columns are read as text (``CAST AS TEXT``) and
    copied into the output as they are: parsing and re-serialising them was most of the cost.
    """
    after = 0
    ann = tables.annotations.c
    item = tables.items.c
    as_text = {"regions", "created_at", "updated_at"}
    ann_columns: list[ColumnElement[Any]] = [
        c for c in tables.annotations.c if c.name not in as_text
    ]
    ann_columns += [cast(ann[name], Text).label(name) for name in sorted(as_text)]
    while True:
        items = conn.execute(
            select(
                item.id,
                item.external_id,
                cast(item.data, Text).label("data"),
                cast(item.meta, Text).label("meta"),
            )
            .where(item.project_id == project_id, item.id > after)
            .order_by(item.id)
            .limit(CHUNK)
        ).all()
        if not items:
            return
        first, last = items[0].id, items[-1].id
        # ``project_id + 0`` keeps planners on the item-id index: the range is narrow, the
        # project-wide index would read (and sort) every annotation of the project per chunk.
        query = select(*ann_columns).where(
            ann.project_id + 0 == project_id, ann.item_id >= first, ann.item_id <= last
        )
        if not include_drafts:  # submitted answers, reviewed or not; never drafts
            query = query.where(ann.status.in_(("submitted", "accepted", "rejected")))
        by_item: dict[int, list[bytes]] = defaultdict(list)
        for row in conn.execute(query.order_by(ann.item_id, ann.id)):
            by_item[row.item_id].append(_annotation(row))
        for row in items:
            yield b"".join(
                (
                    b'{"id":',
                    orjson.dumps(row.external_id),
                    b',"data":',
                    row.data.encode(),
                    b',"meta":',
                    row.meta.encode(),
                    b',"annotations":[',
                    b",".join(by_item.get(row.id, ())),
                    b"]}\n",
                )
            )
        after = last


def export_lines(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    fmt: str = "jsonl",
    include_drafts: bool = False,
) -> Iterator[bytes]:
    """Check access now, then return a generator of export lines read in one snapshot."""
    if fmt not in FORMATS:
        raise InvalidInput(
            f"unknown format '{fmt}' (one of {', '.join(FORMATS)})", location="format"
        )
    with db.read() as s:
        project_for(s, actor, project_id, Need.MANAGE)

    def generate() -> Iterator[bytes]:
        with db.read() as s:
            yield from _lines(s.connection(), project_id, include_drafts)

    return generate()


def export_chunks(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    fmt: str = "jsonl",
    include_drafts: bool = False,
    chunk_bytes: int = 256 * 1024,
) -> Iterator[bytes]:
    """Like :func:`export_lines`, in blocks of about ``chunk_bytes`` for HTTP streaming.

    A web server moves each block of a synchronous iterator through a thread hand-off, so
    one block per line would cost more than writing the line.
    """
    lines = export_lines(db, actor, project_id, fmt=fmt, include_drafts=include_drafts)

    def blocks() -> Iterator[bytes]:
        pending: list[bytes] = []
        size = 0
        for line in lines:
            pending.append(line)
            size += len(line)
            if size >= chunk_bytes:
                yield b"".join(pending)
                pending, size = [], 0
        if pending:
            yield b"".join(pending)

    return blocks()


def export_to_file(
    db: Database,
    actor: Actor,
    project_id: int,
    dest: Path,
    *,
    fmt: str = "jsonl",
    include_drafts: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write the export to ``dest`` atomically; returns the number of items written."""
    lines = export_lines(db, actor, project_id, fmt=fmt, include_drafts=include_drafts)
    tmp = dest.with_name(f".{dest.name}.partial")
    count = 0
    try:
        with open(tmp, "wb") as out:
            for line in lines:
                out.write(line)
                count += 1
                if progress and count % 1000 == 0:
                    progress(count)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    if progress:
        progress(count)
    return count
