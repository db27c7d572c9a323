"""Weak supervision: run the rules, analyse the votes, fit the label model, store its labels.

An ``lf_apply`` job (1) runs every declarative labeling function over the project's items
in pages and replaces their stored votes, (2) builds the label matrix from all stored votes
(SDK-uploaded ones included), (3) fits :class:`annota.automation.LabelModel` on the items
without a person's label, validated on the items with one (their first submitted choice),
where it falls back to majority vote when it is not better, and (4) stores one rule-authored
annotation per item that got any vote: ``author_kind="rule"``, ``author_name`` =
``label-model:run-<id>``, a choices region scored by the label's probability, and
``lineage`` naming the method, the run and the LFs that voted on the item. The run row
keeps the LFs' specs as they were, so the lineage survives later edits. The previous run's
rule annotations are replaced. Items a person labelled get no rule annotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Table, delete, insert, select

from annota.automation import (
    LabelingFunction,
    LabelModel,
    apply_lfs,
    lf_summary,
    majority_vote,
)
from annota.errors import InvalidInput, NotFound
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.automation_data import current_schema, item_pages, labelled_examples
from annota.services.automation_records import LabelModelRunInfo, LFAnalysis, LFStats
from annota.services.job_context import JobContext
from annota.services.labeling_functions import VOTES, compile_lf
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database
from annota.store.models import LabelingFunction as LFRow
from annota.store.models import LabelModelRun, Prediction, Project

ANN = tables.annotations
RUNS = cast(Table, LabelModelRun.__table__)
DECLARATIVE = ("keyword", "regex", "threshold", "model_output")
RULE_AUTHOR = "label-model:run-"


def classes_of(db: Database, project_id: int, control: str) -> list[str]:
    """The options of the choices control a run labels."""
    schema = current_schema(db, project_id).schema
    try:
        target = schema.control(control)
    except KeyError:
        raise InvalidInput(f"the schema has no control {control!r}", location="control") from None
    if target.type != "choices":
        raise InvalidInput(f"{control!r} is not a choices control", location="control")
    return [option.value for option in target.options]


def _lfs(db: Database, project_id: int) -> list[LFRow]:
    with db.read() as s:
        rows = (
            s.execute(select(LFRow).where(LFRow.project_id == project_id).order_by(LFRow.id))
            .scalars()
            .all()
        )
        for row in rows:
            s.expunge(row)
    return list(rows)


def _records(db: Database, page: list[dict[str, Any]], models: set[str], control: str) -> list[Any]:
    """What rules read per item: data fields, ``meta.<key>``, and stored model outputs."""
    records = []
    outputs: dict[tuple[int, str], tuple[str, float]] = {}
    if models:
        with db.read() as s:
            rows = s.execute(
                select(
                    Prediction.item_id, Prediction.model_name, Prediction.regions, Prediction.score
                )
                .where(
                    Prediction.item_id.in_([i["id"] for i in page]),
                    Prediction.model_name.in_(models),
                )
                .order_by(Prediction.id)
            ).all()
        for row in rows:  # newest last, so it wins
            for region in row.regions:
                choices = region.get("value", {}).get("choices")
                if region.get("control") == control and isinstance(choices, list) and choices:
                    score = region.get("score", row.score)
                    outputs[(row.item_id, row.model_name)] = (str(choices[0]), float(score or 0))
    for item in page:
        record = dict(item["data"])
        record.update({f"meta.{k}": v for k, v in (item["meta"] or {}).items()})
        for model in models:
            if (item["id"], model) in outputs:
                label, score = outputs[(item["id"], model)]
                record[f"model:{model}:label"] = label
                record[f"model:{model}:score"] = score
        records.append(record)
    return records


def apply_rules(db: Database, project_id: int, control: str, job: JobContext) -> int:
    """Run the declarative LFs over all items; replace their stored votes. Returns votes."""
    classes = classes_of(db, project_id, control)
    rules = [r for r in _lfs(db, project_id) if r.kind in DECLARATIVE]
    if not rules:
        return 0
    compiled = []
    for row in rules:
        if row.kind == "model_output":
            compiled.append(compile_lf(row.name, row.kind, row.spec, 0))
        elif row.label in classes:
            compiled.append(compile_lf(row.name, row.kind, row.spec, classes.index(row.label)))
    models = {str(r.spec["model_name"]) for r in rules if r.kind == "model_output"}
    with db.write() as s:
        s.execute(delete(VOTES).where(VOTES.c.lf_id.in_([r.id for r in rules])))
    ids_by_name = {r.name: r.id for r in rules}
    total = done = 0
    for page in item_pages(db, project_id):
        records = _records(db, page, models, control)
        for record in records:  # model outputs are class names; the rule compares ids
            for key in [k for k in record if k.startswith("model:") and k.endswith(":label")]:
                name = record[key]
                record[key] = classes.index(name) if name in classes else -1
        # frozen rules have read-only names, which the Protocol's plain attribute rejects
        L = apply_lfs(cast(Sequence[LabelingFunction], compiled), records)
        rows = [
            {
                "project_id": project_id,
                "lf_id": ids_by_name[lf.name],
                "item_id": item["id"],
                "label": classes[int(L[i, j])],
            }
            for i, item in enumerate(page)
            for j, lf in enumerate(compiled)
            if L[i, j] >= 0
        ]
        if rows:
            with db.write() as s:
                s.execute(insert(VOTES), rows)
        total += len(rows)
        done += len(page)
        job.progress(done, None, f"rules applied to {done} items")
    return total


def label_matrix(
    db: Database, project_id: int, control: str
) -> tuple[list[int], list[LFRow], npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
    """(item ids, LFs, L of shape (items, lfs), gold per item or -1, classes)."""
    classes = classes_of(db, project_id, control)
    lfs = _lfs(db, project_id)
    item_ids = [item["id"] for page in item_pages(db, project_id) for item in page]
    row_of = {item_id: r for r, item_id in enumerate(item_ids)}
    col_of = {lf.id: c for c, lf in enumerate(lfs)}
    L = np.full((len(item_ids), len(lfs)), -1, dtype=np.int64)
    after = 0
    while True:
        with db.read() as s:
            votes = s.execute(
                select(VOTES.c.id, VOTES.c.lf_id, VOTES.c.item_id, VOTES.c.label)
                .where(VOTES.c.project_id == project_id, VOTES.c.id > after)
                .order_by(VOTES.c.id)
                .limit(10_000)
            ).all()
        for vote in votes:
            if vote.label in classes and vote.item_id in row_of:
                L[row_of[vote.item_id], col_of[vote.lf_id]] = classes.index(vote.label)
        if len(votes) < 10_000:
            break
        after = votes[-1].id
    gold = np.full(len(item_ids), -1, dtype=np.int64)
    for item_id, regions in labelled_examples(db, project_id).items():
        for region in regions:
            choices = region.get("value", {}).get("choices")
            if region.get("control") == control and isinstance(choices, list) and choices:
                if choices[0] in classes and item_id in row_of:
                    gold[row_of[item_id]] = classes.index(choices[0])
                break
    return item_ids, lfs, L, gold, classes


def analyse(db: Database, actor: Actor, project_id: int, control: str) -> LFAnalysis:
    """Coverage, overlaps, conflicts per LF; empirical accuracy on people-labelled items."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
    item_ids, lfs, L, gold, classes = label_matrix(db, project_id, control)
    labelled = int((gold >= 0).sum())
    if not lfs:
        return LFAnalysis(control=control, items=len(item_ids), labelled_items=labelled)
    table = lf_summary(L, gold if labelled else None, names=[lf.name for lf in lfs])
    stats = []
    for lf, (_, row) in zip(lfs, table.iterrows(), strict=True):
        acc = row.get("emp_acc")
        stats.append(
            LFStats(
                name=lf.name,
                kind=lf.kind,
                polarity=[classes[int(c)] for c in row["polarity"]],
                coverage=float(row["coverage"]),
                overlaps=float(row["overlaps"]),
                conflicts=float(row["conflicts"]),
                correct=int(row["correct"]) if labelled else None,
                incorrect=int(row["incorrect"]) if labelled else None,
                emp_acc=None if acc is None or np.isnan(acc) else float(acc),
            )
        )
    return LFAnalysis(control=control, items=len(item_ids), labelled_items=labelled, lfs=stats)


