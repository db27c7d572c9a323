"""The audit trail across projects: query, export and verify (admins; managers per project)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from annota.api.deps import DB, CurrentActor, PageArgs
from annota.services import audit_log
from annota.wire.common import Page
from annota.wire.projects import AuditOut

router = APIRouter(tags=["audit"])


class ChainOut(BaseModel):
    """The verdict on the audit trail's hash chain."""

    events: int
    ok: bool
    first_bad_id: int | None
    problem: str | None
    head: str


def _filter(
    project_id: int | None,
    user_id: int | None,
    object_type: str | None,
    object_id: str | None,
    since: datetime | None,
    until: datetime | None,
) -> audit_log.AuditFilter:
    return audit_log.AuditFilter(project_id, user_id, object_type, object_id, since, until)


@router.get("/audit", response_model=Page[AuditOut], operation_id="query_audit_events")
def query_audit(
    db: DB,
    actor: CurrentActor,
    page: PageArgs,
    project_id: int | None = None,
    user_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditOut]:
    """Events by project, user, object and time window, oldest first."""
    where = _filter(project_id, user_id, object_type, object_id, since, until)
    return Page[AuditOut].model_validate(
        audit_log.query_events(db, actor, where, after=page[0], limit=page[1])
    )


@router.get(
    "/audit/export",
    operation_id="export_audit_events",
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def export_audit(
    db: DB,
    actor: CurrentActor,
    project_id: int | None = None,
    user_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> StreamingResponse:
    """Matching events as JSON lines with their hashes, streamed."""
    where = _filter(project_id, user_id, object_type, object_id, since, until)
    lines = audit_log.export_events(db, actor, where)
    return StreamingResponse(
        lines,
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="audit.jsonl"'},
    )


@router.get("/audit/verify", response_model=ChainOut, operation_id="verify_audit_chain")
def verify_audit(db: DB, actor: CurrentActor) -> ChainOut:
    """Recompute the whole hash chain (admins)."""
    report = audit_log.verify_chain(db, actor)
    return ChainOut(
        events=report.events,
        ok=report.ok,
        first_bad_id=report.first_bad_id,
        problem=report.problem,
        head=report.head,
    )
