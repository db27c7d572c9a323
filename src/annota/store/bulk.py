"""Bulk insert of items, straight through the driver's ``executemany``.

Import speed is bound by per-row overhead, and SQLAlchemy's per-parameter processing costs
several times the database's own work for narrow rows. Here each row is one tuple of
pre-serialised values (JSON as text via orjson, the timestamp rendered once per batch), sent
with one ``executemany``; ``ON CONFLICT DO NOTHING`` on (project, external id) makes
re-imports idempotent, and the driver's summed rowcount says how many rows were new.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import DateTime
from sqlalchemy.orm import Session

COLUMNS = (
    "project_id",
    "external_id",
    "data",
    "meta",
    "media",
    "priority",
    "rand",
    "taken",
    "done",
    "open",
    "created_at",
)


def insert_items(
    session: Session,
    rows: Sequence[tuple[str, dict[str, Any], dict[str, Any], float]],
    *,
    project_id: int,
    open_: bool,
) -> int:
    """Insert ``(external_id, data, meta, rand)`` rows; returns how many were new."""
    if not rows:
        return 0
    conn = session.connection()
    dialect = conn.dialect
    now = datetime.now(UTC).replace(tzinfo=None)
    process = DateTime().bind_processor(dialect)
    stamp = process(now) if process else now
    if dialect.name == "postgresql":
        marks = "%s, %s, %s::jsonb, %s::jsonb, %s::jsonb, %s, %s, %s, %s, %s, %s"
    else:
        marks = ", ".join("?" * len(COLUMNS))
    sql = (
        f"INSERT INTO items ({', '.join(COLUMNS)}) VALUES ({marks}) "
        "ON CONFLICT (project_id, external_id) DO NOTHING"
    )
    dumps = orjson.dumps
    params = [
        (
            project_id,
            ext,
            dumps(data).decode(),
            dumps(meta).decode(),
            "{}",
            0.0,
            rand,
            0,
            0,
            open_,
            stamp,
        )
        for ext, data, meta, rand in rows
    ]
    cursor = conn.exec_driver_sql(sql, params)
    return int(cursor.rowcount)
