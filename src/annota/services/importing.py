"""Importing items: from record files (JSONL, CSV, Parquet, ...) and from folders of media.

Streamed and batched, so memory stays flat at any file size. A file is read twice: first
every record is validated (a bad one stops the import with its file, line and field before
anything is written), then batches are inserted, each in one transaction. Only a crash
between batches can leave a prefix, and re-running the same source completes it and adds
nothing else: items are keyed by external id (given, or derived from a hash of the content),
and existing keys are skipped.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from annota.errors import AnnotaError, InvalidInput
from annota.formats import SourceRecord, iter_media_files, iter_records, probe_image, sniff_media
from annota.formats.media import SNIFF_BYTES
from annota.schema import LabelSchema, validate_item_data
from annota.services import audit
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.privacy import has_private_fields, masked_view
from annota.services.projects import schema_of
from annota.services.records import ImportReport
from annota.services.roles import Need
from annota.storage import media_store
from annota.store import tables
from annota.store.bulk import insert_items
from annota.store.db import Database
from annota.store.models import Item, Media

Progress = Callable[[int], None]
MAX_EXTERNAL_ID = 255


def content_id(data: dict[str, Any]) -> str:
    """The external id of a record that has none: a hash of its canonical content."""
    return "h:" + hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


def _check(record: SourceRecord, schema: LabelSchema) -> str:
    try:
        validate_item_data(record.data, schema)
    except AnnotaError as exc:
        where = f"{record.location}:{exc.location}" if exc.location else record.location
        raise InvalidInput(exc.message, location=where) from None
    ext = record.external_id if record.external_id is not None else content_id(record.data)
    if not ext or len(ext) > MAX_EXTERNAL_ID:
        raise InvalidInput(
            f"id must be 1 to {MAX_EXTERNAL_ID} characters", location=f"{record.location}:id"
        )
    return ext


def import_records(
    db: Database,
    actor: Actor,
    project_id: int,
    records: Iterable[SourceRecord],
    *,
    source: str,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a stream of records; see the module docstring for the guarantees."""
    report = ImportReport(source=source)
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        schema = schema_of(db, s.connection(), project_id, project.schema_version)
        overlap = int(project.settings.get("overlap", 1))
    batch_size = db.settings.import_batch_size
    it: Iterator[SourceRecord] = iter(records)
    while batch := list(islice(it, batch_size)):
        rows: dict[str, tuple[str, dict[str, Any], dict[str, Any], float]] = {}
        for record in batch:
            ext = _check(record, schema)
            if ext in rows:
                report.duplicates_in_source += 1
                continue
            rows[ext] = (ext, record.data, record.meta, random.random())
        report.read += len(batch)
        with db.write() as s:
            created = insert_items(s, list(rows.values()), project_id=project_id, open_=overlap > 0)
            if has_private_fields(schema):
                _store_masked(s, project_id, list(rows), schema)
        report.created += created
        report.existing += len(rows) - created
        if progress:
            progress(report.read)
    if report.read == 0:
        raise InvalidInput("no records found", location=source)
    with db.write() as s:
        audit.record(
            s,
            actor,
            "items.import",
            object_type="project",
            object_id=project_id,
            project_id=project_id,
            details={"source": source, "created": report.created, "existing": report.existing},
        )
    return report


def _store_masked(s: Session, project_id: int, keys: list[str], schema: LabelSchema) -> None:
    """Compute the annotators' view of the batch's new items from their stored data."""
    conn = s.connection()
    items = tables.items
    fresh = conn.execute(
        select(items.c.id, items.c.data).where(
            items.c.project_id == project_id,
            items.c.external_id.in_(keys),
            items.c.masked.is_(None),
            items.c.purged_at.is_(None),
        )
    ).all()
    for row in fresh:
        conn.execute(
            update(items).where(items.c.id == row.id).values(masked=masked_view(row.data, schema))
        )


