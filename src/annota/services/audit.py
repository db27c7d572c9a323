"""Writing the audit trail, always inside the transaction of the change it records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from annota.services.actor import Actor
from annota.store import tables


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
    conn.execute(
        insert(tables.audit_events).values(
            at=datetime.now(UTC),
            actor_id=actor.user_id,
            actor_name=actor.username,
            project_id=project_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=details or {},
        )
    )
