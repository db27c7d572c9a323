"""Control types of a label schema, one pydantic model each, joined on their ``type`` key."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from annota.schema.controls.base import ControlBase
from annota.schema.controls.classification import (
    ChoicesControl,
    NumberControl,
    RatingControl,
    TaxonomyControl,
    TextareaControl,
)
from annota.schema.controls.image import (
    BboxControl,
    KeypointsControl,
    MaskControl,
    PolygonControl,
    PolylineControl,
)
from annota.schema.controls.text import RelationsControl, SpansControl
from annota.schema.controls.timeline import SegmentsControl, TranscriptControl, VideoTrackControl

__all__ = [
    "BboxControl",
    "ChoicesControl",
    "Control",
    "ControlBase",
    "KeypointsControl",
    "MaskControl",
    "NumberControl",
    "PolygonControl",
    "PolylineControl",
    "RatingControl",
    "RelationsControl",
    "SegmentsControl",
    "SpansControl",
    "TaxonomyControl",
    "TextareaControl",
    "TranscriptControl",
    "VideoTrackControl",
]

#: Any control; pydantic picks the class from the ``type`` key.
Control = Annotated[
    ChoicesControl
    | TaxonomyControl
    | RatingControl
    | NumberControl
    | TextareaControl
    | SpansControl
    | RelationsControl
    | BboxControl
    | PolygonControl
    | PolylineControl
    | KeypointsControl
    | MaskControl
    | SegmentsControl
    | TranscriptControl
    | VideoTrackControl,
    Field(discriminator="type"),
]
