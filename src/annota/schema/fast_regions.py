"""A short path through :func:`annota.schema.validate_annotation` for the commonest region.

Imports check every region of every item: a COCO detection set of a million boxes spent
most of its import time in the general path, whose cost is mostly the bookkeeping that lets
it report every problem at once (contexts, envelopes, attribute maps). An unrotated box on
an image, with a label, perhaps an id and nothing else, needs none of it: its value still
goes through the same pydantic model and the same label and bounds rules, and anything
else, or anything wrong, returns ``None`` so the general path checks it again and words the
errors. ``tests/schema/test_fast_regions.py`` checks with generated regions that the two
paths agree on every input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from annota.schema.context import ParsedRegion
from annota.schema.controls import Control
from annota.schema.controls.image import BboxControl, BboxValue
from annota.schema.fields import FieldType
from annota.schema.media import TOLERANCE, MediaInfo

__all__ = ["fast_region"]

_ENVELOPE_KEYS = frozenset({"control", "value", "id"})
_BOX_KEYS = frozenset({"x", "y", "width", "height", "label"})


def fast_region(
    raw: Any,
    controls: Mapping[str, Control],
    field_types: Mapping[str, FieldType],
    ids: dict[str, int],
    index: int,
    media: Mapping[str, MediaInfo] | None,
) -> tuple[dict[str, Any], ParsedRegion] | None:
    """The normalised region and its parsed value, or ``None`` for the general path.

    On success the region's id is claimed in ``ids``, as the general path would.
    """
    if type(raw) is not dict or not raw.keys() <= _ENVELOPE_KEYS:
        return None
    control = controls.get(raw.get("control"))  # type: ignore[arg-type]
    if type(control) is not BboxControl or field_types.get(control.field) is not FieldType.IMAGE:
        return None
    region_id = raw.get("id")
    if region_id is not None and (type(region_id) is not str or not region_id or region_id in ids):
        return None
    if control.has_required_attributes:
        return None
    given = raw.get("value")
    if type(given) is not dict or not given.keys() <= _BOX_KEYS:
        return None
    try:
        value = BboxValue.model_validate(given)
    except ValidationError:
        return None
    label = value.label
    if label is None or label not in control.label_set:
        return None
    size = media.get(control.field) if media is not None else None
    if size is not None and size.width is not None and size.height is not None:
        slack_x, slack_y = size.width * TOLERANCE, size.height * TOLERANCE
        if not (
            -slack_x <= value.x
            and value.x + value.width <= size.width + slack_x
            and -slack_y <= value.y
            and value.y + value.height <= size.height + slack_y
        ):
            return None
    normalised: dict[str, Any] = {
        "x": value.x,
        "y": value.y,
        "width": value.width,
        "height": value.height,
        "label": label,
    }
    region: dict[str, Any] = {"control": control.name, "value": normalised}
    if region_id is not None:
        region["id"] = region_id
        ids[region_id] = index
    return region, ParsedRegion(index, region_id, value)
