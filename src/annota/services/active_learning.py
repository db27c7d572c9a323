"""The active-learning loop: settings, the every-K-labels trigger, and the retrain job.

After every ``al_batch`` (K) new submitted labels, an ``al_retrain`` job fits the built-in
text classifier on the labelled items, predicts the unlabelled pool, ranks the pool with
:func:`annota.automation.query` and writes ``items.priority`` (rank 1 gets the highest), so
next-item under ``ordering: priority`` serves the most informative item first. With fewer
than two classes labelled there is no model yet and the ranking is a cold start by
diversity (k-center greedy on text embeddings: MiniLM when the project's model is the
embedder, else TF-IDF reduced by truncated SVD).

Several annotators at once: ``automation_jobs.request_retrain`` queues at most one retrain
per project. A conditional UPDATE flips ``retrain_pending`` from false to true (and, for the
tick, only while ``labels_at_retrain`` is still K labels behind), and only the caller that
flipped it starts a job; the job clears the flag and records the label count when it starts,
and before it finishes it looks again and retrains in place (up to :data:`MAX_PASSES`) when
K more labels arrived while it ran. Job handlers get no queue, so a job cannot queue a
follow-up job.

The trigger is not wired into submit (annotating is owned elsewhere): callers use
``POST /projects/{id}/al/tick`` (cheap: one count) or ``POST /projects/{id}/al/retrain``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from annota.automation import STRATEGIES, SentenceEmbedder, TextClassifier, query
from annota.errors import InvalidInput
from annota.services import audit
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.automation_data import (
    current_schema,
    item_pages,
    items_by_id,
    labelled_examples,
    submitted_count,
)
from annota.services.automation_records import AutomationInfo
from annota.services.job_context import JobContext
from annota.services.model_backends import backend_row
from annota.services.model_specs import check_spec, embedder_installed
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database
from annota.store.models import AutomationSettings

MAX_PASSES = 3
DEFAULT_STRATEGY = "margin"
DEFAULT_BATCH = 20
SVD_DIMS = 64
ITEMS = tables.items


def _info(row: AutomationSettings) -> AutomationInfo:
    return AutomationInfo(
        project_id=row.project_id,
        model=row.model or {},
        al_strategy=row.al_strategy,
        al_batch=row.al_batch,
        al_enabled=row.al_enabled,
        labels_at_retrain=row.labels_at_retrain,
        retrain_pending=row.retrain_pending,
        retrain_job_id=row.retrain_job_id,
        last_result=row.last_result or {},
    )


def settings_row(s: Session, project_id: int) -> AutomationSettings:
    row = s.execute(
        select(AutomationSettings).where(AutomationSettings.project_id == project_id)
    ).scalar_one_or_none()
    if row is None:
        row = AutomationSettings(
            project_id=project_id,
            model={},
            al_strategy=DEFAULT_STRATEGY,
            al_batch=DEFAULT_BATCH,
            al_enabled=False,
            labels_at_retrain=0,
            retrain_pending=False,
            last_result={},
        )
        s.add(row)
        s.flush()
    return row


def get_settings(db: Database, actor: Actor, project_id: int) -> AutomationInfo:
    """The project's automation settings; the defaults (not written) when never set."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        row = s.execute(
            select(AutomationSettings).where(AutomationSettings.project_id == project_id)
        ).scalar_one_or_none()
        if row is not None:
            return _info(row)
    return AutomationInfo(
        project_id=project_id,
        model={},
        al_strategy=DEFAULT_STRATEGY,
        al_batch=DEFAULT_BATCH,
        al_enabled=False,
        labels_at_retrain=0,
        retrain_pending=False,
        retrain_job_id=None,
        last_result={},
    )


def update_settings(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    model: dict[str, Any] | None = None,
    al_strategy: str | None = None,
    al_batch: int | None = None,
    al_enabled: bool | None = None,
) -> AutomationInfo:
    """Change the project's model and loop settings (managers); audited."""
    if al_strategy is not None and al_strategy not in STRATEGIES:
        raise InvalidInput(
            f"strategy must be one of {', '.join(STRATEGIES)}", location="al_strategy"
        )
    if al_batch is not None and not 1 <= al_batch <= 100_000:
        raise InvalidInput("al_batch must be 1 to 100000", location="al_batch")
    spec = None
    if model is not None:
        with db.read() as s:
            project_for(s, actor, project_id, Need.MANAGE)
        spec = check_spec(model, current_schema(db, project_id).schema)
        if spec["kind"] == "backend":
            backend_row(db, project_id, spec["backend_id"])
    with db.write() as s:
        project_for(s, actor, project_id, Need.MANAGE)
        row = settings_row(s, project_id)
        changes = {
            "model": spec,
            "al_strategy": al_strategy,
            "al_batch": al_batch,
            "al_enabled": al_enabled,
        }
        changes = {k: v for k, v in changes.items() if v is not None}
        for key, value in changes.items():
            setattr(row, key, value)
        audit.record(
            s,
            actor,
            "automation.settings",
            object_type="project",
            object_id=project_id,
            project_id=project_id,
            details=changes,
        )
        s.flush()
        return _info(row)


