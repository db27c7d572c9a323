"""Writing the audit trail, always inside the transaction of the change it records.

Every event carries the hash of the one before it and a hash of its own content, so removing,
reordering or editing any stored event breaks the chain at that point, which
:func:`annota.services.audit_log.verify_chain` finds. Appends are serialised so the chain is
a line, not a tree: SQLite writers already hold the database lock (``BEGIN IMMEDIATE``); on
PostgreSQL a transaction-scoped advisory lock does the same for the moment between reading
the last hash and committing.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, insert, select, text
from sqlalchemy.orm import Session

from annota.services.actor import Actor
from annota.store import tables

EVENTS = tables.audit_events
#: the advisory lock key that serialises audit appends on PostgreSQL ("annota" in ASCII)
CHAIN_LOCK = 0x616E6E6F7461


def event_hash(prev_hash: str, event: dict[str, Any]) -> str:
    """sha-256 over the previous hash and the event's canonical JSON (sorted keys, UTC time)."""
    at: datetime = event["at"]
    content = {
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": event["actor_id"],
        "actor_name": event["actor_name"],
        "project_id": event["project_id"],
        "action": event["action"],
        "object_type": event["object_type"],
        "object_id": event["object_id"],
        "details": event["details"],
    }
    body = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(prev_hash.encode() + b"\n" + body).hexdigest()


def record(
    where: Session | Connection,
    actor: Actor,
    action: str,
    *,
    object_type: str,
    object_id: int | str,
    project_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one event; it commits or rolls back together with the change itself."""
    conn = where.connection() if isinstance(where, Session) else where
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    prev = conn.execute(select(EVENTS.c.hash).order_by(EVENTS.c.id.desc()).limit(1)).scalar()
    # Round-trip the details through JSON now, so the hash is of what the database gives back.
    event: dict[str, Any] = {
        "at": datetime.now(UTC),
        "actor_id": actor.user_id,
        "actor_name": actor.username,
        "project_id": project_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "details": orjson.loads(orjson.dumps(details or {})),
    }
    prev_hash = prev or ""
    conn.execute(
        insert(EVENTS).values(**event, prev_hash=prev_hash, hash=event_hash(prev_hash, event))
    )
