"""Gold items (honeypots): their answers, handing them out, and scoring answers on them.

A gold item never enters the regular pool (next-item's candidate query skips it) and is
handed out by :func:`pick` instead, to any number of annotators; the item looks exactly
like any other to them. Each submitted answer on a gold item is scored against the gold
answer (:mod:`annota.services.gold_scoring`) in the submit transaction, which keeps the
annotator's live accuracy and, during a qualification test, decides the test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, exists, insert, select, update

from annota.errors import NotFound
from annota.schema import validate_annotation
from annota.services import audit, qualification
from annota.services.access import project_for, staff_item_for
from annota.services.actor import Actor
from annota.services.gold_scoring import answer_score
from annota.services.item_media import media_of
from annota.services.projects import schema_of
from annota.services.quality_records import (
    GoldInfo,
    GoldScoreInfo,
    annotator_quality,
    gold_items,
    gold_scores,
)
from annota.services.records import Page
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database
from annota.store.models.assignments import EXPIRED
from annota.store.models.quality import QUAL_PENDING

GOLD = gold_items.c
AQ = annotator_quality.c
ITEMS = tables.items.c


def iou_threshold(settings: Mapping[str, Any]) -> float:
    return float((settings.get("consensus") or {}).get("iou_threshold", 0.5))


def set_gold(
    db: Database, actor: Actor, item_id: int, *, regions: Sequence[Mapping[str, Any]]
) -> GoldInfo:
    """Mark an item as gold with its answer (managers); the answer must be complete."""
    with db.write() as s:
        item, project = staff_item_for(s, actor, item_id, Need.MANAGE)
        schema = schema_of(db, s.connection(), project.id, project.schema_version)
        clean = validate_annotation(
            regions, schema, data=item.data, media=media_of(item), complete=True
        )
        now = datetime.now(UTC)
        values = {"regions": clean, "schema_version": project.schema_version}
        changed = s.execute(
            update(gold_items).where(GOLD.item_id == item_id).values(**values)
        ).rowcount  # type: ignore[attr-defined]  # CursorResult has rowcount
        if not changed:
            s.execute(
                insert(gold_items).values(
                    item_id=item_id,
                    project_id=project.id,
                    created_by=actor.user_id,
                    created_at=now,
                    **values,
                )
            )
        audit.record(
            s,
            actor,
            "gold.set",
            object_type="item",
            object_id=item_id,
            project_id=project.id,
            details={"replaced": bool(changed)},
        )
        return GoldInfo(
            item_id=item_id,
            project_id=project.id,
            external_id=item.external_id,
            regions=clean,
            schema_version=project.schema_version,
            created_at=now,
        )


def remove_gold(db: Database, actor: Actor, item_id: int) -> None:
    """Unmark a gold item (managers); scores already given stay."""
    with db.write() as s:
        _, project = staff_item_for(s, actor, item_id, Need.MANAGE)
        gone = s.execute(delete(gold_items).where(GOLD.item_id == item_id)).rowcount  # type: ignore[attr-defined]  # CursorResult has rowcount
        if not gone:
            raise NotFound(f"item {item_id} is not gold", location="item")
        audit.record(
            s, actor, "gold.remove", object_type="item", object_id=item_id, project_id=project.id
        )


def list_gold(
    db: Database, actor: Actor, project_id: int, *, after: int = 0, limit: int = 100
) -> Page[GoldInfo]:
    """A project's gold items with their answers, keyset-paged (reviewers and managers)."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        rows = s.execute(
            select(
                GOLD.item_id, GOLD.regions, GOLD.schema_version, GOLD.created_at, ITEMS.external_id
            )
            .join(tables.items, ITEMS.id == GOLD.item_id)
            .where(GOLD.project_id == project_id, GOLD.item_id > after)
            .order_by(GOLD.item_id)
            .limit(limit + 1)
        ).all()
        out = [
            GoldInfo(
                item_id=r.item_id,
                project_id=project_id,
                external_id=r.external_id,
                regions=r.regions,
                schema_version=r.schema_version,
                created_at=r.created_at,
            )
            for r in rows[:limit]
        ]
        return Page(out, str(out[-1].item_id) if len(rows) > limit else None)


