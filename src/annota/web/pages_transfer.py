"""Importing a file from the browser (upload with progress, every bad row listed) and exports.

The upload is one multipart POST sent by XHR (``static/web/upload.js``) so the page can show
a progress bar; the reply is an HTML fragment: the import report, or the list of problems,
each with its row, and nothing written. Without JavaScript the same form posts normally.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from annota.errors import AnnotaError, InvalidInput, NotFound
from annota.services import (
    export_formats,
    export_requests,
    exporting,
    import_check,
    importing,
    jobs,
    projects,
)
from annota.web.pages_projects import can_browse, require_manager
from annota.web.session import DB, CheckedUser, PageRoute, PageUser, User, status_of
from annota.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
FORMATS = ("jsonl", "json", "csv", "tsv", "parquet")


def _display_name(filename: str | None) -> str:
    """The user's file name, kept only for messages: its last path part, at most 200 chars."""
    name = PurePath((filename or "upload").replace("\\", "/")).name or "upload"
    return name[:200]


def _context(db: DB, user: PageUser, project_id: int) -> dict[str, object]:
    project = projects.get_project(db, user.actor, project_id)
    require_manager(project, user)
    return {
        "project": project,
        "formats": FORMATS,
        "export_formats": exporting.FORMATS,
        "job_formats": export_formats.FORMATS,
        "can_browse": can_browse(project, user),
        "can_manage": True,
        "tab": "import",
    }


@router.get("/projects/{project_id}/import")
def import_page(request: Request, project_id: int, db: DB, user: User) -> Response:
    return render(request, "transfer.html", _context(db, user, project_id))


@router.post("/projects/{project_id}/import")
def upload(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    context = _context(db, user, project_id)
    name = _display_name(file.filename)
    fmt = format or None
    if fmt is not None and fmt not in FORMATS:
        raise InvalidInput(f"unknown format '{fmt}'", location="format")
    with tempfile.TemporaryDirectory(prefix="annota-upload-") as tmp:
        path = Path(tmp) / "upload"
        with open(path, "wb") as out:
            shutil.copyfileobj(file.file, out, 1024 * 1024)
        suffix = PurePath(name).suffix.lstrip(".").lower()
        fmt = fmt or (suffix if suffix in FORMATS else None)
        try:
            read, problems = import_check.check_import_file(
                db, user.actor, project_id, path, name=name, format=fmt
            )
            report = None
            if not problems:
                report = importing.import_file(
                    db, user.actor, project_id, path, name=name, format=fmt
                )
        except AnnotaError as exc:
            read, problems, report = 0, [exc], None
    status = status_of(problems[0]) if problems else 200
    context |= {"filename": name, "read": read, "problems": problems, "report": report}
    partial = request.headers.get("x-upload") == "xhr"
    template = "partials/import_result.html" if partial else "transfer.html"
    return render(request, template, context, status)


@router.post("/projects/{project_id}/export")
def export(
    project_id: int,
    db: DB,
    user: CheckedUser,
    format: Annotated[str, Form(max_length=20)] = "jsonl",
    include_drafts: Annotated[str | None, Form(max_length=5)] = None,
) -> Response:
    """Stream the export as a download; the browser saves it as it arrives."""
    blocks = exporting.export_chunks(
        db, user.actor, project_id, fmt=format, include_drafts=include_drafts is not None
    )
    return StreamingResponse(
        blocks,
        media_type="application/x-ndjson",
        headers={
            "Content-Disposition": f'attachment; filename="project-{project_id}.{format}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/projects/{project_id}/exports")
def start_export_job(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    format: Annotated[str, Form(max_length=20)] = "jsonl",
    only: Annotated[str, Form(max_length=20)] = "",
    with_predictions: Annotated[str | None, Form(max_length=5)] = None,
    split: Annotated[str, Form(max_length=200)] = "",
    seed: Annotated[int, Form()] = 0,
) -> Response:
    """Queue an export job in any format; the reply is its progress panel (polled by htmx)."""
    params = {
        "format": format,
        "only": only or None,
        "with_predictions": with_predictions is not None,
        "split": split.strip() or None,
        "seed": seed,
    }
    try:
        job = export_requests.start_export(
            db, request.app.state.queue, user.actor, project_id, params
        )
    except AnnotaError as exc:
        return render(
            request, "partials/export_job.html", {"job": None, "error": exc}, status_of(exc)
        )
    return render(request, "partials/export_job.html", {"job": job, "project_id": project_id}, 202)


@router.get("/projects/{project_id}/exports/{job_id}")
def export_job_status(
    request: Request, project_id: int, job_id: int, db: DB, user: User
) -> Response:
    """The progress panel of an export job: polls itself until the job finishes."""
    job = jobs.get_job(db, user.actor, job_id)
    if job.project_id != project_id or job.kind != "export":
        raise NotFound(f"no export job {job_id} in this project", location="job_id")
    return render(request, "partials/export_job.html", {"job": job, "project_id": project_id})
