"""Data fields: the parts of an item that controls point at.

An item is a mapping such as ``{"text": "...", "image": "s3://..."}``; the schema declares
which keys exist and what kind of media each holds, so a control can refuse a field it
cannot mark up (a span on an image) when the schema is saved rather than when an annotator
first tries.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from annota.schema.labels import Name

__all__ = ["DataField", "FieldType"]


class FieldType(StrEnum):
    """The kind of media a field holds; decides which controls may point at it."""

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    TABLE = "table"
    URL = "url"


class DataField(BaseModel):
    """One key of an item's data.

    Attributes
    ----------
    name
        The key in the item's data; unique in the schema.
    type
        What the value holds: text inline, a URL or path for media, a table as a mapping or
        a list of row mappings.
    required
        Whether every item must carry the key (checked by ``validate_item_data``).
    description
        Shown to annotators beside the field.
    sensitive
        Marks personal or confidential data. Annotators do not see it (``privacy`` says how);
        managers and exports keep the original.
    privacy
        ``"hidden"``: annotators never receive the field. ``"masked"``: annotators receive
        the text with emails, phone, card and account numbers and the ``mask_names`` replaced
        by same-length placeholders (found by a PII pass at import), so span offsets they
        make hold on the original. Unset on a ``sensitive`` field means ``"hidden"``.
    mask_names
        Names (people, places, organisations) the PII pass masks, matched case-insensitively.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    type: FieldType
    required: bool = True
    description: str | None = None
    sensitive: bool = False
    privacy: Literal["hidden", "masked"] | None = None
    mask_names: list[str] = Field(default_factory=list, max_length=100_000)

    @property
    def annotator_view(self) -> Literal["hidden", "masked"] | None:
        """How annotators get this field: hidden, masked, or as it is (None)."""
        return self.privacy or ("hidden" if self.sensitive else None)
