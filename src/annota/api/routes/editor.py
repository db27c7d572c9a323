"""What the labeling editor needs beyond items and annotations: lease ahead, progress."""

from __future__ import annotations

from fastapi import APIRouter

from annota.api.deps import DB, CurrentActor
from annota.services import workspace
from annota.wire.items import ItemOut
from annota.wire.workspace import LeaseIn, ProgressOut

router = APIRouter(tags=["editor"])


@router.post(
    "/projects/{project_id}/lease", response_model=list[ItemOut], operation_id="lease_ahead"
)
def lease(
    project_id: int, db: DB, actor: CurrentActor, body: LeaseIn | None = None
) -> list[ItemOut]:
    """Your current item (as `next` gives it), then items leased ahead so moving on is instant.

    An empty list means nothing is left for you. Projects with gold items or a
    qualification test lease nothing ahead.
    """
    items = workspace.lease_ahead(db, actor, project_id, size=body.size if body else 2)
    return [ItemOut.model_validate(item) for item in items]


@router.get(
    "/projects/{project_id}/progress", response_model=ProgressOut, operation_id="my_progress"
)
def progress(project_id: int, db: DB, actor: CurrentActor) -> ProgressOut:
    """Your own counts in the project."""
    return ProgressOut.model_validate(workspace.progress(db, actor, project_id))
