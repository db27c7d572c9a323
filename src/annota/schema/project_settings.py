"""A project's settings: how work is handed out. Pure data, validated like the schema."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class QualificationSettings(BaseModel):
    """A gold test every new annotator takes before real work; ``size`` 0 turns it off."""

    model_config = ConfigDict(extra="forbid")

    size: int = Field(
        default=0, ge=0, le=1000, description="Gold items in the test; 0 means no test."
    )
    pass_score: float = Field(
        default=0.8, ge=0.0, le=1.0, description="Mean score on the test needed to pass."
    )


class ConsensusSettings(BaseModel):
    """How an item's answers become one consensus answer once it has ``overlap`` of them."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["majority_vote", "dawid_skene", "none"] = Field(
        default="majority_vote",
        description=(
            "Choices: majority vote, or Dawid-Skene with annotator confusion matrices fitted "
            "over the project; spans and boxes always use region consensus; 'none' turns it off."
        ),
    )
    iou_threshold: float = Field(
        default=0.5, gt=0.0, le=1.0, description="Box IoU at which two boxes are one object."
    )


class ReviewSettings(BaseModel):
    """Which consensus answers a reviewer must look at."""

    model_config = ConfigDict(extra="forbid")

    agreement_threshold: float = Field(
        default=0.6,
        ge=0.0,
        le=1.0,
        description="Items whose annotators agree less than this go to the review queue.",
    )


class ProjectSettings(BaseModel):
    """How items are handed to annotators; stored as JSON on the project."""

    model_config = ConfigDict(extra="forbid")

    overlap: int = Field(
        default=1, ge=1, le=100, description="Distinct annotators wanted per item."
    )
    ordering: Literal["sequential", "random", "priority"] = Field(
        default="sequential",
        description="Order of next-item: import order, a stable shuffle, or priority score.",
    )
    lease_seconds: int = Field(
        default=3600,
        ge=30,
        le=7 * 24 * 3600,
        description="How long an item stays reserved for the annotator it was handed to.",
    )
    allow_skip: bool = Field(default=True, description="Whether annotators may skip items.")
    show_predictions: bool = Field(
        default=True, description="Whether model predictions are shown as suggestions."
    )
    gold_ratio: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="Share of handed-out items that are gold (honeypots), mixed in at random.",
    )
    qualification: QualificationSettings = Field(default_factory=QualificationSettings)
    consensus: ConsensusSettings = Field(default_factory=ConsensusSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    purge_after_export: bool = Field(
        default=False,
        description=(
            "Retention: once an export job finishes, delete the items' raw data and media, "
            "keeping their ids, labels and lineage."
        ),
    )
    version_every_hours: int | None = Field(
        default=None,
        ge=1,
        le=24 * 366,
        description="Create a dataset version automatically this often (hours); off when unset.",
    )
