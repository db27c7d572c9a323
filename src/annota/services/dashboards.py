"""Numbers for the quality dashboards, each from grouped SQL.

Nothing here reads annotation JSON: progress groups annotation rows by day, agreement and
confusion group the flattened ``choice_votes`` (items with a consensus), and the annotator
table joins per-author aggregates. What reaches Python is bounded by days, labels,
annotators, or (for agreement) one small integer per (item, label) pair.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Connection, and_, case, func, select
from sqlalchemy.orm import aliased

from annota.quality import fleiss_kappa, krippendorff_alpha, per_label_agreement
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.quality_records import (
    annotator_confusions,
    annotator_quality,
    choice_votes,
    consensus_records,
)
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database

ANN = tables.annotations.c
VOTES = choice_votes.c
REC = consensus_records.c
AQ = annotator_quality.c
CHUNK = 50_000


@dataclass(frozen=True, slots=True)
class DayProgress:
    day: str
    submitted: int
    annotators: int
    cumulative: int


@dataclass(frozen=True, slots=True)
class LabelAgreement:
    label: str
    ratings: int
    specific_agreement: float | None
    kappa: float | None


@dataclass(frozen=True, slots=True)
class ControlAgreement:
    control: str
    items: int
    ratings: int
    krippendorff_alpha: float | None
    fleiss_kappa: float | None
    labels: list[LabelAgreement] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AgreementReport:
    items_with_consensus: int
    mean_item_agreement: float | None
    in_review: int
    controls: list[ControlAgreement]


@dataclass(frozen=True, slots=True)
class AnnotatorRow:
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


@dataclass(frozen=True, slots=True)
class ConfusionMatrix:
    control: str
    user_id: int
    username: str
    source: str  # "dawid_skene" (fitted) or "consensus" (counts against the consensus)
    classes: list[str]
    matrix: list[list[float]]


def _finite(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _day(db: Database) -> Any:
    """The UTC day of an annotation as ``YYYY-MM-DD`` on either engine."""
    if db.is_sqlite:
        return func.date(ANN.created_at)
    return func.to_char(ANN.created_at, "YYYY-MM-DD")


def progress(db: Database, actor: Actor, project_id: int) -> list[DayProgress]:
    """Submitted answers (and distinct annotators) per UTC day, with the running total."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        day = _day(db)
        rows = s.execute(
            select(day.label("day"), func.count(), func.count(ANN.author_id.distinct()))
            .where(
                ANN.project_id == project_id,
                ANN.author_kind == "person",
                ANN.corrects_id.is_(None),
                ANN.status != "draft",
            )
            .group_by(day)
            .order_by(day)
        ).all()
    out, total = [], 0
    for when, count, people in rows:
        total += count
        out.append(DayProgress(str(when), int(count), int(people), total))
    return out


def _ratings(
    conn: Connection, project_id: int, control: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], list[str]] | None:
    """Grouped (item, label) counts as a count table and a pseudo reliability matrix.

    Nominal agreement does not depend on which annotator gave a rating, only on each
    item's multiset of labels, so slot ``r`` of an item holds its ``r``-th rating (as a
    label code). Returns ``(counts (n_items, K), ratings (depth, n_items), labels)``.
    """
    result = conn.execute(
        select(VOTES.item_id, VOTES.label, func.count())
        .where(
            VOTES.project_id == project_id,
            VOTES.control == control,
            VOTES.is_consensus.is_(False),
        )
        .group_by(VOTES.item_id, VOTES.label)
        .execution_options(yield_per=CHUNK)
    )
    items: list[int] = []
    labels: list[str] = []
    counts: list[int] = []
    for chunk in result.partitions():
        for item_id, label, count in chunk:
            items.append(item_id)
            labels.append(label)
            counts.append(int(count))
    if not items:
        return None
    item_codes, _ = pd.factorize(np.asarray(items))
    label_codes, classes = pd.factorize(np.asarray(labels, dtype=object), sort=True)
    n_items, n_labels = int(item_codes.max()) + 1, len(classes)
    table = np.zeros((n_items, n_labels))
    np.add.at(table, (item_codes, label_codes), np.asarray(counts))
    per_rating_item = np.repeat(item_codes, counts)
    per_rating_label = np.repeat(label_codes, counts)
    order = np.lexsort((per_rating_label, per_rating_item))
    per_rating_item, per_rating_label = per_rating_item[order], per_rating_label[order]
    slot = np.arange(len(per_rating_item)) - np.searchsorted(per_rating_item, per_rating_item)
    ratings = np.full((int(slot.max()) + 1, n_items), np.nan)
    ratings[slot, per_rating_item] = per_rating_label
    return table, ratings, [str(c) for c in classes]


def _control_agreement(conn: Connection, project_id: int, control: str) -> ControlAgreement:
    found = _ratings(conn, project_id, control)
    if found is None:
        return ControlAgreement(control, 0, 0, None, None)
    table, ratings, labels = found
    n_items, total = table.shape[0], int(table.sum())
    if not (table.sum(axis=1) >= 2).any():
        return ControlAgreement(control, n_items, total, None, None)
    per_label = per_label_agreement(ratings)
    return ControlAgreement(
        control=control,
        items=n_items,
        ratings=total,
        krippendorff_alpha=_finite(krippendorff_alpha(ratings, level="nominal")),
        fleiss_kappa=_finite(fleiss_kappa(table)),
        labels=[
            LabelAgreement(
                labels[int(code)],
                int(row.ratings),
                _finite(row.specific_agreement),
                _finite(row.kappa),
            )
            for code, row in per_label.iterrows()
        ],
    )


