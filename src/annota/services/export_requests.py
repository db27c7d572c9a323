"""Starting an export job and fetching its file (the job itself is :mod:`export_jobs`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annota.errors import NotFound
from annota.jobs import JobQueue
from annota.services import jobs
from annota.services.access import project_row
from annota.services.actor import Actor
from annota.services.export_jobs import export_folder, export_options
from annota.services.roles import Need
from annota.store.db import Database


def start_export(
    db: Database, queue: JobQueue, actor: Actor, project_id: int, params: dict[str, Any]
) -> jobs.JobRecord:
    """Check the request now (so a bad one fails at once), then queue the export."""
    export_options(params)
    with db.read() as s:
        project_row(s.connection(), actor, project_id, Need.MANAGE)
    return jobs.start_job(db, queue, actor, kind="export", project_id=project_id, params=params)


def export_file(db: Database, actor: Actor, job_id: int) -> tuple[Path, str]:
    """The finished export's file and its download name (who may see the job may fetch it)."""
    job = jobs.get_job(db, actor, job_id)
    if job.kind != "export" or job.status != "done" or not job.result or job.project_id is None:
        raise NotFound(f"job {job_id} has no finished export to download", location="job_id")
    filename = str(job.result["filename"])
    path = export_folder(db, job.project_id, job_id) / filename
    if not path.is_file():
        raise NotFound("the export file is gone (cleaned up?)", location="job_id")
    return path, filename
