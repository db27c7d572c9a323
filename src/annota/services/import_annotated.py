"""Importing items together with existing annotations (COCO, YOLO, VOC, CVAT, CoNLL, LS).

All or nothing: every item's data and every annotation are validated against the project's
schema before anything is written, so a bad region anywhere stops the import with its file
and place, and nothing of it is stored. The file's answers are stored as annotations authored
by the import (``author_kind = "import"``) with lineage naming the format, the file and the
place in it; the original author's name is kept when the format records one (Label Studio).
Predictions a format carries (Label Studio's ``predictions``) are stored as model
suggestions with their model version and score. Items already in the project (same external
id) are left as they are, so a re-run adds nothing. Imported answers do not take annotation
slots: people still label the items.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from annota.errors import AnnotaError, InvalidInput
from annota.formats import AnnotatedItem
from annota.schema import LabelSchema, MediaInfo, validate_annotation, validate_item_data
from annota.services import audit
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.import_entries import Answer, ImportedItem, Suggestion
from annota.services.import_spool import EntrySpool
from annota.services.importing import media_url, store_media_file
from annota.services.privacy import masked_view
from annota.services.projects import schema_of
from annota.services.records import ImportReport
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database

__all__ = ["Answer", "ImportedItem", "Suggestion", "import_annotated"]

Progress = Callable[[int], None]
BATCH = 4000  # items a transaction: fewer commits, bounded memory


def _where(item: AnnotatedItem, source: str) -> str:
    return item.location or f"{source}:{item.external_id}"


def _checked(entry: ImportedItem, schema: LabelSchema, source: str) -> ImportedItem:
    item = entry.item
    where = _where(item, source)
    try:
        validate_item_data(item.data, schema)
    except AnnotaError as exc:
        raise InvalidInput(exc.message, location=f"{where}:{exc.location or 'data'}") from None
    media = _media_by_field(item, schema)
    answers = []
    for n, answer in enumerate(entry.answers):
        try:
            regions = validate_annotation(answer.regions, schema, data=item.data, media=media)
        except AnnotaError as exc:
            detail = f"annotations[{n}].{exc.location}" if len(entry.answers) > 1 else exc.location
            raise InvalidInput(exc.message, location=f"{where}:{detail}") from None
        answers.append(Answer(regions, answer.author, answer.lead_time))
    suggestions = []
    for n, suggestion in enumerate(entry.suggestions):
        try:
            regions = validate_annotation(
                suggestion.regions, schema, data=item.data, media=media, complete=False
            )
        except AnnotaError as exc:
            raise InvalidInput(
                exc.message, location=f"{where}:predictions[{n}].{exc.location}"
            ) from None
        if suggestion.score is not None and not 0.0 <= suggestion.score <= 1.0:
            raise InvalidInput(
                "score must be between 0 and 1", location=f"{where}:predictions[{n}]"
            )
        suggestions.append(
            Suggestion(regions, suggestion.model, suggestion.version, suggestion.score)
        )
    return ImportedItem(item, answers, suggestions)


def _media_by_field(item: AnnotatedItem, schema: LabelSchema) -> dict[str, MediaInfo]:
    if item.media is None:
        return {}
    return {
        f.name: item.media for f in schema.fields if f.type.value in {"image", "video", "audio"}
    }


def import_annotated(
    db: Database,
    actor: Actor,
    project_id: int,
    entries: Callable[[], Iterable[ImportedItem]],
    *,
    source: str,
    fmt: str,
    media_dir: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate everything, then store items and their answers; see the module docstring."""
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        schema = schema_of(db, s.connection(), project_id, project.schema_version)
        versions = (project.schema_version, project.guidelines_version)
        overlap = int(project.settings.get("overlap", 1))
    # Step 1 reads the source once, checks every entry and spools the normalised ones to a
    # temporary file; step 2 stores the spool batch by batch. Memory holds one batch, and
    # nothing is written unless every entry passed.
    report = ImportReport(source=source)
    with EntrySpool() as spool:
        seen: set[str] = set()
        for entry in entries():
            report.read += 1
            if entry.item.external_id in seen:
                report.duplicates_in_source += 1
                continue
            seen.add(entry.item.external_id)
            spool.write(_checked(entry, schema, source))
            if progress and report.read % 1000 == 0:
                progress(report.read)
        if not spool.count:
            raise InvalidInput("no items found", location=source)
        del seen
        image_field = next((f.name for f in schema.fields if f.type.value == "image"), None)
        it = iter(spool)
        while batch := list(islice(it, BATCH)):
            _store(
                db,
                actor,
                project_id,
                batch,
                report,
                versions,
                overlap,
                fmt,
                source,
                media_dir,
                image_field,
                schema,
            )
            if progress:
                progress(report.created + report.existing)
    with db.write() as s:
        audit.record(
            s,
            actor,
            "items.import",
            object_type="project",
            object_id=project_id,
            project_id=project_id,
            details={
                "source": source,
                "format": fmt,
                "created": report.created,
                "existing": report.existing,
                "annotations": report.annotations,
            },
        )
    return report


