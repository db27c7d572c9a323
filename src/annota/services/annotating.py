"""Saving drafts, submitting and updating annotations, and storing model predictions.

- Every annotation is validated against the schema version it is made under; a broken
  region is refused with its index and rule (``regions[2].value.end``).
- Retries never duplicate: a create carrying an idempotency key that was seen before returns
  the first result, even when both requests race (the unique index decides).
- No silent lost update: an update names the version it read; a stale one is a Conflict.
- A draft never overwrites a submitted (or reviewed) annotation.
- A submit scores a gold answer or, once the item has its ``overlap`` answers, computes
  the consensus, in the same transaction (:func:`annota.services.consensus.after_submit`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annota.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from annota.schema import validate_annotation
from annota.services import audit, consensus
from annota.services.access import item_for, item_row, project_for
from annota.services.actor import Actor
from annota.services.assignment import mark_submitted
from annota.services.item_media import media_of
from annota.services.projects import schema_of
from annota.services.records import AnnotationInfo, Page, PredictionInfo
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database
from annota.store.models import Annotation, Item, Prediction, Project

Status = Literal["draft", "submitted"]
STATUSES = ("draft", "submitted")
MAX_KEY = 200


ANN = tables.annotations


def annotation_info(a: Any) -> AnnotationInfo:
    """An AnnotationInfo from an ORM Annotation or a Core row with the same columns."""
    return AnnotationInfo(
        id=a.id,
        item_id=a.item_id,
        project_id=a.project_id,
        author_kind=a.author_kind,
        author_id=a.author_id,
        author_name=a.author_name,
        status=a.status,
        regions=a.regions,
        schema_version=a.schema_version,
        guidelines_version=a.guidelines_version,
        lead_time=a.lead_time,
        version=a.version,
        corrects_id=a.corrects_id,
        created_at=a.created_at,
        updated_at=a.updated_at,
        lineage=getattr(a, "lineage", None) or {},
    )


def _validated(
    db: Database,
    conn: Connection,
    project: Any,
    item: Any,
    regions: Sequence[Mapping[str, Any]],
    status: Status,
) -> list[dict[str, Any]]:
    if status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", location="status")
    schema = schema_of(db, conn, project.id, project.schema_version)
    return validate_annotation(
        regions, schema, data=item.data, media=media_of(item), complete=status == "submitted"
    )


def _key_row(conn: Connection, actor: Actor, key: str) -> Row[Any] | None:
    return conn.execute(
        select(ANN).where(ANN.c.author_id == actor.user_id, ANN.c.idempotency_key == key)
    ).first()


def _by_key(db: Database, actor: Actor, key: str) -> AnnotationInfo | None:
    with db.read() as s:
        found = _key_row(s.connection(), actor, key)
        return annotation_info(found) if found else None


def _save(
    db: Database,
    conn: Connection,
    actor: Actor,
    item_id: int,
    regions: Sequence[Mapping[str, Any]],
    status: Status,
    lead_time: float | None,
    idempotency_key: str | None,
) -> tuple[AnnotationInfo, bool]:
    """One create-or-update-own-draft transaction (see :func:`create_annotation`)."""
    assert actor.user_id is not None
    item, project = item_row(conn, actor, item_id, Need.ANNOTATE)
    if idempotency_key and (seen_now := _key_row(conn, actor, idempotency_key)):
        return annotation_info(seen_now), False  # a racing retry committed first
    clean = _validated(db, conn, project, item, regions, status)
    now = datetime.now(UTC)
    own = conn.execute(
        select(ANN.c.id, ANN.c.status, ANN.c.version, ANN.c.lead_time, ANN.c.idempotency_key).where(
            ANN.c.item_id == item_id,
            ANN.c.author_id == actor.user_id,
            ANN.c.author_kind == "person",
            ANN.c.corrects_id.is_(None),
        )
    ).first()
    if own is not None and own.status != "draft":
        # On PostgreSQL (READ COMMITTED) a retry carrying the same key may commit between
        # the key check above and this query: look again before calling it a conflict.
        if idempotency_key and (seen_late := _key_row(conn, actor, idempotency_key)):
            return annotation_info(seen_late), False
        raise Conflict(
            f"you already submitted annotation {own.id} for this item; "
            "update it with its version instead",
            location="item",
        )
    values = {
        "regions": clean,
        "status": status,
        "schema_version": project.schema_version,
        "guidelines_version": project.guidelines_version,
        "updated_at": now,
    }
    if own is None:
        row = conn.execute(
            insert(ANN)
            .values(
                project_id=project.id,
                item_id=item_id,
                author_kind="person",
                author_id=actor.user_id,
                author_name=actor.username,
                lead_time=lead_time,
                version=1,
                idempotency_key=idempotency_key,
                created_at=now,
                **values,
            )
            .returning(*ANN.c)
        ).one()
        action = "annotation.create"
    else:
        row = conn.execute(
            update(ANN)
            .where(ANN.c.id == own.id)
            .values(
                version=own.version + 1,
                lead_time=lead_time or own.lead_time,
                idempotency_key=idempotency_key or own.idempotency_key,
                **values,
            )
            .returning(*ANN.c)
        ).one()
        action = "annotation.update"
    if status == "submitted":
        done = mark_submitted(
            conn,
            project.id,
            int(project.settings.get("overlap", 1)),
            item_id,
            actor.user_id,
        )
        consensus.after_submit(db, conn, actor, project, item_id, row.id, clean, done)
    audit.record(
        conn,
        actor,
        action,
        object_type="annotation",
        object_id=row.id,
        project_id=project.id,
        details={"item_id": item_id, "status": status, "version": row.version},
    )
    return annotation_info(row), True


def create_annotation(
    db: Database,
    actor: Actor,
    item_id: int,
    *,
    regions: Sequence[Mapping[str, Any]],
    status: Status = "submitted",
    lead_time: float | None = None,
    idempotency_key: str | None = None,
) -> tuple[AnnotationInfo, bool]:
    """Save the caller's answer for an item. Returns (annotation, created).

    If the caller already has a draft for the item, that draft is updated (and submitted,
    if asked). If they already submitted, it is a Conflict: updates go through
    :func:`update_annotation` with the version they read. Written with Core statements on
    one connection: this is the hottest write path.
    """
    if actor.user_id is None:
        raise PermissionDenied("the local operator cannot annotate; sign in as a user")
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= MAX_KEY:
        raise InvalidInput(
            f"idempotency key must be 1 to {MAX_KEY} characters", location="idempotency_key"
        )
    if idempotency_key and (seen := _by_key(db, actor, idempotency_key)):
        return seen, False
    try:
        return db.transact(
            lambda s: _save(
                db, s.connection(), actor, item_id, regions, status, lead_time, idempotency_key
            )
        )
    except IntegrityError:
        # A concurrent request with the same key (or for the same item) won the race.
        if idempotency_key and (seen := _by_key(db, actor, idempotency_key)):
            return seen, False
        raise Conflict(
            "another save of this annotation happened at the same time; reload", location="item"
        ) from None


def update_annotation(
    db: Database,
    actor: Actor,
    annotation_id: int,
    *,
    version: int,
    regions: Sequence[Mapping[str, Any]] | None = None,
    status: Status | None = None,
    lead_time: float | None = None,
) -> AnnotationInfo:
    """Change one's own annotation; ``version`` must be the one last read (else Conflict)."""
    with db.write() as s:
        ann = _visible(s, actor, annotation_id)
        if ann.author_id != actor.user_id or ann.author_kind != "person":
            raise PermissionDenied(
                "only the author may change an annotation", location="annotation"
            )
        if ann.version != version:
            raise Conflict(
                f"annotation {annotation_id} changed since version {version} "
                f"(now {ann.version}); reload and retry",
                location="version",
            )
        new_status: Status = status or ann.status  # type: ignore[assignment]  # stored as str
        if ann.status == "submitted" and new_status == "draft":
            raise InvalidInput("a submitted annotation cannot go back to draft", location="status")
        item = s.get_one(Item, ann.item_id)
        project = s.get_one(Project, ann.project_id)
        clean = _validated(
            db,
            s.connection(),
            project,
            item,
            ann.regions if regions is None else regions,
            new_status,
        )
        submitting = ann.status == "draft" and new_status == "submitted"
        result = s.execute(
            update(Annotation)
            .where(Annotation.id == annotation_id, Annotation.version == version)
            .values(
                regions=clean,
                status=new_status,
                version=version + 1,
                schema_version=project.schema_version,
                guidelines_version=project.guidelines_version,
                lead_time=lead_time if lead_time is not None else ann.lead_time,
                updated_at=datetime.now(UTC),
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult has rowcount
            raise Conflict(
                f"annotation {annotation_id} changed meanwhile; reload and retry",
                location="version",
            )
        if submitting and actor.user_id is not None:
            done = mark_submitted(
                s.connection(),
                project.id,
                int(project.settings.get("overlap", 1)),
                ann.item_id,
                actor.user_id,
            )
            consensus.after_submit(
                db, s.connection(), actor, project, ann.item_id, annotation_id, clean, done
            )
        elif new_status == "submitted":
            consensus.after_update(db, s.connection(), actor, project, ann.item_id)
        audit.record(
            s,
            actor,
            "annotation.update",
            object_type="annotation",
            object_id=annotation_id,
            project_id=project.id,
            details={"version": version + 1, "status": new_status},
        )
        s.flush()
        s.refresh(ann)
        return annotation_info(ann)


def _visible(s: Session, actor: Actor, annotation_id: int) -> Annotation:
    """An annotation the caller may see: their own, or any if reviewer or above."""
    ann = s.get(Annotation, annotation_id)
    missing = NotFound(f"annotation {annotation_id} not found", location="annotation")
    if ann is None:
        raise missing
    try:
        project_for(s, actor, ann.project_id, Need.ANNOTATE)
    except NotFound:
        raise missing from None
    if ann.author_id != actor.user_id:
        try:
            project_for(s, actor, ann.project_id, Need.READ_ALL)
        except PermissionDenied:
            raise missing from None
    return ann


def get_annotation(db: Database, actor: Actor, annotation_id: int) -> AnnotationInfo:
    with db.read() as s:
        return annotation_info(_visible(s, actor, annotation_id))


def delete_annotation(db: Database, actor: Actor, annotation_id: int) -> None:
    """Delete a draft (its author) or any annotation (managers); audited."""
    with db.write() as s:
        ann = _visible(s, actor, annotation_id)
        if ann.status != "draft" or ann.author_id != actor.user_id:
            project_for(s, actor, ann.project_id, Need.MANAGE)
        if ann.status == "submitted" and ann.author_kind == "person":
            s.execute(update(Item).where(Item.id == ann.item_id).values(done=Item.done - 1))
        audit.record(
            s,
            actor,
            "annotation.delete",
            object_type="annotation",
            object_id=annotation_id,
            project_id=ann.project_id,
            details={"item_id": ann.item_id, "status": ann.status},
        )
        s.delete(ann)


def list_item_annotations(db: Database, actor: Actor, item_id: int) -> list[AnnotationInfo]:
    """All annotations of an item for reviewers and managers; one's own for annotators."""
    with db.read() as s:
        item_for(s, actor, item_id, Need.ANNOTATE)
        query = select(Annotation).where(Annotation.item_id == item_id)
        try:
            item_for(s, actor, item_id, Need.READ_ALL)
        except PermissionDenied:
            query = query.where(Annotation.author_id == actor.user_id)
        return [annotation_info(a) for a in s.execute(query.order_by(Annotation.id)).scalars()]


def list_project_annotations(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    after: int = 0,
    limit: int = 100,
    status: str | None = None,
) -> Page[AnnotationInfo]:
    """A project's annotations, keyset-paged; annotators see only their own."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.ANNOTATE)
        query = select(Annotation).where(Annotation.project_id == project_id, Annotation.id > after)
        try:
            project_for(s, actor, project_id, Need.READ_ALL)
        except PermissionDenied:
            query = query.where(Annotation.author_id == actor.user_id)
        if status:
            query = query.where(Annotation.status == status)
        rows = s.execute(query.order_by(Annotation.id).limit(limit + 1)).scalars().all()
        out = [annotation_info(a) for a in rows[:limit]]
        return Page(out, str(out[-1].id) if len(rows) > limit else None)


def add_prediction(
    db: Database,
    actor: Actor,
    item_id: int,
    *,
    model_name: str,
    regions: Sequence[Mapping[str, Any]],
    model_version: str = "",
    score: float | None = None,
) -> PredictionInfo:
    """Store a model's suggestion for an item (managers, or a model's API token)."""
    if not model_name or len(model_name) > 200:
        raise InvalidInput("model name must be 1 to 200 characters", location="model_name")
    if score is not None and not 0.0 <= score <= 1.0:
        raise InvalidInput("score must be between 0 and 1", location="score")
    with db.write() as s:
        item, project = item_for(s, actor, item_id, Need.MANAGE)
        clean = _validated(db, s.connection(), project, item, regions, "draft")
        pred = Prediction(
            project_id=project.id,
            item_id=item_id,
            model_name=model_name,
            model_version=model_version[:100],
            score=score,
            regions=clean,
            schema_version=project.schema_version,
        )
        s.add(pred)
        s.flush()
        return PredictionInfo(
            id=pred.id,
            item_id=item_id,
            model_name=pred.model_name,
            model_version=pred.model_version,
            score=score,
            regions=clean,
            schema_version=pred.schema_version,
            created_at=pred.created_at,
        )
