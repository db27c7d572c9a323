"""Pre-labeling: run a project's model over its items in the background; acceptance rates.

A ``prelabel`` job builds the model (a built-in, fitted now on the submitted labels when it
learns, or a registered backend), predicts items a batch at a time, checks every predicted
region against the schema like a person's draft (invalid regions are dropped and counted,
never stored), and writes the rest to ``predictions`` with the model's name and version,
where next-item and GET /items/{id} already show them to the editor. Each batch commits on
its own, so progress is real and a cancelled or failed job keeps what it finished. A re-run
of the same model version replaces that version's predictions instead of duplicating them.

Acceptance is computed on demand, not recorded on submit: for each (model, version), over
items that also have a person's submitted annotation, the share of predicted regions that
the person's annotation contains verbatim (same control and value; scores ignored). This
needs no hook in the submit path and stays right when people edit after submitting; the
cost is one paged join of predictions with submitted annotations per request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import delete, insert, select

from annota.automation import Model
from annota.errors import InvalidInput
from annota.schema import validate_annotation
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.automation_data import (
    count_items,
    current_schema,
    item_pages,
    items_by_id,
    labelled_examples,
)
from annota.services.automation_records import AcceptanceInfo
from annota.services.job_context import JobContext
from annota.services.model_backends import RemoteModel, backend_row, client_for
from annota.services.model_specs import TRAINABLE, build_builtin
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database
from annota.store.models import Annotation, AutomationSettings, Prediction

PRED = tables.predictions
DEFAULT_BATCH = 100
MAX_BATCH = 1000


def project_model_spec(db: Database, project_id: int) -> dict[str, Any]:
    """The model configured in the project's automation settings; InvalidInput if none."""
    with db.read() as s:
        spec = s.execute(
            select(AutomationSettings.model).where(AutomationSettings.project_id == project_id)
        ).scalar_one_or_none()
    if not spec:
        raise InvalidInput("choose a model for the project first", location="model")
    return dict(spec)


def ready_model(
    db: Database, project_id: int, spec: Mapping[str, Any], *, fit_backend: bool = False
) -> Model:
    """The model ``spec`` names, trained on the project's submitted labels when it learns."""
    schema = current_schema(db, project_id)
    if spec["kind"] == "backend":
        row = backend_row(db, project_id, int(spec["backend_id"]))
        remote = RemoteModel(client_for(db, row), name=row.name, schema=schema.document)
        if fit_backend:
            items, answers = _examples(db, project_id)
            remote.fit(items, answers)
        return remote
    model = build_builtin(spec)
    if spec["kind"] in TRAINABLE:
        items, answers = _examples(db, project_id)
        model.fit(items, answers)  # type: ignore[attr-defined]  # ChoicesModel is trainable
    return model


def _examples(db: Database, project_id: int) -> tuple[list[dict[str, Any]], list[Any]]:
    labelled = labelled_examples(db, project_id)
    items = items_by_id(db, sorted(labelled))
    ids = [i for i in sorted(labelled) if i in items]
    return [items[i] for i in ids], [labelled[i] for i in ids]


def run_prelabel(db: Database, job: JobContext) -> dict[str, Any]:
    """The ``prelabel`` job handler. Params: ``model`` (spec; default the project's),
    ``batch_size``, ``unlabelled_only`` (default true), ``fit_backend`` (default false)."""
    assert job.project_id is not None
    project_id = job.project_id
    params = job.params
    spec = params.get("model") or project_model_spec(db, project_id)
    batch = int(params.get("batch_size") or DEFAULT_BATCH)
    unlabelled_only = bool(params.get("unlabelled_only", True))
    job.progress(0, None, "preparing the model")
    model = ready_model(db, project_id, spec, fit_backend=bool(params.get("fit_backend")))
    schema = current_schema(db, project_id)
    total = count_items(db, project_id, unlabelled_only=unlabelled_only)
    done = stored = invalid = 0
    versions: set[str] = set()
    job.progress(0, total, "predicting")
    for page in item_pages(db, project_id, batch=batch, unlabelled_only=unlabelled_only):
        predictions = model.predict(page)
        by_id = {item["id"]: item for item in page}
        rows = []
        for pred in predictions:
            item = by_id.get(pred.item_id)
            if item is None:
                continue
            kept, dropped = _valid_regions(pred.regions, schema.schema, item)
            invalid += dropped
            if not kept:
                continue
            versions.add(pred.model_version)
            rows.append(
                {
                    "project_id": project_id,
                    "item_id": item["id"],
                    "model_name": pred.model[:200],
                    "model_version": pred.model_version[:100],
                    "score": pred.score,
                    "regions": kept,
                    "schema_version": schema.version,
                }
            )
        _store(db, rows)
        stored += len(rows)
        done += len(page)
        job.progress(done, total, f"{stored} predictions stored")
    return {
        "model": model.name,
        "model_versions": sorted(versions),
        "items": done,
        "predictions": stored,
        "invalid_regions": invalid,
    }


def _valid_regions(
    regions: Sequence[Mapping[str, Any]], schema: Any, item: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], int]:
    """Regions that pass the schema one by one (a bad one does not sink the others)."""
    kept: list[dict[str, Any]] = []
    for region in regions:
        try:
            kept.extend(validate_annotation([region], schema, data=item["data"], complete=False))
        except InvalidInput:
            continue
    return kept, len(regions) - len(kept)


def _store(db: Database, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    with db.write() as s:
        for row in rows:  # a re-run of one model version replaces its own suggestions
            s.execute(
                delete(PRED).where(
                    PRED.c.item_id == row["item_id"],
                    PRED.c.model_name == row["model_name"],
                    PRED.c.model_version == row["model_version"],
                )
            )
        s.execute(insert(PRED), rows)


def _region_key(region: Mapping[str, Any]) -> bytes:
    return orjson.dumps([region.get("control"), region.get("value")], option=orjson.OPT_SORT_KEYS)


def acceptance(db: Database, actor: Actor, project_id: int) -> list[AcceptanceInfo]:
    """Acceptance per model version (see the module notes for what counts as accepted)."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    after = 0
    while True:
        with db.read() as s:
            preds = s.execute(
                select(
                    Prediction.id,
                    Prediction.item_id,
                    Prediction.model_name,
                    Prediction.model_version,
                    Prediction.regions,
                )
                .where(Prediction.project_id == project_id, Prediction.id > after)
                .order_by(Prediction.id)
                .limit(1000)
            ).all()
            answers: dict[int, list[set[bytes]]] = defaultdict(list)
            item_ids = {p.item_id for p in preds}
            if item_ids:
                for ann in s.execute(
                    select(Annotation.item_id, Annotation.regions).where(
                        Annotation.item_id.in_(item_ids),
                        Annotation.author_kind == "person",
                        Annotation.status == "submitted",
                    )
                ):
                    answers[ann.item_id].append({_region_key(r) for r in ann.regions})
        for pred in preds:
            tally = totals[(pred.model_name, pred.model_version)]
            tally[0] += 1
            tally[1] += bool(answers.get(pred.item_id))
            for answer in answers.get(pred.item_id, []):
                tally[2] += len(pred.regions)
                tally[3] += sum(_region_key(r) in answer for r in pred.regions)
        if len(preds) < 1000:
            break
        after = preds[-1].id
    return [
        AcceptanceInfo(
            model_name=name,
            model_version=version,
            predictions=n,
            reviewed_items=reviewed,
            regions_predicted=predicted,
            regions_accepted=accepted,
            rate=accepted / predicted if predicted else None,
        )
        for (name, version), (n, reviewed, predicted, accepted) in sorted(totals.items())
    ]
