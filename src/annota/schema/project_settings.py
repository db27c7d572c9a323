"""A project's settings: how work is handed out. Pure data, validated like the schema."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
