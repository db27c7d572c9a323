"""Exports as background jobs, and dataset versions (snapshots, diff, restore, download)."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import FileResponse

from annota.api.deps import DB, CurrentActor, Queue
from annota.services import export_requests, version_restore, versions
from annota.wire.data import (
    ExportIn,
    RestoreOut,
    VersionDiffOut,
    VersionIn,
    VersionOut,
)
from annota.wire.jobs import JobOut

router = APIRouter(tags=["data"])


@router.post(
    "/projects/{project_id}/exports",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="start_export",
)
def start_export(
    project_id: int, body: ExportIn, db: DB, actor: CurrentActor, queue: Queue
) -> JobOut:
    """Queue an export in any format; poll the job, then download its file."""
    job = export_requests.start_export(db, queue, actor, project_id, body.model_dump())
    return JobOut.model_validate(job)


@router.get(
    "/jobs/{job_id}/download",
    operation_id="download_export",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_export(job_id: int, db: DB, actor: CurrentActor) -> FileResponse:
    """The finished export's file (a zip for folder formats and splits)."""
    path, filename = export_requests.export_file(db, actor, job_id)
    return FileResponse(path, filename=filename, media_type="application/octet-stream")


@router.post(
    "/projects/{project_id}/versions",
    response_model=VersionOut,
    status_code=201,
    operation_id="create_version",
)
def create_version(project_id: int, body: VersionIn, db: DB, actor: CurrentActor) -> VersionOut:
    """Snapshot the project now (managers)."""
    return VersionOut.model_validate(versions.create_version(db, actor, project_id, note=body.note))


@router.get(
    "/projects/{project_id}/versions", response_model=list[VersionOut], operation_id="list_versions"
)
def list_versions(project_id: int, db: DB, actor: CurrentActor) -> list[VersionOut]:
    return [VersionOut.model_validate(v) for v in versions.list_versions(db, actor, project_id)]


@router.get(
    "/projects/{project_id}/versions/diff",
    response_model=VersionDiffOut,
    operation_id="diff_versions",
)
def diff_versions(
    project_id: int, a: int, b: int, db: DB, actor: CurrentActor, limit: int = 1000
) -> VersionDiffOut:
    """Items added/removed and labels changed (per region) from version `a` to `b`."""
    diff = versions.diff_versions(db, actor, project_id, a, b, limit=max(0, min(limit, 100_000)))
    return VersionDiffOut.model_validate(diff)


@router.get(
    "/projects/{project_id}/versions/{number}",
    response_model=VersionOut,
    operation_id="get_version",
)
def get_version(project_id: int, number: int, db: DB, actor: CurrentActor) -> VersionOut:
    return VersionOut.model_validate(versions.get_version(db, actor, project_id, number))


@router.get(
    "/projects/{project_id}/versions/{number}/download",
    operation_id="download_version",
    responses={200: {"content": {"application/vnd.apache.parquet": {}}}},
)
def download_version(project_id: int, number: int, db: DB, actor: CurrentActor) -> FileResponse:
    """The version's Parquet file; its manifest is in the file's key-value metadata."""
    path = versions.version_file(db, actor, project_id, number)
    return FileResponse(
        path,
        filename=f"project-{project_id}-v{number}.parquet",
        media_type="application/vnd.apache.parquet",
    )


@router.post(
    "/projects/{project_id}/versions/{number}/restore",
    response_model=RestoreOut,
    operation_id="restore_version",
)
def restore_version(project_id: int, number: int, db: DB, actor: CurrentActor) -> RestoreOut:
    """Bring a version back as a new state of the project; nothing is overwritten."""
    report = version_restore.restore_version(db, actor, project_id, number)
    return RestoreOut.model_validate(report)
