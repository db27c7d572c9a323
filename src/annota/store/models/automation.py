"""Automation tables: model backends, per-project automation settings, labeling functions.

Model outputs themselves live in ``predictions`` and label-model output in ``annotations``
(author kind ``rule``); these tables hold what produces them and the lineage back to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from annota.store.models.base import Base, JSONType, UTCDateTime, utcnow


class ModelBackend(Base):
    """An HTTP model server registered for a project. ``token`` is write-only: never returned."""

    __tablename__ = "model_backends"
    __table_args__ = (UniqueConstraint("project_id", "name"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    token: Mapped[str | None] = mapped_column(String(1000))
    timeout_seconds: Mapped[float] = mapped_column(Float)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AutomationSettings(Base):
    """A project's model and active-learning loop state (one row per project).

    ``retrain_pending`` is the debounce: it is flipped from false to true by one conditional
    UPDATE, so however many annotators cross the K-labels mark at once, one retrain job is
    queued; the job clears it when it starts, so labels arriving during a run queue the next.
    """

    __tablename__ = "automation_settings"
    __table_args__ = (UniqueConstraint("project_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    model: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    al_strategy: Mapped[str] = mapped_column(String(50), default="margin")
    al_batch: Mapped[int] = mapped_column(Integer, default=20)
    al_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    labels_at_retrain: Mapped[int] = mapped_column(Integer, default=0)
    retrain_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    retrain_job_id: Mapped[int | None] = mapped_column(Integer)
    last_result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LabelingFunction(Base):
    """A labeling function: a declarative rule the server runs, or an SDK (``python``) one
    whose votes are uploaded. ``label`` is a class name of the target choices control."""

    __tablename__ = "labeling_functions"
    __table_args__ = (UniqueConstraint("project_id", "name"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    spec: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    label: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LFVote(Base):
    """One labeling function's non-abstain vote on one item (abstains are not stored)."""

    __tablename__ = "lf_votes"
    __table_args__ = (
        UniqueConstraint("lf_id", "item_id"),
        Index("ix_lf_votes_project_item", "project_id", "item_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    lf_id: Mapped[int] = mapped_column(ForeignKey("labeling_functions.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))


class LabelModelRun(Base):
    """One label-model fit: its LFs (ids, names, specs at the time), scores and fallback.

    Rule-authored annotations name their run in ``author_name`` (``label-model:run-<id>``),
    which is their lineage back to the labeling functions that voted.
    """

    __tablename__ = "label_model_runs"
    __table_args__ = (
        Index("ix_label_model_runs_project", "project_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    control: Mapped[str] = mapped_column(String(200))
    lfs: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
