"""What the schema's geometry checks need to know of an item's media sizes."""

from __future__ import annotations

from typing import Any

from annota.schema import MediaInfo


def media_of(item: Any) -> dict[str, MediaInfo]:
    """Per data field, the media's size as stored on the item (ORM object or Core row)."""
    out = {}
    for field, info in (item.media or {}).items():
        out[field] = MediaInfo(
            width=info.get("width"),
            height=info.get("height"),
            duration=info.get("duration"),
            frames=info.get("frames"),
        )
    return out