def run_weak_supervision(db: Database, job: JobContext) -> dict[str, Any]:
    """The ``lf_apply`` job handler. Params: ``control`` (a choices control)."""
    assert job.project_id is not None
    project_id = job.project_id
    control = job.params.get("control")
    if not isinstance(control, str):
        raise InvalidInput("name the choices control to label", location="control")
    rule_votes = apply_rules(db, project_id, control, job)
    item_ids, lfs, L, gold, classes = label_matrix(db, project_id, control)
    if not lfs:
        raise InvalidInput("the project has no labeling functions", location="lfs")
    known = gold >= 0
    unknown_rows = np.flatnonzero(~known)
    if unknown_rows.size == 0:
        raise InvalidInput("every item already has a person's label", location="items")
    model = LabelModel(cardinality=len(classes))
    if known.any():
        model.fit(L[unknown_rows], L[known], gold[known])
    else:
        model.fit(L[unknown_rows])
    proba = model.predict_proba(L[unknown_rows])
    labels = model.predict(L[unknown_rows])
    method = "majority_vote" if model.fallback_ else "label_model"
    snapshot = [
        {"id": lf.id, "name": lf.name, "kind": lf.kind, "spec": lf.spec, "label": lf.label}
        for lf in lfs
    ]
    with db.write() as s:
        run_id = s.execute(
            insert(RUNS)
            .values(
                project_id=project_id,
                control=control,
                lfs=snapshot,
                result={},
                created_by=job.actor.user_id,
                created_at=datetime.now(UTC),
            )
            .returning(RUNS.c.id)
        ).scalar_one()
    stored = _store_labels(
        db,
        project_id,
        run_id,
        control,
        classes,
        lfs,
        item_ids,
        unknown_rows,
        L,
        proba,
        labels,
        method,
    )
    result = {
        "run_id": run_id,
        "control": control,
        "method": method,
        "fallback": bool(model.fallback_),
        "validation": dict(model.validation_scores_),
        "validated_on": int(known.sum()),
        "note": _note(model, int(known.sum())),
        "selected": dict(model.selected_),
        "settings": _settings_text(model),
        "rule_votes": rule_votes,
        "annotations": stored,
        "lfs": len(lfs),
        "majority_vote_agreement": _agreement(L[unknown_rows], labels, len(classes)),
    }
    with db.write() as s:
        s.execute(RUNS.update().where(RUNS.c.id == run_id).values(result=result))
    return result


