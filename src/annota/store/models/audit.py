"""The audit trail: append-only, hash-chained, written in the transaction of the change.

``actor_id`` and ``project_id`` carry no foreign keys on purpose: a row must never change
after it is written (deleting a user or project would otherwise rewrite them and break the
hash chain), and the trail outlives what it talks about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from annota.store.models.base import Base, JSONType, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_project_at", "project_id", "id"),
        Index("ix_audit_object", "object_type", "object_id"),
        Index("ix_audit_actor", "actor_id", "id"),
        Index("ix_audit_at", "at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    project_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: sha-256 of the previous event's ``hash`` and this event's canonical content
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
