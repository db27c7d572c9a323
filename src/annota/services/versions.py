"""Dataset versions: immutable snapshots, their diff, download and restore.

A version is one Parquet file in the media store (one row per item: its data, meta, every
non-draft annotation, the label that stands for it, and a sha-256 of that content) whose
key-value metadata holds the manifest: project, number, schema, counts and a hash over all
rows in item order. The manifest's own sha-256 names the version's content; two versions
with equal hashes hold the same data and labels. Versions are never changed or deleted by
Annota; restoring one adds a new state to the project (missing items come back, labels that
differ are added as ``restore`` annotations) and overwrites nothing.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import func, insert, select

from annota.errors import InvalidInput, NotFound
from annota.services import audit
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.export_data import iter_export_rows
from annota.services.roles import Need
from annota.storage import media_store
from annota.store import tables
from annota.store.db import Database

VERSIONS = tables.dataset_versions
ROW_SCHEMA = pa.schema(
    [
        ("external_id", pa.string()),
        ("data", pa.string()),
        ("meta", pa.string()),
        ("annotations", pa.string()),
        ("label", pa.string()),
        ("sha256", pa.string()),
    ]
)
BATCH = 5000


@dataclass(frozen=True, slots=True)
class VersionInfo:
    project_id: int
    number: int
    note: str
    manifest_sha256: str
    item_count: int
    annotation_count: int
    schema_version: int
    created_at: datetime
    created_by: int | None


@dataclass(frozen=True, slots=True)
class ItemChange:
    external_id: str
    change: str  # added, removed, label_changed, data_changed
    regions_added: int = 0
    regions_removed: int = 0
    regions_changed: int = 0


@dataclass(frozen=True, slots=True)
class VersionDiff:
    a: int
    b: int
    items_added: int
    items_removed: int
    labels_changed: int
    data_changed: int
    changes: list[ItemChange]


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _info(row: Any) -> VersionInfo:
    return VersionInfo(
        project_id=row.project_id,
        number=row.number,
        note=row.note,
        manifest_sha256=row.manifest_sha256,
        item_count=row.item_count,
        annotation_count=row.annotation_count,
        schema_version=row.schema_version,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def create_version(db: Database, actor: Actor, project_id: int, *, note: str = "") -> VersionInfo:
    """Snapshot the project as it is now (one read snapshot); managers only."""
    rows_digest = hashlib.sha256()
    items = annotations = 0
    with tempfile.TemporaryDirectory(prefix="annota-version-") as tmpdir:
        path = Path(tmpdir) / "version.parquet"
        with db.read() as s:
            project = project_for(s, actor, project_id, Need.MANAGE)
            conn = s.connection()
            schema_doc = conn.execute(
                select(tables.schema_versions.c.document).where(
                    tables.schema_versions.c.project_id == project_id,
                    tables.schema_versions.c.version == project.schema_version,
                )
            ).scalar_one()
            with pq.ParquetWriter(path, ROW_SCHEMA, compression="zstd") as writer:
                batch: dict[str, list[str]] = {name: [] for name in ROW_SCHEMA.names}
                for row in iter_export_rows(conn, project_id):
                    content = {
                        "data": _dumps(row.item.data),
                        "meta": _dumps(row.item.meta),
                        "annotations": _dumps(row.annotations),
                        "label": _dumps(row.item.regions),
                    }
                    sha = hashlib.sha256(_dumps(content).encode()).hexdigest()
                    rows_digest.update(f"{row.item.external_id}\t{sha}\n".encode())
                    batch["external_id"].append(row.item.external_id)
                    for key, value in content.items():
                        batch[key].append(value)
                    batch["sha256"].append(sha)
                    items += 1
                    annotations += len(row.annotations)
                    if len(batch["sha256"]) >= BATCH:
                        writer.write_table(pa.table(batch, schema=ROW_SCHEMA))
                        batch = {name: [] for name in ROW_SCHEMA.names}
                if batch["sha256"] or items == 0:
                    writer.write_table(pa.table(batch, schema=ROW_SCHEMA))
            number = 1 + (
                conn.execute(
                    select(func.max(VERSIONS.c.number)).where(VERSIONS.c.project_id == project_id)
                ).scalar()
                or 0
            )
            manifest = {
                "format": "annota-version/1",
                "project_id": project_id,
                "project": project.name,
                "version": number,
                "note": note,
                "created_at": datetime.now(UTC).isoformat(),
                "created_by": actor.username,
                "schema_version": project.schema_version,
                "schema": schema_doc,
                "items": items,
                "annotations": annotations,
                "rows_sha256": rows_digest.hexdigest(),
            }
        manifest_bytes = orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS)
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
        table = pq.read_table(path)
        final = Path(tmpdir) / "final.parquet"
        pq.write_table(
            table.replace_schema_metadata({b"annota.manifest": manifest_bytes}),
            final,
            compression="zstd",
        )
        with open(final, "rb") as fh:
            stored = media_store(db.settings).put(fh, extension=".parquet")
    with db.write() as s:
        s.execute(
            insert(VERSIONS).values(
                project_id=project_id,
                number=number,
                note=note[:1000],
                manifest_sha256=manifest_sha,
                storage_key=stored.key,
                item_count=items,
                annotation_count=annotations,
                schema_version=manifest["schema_version"],
                created_by=actor.user_id,
                created_at=datetime.now(UTC),
            )
        )
        audit.record(
            s,
            actor,
            "version.create",
            object_type="dataset_version",
            object_id=f"{project_id}:{number}",
            project_id=project_id,
            details={"number": number, "manifest_sha256": manifest_sha, "items": items},
        )
    return get_version(db, actor, project_id, number)


def list_versions(db: Database, actor: Actor, project_id: int) -> list[VersionInfo]:
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        rows = s.execute(
            select(VERSIONS).where(VERSIONS.c.project_id == project_id).order_by(VERSIONS.c.number)
        ).all()
    return [_info(r) for r in rows]


def get_version(db: Database, actor: Actor, project_id: int, number: int) -> VersionInfo:
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        row = s.execute(
            select(VERSIONS).where(VERSIONS.c.project_id == project_id, VERSIONS.c.number == number)
        ).one_or_none()
    if row is None:
        raise NotFound(f"project {project_id} has no version {number}", location="version")
    return _info(row)


def version_file(db: Database, actor: Actor, project_id: int, number: int) -> Path:
    """The version's Parquet file, after checking it still matches its manifest hash."""
    get_version(db, actor, project_id, number)
    with db.read() as s:
        row = s.execute(
            select(VERSIONS.c.storage_key, VERSIONS.c.manifest_sha256).where(
                VERSIONS.c.project_id == project_id, VERSIONS.c.number == number
            )
        ).one()
    path = media_store(db.settings).path(row.storage_key)
    manifest = pq.read_schema(path).metadata.get(b"annota.manifest", b"")
    if hashlib.sha256(manifest).hexdigest() != row.manifest_sha256:
        raise InvalidInput(
            "the stored version file does not match its manifest hash", location=f"version {number}"
        )
    return path