def not_gold(item_id: Any) -> Any:
    """SQL condition: the item is not gold (for next-item's candidate query)."""
    return ~exists().where(GOLD.item_id == item_id)


def is_gold(conn: Connection, item_id: int) -> bool:
    return conn.execute(select(GOLD.item_id).where(GOLD.item_id == item_id)).first() is not None


def pick(conn: Connection, project_id: int, user_id: int) -> int | None:
    """A gold item this annotator has not been handed yet (an expired lease may come back)."""
    assign = tables.assignments.c
    mine = exists().where(
        assign.item_id == GOLD.item_id, assign.user_id == user_id, assign.status != EXPIRED
    )
    return conn.execute(
        select(GOLD.item_id)
        .join(tables.items, ITEMS.id == GOLD.item_id)
        .where(GOLD.project_id == project_id, ~mine)
        .order_by(ITEMS.rand, ITEMS.id)
        .limit(1)
    ).scalar()


def on_submit(
    db: Database,
    conn: Connection,
    actor: Actor,
    project: Any,
    item_id: int,
    annotation_id: int,
    regions: Sequence[Mapping[str, Any]],
) -> bool:
    """Score a just-submitted answer if the item is gold; True when it was gold.

    One primary-key lookup for a regular item; for a gold item, the score row, the
    annotator's running accuracy and (during a test) the test's progress are written in
    the submit transaction.
    """
    gold = conn.execute(select(GOLD.regions).where(GOLD.item_id == item_id)).first()
    if gold is None:
        return False
    assert actor.user_id is not None
    schema = schema_of(db, conn, project.id, project.schema_version)
    score = answer_score(
        schema, gold.regions, regions, iou_threshold=iou_threshold(project.settings)
    )
    row = qualification.counted(db, conn, project.id, actor.user_id, 0)
    testing = row.qualification == QUAL_PENDING
    conn.execute(delete(gold_scores).where(gold_scores.c.annotation_id == annotation_id))
    conn.execute(
        insert(gold_scores).values(
            project_id=project.id,
            item_id=item_id,
            annotation_id=annotation_id,
            user_id=actor.user_id,
            score=score,
            phase="qualification" if testing else "honeypot",
            attempt=row.qual_attempt,
            created_at=datetime.now(UTC),
        )
    )
    values: dict[str, Any] = {
        "gold_answered": AQ.gold_answered + 1,
        "gold_score_sum": AQ.gold_score_sum + score,
    }
    if testing:
        values |= {
            "qual_answered": AQ.qual_answered + 1,
            "qual_score_sum": AQ.qual_score_sum + score,
        }
    conn.execute(update(annotator_quality).where(AQ.id == row.id).values(**values))
    audit.record(
        conn,
        actor,
        "gold.score",
        object_type="annotation",
        object_id=annotation_id,
        project_id=project.id,
        details={"item_id": item_id, "score": score, "qualification": testing},
    )
    size, _ = qualification.test_settings(project.settings)
    if testing and row.qual_answered + 1 >= size:
        qualification.finish(conn, actor, project, actor.user_id)
    return True


def list_scores(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    user_id: int | None = None,
    after: int = 0,
    limit: int = 100,
) -> Page[GoldScoreInfo]:
    """Scored gold answers, newest last, keyset-paged (reviewers and managers)."""
    scores = gold_scores.c
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        query = select(gold_scores).where(scores.project_id == project_id, scores.id > after)
        if user_id is not None:
            query = query.where(scores.user_id == user_id)
        rows = s.execute(query.order_by(scores.id).limit(limit + 1)).all()
        out = [
            GoldScoreInfo(
                annotation_id=r.annotation_id,
                item_id=r.item_id,
                score=r.score,
                phase=r.phase,
                attempt=r.attempt,
                created_at=r.created_at,
                user_id=r.user_id,
            )
            for r in rows[:limit]
        ]
        return Page(out, str(rows[limit - 1].id) if len(rows) > limit else None)
