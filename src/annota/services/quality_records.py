"""What the quality services hand back, and the Core tables of the quality workflow.

Frozen dataclasses like :mod:`annota.services.records`; kept apart so the quality workflow
can grow without touching the core records module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table

from annota.store.models import (
    AnnotatorConfusion,
    AnnotatorQuality,
    ChoiceVote,
    ConsensusRecord,
    ConsensusSource,
    GoldItem,
    GoldScore,
    Review,
)

gold_items = cast(Table, GoldItem.__table__)
gold_scores = cast(Table, GoldScore.__table__)
annotator_quality = cast(Table, AnnotatorQuality.__table__)
consensus_records = cast(Table, ConsensusRecord.__table__)
consensus_sources = cast(Table, ConsensusSource.__table__)
choice_votes = cast(Table, ChoiceVote.__table__)
reviews = cast(Table, Review.__table__)
annotator_confusions = cast(Table, AnnotatorConfusion.__table__)


@dataclass(frozen=True, slots=True)
class GoldInfo:
    item_id: int
    project_id: int
    external_id: str
    regions: list[dict[str, Any]]
    schema_version: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GoldScoreInfo:
    annotation_id: int
    item_id: int
    score: float
    phase: str
    attempt: int
    created_at: datetime
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class QualificationInfo:
    """One annotator's qualification state and the scored answers of their latest attempt."""

    user_id: int
    username: str
    status: str
    attempt: int
    answered: int
    required: int
    score: float | None
    pass_score: float
    answers: list[GoldScoreInfo] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ConsensusInfo:
    item_id: int
    annotation_id: int
    method: str
    agreement: float
    n_sources: int
    review_status: str
    source_ids: list[int]
    regions: list[dict[str, Any]]
    version: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewInfo:
    id: int
    project_id: int
    item_id: int
    annotation_id: int
    annotator_id: int | None
    reviewer_name: str
    action: str
    comment: str
    correction_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class QueueEntry:
    item_id: int
    external_id: str
    annotation_id: int
    agreement: float
    n_sources: int
    labels: list[str]
    suspect: bool
    updated_at: datetime