def check_records(
    db: Database, actor: Actor, project_id: int, records: Iterable[SourceRecord]
) -> int:
    """Validate every record without storing any; returns how many there are.

    File imports run this pass first, so a bad record anywhere stops the import before its
    first batch is written (nothing half-imported).
    """
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        schema = schema_of(db, s.connection(), project_id, project.schema_version)
    count = 0
    for record in records:
        _check(record, schema)
        count += 1
    return count


def import_file(
    db: Database,
    actor: Actor,
    project_id: int,
    path: Path,
    *,
    name: str | None = None,
    format: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a JSONL / JSON / CSV / TSV / Parquet file of records, all or nothing."""
    display = name or path.name
    check_records(db, actor, project_id, iter_records(path, format=format, name=display))
    return import_records(
        db,
        actor,
        project_id,
        iter_records(path, format=format, name=display),
        source=display,
        progress=progress,
    )


def store_media_file(
    db: Database, actor: Actor, project_id: int, path: Path, *, original_name: str
) -> Media:
    """Sniff, probe and durably store one media file; returns the committed Media row."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.MANAGE)
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    kind = sniff_media(head)
    if kind is None:
        raise InvalidInput("not a supported image, audio or video file", location=original_name)
    width = height = None
    if kind.kind == "image":
        width, height = probe_image(path, max_pixels=db.settings.max_image_pixels)
    store = media_store(db.settings)
    with open(path, "rb") as fh:
        stored = store.put(fh, extension=kind.extension)
    try:
        with db.write() as s:
            project_for(s, actor, project_id, Need.MANAGE)
            media = Media(
                project_id=project_id,
                storage_key=stored.key,
                content_type=kind.content_type,
                kind=kind.kind,
                size=stored.size,
                sha256=stored.sha256,
                width=width,
                height=height,
                original_name=original_name[:1024],
            )
            s.add(media)
            s.flush()
            return media
    except BaseException:
        store.delete(stored.key)
        raise


def media_url(media_id: int) -> str:
    return f"/api/v1/media/{media_id}"


def import_folder(
    db: Database,
    actor: Actor,
    project_id: int,
    folder: Path,
    *,
    progress: Progress | None = None,
) -> ImportReport:
    """One item per media file, put in the first schema field of the file's kind.

    The external id is the file's path inside the folder, so a re-run skips files already
    imported without storing them again.
    """
    report = ImportReport(source=folder.name or str(folder))
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        schema = schema_of(db, s.connection(), project_id, project.schema_version)
        overlap = int(project.settings.get("overlap", 1))
    fields = {f.type.value: f.name for f in reversed(schema.fields)}
    for path in iter_media_files(folder):
        rel = path.relative_to(folder).as_posix()
        report.read += 1
        with db.read() as s:
            exists = s.execute(
                select(Item.id).where(Item.project_id == project_id, Item.external_id == rel)
            ).scalar_one_or_none()
        if exists is not None:
            report.existing += 1
            continue
        with open(path, "rb") as fh:
            kind = sniff_media(fh.read(SNIFF_BYTES))
        if kind is None or kind.kind not in fields:
            raise InvalidInput(
                "file is not media of a kind this project's schema has a field for "
                f"({', '.join(sorted(fields)) or 'none'})",
                location=rel,
            )
        media = store_media_file(db, actor, project_id, path, original_name=rel)
        field = fields[kind.kind]
        info = {
            "id": media.id,
            "width": media.width,
            "height": media.height,
            "content_type": media.content_type,
        }
        with db.write() as s:
            s.add(
                Item(
                    project_id=project_id,
                    external_id=rel,
                    data={field: media_url(media.id)},
                    meta={"filename": rel},
                    media={field: info},
                    rand=random.random(),
                    open=overlap > 0,
                )
            )
        report.created += 1
        if progress:
            progress(report.read)
    if report.read == 0:
        raise InvalidInput("no media files found", location=str(folder.name))
    with db.write() as s:
        audit.record(
            s,
            actor,
            "items.import",
            object_type="project",
            object_id=project_id,
            project_id=project_id,
            details={
                "source": report.source,
                "created": report.created,
                "existing": report.existing,
            },
        )
    return report
