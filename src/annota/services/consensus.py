"""Consensus annotations: computed when an item has its ``overlap`` answers, kept current.

The consensus is an annotation authored by the platform (``author_kind = "consensus"``),
with lineage rows to the answers it came from (``consensus_sources``). It is computed in
the transaction of the submit that completes the item, recomputed in the transaction of any
later submit or update on the item, and for a whole project by :func:`refit_project`
(which also fits Dawid-Skene when the project uses it). Items whose answers agree less than
the review threshold are put in the review queue (``review_status = "pending"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, insert, select, update

from annota.errors import NotFound
from annota.quality import DawidSkene
from annota.services import audit, gold
from annota.services.access import project_for, staff_item_for
from annota.services.actor import Actor
from annota.services.consensus_compute import Confusion, Source, compute
from annota.services.projects import schema_of
from annota.services.quality_records import (
    ConsensusInfo,
    annotator_confusions,
    choice_votes,
    consensus_records,
    consensus_sources,
)
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database

ANN = tables.annotations
REC = consensus_records.c
CONF = annotator_confusions.c
VOTES = choice_votes.c
#: statuses of a person's answer that count as a source of consensus
SOURCE_STATUSES = ("submitted", "accepted")
CHUNK = 50_000


def method_of(settings: Mapping[str, Any]) -> str:
    return str((settings.get("consensus") or {}).get("method", "majority_vote"))


def threshold_of(settings: Mapping[str, Any]) -> float:
    return float((settings.get("review") or {}).get("agreement_threshold", 0.6))


def after_submit(
    db: Database,
    conn: Connection,
    actor: Actor,
    project: Any,
    item_id: int,
    annotation_id: int,
    regions: Sequence[Mapping[str, Any]],
    done: int,
) -> None:
    """Submit hook: score a gold answer, or (re)compute consensus once the item is complete.

    Costs one primary-key lookup (is it gold?) for a regular item below its overlap.
    """
    if gold.on_submit(db, conn, actor, project, item_id, annotation_id, regions):
        return
    overlap = int(project.settings.get("overlap", 1))
    if overlap >= 2 and done >= overlap and method_of(project.settings) != "none":
        refresh_item(db, conn, actor, project, item_id)


def after_update(db: Database, conn: Connection, actor: Actor, project: Any, item_id: int) -> None:
    """Update hook: a changed answer on an item that has a consensus recomputes it."""
    has = conn.execute(select(REC.id).where(REC.item_id == item_id)).first()
    if has is not None and method_of(project.settings) != "none":
        refresh_item(db, conn, actor, project, item_id)


def _sources(conn: Connection, item_id: int) -> list[Source]:
    rows = conn.execute(
        select(ANN.c.id, ANN.c.author_id, ANN.c.regions)
        .where(
            ANN.c.item_id == item_id,
            ANN.c.author_kind == "person",
            ANN.c.corrects_id.is_(None),
            ANN.c.status.in_(SOURCE_STATUSES),
        )
        .order_by(ANN.c.id)
    )
    return [Source(r.id, r.author_id, r.regions) for r in rows]


def _confusions(
    conn: Connection, project_id: int, authors: list[int]
) -> dict[str, dict[int, Confusion]]:
    out: dict[str, dict[int, Confusion]] = {}
    rows = conn.execute(
        select(CONF.control, CONF.user_id, CONF.classes, CONF.matrix, CONF.prior).where(
            CONF.project_id == project_id, CONF.user_id.in_(authors)
        )
    )
    for r in rows:
        out.setdefault(r.control, {})[r.user_id] = Confusion(r.classes, r.matrix, r.prior)
    return out


def refresh_item(db: Database, conn: Connection, actor: Actor, project: Any, item_id: int) -> None:
    """(Re)compute and store one item's consensus, its lineage, votes and review state."""
    sources = _sources(conn, item_id)
    if not sources:
        return
    method = method_of(project.settings)
    schema = schema_of(db, conn, project.id, project.schema_version)
    authors = [s.author_id for s in sources if s.author_id is not None]
    confusions = _confusions(conn, project.id, authors) if method == "dawid_skene" else {}
    outcome = compute(
        schema,
        sources,
        method=method,
        confusions=confusions,
        iou_threshold=gold.iou_threshold(project.settings),
    )
    now = datetime.now(UTC)
    record = conn.execute(select(consensus_records).where(REC.item_id == item_id)).first()
    values = {
        "regions": outcome.regions,
        "schema_version": project.schema_version,
        "guidelines_version": project.guidelines_version,
        "updated_at": now,
    }
    if record is None:
        annotation_id = conn.execute(
            insert(ANN)
            .values(
                project_id=project.id,
                item_id=item_id,
                author_kind="consensus",
                author_id=None,
                author_name="consensus",
                status="submitted",
                version=1,
                created_at=now,
                **values,
            )
            .returning(ANN.c.id)
        ).scalar_one()
    else:
        annotation_id = record.annotation_id
        conn.execute(
            update(ANN).where(ANN.c.id == annotation_id).values(version=ANN.c.version + 1, **values)
        )
    conn.execute(delete(consensus_sources).where(consensus_sources.c.consensus_id == annotation_id))
    conn.execute(
        insert(consensus_sources),
        [{"consensus_id": annotation_id, "source_id": s.annotation_id} for s in sources],
    )
    conn.execute(delete(choice_votes).where(VOTES.item_id == item_id))
    if outcome.votes:
        conn.execute(
            insert(choice_votes),
            [
                {
                    "project_id": project.id,
                    "item_id": item_id,
                    "annotation_id": v.annotation_id or annotation_id,
                    "author_id": v.author_id,
                    "is_consensus": v.annotation_id is None,
                    "control": v.control,
                    "label": v.label[:300],
                }
                for v in outcome.votes
            ],
        )
    low = outcome.agreement < threshold_of(project.settings)
    reviewed = record is not None and record.review_status == "done"
    state = {
        "method": method,
        "agreement": outcome.agreement,
        "n_sources": len(sources),
        "review_status": "done" if reviewed else ("pending" if low else "none"),
        "labels": "|" + "".join(f"{label}|" for label in outcome.labels),
        "updated_at": now,
    }
    if record is None:
        conn.execute(
            insert(consensus_records).values(
                project_id=project.id, item_id=item_id, annotation_id=annotation_id, **state
            )
        )
    else:
        conn.execute(update(consensus_records).where(REC.id == record.id).values(**state))
    audit.record(
        conn,
        actor,
        "consensus.compute" if record is None else "consensus.recompute",
        object_type="annotation",
        object_id=annotation_id,
        project_id=project.id,
        details={
            "item_id": item_id,
            "method": method,
            "agreement": outcome.agreement,
            "sources": [s.annotation_id for s in sources],
            "review": state["review_status"],
        },
    )