def _store(
    db: Database,
    actor: Actor,
    project_id: int,
    batch: list[ImportedItem],
    report: ImportReport,
    versions: tuple[int, int],
    overlap: int,
    fmt: str,
    source: str,
    media_dir: Path | None,
    image_field: str | None,
    schema: LabelSchema,
) -> None:
    items, anns = tables.items, tables.annotations
    with db.read() as s:
        existing = set(
            s.execute(
                select(items.c.external_id).where(
                    items.c.project_id == project_id,
                    items.c.external_id.in_([e.item.external_id for e in batch]),
                )
            ).scalars()
        )
    fresh = [e for e in batch if e.item.external_id not in existing]
    report.existing += len(batch) - len(fresh)
    root = media_dir.resolve() if media_dir is not None and image_field else None
    rows = [_item_row(db, actor, project_id, e.item, overlap, root, image_field) for e in fresh]
    for row in rows:
        row["masked"] = masked_view(row["data"], schema)
    now = datetime.now(UTC)
    answers: list[dict[str, Any]] = []
    suggestions: list[dict[str, Any]] = []
    with db.write() as s:
        conn = s.connection()
        # One executemany per table. Items go in without RETURNING (SQLAlchemy would run
        # one statement per row to keep RETURNING in order on SQLite) and their ids are read
        # back by external id, which is unique in a project.
        ids: list[int] = []
        if rows:
            conn.execute(insert(items), rows)
            fresh_ids = [row["external_id"] for row in rows]
            id_of = dict(
                conn.execute(
                    select(items.c.external_id, items.c.id).where(
                        items.c.project_id == project_id, items.c.external_id.in_(fresh_ids)
                    )
                ).all()
            )
            ids = [id_of[external_id] for external_id in fresh_ids]
        for entry, item_id in zip(fresh, ids, strict=True):
            report.item_ids.append(item_id)
            lineage = {
                "source": fmt,
                "file": source,
                "location": _where(entry.item, source),
                "imported_by": actor.username,
            }
            answers += [
                {
                    "project_id": project_id,
                    "item_id": item_id,
                    "author_kind": "import",
                    "author_id": None,
                    "author_name": answer.author or f"{fmt} import",
                    "status": "submitted",
                    "regions": answer.regions,
                    "schema_version": versions[0],
                    "guidelines_version": versions[1],
                    "lead_time": answer.lead_time,
                    "version": 1,
                    "lineage": lineage,
                    "created_at": now,
                    "updated_at": now,
                }
                for answer in entry.answers
            ]
            suggestions += [
                {
                    "project_id": project_id,
                    "item_id": item_id,
                    "model_name": suggestion.model[:200] or f"{fmt} import",
                    "model_version": suggestion.version[:100],
                    "score": suggestion.score,
                    "regions": suggestion.regions,
                    "schema_version": versions[0],
                    "created_at": now,
                }
                for suggestion in entry.suggestions
            ]
        if answers:
            conn.execute(insert(anns), answers)
        if suggestions:
            conn.execute(insert(tables.predictions), suggestions)
    report.annotations += len(answers)
    report.predictions += len(suggestions)
    report.created += len(fresh)


def _item_row(
    db: Database,
    actor: Actor,
    project_id: int,
    item: AnnotatedItem,
    overlap: int,
    media_root: Path | None,
    image_field: str | None,
) -> dict[str, Any]:
    """The item's row; with ``media_root`` (resolved), its image is stored and linked."""
    data = dict(item.data)
    meta = dict(item.meta)
    media: dict[str, Any] = {}
    if image_field and item.media is not None:
        media[image_field] = {"width": item.media.width, "height": item.media.height}
    name = data.get(image_field) if image_field else None
    # A stat first (os.path: no Path object per item): most annotated imports come without
    # their media, and resolving every name's symlinks costs more than the rest of the row.
    if (
        media_root is not None
        and isinstance(name, str)
        and os.path.isfile(os.path.join(media_root, name))
    ):
        path = (media_root / name).resolve()
        if media_root in path.parents:
            stored = store_media_file(db, actor, project_id, path, original_name=name)
            data[image_field] = media_url(stored.id)  # type: ignore[index]
            meta.setdefault("filename", name)
            media[image_field] = {  # type: ignore[index]
                "id": stored.id,
                "width": stored.width,
                "height": stored.height,
                "content_type": stored.content_type,
            }
    return {
        "project_id": project_id,
        "external_id": item.external_id,
        "data": data,
        "meta": meta,
        "media": media,
        "rand": random.random(),
        "open": overlap > 0,
        "created_at": datetime.now(UTC),
    }
