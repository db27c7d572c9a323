"""Retention: purging a project's raw item data once it has been exported.

Projects that hold personal data often may keep it only until it is delivered. With the
project setting ``purge_after_export``, each finished export job then empties every item's
data (and its masked copy), deletes the project's stored media files and their cached audio
peaks, closes the items to annotators and stamps ``purged_at``; external ids, annotations,
predictions, lineage and the audit trail stay. The purge is one transaction plus file
deletions after it commits (a file left behind by a crash is an orphan the media clean-up
finds, never a dangling row).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select, update

from annota.services import audio_peaks, audit
from annota.services.access import project_row
from annota.services.actor import Actor
from annota.services.roles import Need
from annota.storage import media_store
from annota.store import tables
from annota.store.db import Database


def after_export(db: Database, actor: Actor, project_id: int) -> int:
    """Purge the project if its settings ask for it; returns the number of items purged."""
    with db.read() as s:
        row = project_row(s.connection(), actor, project_id, Need.MANAGE)
    if not (row.settings or {}).get("purge_after_export"):
        return 0
    return purge_item_data(db, actor, project_id)


def purge_item_data(db: Database, actor: Actor, project_id: int) -> int:
    """Empty every not yet purged item's data and delete the project's media; managers."""
    items, media = tables.items, tables.media
    with db.write() as s:
        conn = s.connection()
        project_row(conn, actor, project_id, Need.MANAGE)
        purged = conn.execute(
            update(items)
            .where(items.c.project_id == project_id, items.c.purged_at.is_(None))
            .values(data={}, masked=None, media={}, open=False, purged_at=datetime.now(UTC))
        ).rowcount
        keys = list(
            conn.execute(
                select(media.c.storage_key).where(media.c.project_id == project_id)
            ).scalars()
        )
        conn.execute(delete(media).where(media.c.project_id == project_id))
        audit.record(
            s,
            actor,
            "items.purge",
            object_type="project",
            object_id=project_id,
            project_id=project_id,
            details={"items": purged, "media_files": len(keys)},
        )
    store = media_store(db.settings)
    for key in keys:
        store.delete(key)
        audio_peaks.drop_cached_peaks(db.settings, key)
    return int(purged)
