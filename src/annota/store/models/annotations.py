"""Annotations (one author's answer for one item) and model predictions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from annota.store.models.base import Base, JSONType, UTCDateTime, utcnow


class Annotation(Base):
    __tablename__ = "annotations"
    __table_args__ = (
        UniqueConstraint("author_id", "idempotency_key"),
        Index("ix_annotations_item", "item_id", "status"),
        Index("ix_annotations_project_author", "project_id", "author_id"),
        # One current answer per person and item; corrections by reviewers point elsewhere.
        Index(
            "uq_annotations_person_item",
            "item_id",
            "author_id",
            unique=True,
            sqlite_where=text("author_kind = 'person' AND corrects_id IS NULL"),
            postgresql_where=text("author_kind = 'person' AND corrects_id IS NULL"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    author_kind: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20))
    regions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    schema_version: Mapped[int] = mapped_column(Integer)
    guidelines_version: Mapped[int] = mapped_column(Integer)
    lead_time: Mapped[float | None] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, default=1)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("annotations.id", ondelete="SET NULL")
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    #: where a non-human or derived answer came from: ``{"model": …, "rules": […],
    #: "from_annotations": […], "method": …}``; empty for a person's own answer
    lineage: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Prediction(Base):
    __tablename__ = "predictions"
    __table_args__: ClassVar[dict[str, Any]] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(100), default="")
    score: Mapped[float | None] = mapped_column(Float)
    regions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    schema_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
