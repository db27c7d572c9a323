"""Suspected label errors among consensus answers, from stored model predictions.

For every choices control, the consensus label of each item with a consensus is checked
against the latest model prediction for that item with confident learning
(:func:`annota.quality.find_label_issues`). A prediction gives its chosen option the
region's score (or the prediction's, or 1) and spreads the rest evenly over the other
options. Flagged items get ``suspect = true`` and show up in the review queue's
``suspect`` filter. Reads one consensus vote and one prediction per item, in chunks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, select, update

from annota.quality import find_label_issues
from annota.services import audit
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.gold_scoring import by_control, choice_label
from annota.services.quality_records import choice_votes, consensus_records
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database

VOTES = choice_votes.c
REC = consensus_records.c
PRED = tables.predictions.c
CHUNK = 10_000


def _latest_predictions(conn: Connection, project_id: int) -> dict[int, tuple[Any, Any]]:
    """Per item, the regions and score of its newest prediction."""
    newest = (
        select(func.max(PRED.id).label("id"))
        .where(PRED.project_id == project_id)
        .group_by(PRED.item_id)
        .subquery()
    )
    rows = conn.execute(
        select(PRED.item_id, PRED.regions, PRED.score)
        .join(newest, newest.c.id == PRED.id)
        .execution_options(yield_per=CHUNK)
    )
    return {r.item_id: (r.regions, r.score) for chunk in rows.partitions() for r in chunk}


def _probabilities(
    control: str, classes: list[str], regions: Any, score: float | None
) -> np.ndarray[Any, Any] | None:
    values = by_control(regions).get(control, [])
    label = choice_label(values)
    if label is None or label not in classes:
        return None
    regional = [r.get("score") for r in regions if r.get("control") == control]
    p = float(regional[0] if regional and regional[0] is not None else (score or 1.0))
    k = len(classes)
    rest = (1.0 - p) / (k - 1) if k > 1 else 0.0
    out = np.full(k, rest)
    out[classes.index(label)] = p if k > 1 else 1.0
    return out


def scan(db: Database, actor: Actor, project_id: int) -> int:
    """Flag suspected label errors (managers); returns how many items are now suspects."""
    with db.write() as s:
        project_for(s, actor, project_id, Need.MANAGE)
        conn = s.connection()
        predictions = _latest_predictions(conn, project_id)
        consensus = conn.execute(
            select(VOTES.item_id, VOTES.control, VOTES.label)
            .where(VOTES.project_id == project_id, VOTES.is_consensus.is_(True))
            .order_by(VOTES.control, VOTES.item_id)
        ).all()
        by_control_rows: dict[str, list[tuple[int, str]]] = {}
        for item_id, control, label in consensus:
            by_control_rows.setdefault(control, []).append((item_id, label))
        flagged: set[int] = set()
        for control, rows in by_control_rows.items():
            classes = sorted({label for _, label in rows})
            kept, probs = [], []
            for item_id, label in rows:
                if item_id in predictions:
                    p = _probabilities(control, classes, *predictions[item_id])
                    if p is not None:
                        kept.append((item_id, classes.index(label)))
                        probs.append(p)
            if len(classes) < 2 or not kept:
                continue
            mask = find_label_issues(np.array([k for _, k in kept]), np.vstack(probs))
            flagged |= {item_id for (item_id, _), bad in zip(kept, mask, strict=True) if bad}
        conn.execute(
            update(consensus_records).where(REC.project_id == project_id).values(suspect=False)
        )
        if flagged:
            conn.execute(
                update(consensus_records)
                .where(REC.item_id.in_(sorted(flagged)))
                .values(suspect=True, updated_at=datetime.now(UTC))
            )
        audit.record(
            s,
            actor,
            "review.scan_label_issues",
            object_type="project",
            object_id=project_id,
            project_id=project_id,
            details={"suspects": len(flagged), "predicted_items": len(predictions)},
        )
        return len(flagged)
