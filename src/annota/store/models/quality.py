"""Quality workflow tables: gold answers and scores, qualification, consensus, reviews.

The denormalised ``choice_votes`` table holds one row per (annotation, choices control) of
items that reached consensus, so agreement and Dawid-Skene run as grouped SQL over three
short columns instead of parsing every annotation's JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from annota.store.models.base import Base, JSONType, UTCDateTime, utcnow

#: qualification states of an annotator in a project
QUAL_NONE = "none"
QUAL_PENDING = "pending"
QUAL_PASSED = "passed"
QUAL_FAILED = "failed"


class GoldItem(Base):
    """An item with a known answer; never handed out as regular work."""

    __tablename__ = "gold_items"
    __table_args__ = (Index("ix_gold_items_project", "project_id", "item_id"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    regions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    schema_version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GoldScore(Base):
    """How one submitted answer on a gold item compares with the gold answer (0..1)."""

    __tablename__ = "gold_scores"
    __table_args__ = (
        Index("ix_gold_scores_user", "project_id", "user_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[float] = mapped_column(Float)
    phase: Mapped[str] = mapped_column(String(20))  # "qualification" or "honeypot"
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnnotatorQuality(Base):
    """Per annotator and project: how many items were handed out, gold results, qualification.

    One row, read by primary-key index on next-item only when gold or a test is configured.
    """

    __tablename__ = "annotator_quality"
    __table_args__ = (UniqueConstraint("project_id", "user_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    served: Mapped[int] = mapped_column(Integer, default=0)
    gold_served: Mapped[int] = mapped_column(Integer, default=0)
    gold_answered: Mapped[int] = mapped_column(Integer, default=0)
    gold_score_sum: Mapped[float] = mapped_column(Float, default=0.0)
    qualification: Mapped[str] = mapped_column(String(20), default=QUAL_NONE)
    qual_attempt: Mapped[int] = mapped_column(Integer, default=1)
    qual_answered: Mapped[int] = mapped_column(Integer, default=0)
    qual_score_sum: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsensusRecord(Base):
    """An item's consensus: which annotation holds it, how much the sources agreed, review."""

    __tablename__ = "consensus_records"
    __table_args__ = (
        Index("ix_consensus_review", "project_id", "review_status", "agreement"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(30))
    agreement: Mapped[float] = mapped_column(Float)
    n_sources: Mapped[int] = mapped_column(Integer)
    #: "none" (agreement high enough), "pending" (in the review queue), "done"
    review_status: Mapped[str] = mapped_column(String(20))
    #: "|a|b|" of the consensus labels, for the review queue's label filter
    labels: Mapped[str] = mapped_column(Text, default="|")
    suspect: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsensusSource(Base):
    """Lineage: one annotation a consensus annotation was computed from."""

    __tablename__ = "consensus_sources"
    __table_args__ = (Index("ix_consensus_sources_source", "source_id"),)

    consensus_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True
    )


class ChoiceVote(Base):
    """One answer to one choices control, flattened for grouped SQL (consensus rows too)."""

    __tablename__ = "choice_votes"
    __table_args__ = (
        Index("ix_choice_votes_project", "project_id", "control", "item_id"),
        Index("ix_choice_votes_annotation", "annotation_id"),
        Index("ix_choice_votes_item", "item_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_consensus: Mapped[bool] = mapped_column(Boolean, default=False)
    control: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(300))


class Review(Base):
    """A reviewer's verdict on one annotation: accept, reject (with comment) or fix."""

    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_annotator", "project_id", "annotator_id", "id"),
        Index("ix_reviews_annotation", "annotation_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_name: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    correction_id: Mapped[int | None] = mapped_column(
        ForeignKey("annotations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnnotatorConfusion(Base):
    """A Dawid-Skene confusion matrix of one annotator on one choices control."""

    __tablename__ = "annotator_confusions"
    __table_args__ = (
        UniqueConstraint("project_id", "control", "user_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    control: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    classes: Mapped[list[str]] = mapped_column(JSONType)
    matrix: Mapped[list[list[float]]] = mapped_column(JSONType)
    prior: Mapped[list[float]] = mapped_column(JSONType)
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
