"""Background jobs: start one, run it (what a worker calls), watch it, cancel it, recover it.

The ``jobs`` row is the truth; the queue (:mod:`annota.jobs`) carries only ids. A job is
claimed with a conditional UPDATE (``queued`` -> ``running``), so a duplicated queue message
or two workers never run it twice. A worker that dies leaves a ``running`` row whose heartbeat
goes stale; :func:`recover` queues it again (up to :data:`MAX_ATTEMPTS`) or fails it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, or_, select, update

from annota.errors import AnnotaError, InvalidInput, NotFound, PermissionDenied
from annota.jobs import JobQueue
from annota.services.access import project_row
from annota.services.actor import Actor
from annota.services.job_context import Handler, JobCancelled, JobContext
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database

log = logging.getLogger(__name__)

JOBS = tables.jobs
MAX_ATTEMPTS = 3
FINISHED = frozenset({"done", "failed", "cancelled"})


@dataclass(frozen=True, slots=True)
class JobRecord:
    id: int
    project_id: int | None
    kind: str
    status: str
    done: int
    total: int | None
    message: str
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    created_by: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    params: dict[str, Any]

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> float | None:
        """Share done, 0 to 100, when the total is known."""
        if not self.total:
            return 100.0 if self.status == "done" else None
        return round(100.0 * min(self.done, self.total) / self.total, 1)


def _handlers() -> dict[str, Handler]:
    """The table of job kinds, imported on first use: the handlers bring scikit-learn,
    pyarrow and the exporters, which commands that never touch a job should not load."""
    from annota.services.job_kinds import HANDLERS  # noqa: PLC0415

    return HANDLERS


def _record(row: Any) -> JobRecord:
    return JobRecord(
        id=row.id,
        project_id=row.project_id,
        kind=row.kind,
        status=row.status,
        done=row.done,
        total=row.total,
        message=row.message,
        result=row.result,
        error=row.error,
        attempts=row.attempts,
        created_by=row.created_by,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        params=row.params,
    )


def start_job(
    db: Database,
    queue: JobQueue,
    actor: Actor,
    *,
    kind: str,
    project_id: int | None,
    params: dict[str, Any],
) -> JobRecord:
    """Record a job and queue it once the row is committed.

    Callers check what the job itself needs (e.g. MANAGE for an export) before calling; this
    only requires that the caller can see the project.
    """
    if kind not in _handlers():
        raise InvalidInput(f"unknown job kind {kind!r}", location="kind")
    with db.write() as s:
        conn = s.connection()
        if project_id is not None:
            project_row(conn, actor, project_id, Need.READ)
        job_id = conn.execute(
            insert(JOBS)
            .values(
                project_id=project_id,
                kind=kind,
                params={**params, "_operator": actor.user_id is None},
                status="queued",
                done=0,
                message="queued",
                attempts=0,
                created_by=actor.user_id,
                created_at=datetime.now(UTC),
            )
            .returning(JOBS.c.id)
        ).scalar_one()
    queue.submit(job_id)
    return _get(db, job_id)


def _get(db: Database, job_id: int) -> JobRecord:
    with db.read() as s:
        row = s.execute(select(JOBS).where(JOBS.c.id == job_id)).one_or_none()
    if row is None:
        raise NotFound(f"no job {job_id}", location="job_id")
    return _record(row)


def get_job(db: Database, actor: Actor, job_id: int) -> JobRecord:
    """A job its creator, a project manager or an admin may see; NotFound for others."""
    job = _get(db, job_id)
    _check_visible(db, actor, job)
    return job


def _check_visible(db: Database, actor: Actor, job: JobRecord) -> None:
    """Admins; the project's managers; the job's creator while still in its project.

    A creator removed from the project loses the job with the rest of it (its export file
    included), as any other object of a project they left.
    """
    if actor.is_admin:
        return
    own = actor.user_id is not None and job.created_by == actor.user_id
    if job.project_id is None:
        if own:
            return
    else:
        with db.read() as s:
            try:
                project_row(
                    s.connection(), actor, job.project_id, Need.READ if own else Need.MANAGE
                )
                return
            except (NotFound, PermissionDenied):
                pass
    raise NotFound(f"no job {job.id}", location="job_id")


def list_jobs(db: Database, actor: Actor, project_id: int, *, limit: int = 50) -> list[JobRecord]:
    """The project's newest jobs first (managers)."""
    with db.read() as s:
        project_row(s.connection(), actor, project_id, Need.MANAGE)
        rows = s.execute(
            select(JOBS)
            .where(JOBS.c.project_id == project_id)
            .order_by(JOBS.c.id.desc())
            .limit(max(1, min(limit, 500)))
        ).all()
    return [_record(r) for r in rows]


def cancel_job(db: Database, actor: Actor, job_id: int) -> JobRecord:
    """A queued job is cancelled at once; a running one stops at its next progress report."""
    job = get_job(db, actor, job_id)
    now = datetime.now(UTC)
    with db.write() as s:
        s.execute(
            update(JOBS)
            .where(JOBS.c.id == job_id, JOBS.c.status == "queued")
            .values(status="cancelled", finished_at=now, message="cancelled")
        )
        s.execute(
            update(JOBS)
            .where(JOBS.c.id == job_id, JOBS.c.status == "running")
            .values(status="cancelling", message="cancelling")
        )
    return _get(db, job.id)


