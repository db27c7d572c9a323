"""Background jobs: watch and cancel them (each feature starts its own kind)."""

from __future__ import annotations

from fastapi import APIRouter

from annota.api.deps import DB, CurrentActor
from annota.services import jobs
from annota.wire.jobs import JobOut

router = APIRouter(tags=["jobs"])


@router.get("/jobs/{job_id}", response_model=JobOut, operation_id="get_job")
def get_job(job_id: int, db: DB, actor: CurrentActor) -> JobOut:
    """A job's status and progress."""
    return JobOut.model_validate(jobs.get_job(db, actor, job_id))


@router.post("/jobs/{job_id}/cancel", response_model=JobOut, operation_id="cancel_job")
def cancel_job(job_id: int, db: DB, actor: CurrentActor) -> JobOut:
    """Stop a job: at once if queued, at its next progress report if running."""
    return JobOut.model_validate(jobs.cancel_job(db, actor, job_id))


@router.get("/projects/{project_id}/jobs", response_model=list[JobOut], operation_id="list_jobs")
def list_jobs(project_id: int, db: DB, actor: CurrentActor, limit: int = 50) -> list[JobOut]:
    """The project's newest jobs first (managers)."""
    return [JobOut.model_validate(j) for j in jobs.list_jobs(db, actor, project_id, limit=limit)]
