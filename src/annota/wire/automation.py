"""Model backends, automation settings, pre-labeling, active learning, weak supervision."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from annota.wire.jobs import JobOut


class BackendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    url: str = Field(
        max_length=2000,
        description="http(s) URL of the backend; private and loopback addresses are refused "
        "unless the server allows them (ANNOTA_ALLOW_PRIVATE_MODEL_URLS).",
    )
    token: str | None = Field(
        default=None,
        max_length=1000,
        description="Sent as `Authorization: Bearer <token>`; stored, never returned.",
    )
    timeout_seconds: float | None = Field(
        default=None, gt=0, description="Read timeout; capped by the server's setting."
    )


class BackendOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    name: str
    url: str
    has_token: bool = Field(description="Whether a token is set (the token is never shown).")
    timeout_seconds: float
    created_at: datetime


class HealthOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, protected_namespaces=())

    ok: bool
    message: str = Field(description="`ok`, or what failed, without the backend's own words.")
    model_version: str | None = None


class AutomationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    project_id: int
    model: dict[str, Any] = Field(
        description="The project's model spec (`kind`: text_classifier, embedder_knn, "
        "gazetteer, regex or backend); empty when none is chosen."
    )
    al_strategy: str
    al_batch: int = Field(description="K: retrain after this many new submitted labels.")
    al_enabled: bool
    labels_at_retrain: int = Field(description="Submitted labels counted at the last retrain.")
    retrain_pending: bool = Field(description="A retrain is queued and has not started.")
    retrain_job_id: int | None
    last_result: dict[str, Any]


class AutomationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: dict[str, Any] | None = Field(default=None, description="A model spec.")
    al_strategy: (
        Literal["random", "least_confidence", "margin", "entropy", "kcenter", "cluster_margin"]
        | None
    ) = None
    al_batch: int | None = Field(default=None, ge=1, le=100_000)
    al_enabled: bool | None = None


class ModelKindsOut(BaseModel):
    kinds: list[str]
    embedder_installed: bool


class PrelabelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: dict[str, Any] | None = Field(
        default=None, description="A model spec; default: the project's model."
    )
    batch_size: int = Field(default=100, ge=1, le=1000)
    unlabelled_only: bool = Field(
        default=True, description="Skip items that already have a submitted annotation."
    )
    fit_backend: bool = Field(
        default=False, description="Call the backend's /fit with the labelled items first."
    )


class AcceptanceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, protected_namespaces=())

    model_name: str
    model_version: str
    predictions: int
    reviewed_items: int = Field(description="Predicted items that a person has since submitted.")
    regions_predicted: int = Field(description="Predicted regions, once per submitted answer.")
    regions_accepted: int = Field(description="Those the person's answer contains verbatim.")
    rate: float | None = Field(description="accepted / predicted; null before any review.")


class RetrainOut(BaseModel):
    queued: bool
    reason: str
    job: JobOut | None = None


class LFIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["keyword", "regex", "threshold", "model_output", "python"]
    spec: dict[str, Any] = Field(default_factory=dict)
    label: str | None = Field(default=None, max_length=200, description="The class it votes.")


class LFOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    name: str
    kind: str
    spec: dict[str, Any]
    label: str | None
    votes: int = Field(description="Stored non-abstain votes.")
    created_at: datetime


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_id: int
    label: str | None = Field(default=None, max_length=200, description="null: abstain.")


class LFVotesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lf: str = Field(min_length=1, max_length=200, description="The labeling function's name.")
    votes: list[VoteIn] = Field(max_length=50_000)


class LFVotesOut(BaseModel):
    stored: int


class LFStatsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    kind: str
    polarity: list[str]
    coverage: float
    overlaps: float
    conflicts: float
    correct: int | None
    incorrect: int | None
    emp_acc: float | None = Field(description="Accuracy on people-labelled items it voted on.")


class LFAnalysisOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    control: str
    items: int
    labelled_items: int
    lfs: list[LFStatsOut]


class LFRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    control: str = Field(description="The choices control the label model labels.")


class LabelModelRunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    control: str
    lfs: list[dict[str, Any]] = Field(description="The labeling functions as they were run.")
    result: dict[str, Any] = Field(description="Method, fallback, validation scores, counts.")
    created_at: datetime
