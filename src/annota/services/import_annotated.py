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

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
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
from annota.services.importing import media_url, store_media_file
from annota.services.privacy import masked_view
from annota.services.projects import schema_of
from annota.services.records import ImportReport
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database

Progress = Callable[[int], None]
BATCH = 1000


@dataclass(frozen=True, slots=True)
class Answer:
    """One existing annotation of an item, as a format holds it."""

    regions: list[dict[str, Any]]
    author: str = ""
    lead_time: float | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A model's prediction a format carries (Label Studio's ``predictions``)."""

    regions: list[dict[str, Any]]
    model: str
    version: str = ""
    score: float | None = None


@dataclass(frozen=True, slots=True)
class ImportedItem:
    """An item with zero or more answers (COCO & co. have one; Label Studio any number)."""

    item: AnnotatedItem
    answers: list[Answer]
    suggestions: list[Suggestion] = field(default_factory=list)


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
    # Pass 1 checks everything and keeps nothing but the ids; pass 2 re-reads the source
    # and stores it, so memory holds the source once (streamed where the format allows).
    seen: set[str] = set()
    report = ImportReport(source=source)
    for entry in entries():
        report.read += 1
        if entry.item.external_id in seen:
            report.duplicates_in_source += 1
            continue
        seen.add(entry.item.external_id)
        _checked(entry, schema, source)
        if progress and report.read % 1000 == 0:
            progress(report.read)
    if not seen:
        raise InvalidInput("no items found", location=source)
    image_field = next((f.name for f in schema.fields if f.type.value == "image"), None)
    it = _unique(entries(), schema, source)
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


def _unique(
    entries: Iterable[ImportedItem], schema: LabelSchema, source: str
) -> Iterator[ImportedItem]:
    """The entries again, first of each external id, normalised by the schema."""
    seen: set[str] = set()
    for entry in entries:
        if entry.item.external_id not in seen:
            seen.add(entry.item.external_id)
            yield _checked(entry, schema, source)


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
    rows = [
        _item_row(db, actor, project_id, e.item, overlap, media_dir, image_field) for e in fresh
    ]
    for row in rows:
        row["masked"] = masked_view(row["data"], schema)
    now = datetime.now(UTC)
    answers: list[dict[str, Any]] = []
    suggestions: list[dict[str, Any]] = []
    with db.write() as s:
        conn = s.connection()
        # One executemany per table (SQLAlchemy's insertmanyvalues keeps RETURNING, in order).
        ids = (
            conn.execute(insert(items).returning(items.c.id, sort_by_parameter_order=True), rows)
            .scalars()
            .all()
            if rows
            else []
        )
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
    media_dir: Path | None,
    image_field: str | None,
) -> dict[str, Any]:
    """The item's row; with ``media_dir``, its image is stored and the data points at it."""
    data = dict(item.data)
    meta = dict(item.meta)
    media: dict[str, Any] = {}
    if image_field and item.media is not None:
        media[image_field] = {"width": item.media.width, "height": item.media.height}
    name = data.get(image_field) if image_field else None
    if media_dir is not None and isinstance(name, str):
        path = (media_dir / name).resolve()
        if media_dir.resolve() in path.parents and path.is_file():
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
