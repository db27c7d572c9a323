"""Items, imports, predictions and annotations on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ItemIn(BaseModel):
    """One item to import through JSON (files go through the upload endpoint)."""

    model_config = ConfigDict(extra="forbid")

    id: str | int | None = Field(default=None, description="Your stable external id.")
    data: dict[str, Any]
    meta: dict[str, Any] = Field(default_factory=dict)


class ItemsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ItemIn] = Field(max_length=10_000)


class ImportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    source: str
    read: int
    created: int
    existing: int
    duplicates_in_source: int


class PredictionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_name: str = Field(max_length=200)
    model_version: str = Field(default="", max_length=100)
    score: float | None = Field(default=None, ge=0.0, le=1.0)
    regions: list[dict[str, Any]] = Field(max_length=100_000)


class PredictionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, protected_namespaces=())

    id: int
    item_id: int
    model_name: str
    model_version: str
    score: float | None
    regions: list[dict[str, Any]]
    schema_version: int
    created_at: datetime


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Annota's id of the item.")
    project_id: int
    external_id: str
    data: dict[str, Any]
    meta: dict[str, Any]
    priority: float
    done: int = Field(description="Submitted annotations so far.")
    created_at: datetime
    predictions: list[PredictionOut] | None = None
    lease_expires_at: datetime | None = Field(
        default=None, description="When the item goes back to the pool if not submitted."
    )
    media: dict[str, Any] = Field(
        default_factory=dict,
        description="Per data field: what is known of its media (width, height, duration …).",
    )


class SkipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=2000)


class AnnotationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regions: list[dict[str, Any]] = Field(max_length=100_000)
    status: Literal["draft", "submitted"] = "submitted"
    lead_time: float | None = Field(default=None, ge=0, description="Seconds spent.")
    idempotency_key: str | None = Field(
        default=None,
        max_length=200,
        description="A client-made key; a retry with the same key returns the first result. "
        "The `Idempotency-Key` header works too.",
    )


class AnnotationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(
        default=None, description="The version you read (or send `If-Match`); stale → 409."
    )
    regions: list[dict[str, Any]] | None = Field(default=None, max_length=100_000)
    status: Literal["draft", "submitted"] | None = None
    lead_time: float | None = Field(default=None, ge=0)


class AnnotationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    project_id: int
    author_kind: str
    author_id: int | None
    author_name: str
    status: str
    regions: list[dict[str, Any]]
    schema_version: int
    guidelines_version: int
    lead_time: float | None
    version: int
    corrects_id: int | None
    created_at: datetime
    updated_at: datetime
    lineage: dict[str, Any] = Field(
        default_factory=dict,
        description="Where a derived answer came from: model, rules, source answers, import.",
    )