def _note(model: LabelModel, n_valid: int) -> str:
    if not n_valid:
        return "no people-labelled items: the label model was not checked against majority vote"
    scores = model.validation_scores_
    if model.fallback_:
        return (
            f"label model ({scores['label_model']:.3f}) was below majority vote "
            f"({scores['majority_vote']:.3f}) on {n_valid} labelled items: fell back to it"
        )
    return (
        f"label model {scores['label_model']:.3f} vs majority vote "
        f"{scores['majority_vote']:.3f} on {n_valid} labelled items (out of fold)"
    )


def _settings_text(model: LabelModel) -> str | None:
    """The setting chosen on the labelled items, in words for the run page."""
    chosen = model.selected_
    if not chosen or model.fallback_:
        return None
    prior = {
        "estimate": "class prior estimated by EM",
        "valid": "class prior counted from the labelled items",
        "uniform": "uniform class prior",
        "given": "the given class prior",
    }[str(chosen["prior"])]
    evidence = (
        "silent rules count as evidence"
        if chosen["abstain_evidence"]
        else ("silent rules are ignored")
    )
    if not chosen["semi_supervised"]:
        return f"{prior}; {evidence}; fitted on unlabelled items only"
    weight = float(chosen["unlabeled_weight"])
    if weight == 0.0:
        return f"{prior}; {evidence}; fitted on the labelled items alone"
    return (
        f"{prior}; {evidence}; labelled items clamped, each unlabelled item weighing "
        f"{weight:.3g} of a labelled one"
    )


def _agreement(L: npt.NDArray[np.int64], labels: npt.NDArray[np.int64], k: int) -> float | None:
    voted = (L >= 0).any(axis=1)
    if not voted.any():
        return None
    mv = majority_vote(L[voted], cardinality=k, tie_break="lowest")
    return float(np.mean(mv == labels[voted]))


def _store_labels(
    db: Database,
    project_id: int,
    run_id: int,
    control: str,
    classes: list[str],
    lfs: list[LFRow],
    item_ids: list[int],
    rows: npt.NDArray[np.int64],
    L: npt.NDArray[np.int64],
    proba: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    method: str,
) -> int:
    """Replace the project's rule annotations with this run's (items with any vote)."""
    schema_version = current_schema(db, project_id).version
    with db.read() as s:
        guidelines = s.get_one(Project, project_id).guidelines_version
    now = datetime.now(UTC)
    out = []
    for pos, row in enumerate(rows):
        voted = [lfs[j].name for j in np.flatnonzero(L[int(row)] >= 0)]
        if not voted or labels[pos] < 0:
            continue
        k = int(labels[pos])
        out.append(
            {
                "project_id": project_id,
                "item_id": item_ids[int(row)],
                "author_kind": "rule",
                "author_id": None,
                "author_name": f"{RULE_AUTHOR}{run_id}",
                "status": "submitted",
                "regions": [
                    {
                        "control": control,
                        "value": {"choices": [classes[k]]},
                        "score": round(float(proba[pos, k]), 6),
                    }
                ],
                "schema_version": schema_version,
                "guidelines_version": guidelines,
                "version": 1,
                "lineage": {"method": method, "run": run_id, "rules": voted},
                "created_at": now,
                "updated_at": now,
            }
        )
    with db.write() as s:
        s.execute(
            delete(ANN).where(
                ANN.c.project_id == project_id,
                ANN.c.author_kind == "rule",
                ANN.c.author_name.like(f"{RULE_AUTHOR}%"),
            )
        )
        for start in range(0, len(out), 1000):
            s.execute(insert(ANN), out[start : start + 1000])
    return len(out)


def get_run(db: Database, actor: Actor, project_id: int, run_id: int) -> LabelModelRunInfo:
    """A label-model run, for following a rule annotation's lineage (reviewers and up)."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        row = s.get(LabelModelRun, run_id)
        if row is None or row.project_id != project_id:
            raise NotFound(f"label-model run {run_id} not found", location="run")
        return LabelModelRunInfo(
            id=row.id,
            project_id=row.project_id,
            control=row.control,
            lfs=row.lfs,
            result=row.result,
            created_at=row.created_at,
        )
