"""One item with one annotation's regions: the unit every annotation format reads and writes.

Annotation formats (COCO, YOLO, Pascal VOC, CVAT, CoNLL, spaCy) all describe an item together
with the regions marked on it, so their readers and writers share this one record instead of
each inventing a tuple. It carries exactly what the formats need and no database ids: the
item's external id, its data and meta, the regions in Annota's native shape
(``{"control", "value", "id"?, "score"?, "attributes"?}``), and the size of its media, which
the image formats need to turn pixels into normalised or bounded coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annota.errors import InvalidInput
from annota.schema import MediaInfo

__all__ = ["AnnotatedItem", "media_size"]


@dataclass(frozen=True, slots=True)
class AnnotatedItem:
    """An item and the regions of one annotation of it.

    Attributes
    ----------
    external_id : str
        The item's stable id; image formats use it as the image id or file stem.
    data : dict
        The item's fields, e.g. ``{"image": "images/0001.jpg"}`` or ``{"text": "..."}``.
    regions : list of dict
        Native regions, each ``{"control", "value", "id"?, "score"?, "attributes"?}``.
    meta : dict
        Free metadata; readers keep format-specific facts with no native home here (under a
        key named after the format) so that an export reproduces them.
    media : MediaInfo or None
        Size of the labelled image (or duration of the audio), when known.
    location : str or None
        Where a reader found the item (``file:line`` or ``file:path``), for error messages.
    """

    external_id: str
    data: dict[str, Any]
    regions: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    media: MediaInfo | None = None
    location: str | None = None


def media_size(item: AnnotatedItem, what: str) -> tuple[int, int]:
    """Return ``(width, height)`` of the item's image, or refuse it by name.

    Image formats that store normalised or bounded coordinates cannot be written without the
    size, and a guessed size would silently misplace every shape.

    Raises
    ------
    InvalidInput
        The width or height is unknown; ``location`` names the item.
    """
    media = item.media
    if media is None or media.width is None or media.height is None:
        raise InvalidInput(
            f"{what} needs the image width and height, which are unknown",
            location=f"item {item.external_id}",
        )
    return media.width, media.height
