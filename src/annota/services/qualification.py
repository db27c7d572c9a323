"""Qualification tests and the gold-or-regular decision of next-item.

A project with ``qualification.size > 0`` gives each new annotator that many gold items
first; their answers are scored as they are submitted (:mod:`annota.services.gold`), and
when the last one is in, the mean score decides: ``passed`` opens real work, ``failed``
closes it (next-item answers 403 with the score) until a manager resets the attempt.

Next-item reads one row here (by its unique index) only when gold or a test is configured;
the same statement counts the hand-out, which seeds the honeypot draw: the decision for an
annotator's n-th item is a pure function of (project, annotator, n), so a run is
reproducible while the annotator cannot tell which item is gold.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Row, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from annota.errors import NotFound, PermissionDenied
from annota.services import audit
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.quality_records import (
    GoldScoreInfo,
    QualificationInfo,
    annotator_quality,
    gold_scores,
)
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database
from annota.store.models.quality import QUAL_FAILED, QUAL_NONE, QUAL_PASSED, QUAL_PENDING

AQ = annotator_quality.c
Plan = Literal["regular", "gold", "test"]


def test_settings(settings: dict[str, Any]) -> tuple[int, float]:
    """``(size, pass_score)`` of the project's qualification test (size 0: no test)."""
    qual = settings.get("qualification") or {}
    return int(qual.get("size", 0)), float(qual.get("pass_score", 0.8))


def counted(db: Database, conn: Connection, project_id: int, user_id: int, served: int) -> Row[Any]:
    """Add ``served`` to the annotator's hand-out count (creating the row); the row after."""
    now = datetime.now(UTC)
    insert = sqlite_insert if db.is_sqlite else pg_insert
    statement = insert(annotator_quality).values(
        project_id=project_id, user_id=user_id, served=served, updated_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[AQ.project_id, AQ.user_id],
        set_={"served": AQ.served + served, "updated_at": now},
    )
    return conn.execute(statement.returning(*annotator_quality.c)).one()


def plan_next(db: Database, conn: Connection, project: Any, user_id: int) -> Plan:
    """What kind of item the annotator gets now; raises PermissionDenied after a failed test."""
    settings = project.settings
    ratio = float(settings.get("gold_ratio", 0.0))
    size, _ = test_settings(settings)
    testing = size > 0 and project.role == "annotator"
    if ratio <= 0 and not testing:
        return "regular"
    row = counted(db, conn, project.id, user_id, 1)
    if testing:
        status = row.qualification
        if status == QUAL_NONE:
            conn.execute(
                update(annotator_quality).where(AQ.id == row.id).values(qualification=QUAL_PENDING)
            )
            status = QUAL_PENDING
        if status == QUAL_FAILED:
            raise failed_error(row)
        if status == QUAL_PENDING:
            return "test"
    # seeded by (project, annotator, n-th hand-out): reproducible, not a secret
    draw = random.Random(f"{project.id}:{user_id}:{row.served}").random()
    return "gold" if draw < ratio else "regular"


def failed_error(row: Any) -> PermissionDenied:
    score = row.qual_score_sum / row.qual_answered if row.qual_answered else 0.0
    return PermissionDenied(
        f"you did not pass this project's qualification test (score {score:.2f}); "
        "ask the project lead for another attempt",
        location="qualification",
    )


def finish(conn: Connection, actor: Actor, project: Any, user_id: int) -> str:
    """Decide a pending test on the answers so far; returns the new status (audited)."""
    row = conn.execute(
        select(annotator_quality).where(AQ.project_id == project.id, AQ.user_id == user_id)
    ).one()
    _, pass_score = test_settings(project.settings)
    score = row.qual_score_sum / row.qual_answered if row.qual_answered else 0.0
    status = QUAL_PASSED if row.qual_answered and score >= pass_score else QUAL_FAILED
    conn.execute(
        update(annotator_quality)
        .where(AQ.id == row.id)
        .values(qualification=status, updated_at=datetime.now(UTC))
    )
    audit.record(
        conn,
        actor,
        f"qualification.{status}",
        object_type="user",
        object_id=user_id,
        project_id=project.id,
        details={"score": score, "answered": row.qual_answered, "attempt": row.qual_attempt},
    )
    return status


