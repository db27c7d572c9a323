"""Items (one unit of raw data each) and the media files they point at."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from annota.store.models.base import Base, JSONType, UTCDateTime, utcnow


class Item(Base):
    """One unit of raw data with a stable external id.

    ``taken`` counts the annotation slots in use (live leases plus submitted answers) and
    ``open`` says whether another annotator may still get the item; both are maintained by the
    assignment service in the same transaction as the lease, so next-item reads one index.
    """

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("project_id", "external_id"),
        Index("ix_items_next_seq", "project_id", "open", "id"),
        Index("ix_items_next_rand", "project_id", "open", "rand"),
        Index("ix_items_next_prio", "project_id", "open", "priority", "id"),
        Index("ix_items_project_order", "project_id", "id"),  # keyset paging and export
        Index("ix_items_project_priority", "project_id", "priority", "id"),  # browser sorts
        Index("ix_items_project_done", "project_id", "done", "id"),
        # full-text search: an FTS5 table with triggers (SQLite) or a GIN index (PostgreSQL),
        # made by migration 0005; not modelled here
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: per data field, what the platform knows of its media: media id, width, height, duration
    media: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: the item's data as annotators see it when the schema marks fields sensitive (masked
    #: or hidden); None when nothing is sensitive. ``data`` keeps the originals.
    masked: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    #: set when retention purged the raw data; labels and lineage stay
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    rand: Mapped[float] = mapped_column(Float, default=0.0)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Media(Base):
    """A stored file: kept under a generated key, typed from its bytes, never by its name."""

    __tablename__ = "media"
    __table_args__: ClassVar[dict[str, Any]] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(1024), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
