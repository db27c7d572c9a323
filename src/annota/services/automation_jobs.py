"""Starting the automation jobs: checks done in the request, the work done by a worker.

Kept apart from the handler modules because it imports :mod:`annota.services.jobs`, whose
table of handlers imports them (a cycle otherwise). The active-learning trigger lives here
too: see :mod:`annota.services.active_learning` for the debounce it implements.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, update

from annota.errors import InvalidInput
from annota.jobs import JobQueue
from annota.services.access import project_for
from annota.services.active_learning import settings_row
from annota.services.actor import Actor
from annota.services.automation_data import current_schema, submitted_count
from annota.services.jobs import JobRecord, start_job
from annota.services.model_backends import backend_row
from annota.services.model_specs import check_spec
from annota.services.prelabeling import MAX_BATCH
from annota.services.roles import Need
from annota.services.weak_supervision import classes_of
from annota.store import tables
from annota.store.db import Database
from annota.store.models import AutomationSettings


def start_prelabel(
    db: Database,
    queue: JobQueue,
    actor: Actor,
    project_id: int,
    *,
    model: dict[str, Any] | None = None,
    batch_size: int = 100,
    unlabelled_only: bool = True,
    fit_backend: bool = False,
) -> JobRecord:
    """Queue a ``prelabel`` job (managers); the model spec is checked now, not in the job."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.MANAGE)
    if not 1 <= batch_size <= MAX_BATCH:
        raise InvalidInput(f"batch_size must be 1 to {MAX_BATCH}", location="batch_size")
    if model is not None:
        model = check_spec(model, current_schema(db, project_id).schema)
        if model["kind"] == "backend":
            backend_row(db, project_id, model["backend_id"])
    params = {
        "model": model,
        "batch_size": batch_size,
        "unlabelled_only": unlabelled_only,
        "fit_backend": fit_backend,
    }
    return start_job(db, queue, actor, kind="prelabel", project_id=project_id, params=params)


def start_weak_supervision(
    db: Database, queue: JobQueue, actor: Actor, project_id: int, *, control: str
) -> JobRecord:
    """Queue an ``lf_apply`` job: rules, label model, rule annotations (managers)."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.MANAGE)
    classes_of(db, project_id, control)
    return start_job(
        db, queue, actor, kind="lf_apply", project_id=project_id, params={"control": control}
    )


def request_retrain(
    db: Database, queue: JobQueue, actor: Actor, project_id: int, *, force: bool
) -> tuple[JobRecord | None, str]:
    """Queue a retrain when due (``force``: now); returns (job or None, why).

    ``force`` is the manager's "retrain now"; without it (the tick any member may send
    after submitting) a job is queued only when the loop is on and K labels arrived since
    the last retrain. Either way at most one retrain is queued per project.
    """
    with db.write() as s:
        project_for(s, actor, project_id, Need.MANAGE if force else Need.ANNOTATE)
        row = settings_row(s, project_id)
        enabled, batch, since = row.al_enabled, row.al_batch, row.labels_at_retrain
        pending_job = row.retrain_job_id if row.retrain_pending else None
    due: list[ColumnElement[bool]] = [AutomationSettings.retrain_pending.is_(False)]
    if not force:
        if not enabled:
            return None, "active learning is off for this project"
        count = submitted_count(db, project_id)
        if count - since < batch:
            return None, f"{count - since} new labels of {batch} needed"
        # still due when flipping: a retrain that started meanwhile has counted these labels
        due.append(AutomationSettings.labels_at_retrain <= count - batch)
    if pending_job is not None and _finished(db, pending_job):
        _clear_pending(db, project_id)  # its job died before starting: do not wedge the loop
    with db.write() as s:
        flipped = s.execute(
            update(AutomationSettings)
            .where(AutomationSettings.project_id == project_id, *due)
            .values(retrain_pending=True)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]  # CursorResult has rowcount
    if not flipped:
        return None, "a retrain is already queued or has just counted these labels"
    try:
        job = start_job(db, queue, actor, kind="al_retrain", project_id=project_id, params={})
    except Exception:
        _clear_pending(db, project_id)
        raise
    with db.write() as s:
        s.execute(
            update(AutomationSettings)
            .where(AutomationSettings.project_id == project_id)
            .values(retrain_job_id=job.id)
            .execution_options(synchronize_session=False)
        )
    return job, "retrain queued"


def _finished(db: Database, job_id: int) -> bool:
    with db.read() as s:
        status = s.execute(
            select(tables.jobs.c.status).where(tables.jobs.c.id == job_id)
        ).scalar_one_or_none()
    return status is None or status in ("done", "failed", "cancelled")


def _clear_pending(db: Database, project_id: int) -> None:
    with db.write() as s:
        s.execute(
            update(AutomationSettings)
            .where(AutomationSettings.project_id == project_id)
            .values(retrain_pending=False)
            .execution_options(synchronize_session=False)
        )


def after_submit(db: Database, queue: JobQueue, actor: Actor, project_id: int) -> None:
    """The active-learning trigger, run after a submission has committed (off the request).

    One indexed read when active learning is off (the common case); when it is on, a
    retrain is queued once ``K`` new labels have arrived since the last one.
    """
    with db.read() as s:
        enabled = s.execute(
            select(AutomationSettings.al_enabled).where(AutomationSettings.project_id == project_id)
        ).scalar_one_or_none()
    if enabled:
        request_retrain(db, queue, actor, project_id, force=False)
