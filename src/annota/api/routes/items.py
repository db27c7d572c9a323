"""Items: import, browse, next-item, skip, predictions."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePath

from fastapi import APIRouter, Response, UploadFile, status

from annota.api.deps import DB, CurrentActor, PageArgs
from annota.errors import InvalidInput
from annota.formats import SourceRecord
from annota.services import annotating, assignment, browsing, importing
from annota.services.browsing import ItemState
from annota.wire.common import Page
from annota.wire.items import ImportOut, ItemOut, ItemsIn, PredictionIn, PredictionOut, SkipIn

router = APIRouter(tags=["items"])


@router.get("/projects/{project_id}/items", response_model=Page[ItemOut], operation_id="list_items")
def list_items(
    project_id: int,
    db: DB,
    actor: CurrentActor,
    page: PageArgs,
    state: ItemState | None = None,
    external_id: str | None = None,
) -> Page[ItemOut]:
    """Items in import order (reviewers and managers)."""
    return Page[ItemOut].model_validate(
        browsing.list_items(
            db,
            actor,
            project_id,
            after=page[0],
            limit=page[1],
            state=state,
            external_id=external_id,
        )
    )


@router.post("/projects/{project_id}/items", response_model=ImportOut, operation_id="import_items")
def import_items(project_id: int, body: ItemsIn, db: DB, actor: CurrentActor) -> ImportOut:
    """Import up to 10,000 items as JSON; existing external ids are skipped."""
    records = (
        SourceRecord(
            location=f"items[{i}]",
            external_id=None if it.id is None else str(it.id),
            data=it.data,
            meta=it.meta,
        )
        for i, it in enumerate(body.items)
    )
    return ImportOut.model_validate(
        importing.import_records(db, actor, project_id, records, source="request")
    )


@router.post("/projects/{project_id}/import", response_model=ImportOut, operation_id="import_file")
def import_file(project_id: int, file: UploadFile, db: DB, actor: CurrentActor) -> ImportOut:
    """Import an uploaded JSONL, JSON, CSV, TSV or Parquet file (format from its suffix)."""
    name = PurePath((file.filename or "upload").replace("\\", "/")).name[:200] or "upload"
    suffix = PurePath(name).suffix.lower()
    if suffix not in {".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".parquet"}:
        raise InvalidInput("upload a .jsonl, .json, .csv, .tsv or .parquet file", location="file")
    with tempfile.NamedTemporaryFile(suffix=suffix, dir=db.settings.data_dir) as tmp:
        shutil.copyfileobj(file.file, tmp)
        tmp.flush()
        report = importing.import_file(db, actor, project_id, Path(tmp.name), name=name)
    return ImportOut.model_validate(report)


@router.get(
    "/projects/{project_id}/next",
    response_model=ItemOut,
    operation_id="next_item",
    responses={204: {"description": "Nothing is left for you."}},
)
def next_item(project_id: int, db: DB, actor: CurrentActor) -> ItemOut | Response:
    """Your next item, leased to you; asking again returns the same item until you finish."""
    item = assignment.next_item(db, actor, project_id)
    if item is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return ItemOut.model_validate(item)


@router.get("/items/{item_id}", response_model=ItemOut, operation_id="get_item")
def get_item(item_id: int, db: DB, actor: CurrentActor) -> ItemOut:
    return ItemOut.model_validate(assignment.get_item(db, actor, item_id))


@router.post("/items/{item_id}/skip", status_code=204, operation_id="skip_item")
def skip_item(item_id: int, db: DB, actor: CurrentActor, body: SkipIn | None = None) -> None:
    """Skip an item (with an optional reason); you will not be given it again."""
    assignment.skip_item(db, actor, item_id, reason=body.reason if body else None)


@router.post(
    "/items/{item_id}/predictions",
    response_model=PredictionOut,
    status_code=201,
    operation_id="add_prediction",
)
def add_prediction(item_id: int, body: PredictionIn, db: DB, actor: CurrentActor) -> PredictionOut:
    """Store a model's suggestion for the item (managers and model tokens)."""
    return PredictionOut.model_validate(
        annotating.add_prediction(
            db,
            actor,
            item_id,
            model_name=body.model_name,
            model_version=body.model_version,
            score=body.score,
            regions=body.regions,
        )
    )
