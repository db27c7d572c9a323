"""Restoring a dataset version into its project as a new state, overwriting nothing.

Items the version holds and the project lost come back (same external id, data and meta);
where the label that stood for an item in the version differs from the one standing now, the
version's label is added as an annotation authored by ``restore`` with lineage to the version
and the annotation it came from. It then stands for the item (see export_data's ranking:
newest submitted answer), while every later answer stays where it is, for review.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import insert, select

from annota.services import audit
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.export_data import iter_export_rows
from annota.services.roles import Need
from annota.services.versions import version_file, version_rows
from annota.store import tables
from annota.store.db import Database


@dataclass(frozen=True, slots=True)
class RestoreReport:
    version: int
    items_restored: int
    labels_restored: int
    unchanged: int


def restore_version(db: Database, actor: Actor, project_id: int, number: int) -> RestoreReport:
    """Bring version ``number`` back as described in the module docstring; managers only."""
    path = version_file(db, actor, project_id, number)
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        versions = (project.schema_version, project.guidelines_version)
        overlap = int(project.settings.get("overlap", 1))
        current = {
            row.item.external_id: orjson.dumps(row.item.regions, option=orjson.OPT_SORT_KEYS)
            for row in iter_export_rows(s.connection(), project_id)
        }
    items_restored = labels_restored = unchanged = 0
    now = datetime.now(UTC)
    cols = ["external_id", "data", "meta", "annotations", "label"]
    with db.write() as s:
        conn = s.connection()
        for row in version_rows(path, cols):
            ext = row["external_id"]
            label = orjson.loads(row["label"])
            if ext not in current:
                conn.execute(
                    insert(tables.items).values(
                        project_id=project_id,
                        external_id=ext,
                        data=orjson.loads(row["data"]),
                        meta=orjson.loads(row["meta"]),
                        media={},
                        rand=random.random(),
                        open=overlap > 0,
                        created_at=now,
                    )
                )
                items_restored += 1
            elif orjson.dumps(label, option=orjson.OPT_SORT_KEYS) == current[ext]:
                unchanged += 1
                continue
            if not label:
                continue
            item_id = conn.execute(
                select(tables.items.c.id).where(
                    tables.items.c.project_id == project_id, tables.items.c.external_id == ext
                )
            ).scalar_one()
            conn.execute(
                insert(tables.annotations).values(
                    project_id=project_id,
                    item_id=item_id,
                    author_kind="restore",
                    author_id=actor.user_id,
                    author_name=actor.username,
                    status="submitted",
                    regions=label,
                    schema_version=versions[0],
                    guidelines_version=versions[1],
                    version=1,
                    lineage={
                        "restored_from": {"version": number, "annotation": _source(row)},
                    },
                    created_at=now,
                    updated_at=now,
                )
            )
            labels_restored += 1
        audit.record(
            s,
            actor,
            "version.restore",
            object_type="dataset_version",
            object_id=f"{project_id}:{number}",
            project_id=project_id,
            details={"items": items_restored, "labels": labels_restored},
        )
    return RestoreReport(number, items_restored, labels_restored, unchanged)


def _source(row: dict[str, Any]) -> int | None:
    """The id of the annotation whose regions the version's label came from, if one matches."""
    label = orjson.loads(row["label"])
    for annotation in orjson.loads(row["annotations"]):
        if annotation.get("regions") == label:
            return int(annotation["id"])
    return None