def get_consensus(db: Database, actor: Actor, item_id: int) -> ConsensusInfo:
    """An item's consensus with its lineage (reviewers and managers)."""
    with db.read() as s:
        staff_item_for(s, actor, item_id, Need.READ_ALL)
        conn = s.connection()
        row = conn.execute(
            select(consensus_records, ANN.c.regions, ANN.c.version)
            .join(ANN, ANN.c.id == REC.annotation_id)
            .where(REC.item_id == item_id)
        ).first()
        if row is None:
            raise NotFound(f"item {item_id} has no consensus yet", location="item")
        source_ids = (
            conn.execute(
                select(consensus_sources.c.source_id)
                .where(consensus_sources.c.consensus_id == row.annotation_id)
                .order_by(consensus_sources.c.source_id)
            )
            .scalars()
            .all()
        )
        return ConsensusInfo(
            item_id=item_id,
            annotation_id=row.annotation_id,
            method=row.method,
            agreement=row.agreement,
            n_sources=row.n_sources,
            review_status=row.review_status,
            source_ids=list(source_ids),
            regions=row.regions,
            version=row.version,
            updated_at=row.updated_at,
        )


def vote_frame(conn: Connection, project_id: int, control: str) -> pd.DataFrame:
    """The people's votes on one choices control as an (item, annotator, label) table.

    Read in chunks of plain tuples: three short columns, never the annotations' JSON.
    """
    result = conn.execute(
        select(VOTES.item_id, VOTES.author_id, VOTES.label)
        .where(
            VOTES.project_id == project_id,
            VOTES.control == control,
            VOTES.is_consensus.is_(False),
            VOTES.author_id.is_not(None),
        )
        .execution_options(yield_per=CHUNK)
    )
    items: list[int] = []
    authors: list[int] = []
    labels: list[str] = []
    for chunk in result.partitions():
        column_items, column_authors, column_labels = zip(*chunk, strict=True)
        items.extend(column_items)
        authors.extend(column_authors)
        labels.extend(column_labels)
    return pd.DataFrame({"item": items, "annotator": authors, "label": labels})


def fit_confusions(conn: Connection, project: Any) -> list[str]:
    """Fit Dawid-Skene per choices control on the stored votes; store the matrices."""
    controls = (
        conn.execute(
            select(VOTES.control).where(VOTES.project_id == project.id).group_by(VOTES.control)
        )
        .scalars()
        .all()
    )
    fitted = []
    for control in controls:
        frame = vote_frame(conn, project.id, control)
        if frame.empty:
            continue
        model = DawidSkene().fit(frame)
        classes = [str(c) for c in model.classes_]
        conn.execute(
            delete(annotator_confusions).where(
                CONF.project_id == project.id, CONF.control == control
            )
        )
        conn.execute(
            insert(annotator_confusions),
            [
                {
                    "project_id": project.id,
                    "control": control,
                    "user_id": int(annotator),
                    "classes": classes,
                    "matrix": model.confusion_[j].tolist(),
                    "prior": model.prior_.tolist(),
                    "fitted_at": datetime.now(UTC),
                }
                for j, annotator in enumerate(model.annotators_)
            ],
        )
        fitted.append(control)
    return fitted


def refit_project(db: Database, actor: Actor, project_id: int) -> int:
    """Recompute every consensus of the project (managers); returns how many items.

    With Dawid-Skene, first fits the annotators' confusion matrices on all stored votes.
    One transaction, so readers see the old or the new consensus, never a mix.
    """
    with db.write() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        conn = s.connection()
        fitted = (
            fit_confusions(conn, project) if method_of(project.settings) == "dawid_skene" else []
        )
        overlap = max(2, int(project.settings.get("overlap", 1)))
        items = tables.items.c
        item_ids = (
            conn.execute(
                select(items.id)
                .where(
                    items.project_id == project_id,
                    items.done >= overlap,
                    gold.not_gold(items.id),
                )
                .order_by(items.id)
            )
            .scalars()
            .all()
        )
        for item_id in item_ids:
            refresh_item(db, conn, actor, project, item_id)
        audit.record(
            s,
            actor,
            "consensus.refit",
            object_type="project",
            object_id=project_id,
            project_id=project_id,
            details={"items": len(item_ids), "fitted_controls": fitted},
        )
        return len(item_ids)
