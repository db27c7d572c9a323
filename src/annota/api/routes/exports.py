"""Streaming exports."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from annota.api.deps import DB, CurrentActor
from annota.services import exporting

router = APIRouter(tags=["exports"])


@router.get(
    "/projects/{project_id}/export",
    operation_id="export_project",
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def export_project(
    project_id: int,
    db: DB,
    actor: CurrentActor,
    format: str = "jsonl",
    include_drafts: bool = False,
) -> StreamingResponse:
    """The project as JSONL, one item per line with its annotations, streamed."""
    blocks = exporting.export_chunks(
        db, actor, project_id, fmt=format, include_drafts=include_drafts
    )
    return StreamingResponse(
        blocks,
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="project-{project_id}.jsonl"'},
    )
