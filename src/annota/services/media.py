"""Reading stored media through the same membership checks as the items that use it."""

from __future__ import annotations

from pathlib import Path

from annota.errors import NotFound
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.records import MediaInfoRecord
from annota.services.roles import Need
from annota.storage import media_store
from annota.store.db import Database
from annota.store.models import Media


def get_media(db: Database, actor: Actor, media_id: int) -> tuple[MediaInfoRecord, Path]:
    """The media row and the file's path, for any member of the media's project."""
    with db.read() as s:
        media = s.get(Media, media_id)
        missing = NotFound(f"media {media_id} not found", location="media")
        if media is None:
            raise missing
        try:
            project_for(s, actor, media.project_id, Need.READ)
        except NotFound:
            raise missing from None
        record = MediaInfoRecord(
            id=media.id,
            project_id=media.project_id,
            content_type=media.content_type,
            kind=media.kind,
            size=media.size,
            sha256=media.sha256,
            width=media.width,
            height=media.height,
            storage_key=media.storage_key,
        )
    return record, media_store(db.settings).path(record.storage_key)
