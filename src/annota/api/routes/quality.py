"""Gold items, qualification tests, consensus and review."""

from __future__ import annotations

from fastapi import APIRouter

from annota.api.deps import DB, CurrentActor, PageArgs
from annota.services import consensus, gold, label_issues, qualification, review
from annota.wire.common import Page
from annota.wire.quality import (
    ConsensusOut,
    GoldIn,
    GoldOut,
    GoldScoreOut,
    QualificationOut,
    QueueEntryOut,
    RefitOut,
    ReviewIn,
    ReviewOut,
    ScanOut,
)

router = APIRouter(tags=["quality"])


@router.put("/items/{item_id}/gold", response_model=GoldOut, operation_id="set_gold")
def set_gold(item_id: int, body: GoldIn, db: DB, actor: CurrentActor) -> GoldOut:
    """Mark the item as gold with its answer (managers); it leaves the regular pool."""
    return GoldOut.model_validate(gold.set_gold(db, actor, item_id, regions=body.regions))


@router.delete("/items/{item_id}/gold", status_code=204, operation_id="remove_gold")
def remove_gold(item_id: int, db: DB, actor: CurrentActor) -> None:
    gold.remove_gold(db, actor, item_id)


@router.get("/projects/{project_id}/gold", response_model=Page[GoldOut], operation_id="list_gold")
def list_gold(project_id: int, db: DB, actor: CurrentActor, page: PageArgs) -> Page[GoldOut]:
    """Gold items with their answers (reviewers and managers)."""
    return Page[GoldOut].model_validate(
        gold.list_gold(db, actor, project_id, after=page[0], limit=page[1])
    )


@router.get(
    "/projects/{project_id}/gold/scores",
    response_model=Page[GoldScoreOut],
    operation_id="list_gold_scores",
)
def list_gold_scores(
    project_id: int, db: DB, actor: CurrentActor, page: PageArgs, user_id: int | None = None
) -> Page[GoldScoreOut]:
    """Every scored answer on a gold item, optionally of one annotator (reviewers, managers)."""
    return Page[GoldScoreOut].model_validate(
        gold.list_scores(db, actor, project_id, user_id=user_id, after=page[0], limit=page[1])
    )


@router.get(
    "/projects/{project_id}/qualification",
    response_model=list[QualificationOut],
    operation_id="list_qualification",
)
def list_qualification(project_id: int, db: DB, actor: CurrentActor) -> list[QualificationOut]:
    """Every annotator's qualification attempt with its scored answers (reviewers, managers)."""
    return [
        QualificationOut.model_validate(q)
        for q in qualification.list_attempts(db, actor, project_id)
    ]


@router.get(
    "/projects/{project_id}/qualification/me",
    response_model=QualificationOut,
    operation_id="my_qualification",
)
def my_qualification(project_id: int, db: DB, actor: CurrentActor) -> QualificationOut:
    """Your own test state (no per-item scores)."""
    return QualificationOut.model_validate(qualification.my_status(db, actor, project_id))


@router.post(
    "/projects/{project_id}/qualification/{user_id}/reset",
    response_model=QualificationOut,
    operation_id="reset_qualification",
)
def reset_qualification(
    project_id: int, user_id: int, db: DB, actor: CurrentActor
) -> QualificationOut:
    """Give an annotator another attempt (managers)."""
    return QualificationOut.model_validate(
        qualification.reset_attempt(db, actor, project_id, user_id)
    )


@router.get("/items/{item_id}/consensus", response_model=ConsensusOut, operation_id="get_consensus")
def get_consensus(item_id: int, db: DB, actor: CurrentActor) -> ConsensusOut:
    """The item's consensus answer, agreement and lineage (reviewers and managers)."""
    return ConsensusOut.model_validate(consensus.get_consensus(db, actor, item_id))


@router.post(
    "/projects/{project_id}/consensus/refit",
    response_model=RefitOut,
    operation_id="refit_consensus",
)
def refit_consensus(project_id: int, db: DB, actor: CurrentActor) -> RefitOut:
    """Recompute every consensus; with Dawid-Skene, refit annotator confusions first."""
    return RefitOut(items=consensus.refit_project(db, actor, project_id))


@router.post(
    "/projects/{project_id}/label-issues/scan",
    response_model=ScanOut,
    operation_id="scan_label_issues",
)
def scan_label_issues(project_id: int, db: DB, actor: CurrentActor) -> ScanOut:
    """Flag consensus labels that stored model predictions confidently contradict."""
    return ScanOut(suspects=label_issues.scan(db, actor, project_id))


@router.get(
    "/projects/{project_id}/review-queue",
    response_model=Page[QueueEntryOut],
    operation_id="review_queue",
)
def review_queue(
    project_id: int,
    db: DB,
    actor: CurrentActor,
    page: PageArgs,
    max_agreement: float | None = None,
    label: str | None = None,
    annotator_id: int | None = None,
    suspect: bool | None = None,
    include_reviewed: bool = False,
) -> Page[QueueEntryOut]:
    """Items to review: low agreement by default; filter by agreement, label, annotator."""
    return Page[QueueEntryOut].model_validate(
        review.review_queue(
            db,
            actor,
            project_id,
            max_agreement=max_agreement,
            label=label,
            annotator_id=annotator_id,
            suspect=suspect,
            include_reviewed=include_reviewed,
            after=page[0],
            limit=page[1],
        )
    )


@router.post(
    "/annotations/{annotation_id}/review",
    response_model=ReviewOut,
    status_code=201,
    operation_id="review_annotation",
)
def review_annotation(annotation_id: int, body: ReviewIn, db: DB, actor: CurrentActor) -> ReviewOut:
    """Accept, reject (with a comment) or fix (with corrected regions) an annotation."""
    return ReviewOut.model_validate(
        review.review_annotation(
            db,
            actor,
            annotation_id,
            action=body.action,
            comment=body.comment,
            regions=body.regions,
        )
    )


@router.get("/items/{item_id}/reviews", response_model=list[ReviewOut], operation_id="item_reviews")
def item_reviews(item_id: int, db: DB, actor: CurrentActor) -> list[ReviewOut]:
    return [ReviewOut.model_validate(r) for r in review.item_reviews(db, actor, item_id)]


@router.get(
    "/projects/{project_id}/feedback", response_model=Page[ReviewOut], operation_id="my_feedback"
)
def my_feedback(project_id: int, db: DB, actor: CurrentActor, page: PageArgs) -> Page[ReviewOut]:
    """Reviews of your own annotations in the project."""
    return Page[ReviewOut].model_validate(
        review.my_feedback(db, actor, project_id, after=page[0], limit=page[1])
    )
