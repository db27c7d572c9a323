"""Gold, qualification, consensus, review and dashboard shapes on the wire.

Nothing here is ever part of an item as an annotator sees it: gold answers and scores are
served only on the manager and reviewer endpoints.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class GoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regions: list[dict[str, Any]] = Field(
        max_length=100_000, description="The gold answer, shaped like an annotation's regions."
    )


class GoldOut(_Out):
    item_id: int
    project_id: int
    external_id: str
    regions: list[dict[str, Any]]
    schema_version: int
    created_at: datetime


class GoldScoreOut(_Out):
    annotation_id: int
    user_id: int | None = Field(default=None, description="Who answered (lead's view).")
    item_id: int
    score: float = Field(description="0..1: the answer against the gold answer.")
    phase: str = Field(description="`qualification` or `honeypot`.")
    attempt: int
    created_at: datetime


class QualificationOut(_Out):
    user_id: int
    username: str
    status: str = Field(description="`none`, `pending`, `passed` or `failed`.")
    attempt: int
    answered: int
    required: int = Field(description="Size of the test (0: the project has no test).")
    score: float | None = Field(description="Mean score so far; null before any answer.")
    pass_score: float
    answers: list[GoldScoreOut] = Field(description="Scored answers (lead's view only).")


class ConsensusOut(_Out):
    item_id: int
    annotation_id: int = Field(description="The consensus annotation (author kind `consensus`).")
    method: str
    agreement: float = Field(description="0..1: how well the sources match the consensus.")
    n_sources: int
    review_status: str = Field(description="`none`, `pending` (in the queue) or `done`.")
    source_ids: list[int] = Field(description="Lineage: the annotations it was computed from.")
    regions: list[dict[str, Any]]
    version: int
    updated_at: datetime


class RefitOut(BaseModel):
    items: int = Field(description="Items whose consensus was recomputed.")


class ScanOut(BaseModel):
    suspects: int = Field(description="Items now flagged as suspected label errors.")


class QueueEntryOut(_Out):
    item_id: int
    external_id: str
    annotation_id: int = Field(description="The item's consensus annotation, to review.")
    agreement: float
    n_sources: int
    labels: list[str]
    suspect: bool
    updated_at: datetime


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["accept", "reject", "fix"]
    comment: str = Field(default="", max_length=5000, description="Required for `reject`.")
    regions: list[dict[str, Any]] | None = Field(
        default=None, max_length=100_000, description="The corrected answer, for `fix`."
    )


class ReviewOut(_Out):
    id: int
    project_id: int
    item_id: int
    annotation_id: int
    annotator_id: int | None
    reviewer_name: str
    action: str
    comment: str
    correction_id: int | None = Field(description="For `fix`: the corrected annotation.")
    created_at: datetime


class DayProgressOut(_Out):
    day: str = Field(description="UTC day, `YYYY-MM-DD`.")
    submitted: int
    annotators: int
    cumulative: int


class LabelAgreementOut(_Out):
    label: str
    ratings: int
    specific_agreement: float | None
    kappa: float | None


class ControlAgreementOut(_Out):
    control: str
    items: int
    ratings: int
    krippendorff_alpha: float | None
    fleiss_kappa: float | None
    labels: list[LabelAgreementOut]


class AgreementOut(_Out):
    items_with_consensus: int
    mean_item_agreement: float | None
    in_review: int
    controls: list[ControlAgreementOut]


class AnnotatorRowOut(_Out):
    user_id: int
    username: str
    submitted: int
    active_days: int
    mean_lead_time: float | None
    gold_answered: int
    gold_accuracy: float | None
    consensus_votes: int
    consensus_agreement: float | None
    qualification: str


class ConfusionOut(_Out):
    control: str
    user_id: int
    username: str
    source: str = Field(description="`dawid_skene` (fitted) or `consensus` (raw counts).")
    classes: list[str]
    matrix: list[list[float]] = Field(description="Rows: true class; columns: given label.")
