"""What the automation services hand back: frozen dataclasses, detached from any session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class BackendInfo:
    """A registered model backend. The token is write-only: only whether one is set."""

    id: int
    project_id: int
    name: str
    url: str
    has_token: bool
    timeout_seconds: float
    created_at: datetime


@dataclass(frozen=True, slots=True)
class BackendHealth:
    ok: bool
    message: str
    model_version: str | None = None


@dataclass(frozen=True, slots=True)
class AutomationInfo:
    """A project's model choice and active-learning loop state."""

    project_id: int
    model: dict[str, Any]
    al_strategy: str
    al_batch: int
    al_enabled: bool
    labels_at_retrain: int
    retrain_pending: bool
    retrain_job_id: int | None
    last_result: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AcceptanceInfo:
    """How often people kept a model version's suggestions (see prelabeling.acceptance)."""

    model_name: str
    model_version: str
    predictions: int
    reviewed_items: int
    regions_predicted: int
    regions_accepted: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class LFInfo:
    id: int
    project_id: int
    name: str
    kind: str
    spec: dict[str, Any]
    label: str | None
    votes: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LFStats:
    """One row of the LF analysis (Snorkel's lf_summary columns)."""

    name: str
    kind: str
    polarity: list[str]
    coverage: float
    overlaps: float
    conflicts: float
    correct: int | None = None
    incorrect: int | None = None
    emp_acc: float | None = None


@dataclass(frozen=True, slots=True)
class LFAnalysis:
    control: str
    items: int
    labelled_items: int
    lfs: list[LFStats] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LabelModelRunInfo:
    """One label-model run: the LFs as they were (the lineage of its annotations), result."""

    id: int
    project_id: int
    control: str
    lfs: list[dict[str, Any]]
    result: dict[str, Any]
    created_at: datetime
