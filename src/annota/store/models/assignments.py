"""Assignments: an annotator's lease on an item, and what became of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from annota.store.models.base import Base, UTCDateTime, utcnow

LEASED = "leased"
SUBMITTED = "submitted"
SKIPPED = "skipped"
EXPIRED = "expired"


class Assignment(Base):
    """One (item, annotator) pair; unique, so nobody is handed the same item twice.

    An expired lease keeps its row (status ``expired``) and may be renewed by the same
    annotator later, but it no longer holds a slot of the item's overlap.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("item_id", "user_id"),
        Index("ix_assignments_user_live", "project_id", "user_id", "status"),
        Index("ix_assignments_expiry", "project_id", "status", "expires_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    leased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    skip_reason: Mapped[str | None] = mapped_column(Text)
