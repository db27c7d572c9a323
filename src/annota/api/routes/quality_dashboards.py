"""Quality dashboards as JSON: progress, agreement, annotators, confusion matrices."""

from __future__ import annotations

from fastapi import APIRouter

from annota.api.deps import DB, CurrentActor
from annota.services import dashboards
from annota.wire.quality import AgreementOut, AnnotatorRowOut, ConfusionOut, DayProgressOut

router = APIRouter(tags=["quality"], prefix="/projects/{project_id}/dashboard")


@router.get("/progress", response_model=list[DayProgressOut], operation_id="dashboard_progress")
def progress(project_id: int, db: DB, actor: CurrentActor) -> list[DayProgressOut]:
    """Submitted answers per UTC day and the running total."""
    return [DayProgressOut.model_validate(d) for d in dashboards.progress(db, actor, project_id)]


@router.get("/agreement", response_model=AgreementOut, operation_id="dashboard_agreement")
def agreement(project_id: int, db: DB, actor: CurrentActor) -> AgreementOut:
    """Krippendorff's alpha and Fleiss' kappa per choices control, and per label."""
    return AgreementOut.model_validate(dashboards.agreement(db, actor, project_id))


@router.get(
    "/annotators", response_model=list[AnnotatorRowOut], operation_id="dashboard_annotators"
)
def annotators(project_id: int, db: DB, actor: CurrentActor) -> list[AnnotatorRowOut]:
    """Throughput, speed, accuracy against gold and agreement with consensus per annotator."""
    return [AnnotatorRowOut.model_validate(r) for r in dashboards.annotators(db, actor, project_id)]


@router.get("/confusion", response_model=list[ConfusionOut], operation_id="dashboard_confusion")
def confusion(project_id: int, db: DB, actor: CurrentActor) -> list[ConfusionOut]:
    """Per annotator confusion matrices (Dawid-Skene when fitted, else against consensus)."""
    return [ConfusionOut.model_validate(m) for m in dashboards.confusion(db, actor, project_id)]