def version_rows(path: Path, columns: list[str]) -> Iterator[dict[str, Any]]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH, columns=columns):
        yield from batch.to_pylist()


def _region_key(region: dict[str, Any], index: int) -> str:
    return f"{region.get('control')}#{region.get('id', index)}"


def diff_versions(
    db: Database, actor: Actor, project_id: int, a: int, b: int, *, limit: int = 1000
) -> VersionDiff:
    """What changed from version ``a`` to ``b``: items added/removed, labels changed per region.

    Counts cover every item; ``changes`` lists the first ``limit`` changed items in id order.
    """
    path_a = version_file(db, actor, project_id, a)
    path_b = version_file(db, actor, project_id, b)
    cols = ["external_id", "sha256", "label", "data"]
    old = {r["external_id"]: r for r in version_rows(path_a, cols)}
    changes: list[ItemChange] = []
    added = changed = data_changed = 0
    for row in version_rows(path_b, cols):
        before = old.pop(row["external_id"], None)
        if before is None:
            added += 1
            _note(changes, limit, ItemChange(row["external_id"], "added"))
            continue
        if before["sha256"] == row["sha256"]:
            continue
        if before["label"] != row["label"]:
            changed += 1
            _note(changes, limit, _label_change(row["external_id"], before["label"], row["label"]))
        elif before["data"] != row["data"]:
            data_changed += 1
            _note(changes, limit, ItemChange(row["external_id"], "data_changed"))
    for ext in old:
        _note(changes, limit, ItemChange(ext, "removed"))
    return VersionDiff(a, b, added, len(old), changed, data_changed, changes)


def _note(changes: list[ItemChange], limit: int, change: ItemChange) -> None:
    if len(changes) < limit:
        changes.append(change)


def _label_change(ext: str, before: str, after: str) -> ItemChange:
    old = {_region_key(r, i): r for i, r in enumerate(orjson.loads(before))}
    new = {_region_key(r, i): r for i, r in enumerate(orjson.loads(after))}
    return ItemChange(
        ext,
        "label_changed",
        regions_added=len(new.keys() - old.keys()),
        regions_removed=len(old.keys() - new.keys()),
        regions_changed=sum(
            1 for k in new.keys() & old.keys() if new[k].get("value") != old[k].get("value")
        ),
    )
