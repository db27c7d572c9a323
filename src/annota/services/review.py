"""Review: the queue of low-agreement items, verdicts on annotations, feedback to authors.

A verdict is one transaction: the review row, the annotation's new status (with its
version bumped, so an author's stale update conflicts), a correction annotation for
``fix`` (``corrects_id`` points at the corrected one), the item's consensus recomputed
when one of its sources changed status, and the audit event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, exists, insert, select, update

from annota.errors import InvalidInput, NotFound, PermissionDenied
from annota.schema import validate_annotation
from annota.services import audit, consensus
from annota.services.access import project_for, project_row
from annota.services.actor import Actor
from annota.services.item_media import media_of
from annota.services.projects import schema_of
from annota.services.quality_records import (
    QueueEntry,
    ReviewInfo,
    consensus_records,
    consensus_sources,
    reviews,
)
from annota.services.records import Page
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database

Action = Literal["accept", "reject", "fix"]
ACTIONS = ("accept", "reject", "fix")
MAX_COMMENT = 5000
ANN = tables.annotations
REC = consensus_records.c
REV = reviews.c


def review_queue(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    max_agreement: float | None = None,
    label: str | None = None,
    annotator_id: int | None = None,
    suspect: bool | None = None,
    include_reviewed: bool = False,
    after: int = 0,
    limit: int = 50,
) -> Page[QueueEntry]:
    """Items waiting for review, oldest first, keyset-paged on the item id.

    By default only items routed to review (agreement under the project's threshold); with
    ``max_agreement`` any item with a consensus at or under it; ``label`` keeps items whose
    consensus says it; ``annotator_id`` items that annotator answered; ``suspect`` items
    flagged as likely label errors.
    """
    items = tables.items.c
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        query = (
            select(consensus_records, items.external_id)
            .join(tables.items, items.id == REC.item_id)
            .where(REC.project_id == project_id, REC.item_id > after)
        )
        if max_agreement is not None:
            query = query.where(REC.agreement <= max_agreement)
            if not include_reviewed:
                query = query.where(REC.review_status != "done")
        elif not include_reviewed:
            query = query.where(REC.review_status == "pending")
        if label:
            query = query.where(REC.labels.contains(f"|{label}|", autoescape=True))
        if annotator_id is not None:
            query = query.where(
                exists()
                .where(consensus_sources.c.consensus_id == REC.annotation_id)
                .where(ANN.c.id == consensus_sources.c.source_id)
                .where(ANN.c.author_id == annotator_id)
            )
        if suspect is not None:
            query = query.where(REC.suspect.is_(suspect))
        rows = s.execute(query.order_by(REC.item_id).limit(limit + 1)).all()
        out = [
            QueueEntry(
                item_id=r.item_id,
                external_id=r.external_id,
                annotation_id=r.annotation_id,
                agreement=r.agreement,
                n_sources=r.n_sources,
                labels=[x for x in r.labels.split("|") if x],
                suspect=r.suspect,
                updated_at=r.updated_at,
            )
            for r in rows[:limit]
        ]
        return Page(out, str(out[-1].item_id) if len(rows) > limit else None)


def _review_info(row: Any) -> ReviewInfo:
    return ReviewInfo(
        id=row.id,
        project_id=row.project_id,
        item_id=row.item_id,
        annotation_id=row.annotation_id,
        annotator_id=row.annotator_id,
        reviewer_name=row.reviewer_name,
        action=row.action,
        comment=row.comment,
        correction_id=row.correction_id,
        created_at=row.created_at,
    )


def _correction(
    db: Database,
    conn: Connection,
    actor: Actor,
    project: Any,
    target: Any,
    regions: Sequence[Mapping[str, Any]],
) -> int:
    item = conn.execute(select(tables.items).where(tables.items.c.id == target.item_id)).one()
    schema = schema_of(db, conn, project.id, project.schema_version)
    clean = validate_annotation(
        regions, schema, data=item.data, media=media_of(item), complete=True
    )
    now = datetime.now(UTC)
    new_id: int = conn.execute(
        insert(ANN)
        .values(
            project_id=project.id,
            item_id=target.item_id,
            author_kind="person",
            author_id=actor.user_id,
            author_name=actor.username,
            status="accepted",
            regions=clean,
            schema_version=project.schema_version,
            guidelines_version=project.guidelines_version,
            version=1,
            corrects_id=target.id,
            created_at=now,
            updated_at=now,
        )
        .returning(ANN.c.id)
    ).scalar_one()
    return new_id


def review_annotation(
    db: Database,
    actor: Actor,
    annotation_id: int,
    *,
    action: Action,
    comment: str = "",
    regions: Sequence[Mapping[str, Any]] | None = None,
) -> ReviewInfo:
    """Accept, reject (a comment is required) or fix one annotation (reviewers, managers)."""
    if action not in ACTIONS:
        raise InvalidInput(f"action must be one of {', '.join(ACTIONS)}", location="action")
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"comment is over {MAX_COMMENT} characters", location="comment")
    if action == "reject" and not comment.strip():
        raise InvalidInput("say why in a comment when rejecting", location="comment")
    if action == "fix" and regions is None:
        raise InvalidInput("a fix needs the corrected regions", location="regions")
    return db.transact(
        lambda s: _review(db, s.connection(), actor, annotation_id, action, comment, regions)
    )


def _review(
    db: Database,
    conn: Connection,
    actor: Actor,
    annotation_id: int,
    action: Action,
    comment: str,
    regions: Sequence[Mapping[str, Any]] | None,
) -> ReviewInfo:
    target = conn.execute(select(ANN).where(ANN.c.id == annotation_id)).first()
    missing = NotFound(f"annotation {annotation_id} not found", location="annotation")
    if target is None:
        raise missing
    try:
        project = project_row(conn, actor, target.project_id, Need.READ_ALL)
    except (NotFound, PermissionDenied):  # an annotator cannot open others' annotations
        raise missing from None
    if target.status == "draft":
        raise InvalidInput("a draft cannot be reviewed", location="annotation")
    if target.author_kind == "person" and target.author_id == actor.user_id:
        raise PermissionDenied("you may not review your own annotation", location="annotation")
    correction_id = None
    if action == "fix":
        assert regions is not None
        correction_id = _correction(db, conn, actor, project, target, regions)
    status = "accepted" if action == "accept" else "rejected"
    conn.execute(
        update(ANN)
        .where(ANN.c.id == annotation_id)
        .values(status=status, version=ANN.c.version + 1, updated_at=datetime.now(UTC))
    )
    row = conn.execute(
        insert(reviews)
        .values(
            project_id=project.id,
            item_id=target.item_id,
            annotation_id=annotation_id,
            annotator_id=target.author_id if target.author_kind == "person" else None,
            reviewer_id=actor.user_id,
            reviewer_name=actor.username,
            action=action,
            comment=comment,
            correction_id=correction_id,
            created_at=datetime.now(UTC),
        )
        .returning(*reviews.c)
    ).one()
    if target.author_kind == "consensus":
        conn.execute(
            update(consensus_records)
            .where(REC.annotation_id == annotation_id)
            .values(review_status="done")
        )
    elif target.author_kind == "person" and target.corrects_id is None:
        consensus.after_update(db, conn, actor, project, target.item_id)
    audit.record(
        conn,
        actor,
        f"review.{action}",
        object_type="annotation",
        object_id=annotation_id,
        project_id=project.id,
        details={"item_id": target.item_id, "review_id": row.id, "correction_id": correction_id},
    )
    return _review_info(row)


def item_reviews(db: Database, actor: Actor, item_id: int) -> list[ReviewInfo]:
    """Every review of an item's annotations (reviewers and managers)."""
    with db.read() as s:
        item = s.execute(select(tables.items.c.project_id).where(tables.items.c.id == item_id))
        project_id = item.scalar()
        if project_id is None:
            raise NotFound(f"item {item_id} not found", location="item")
        try:
            project_for(s, actor, project_id, Need.READ_ALL)
        except (NotFound, PermissionDenied):  # annotators cannot open arbitrary items
            raise NotFound(f"item {item_id} not found", location="item") from None
        rows = s.execute(select(reviews).where(REV.item_id == item_id).order_by(REV.id)).all()
        return [_review_info(r) for r in rows]


def my_feedback(
    db: Database, actor: Actor, project_id: int, *, after: int = 0, limit: int = 50
) -> Page[ReviewInfo]:
    """Reviews of the caller's own annotations in a project, oldest first, keyset-paged."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.ANNOTATE)
        rows = s.execute(
            select(reviews)
            .where(REV.project_id == project_id, REV.annotator_id == actor.user_id, REV.id > after)
            .order_by(REV.id)
            .limit(limit + 1)
        ).all()
        out = [_review_info(r) for r in rows[:limit]]
        return Page(out, str(out[-1].id) if len(rows) > limit else None)