def agreement(db: Database, actor: Actor, project_id: int) -> AgreementReport:
    """Agreement overall and per label, per choices control, over items with a consensus."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        conn = s.connection()
        count, mean, pending = conn.execute(
            select(
                func.count(),
                func.avg(REC.agreement),
                func.sum(case((REC.review_status == "pending", 1), else_=0)),
            ).where(REC.project_id == project_id)
        ).one()
        controls = (
            conn.execute(
                select(VOTES.control)
                .where(VOTES.project_id == project_id)
                .group_by(VOTES.control)
                .order_by(VOTES.control)
            )
            .scalars()
            .all()
        )
        return AgreementReport(
            items_with_consensus=int(count),
            mean_item_agreement=None if mean is None else float(mean),
            in_review=int(pending or 0),
            controls=[_control_agreement(conn, project_id, c) for c in controls],
        )


def annotators(db: Database, actor: Actor, project_id: int) -> list[AnnotatorRow]:
    """One row per annotator: throughput, speed, gold accuracy, agreement with consensus."""
    users = tables.users.c
    day = _day(db)
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        work = s.execute(
            select(
                ANN.author_id,
                func.count(),
                func.count(day.distinct()),
                func.avg(ANN.lead_time),
            )
            .where(
                ANN.project_id == project_id,
                ANN.author_kind == "person",
                ANN.corrects_id.is_(None),
                ANN.status != "draft",
                ANN.author_id.is_not(None),
            )
            .group_by(ANN.author_id)
        ).all()
        truth = aliased(choice_votes)
        versus = s.execute(
            select(
                VOTES.author_id,
                func.count(),
                func.sum(case((VOTES.label == truth.c.label, 1), else_=0)),
            )
            .join(
                truth,
                and_(
                    truth.c.project_id == VOTES.project_id,
                    truth.c.control == VOTES.control,
                    truth.c.item_id == VOTES.item_id,
                    truth.c.is_consensus.is_(True),
                ),
            )
            .where(VOTES.project_id == project_id, VOTES.is_consensus.is_(False))
            .group_by(VOTES.author_id)
        ).all()
        gold = s.execute(
            select(AQ.user_id, AQ.gold_answered, AQ.gold_score_sum, AQ.qualification).where(
                AQ.project_id == project_id
            )
        ).all()
        ids = {r[0] for r in work} | {r[0] for r in versus if r[0]} | {r[0] for r in gold}
        found = s.execute(select(users.id, users.username).where(users.id.in_(ids)))
        names = {row.id: row.username for row in found}
    by_work = {r[0]: r for r in work}
    by_versus = {r[0]: r for r in versus}
    by_gold = {r[0]: r for r in gold}
    out = []
    for uid in sorted(ids):
        w, v, g = by_work.get(uid), by_versus.get(uid), by_gold.get(uid)
        out.append(
            AnnotatorRow(
                user_id=uid,
                username=names.get(uid, ""),
                submitted=int(w[1]) if w else 0,
                active_days=int(w[2]) if w else 0,
                mean_lead_time=None if not w or w[3] is None else float(w[3]),
                gold_answered=int(g.gold_answered) if g else 0,
                gold_accuracy=g.gold_score_sum / g.gold_answered if g and g.gold_answered else None,
                consensus_votes=int(v[1]) if v else 0,
                consensus_agreement=int(v[2]) / int(v[1]) if v and v[1] else None,
                qualification=g.qualification if g else "none",
            )
        )
    return out


def confusion(db: Database, actor: Actor, project_id: int) -> list[ConfusionMatrix]:
    """Per annotator and choices control: the fitted Dawid-Skene confusion matrix, or,
    where none was fitted, counts of their labels (columns) against the consensus (rows)."""
    users = tables.users.c
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        fitted = s.execute(
            select(annotator_confusions)
            .where(annotator_confusions.c.project_id == project_id)
            .order_by(annotator_confusions.c.control, annotator_confusions.c.user_id)
        ).all()
        truth = aliased(choice_votes)
        counts = s.execute(
            select(VOTES.control, VOTES.author_id, truth.c.label, VOTES.label, func.count())
            .join(
                truth,
                and_(
                    truth.c.project_id == VOTES.project_id,
                    truth.c.control == VOTES.control,
                    truth.c.item_id == VOTES.item_id,
                    truth.c.is_consensus.is_(True),
                ),
            )
            .where(
                VOTES.project_id == project_id,
                VOTES.is_consensus.is_(False),
                VOTES.author_id.is_not(None),
            )
            .group_by(VOTES.control, VOTES.author_id, truth.c.label, VOTES.label)
        ).all()
        ids = {r.user_id for r in fitted} | {r[1] for r in counts}
        found = s.execute(select(users.id, users.username).where(users.id.in_(ids)))
        names = {row.id: row.username for row in found}
    out = [
        ConfusionMatrix(
            r.control, r.user_id, names.get(r.user_id, ""), "dawid_skene", r.classes, r.matrix
        )
        for r in fitted
    ]
    done = {(m.control, m.user_id) for m in out}
    cells: dict[tuple[str, int], dict[tuple[str, str], int]] = defaultdict(dict)
    classes: dict[str, set[str]] = defaultdict(set)
    for control, author, true, given, count in counts:
        cells[(control, author)][(true, given)] = int(count)
        classes[control] |= {true, given}
    for (control, author), table in sorted(cells.items()):
        if (control, author) in done:
            continue
        labels = sorted(classes[control])
        matrix: list[list[Any]] = [[table.get((t, g), 0) for g in labels] for t in labels]
        out.append(
            ConfusionMatrix(control, author, names.get(author, ""), "consensus", labels, matrix)
        )
    return out