def run_retrain(db: Database, job: JobContext) -> dict[str, Any]:
    """The ``al_retrain`` job handler: rank the pool, write priorities; repeat if K more came."""
    assert job.project_id is not None
    project_id = job.project_id
    result: dict[str, Any] = {}
    for n_pass in range(1, MAX_PASSES + 1):
        count = submitted_count(db, project_id)
        with db.write() as s:
            row = settings_row(s, project_id)
            row.retrain_pending = False
            row.labels_at_retrain = count
            strategy, batch, spec = row.al_strategy, row.al_batch, dict(row.model or {})
        result = rank_pool(db, project_id, strategy=strategy, spec=spec, job=job)
        result["passes"] = n_pass
        with db.write() as s:
            settings_row(s, project_id).last_result = result
        if submitted_count(db, project_id) - count < batch:
            break
    return result


def _target(db: Database, project_id: int, spec: dict[str, Any]) -> tuple[str, str]:
    """The choices control (and its text field) the loop learns: the model's, else the first."""
    if spec.get("kind") in ("text_classifier", "embedder_knn"):
        return str(spec["control"]), str(spec.get("field") or "text")
    for control in current_schema(db, project_id).schema.controls:
        if control.type == "choices":
            return control.name, control.field or "text"
    raise InvalidInput("active learning needs a choices control in the schema", location="schema")


def rank_pool(
    db: Database, project_id: int, *, strategy: str, spec: dict[str, Any], job: JobContext
) -> dict[str, Any]:
    """One retrain pass: fit, predict the pool, query, write priorities."""
    control, field = _target(db, project_id, spec)
    labelled = _labels(labelled_examples(db, project_id), control)
    pool_ids: list[int] = []
    pool_texts: list[str] = []
    for page in item_pages(db, project_id, unlabelled_only=True):
        for item in page:
            if item["id"] not in labelled:
                pool_ids.append(item["id"])
                pool_texts.append(_text(item, field))
    job.progress(0, len(pool_ids), "fitting")
    if not pool_ids:
        return {"strategy": strategy, "labelled": len(labelled), "pool": 0, "top": []}
    known = items_by_id(db, sorted(labelled))
    label_ids = [i for i in sorted(labelled) if i in known]
    texts = pool_texts + [_text(known[i], field) for i in label_ids]
    labelled_rows = np.arange(len(pool_ids), len(texts), dtype=np.int64)
    labels = [labelled[i] for i in label_ids]
    probs = None
    version = None
    if len(set(labels)) >= 2:
        clf = TextClassifier(min_df=1).fit([texts[r] for r in labelled_rows], labels)
        probs = clf.predict_proba(texts)
        version = clf.version_
    needs_embeddings = strategy in ("kcenter", "cluster_margin") or probs is None
    embeddings = _embeddings(texts, spec) if needs_embeddings else None
    order = query(strategy, probs, len(pool_ids), embeddings=embeddings, labeled=labelled_rows)
    ranked = [pool_ids[int(r)] for r in order]
    _write_priorities(db, ranked)
    job.progress(len(pool_ids), len(pool_ids), "queue reordered")
    return {
        "strategy": strategy,
        "cold_start": probs is None,
        "labelled": len(label_ids),
        "pool": len(pool_ids),
        "model_version": version,
        "top": ranked[:10],
    }


def _labels(examples: dict[int, list[dict[str, Any]]], control: str) -> dict[int, str]:
    out = {}
    for item_id, regions in examples.items():
        for region in regions:
            choices = region.get("value", {}).get("choices")
            if region.get("control") == control and isinstance(choices, list) and choices:
                out[item_id] = str(choices[0])
                break
    return out


def _text(item: dict[str, Any], field: str) -> str:
    value = item["data"].get(field)
    return value if isinstance(value, str) else ""


def _embeddings(texts: list[str], spec: dict[str, Any]) -> npt.NDArray[np.float64]:
    """MiniLM when the project uses the embedder (and it is installed), else TF-IDF + SVD."""
    if spec.get("kind") == "embedder_knn" and embedder_installed():
        return SentenceEmbedder().embed(texts)
    try:
        X = TfidfVectorizer(sublinear_tf=True, min_df=1).fit_transform(texts)
    except ValueError:  # no words at all: every item is as far from every other
        return np.eye(len(texts), dtype=np.float64)
    dims = min(SVD_DIMS, X.shape[1] - 1, X.shape[0] - 1)
    dense = (
        TruncatedSVD(n_components=dims, random_state=0).fit_transform(X)
        if dims >= 2
        else X.toarray()
    )
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    return np.asarray(dense / np.where(norms > 0, norms, 1.0), dtype=np.float64)


def _write_priorities(db: Database, ranked: list[int]) -> None:
    """Rank r of n gets priority n - r; written in chunks of executemany updates."""
    n = len(ranked)
    statement = (
        update(ITEMS)
        .where(ITEMS.c.id == bindparam("b_id"))
        .values(priority=bindparam("b_priority"))
    )
    for start in range(0, n, 1000):
        chunk = [
            {"b_id": item_id, "b_priority": float(n - start - k)}
            for k, item_id in enumerate(ranked[start : start + 1000])
        ]
        with db.write() as s:
            s.connection().execute(statement, chunk)
