"""Annotations: submit, save drafts, update with a version, read and delete."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Header, Response

from annota.api.deps import DB, CurrentActor, PageArgs, Queue, version_from_if_match
from annota.errors import InvalidInput
from annota.services import annotating, automation_jobs
from annota.wire.common import Page
from annota.wire.items import AnnotationIn, AnnotationOut, AnnotationUpdate

router = APIRouter(tags=["annotations"])


@router.post(
    "/items/{item_id}/annotations",
    response_model=AnnotationOut,
    status_code=201,
    operation_id="create_annotation",
)
def create_annotation(
    item_id: int,
    body: AnnotationIn,
    response: Response,
    db: DB,
    actor: CurrentActor,
    queue: Queue,
    background: BackgroundTasks,
    idempotency_key: str | None = Header(default=None),
) -> AnnotationOut:
    """Submit your annotation (or save a draft with `"status": "draft"`).

    A retry carrying the same idempotency key returns the first result (status 200).
    A new submission may start an active-learning retrain, after the response is sent.
    """
    info, created = annotating.create_annotation(
        db,
        actor,
        item_id,
        regions=body.regions,
        status=body.status,
        lead_time=body.lead_time,
        idempotency_key=body.idempotency_key or idempotency_key,
    )
    if not created:
        response.status_code = 200
    elif info.status == "submitted":
        background.add_task(automation_jobs.after_submit, db, queue, actor, info.project_id)
    response.headers["ETag"] = f'"{info.version}"'
    return AnnotationOut.model_validate(info)


@router.get(
    "/items/{item_id}/annotations",
    response_model=list[AnnotationOut],
    operation_id="list_item_annotations",
)
def list_item_annotations(item_id: int, db: DB, actor: CurrentActor) -> list[AnnotationOut]:
    return [
        AnnotationOut.model_validate(a)
        for a in annotating.list_item_annotations(db, actor, item_id)
    ]


@router.get(
    "/projects/{project_id}/annotations",
    response_model=Page[AnnotationOut],
    operation_id="list_annotations",
)
def list_annotations(
    project_id: int, db: DB, actor: CurrentActor, page: PageArgs, status: str | None = None
) -> Page[AnnotationOut]:
    return Page[AnnotationOut].model_validate(
        annotating.list_project_annotations(
            db, actor, project_id, after=page[0], limit=page[1], status=status
        )
    )


@router.get(
    "/annotations/{annotation_id}", response_model=AnnotationOut, operation_id="get_annotation"
)
def get_annotation(
    annotation_id: int, response: Response, db: DB, actor: CurrentActor
) -> AnnotationOut:
    info = annotating.get_annotation(db, actor, annotation_id)
    response.headers["ETag"] = f'"{info.version}"'
    return AnnotationOut.model_validate(info)


@router.put(
    "/annotations/{annotation_id}", response_model=AnnotationOut, operation_id="update_annotation"
)
def update_annotation(
    annotation_id: int,
    body: AnnotationUpdate,
    response: Response,
    db: DB,
    actor: CurrentActor,
    if_match: str | None = Header(default=None),
) -> AnnotationOut:
    """Change your annotation; send the `version` you read (or `If-Match`). Stale → 409."""
    version = body.version if body.version is not None else version_from_if_match(if_match)
    if version is None:
        raise InvalidInput("send the version you read ('version' or If-Match)", location="version")
    info = annotating.update_annotation(
        db,
        actor,
        annotation_id,
        version=version,
        regions=body.regions,
        status=body.status,
        lead_time=body.lead_time,
    )
    response.headers["ETag"] = f'"{info.version}"'
    return AnnotationOut.model_validate(info)


@router.delete("/annotations/{annotation_id}", status_code=204, operation_id="delete_annotation")
def delete_annotation(annotation_id: int, db: DB, actor: CurrentActor) -> None:
    annotating.delete_annotation(db, actor, annotation_id)