def out_of_test_items(conn: Connection, actor: Actor, project: Any, user_id: int) -> None:
    """No unseen gold is left mid-test: decide on what was answered, or refuse."""
    answered = conn.execute(
        select(AQ.qual_answered).where(AQ.project_id == project.id, AQ.user_id == user_id)
    ).scalar_one()
    if not answered:
        raise PermissionDenied(
            "this project's qualification test has no gold items for you yet; ask the project lead",
            location="qualification",
        )
    if finish(conn, actor, project, user_id) == QUAL_FAILED:
        row = conn.execute(
            select(annotator_quality).where(AQ.project_id == project.id, AQ.user_id == user_id)
        ).one()
        raise failed_error(row)


def _info(
    row: Any, username: str, settings: dict[str, Any], answers: list[GoldScoreInfo]
) -> QualificationInfo:
    size, pass_score = test_settings(settings)
    return QualificationInfo(
        user_id=row.user_id,
        username=username,
        status=row.qualification,
        attempt=row.qual_attempt,
        answered=row.qual_answered,
        required=size,
        score=row.qual_score_sum / row.qual_answered if row.qual_answered else None,
        pass_score=pass_score,
        answers=answers,
    )


def list_attempts(db: Database, actor: Actor, project_id: int) -> list[QualificationInfo]:
    """Every annotator's test state with the scored answers of their current attempt.

    For reviewers and managers; bounded by the project's members times the test size.
    """
    users = tables.users.c
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.READ_ALL)
        rows = s.execute(
            select(annotator_quality, users.username)
            .join(tables.users, users.id == AQ.user_id)
            .where(AQ.project_id == project_id, AQ.qualification != QUAL_NONE)
            .order_by(AQ.user_id)
        ).all()
        scores = s.execute(
            select(gold_scores)
            .where(gold_scores.c.project_id == project_id, gold_scores.c.phase == "qualification")
            .order_by(gold_scores.c.id)
        ).all()
        out = []
        for row in rows:
            answers = [
                GoldScoreInfo(
                    annotation_id=g.annotation_id,
                    item_id=g.item_id,
                    score=g.score,
                    phase=g.phase,
                    attempt=g.attempt,
                    created_at=g.created_at,
                )
                for g in scores
                if g.user_id == row.user_id and g.attempt == row.qual_attempt
            ]
            out.append(_info(row, row.username, project.settings, answers))
        return out


def my_status(db: Database, actor: Actor, project_id: int) -> QualificationInfo:
    """The caller's own test state (no per-item scores: those would reveal the gold)."""
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.ANNOTATE)
        row = s.execute(
            select(annotator_quality).where(
                AQ.project_id == project_id, AQ.user_id == actor.user_id
            )
        ).first()
        if row is None:
            size, pass_score = test_settings(project.settings)
            return QualificationInfo(
                user_id=actor.user_id or 0,
                username=actor.username,
                status=QUAL_NONE,
                attempt=1,
                answered=0,
                required=size,
                score=None,
                pass_score=pass_score,
            )
        return _info(row, actor.username, project.settings, [])


def reset_attempt(db: Database, actor: Actor, project_id: int, user_id: int) -> QualificationInfo:
    """Give an annotator a fresh attempt (managers); gold already seen is not shown again."""
    with db.write() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        row = s.execute(
            select(annotator_quality).where(AQ.project_id == project_id, AQ.user_id == user_id)
        ).first()
        if row is None:
            raise NotFound(f"user {user_id} has no qualification here", location="user_id")
        s.execute(
            update(annotator_quality)
            .where(AQ.id == row.id)
            .values(
                qualification=QUAL_PENDING,
                qual_attempt=row.qual_attempt + 1,
                qual_answered=0,
                qual_score_sum=0.0,
                updated_at=datetime.now(UTC),
            )
        )
        audit.record(
            s,
            actor,
            "qualification.reset",
            object_type="user",
            object_id=user_id,
            project_id=project_id,
            details={"attempt": row.qual_attempt + 1},
        )
        fresh = s.execute(select(annotator_quality).where(AQ.id == row.id)).one()
        username = s.execute(
            select(tables.users.c.username).where(tables.users.c.id == user_id)
        ).scalar_one()
        return _info(fresh, username, project.settings, [])