def _actor_of(db: Database, row: Any) -> Actor | None:
    """The job's creator as an Actor now (an admin flag revoked since counts)."""
    if row.created_by is None:
        return Actor.operator() if row.params.get("_operator") else None
    with db.read() as s:
        user = s.execute(
            select(
                tables.users.c.username, tables.users.c.is_admin, tables.users.c.is_active
            ).where(tables.users.c.id == row.created_by)
        ).one_or_none()
    if user is None or not user.is_active:
        return None
    return Actor(user_id=row.created_by, username=user.username, is_admin=user.is_admin)


def run_job(db: Database, job_id: int) -> None:
    """Claim and run one job; what the queue calls. Never raises for the job's own failures."""
    now = datetime.now(UTC)
    with db.write() as s:
        claimed = s.execute(
            update(JOBS)
            .where(JOBS.c.id == job_id, JOBS.c.status == "queued")
            .values(
                status="running",
                started_at=now,
                heartbeat_at=now,
                attempts=JOBS.c.attempts + 1,
                message="running",
            )
        ).rowcount  # type: ignore[attr-defined]  # CursorResult has rowcount
        row = s.execute(select(JOBS).where(JOBS.c.id == job_id)).one_or_none()
    if not claimed or row is None:
        return  # already taken, finished or cancelled: a duplicate message
    actor = _actor_of(db, row)
    if actor is None:
        _finish(db, job_id, "failed", error="the user who started this job no longer exists")
        return
    params = {k: v for k, v in row.params.items() if k != "_operator"}
    ctx = JobContext(db, job_id, row.kind, row.project_id, actor, params)
    try:
        result = _handlers()[row.kind](db, ctx)
    except JobCancelled:
        _finish(db, job_id, "cancelled", message="cancelled")
    except AnnotaError as exc:
        _finish(db, job_id, "failed", error=str(exc))
    except Exception as exc:
        log.exception("job %s (%s) failed", job_id, row.kind)
        _finish(db, job_id, "failed", error=f"internal error ({type(exc).__name__})")
    else:
        _finish(db, job_id, "done", result=result, message="done")


def _finish(
    db: Database,
    job_id: int,
    status: str,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    message: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "finished_at": datetime.now(UTC)}
    if result is not None:
        values["result"] = result
    if error is not None:
        values["error"] = error[:4000]
        values["message"] = "failed"
    if message is not None:
        values["message"] = message
    with db.write() as s:
        if status == "done":  # a finished job's bar is full even if the last report was throttled
            s.execute(
                update(JOBS)
                .where(JOBS.c.id == job_id, JOBS.c.total.is_not(None))
                .values(done=JOBS.c.total)
            )
        s.execute(update(JOBS).where(JOBS.c.id == job_id).values(**values))


def wait_for_job(db: Database, job_id: int, *, timeout: float = 60.0) -> JobRecord:
    """Poll until the job finishes; for the CLI and tests. Raises TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        job = _get(db, job_id)
        if job.finished:
            return job
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} still {job.status} after {timeout:g} s")
        time.sleep(0.05)


def recover(db: Database, queue: JobQueue, *, stale_seconds: int) -> list[int]:
    """Re-queue jobs left behind by a dead worker (or a lost message); fail worn-out ones.

    Queued jobs older than ``stale_seconds`` are submitted again (a duplicate is harmless:
    claiming is conditional). Running jobs whose heartbeat is older go back to ``queued``
    until they have had :data:`MAX_ATTEMPTS` tries.
    """
    cutoff = datetime.now(UTC) - timedelta(seconds=stale_seconds)
    with db.write() as s:
        stuck = s.execute(
            select(JOBS.c.id, JOBS.c.attempts, JOBS.c.status).where(
                or_(
                    (JOBS.c.status == "queued") & (JOBS.c.created_at < cutoff),
                    JOBS.c.status.in_(("running", "cancelling")) & (JOBS.c.heartbeat_at < cutoff),
                )
            )
        ).all()
        again: list[int] = []
        for job in stuck:
            if job.status == "queued":
                again.append(job.id)
            elif job.status == "cancelling":
                s.execute(
                    update(JOBS)
                    .where(JOBS.c.id == job.id)
                    .values(status="cancelled", finished_at=datetime.now(UTC), message="cancelled")
                )
            elif job.attempts >= MAX_ATTEMPTS:
                s.execute(
                    update(JOBS)
                    .where(JOBS.c.id == job.id)
                    .values(
                        status="failed",
                        finished_at=datetime.now(UTC),
                        error=f"its worker stopped responding {job.attempts} times",
                        message="failed",
                    )
                )
            else:
                s.execute(
                    update(JOBS)
                    .where(JOBS.c.id == job.id)
                    .values(status="queued", message="retrying after a lost worker")
                )
                again.append(job.id)
    for job_id in again:
        queue.submit(job_id)
    return again
