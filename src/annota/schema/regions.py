"""Validating an annotation's regions against the schema it claims.

One pass checks every region (envelope, value, attributes), then the rules between regions
(ids, relations, overlap, one answer per question), then what a submitted annotation must
contain. Nothing stops at the first problem: an editor highlighting a rejected submission
needs every broken region at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from annota.schema.attributes import check_attributes
from annota.schema.context import ParsedRegion, RegionContext
from annota.schema.controls import Control
from annota.schema.controls.base import AnnotationContext
from annota.schema.fast_regions import fast_region
from annota.schema.fields import FieldType
from annota.schema.label_schema import LabelSchema
from annota.schema.media import MediaInfo
from annota.schema.messages import Problem, failure

__all__ = ["RegionEnvelope", "validate", "validate_annotation"]


class RegionEnvelope(BaseModel):
    """The keys around a region's value.

    Attributes
    ----------
    control
        Name of the schema control the region answers.
    value
        The control-specific shape (see each control's ``*Value`` model).
    id
        Unique within the annotation; needed for a region to be a relation endpoint.
    score
        Confidence in ``[0, 1]``, set by models and rules.
    attributes
        Per-region attributes declared by the control.
    note
        A free comment by the author.
    """

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)

    control: str
    value: dict[str, Any]
    id: Annotated[str, Field(min_length=1)] | None = None
    score: Annotated[float, Field(ge=0, le=1)] | None = None
    attributes: dict[str, Any] | None = None
    note: str | None = None


def validate_annotation(
    regions: Sequence[Mapping[str, Any]],
    schema: LabelSchema,
    *,
    data: Mapping[str, Any] | None = None,
    media: Mapping[str, MediaInfo] | None = None,
    complete: bool = True,
) -> list[dict[str, Any]]:
    """Check every region of one annotation and return them normalised.

    Parameters
    ----------
    regions
        The annotation's regions, each ``{"control", "value", "id"?, "score"?,
        "attributes"?, "note"?}``.
    schema
        The schema version the annotation claims.
    data
        The item's data; needed to check span offsets and quoted text against the field.
    media
        Media sizes by field name; bounds are checked only where a size is known.
    complete
        ``True`` for a submission: required controls and attributes must be present and
        single choices chosen. ``False`` for a draft: structure is checked, completeness not.

    Returns
    -------
    list of dict
        Plain JSON-ready dicts in input order, keys ``control, value, id, score,
        attributes, note`` (absent ones left out), defaults filled into values.

    Raises
    ------
    ValidationFailed
        With every problem in ``errors``, each located like ``regions[3].value.end`` and
        worded ``region 3 (entities): ...``; the exception's own message and location are
        the first problem's.
    """
    problems: list[Problem] = []
    if isinstance(regions, str | bytes) or not isinstance(regions, Sequence):
        raise failure([Problem("regions", "regions must be a list of region objects")])
    controls = schema.controls_by_name
    field_types = schema.field_types
    checked: list[dict[str, Any] | None] = []
    parsed: dict[str, list[ParsedRegion]] = defaultdict(list)
    ids: dict[str, int] = {}
    for index, raw in enumerate(regions):
        fast = fast_region(raw, controls, field_types, ids, index, media)
        if fast is not None:
            checked.append(fast[0])
            parsed[fast[0]["control"]].append(fast[1])
            continue
        ctx = RegionContext(index, _control_name(raw), problems, complete=complete)
        region = _check_region(raw, ctx, controls, field_types, ids, data=data, media=media)
        checked.append(region[0] if region else None)
        if region:
            parsed[region[1]].append(region[2])
    annotation = AnnotationContext(problems, ids, complete=complete)
    for control in schema.controls:
        control.check_regions(parsed.get(control.name, []), annotation)
        if complete and control.required and not parsed.get(control.name):
            problems.append(_missing_required(control, regions))
    if problems:
        raise failure(sorted(problems, key=_region_order))
    return [region for region in checked if region is not None]


#: Short name other packages use: ``from annota.schema import validate``.
validate = validate_annotation


def _control_name(raw: Any) -> str | None:
    """The control a region claims, for messages, even before the region is checked."""
    name = raw.get("control") if isinstance(raw, Mapping) else None
    return name if isinstance(name, str) else None


def _check_region(
    raw: Any,
    ctx: RegionContext,
    controls: Mapping[str, Control],
    field_types: Mapping[str, FieldType],
    ids: dict[str, int],
    *,
    data: Mapping[str, Any] | None,
    media: Mapping[str, MediaInfo] | None,
) -> tuple[dict[str, Any], str, ParsedRegion] | None:
    """Check one region on its own; return it normalised, its control and its parsed value.

    A broken envelope (say an unknown key) does not stop the value from being checked when
    the control and value are readable, so the author learns about both at once.
    """
    if not isinstance(raw, Mapping):
        ctx.fail_at("", "a region must be an object")
        return None
    envelope = ctx.parse(RegionEnvelope, raw, at="")
    control = controls.get(ctx.control) if ctx.control is not None else None
    if control is None:
        if ctx.control is not None:
            ctx.fail_at("control", f"unknown control {ctx.control!r}")
        return None
    if envelope is not None:
        _claim_id(envelope.id, ctx.index, ids, ctx)
    given_value, given_attributes = raw.get("value"), raw.get("attributes")
    if not isinstance(given_value, Mapping):
        return None
    ctx.text, ctx.media = _field_content(control, ctx, data, media)
    ctx.field_type = field_types.get(control.field) if control.field is not None else None
    value = control.check_value(given_value, ctx)
    attributes = check_attributes(
        control.attributes, given_attributes if isinstance(given_attributes, Mapping) else None, ctx
    )
    if envelope is None or value is None:
        return None
    region = _normalised(envelope, value, attributes)
    return region, control.name, ParsedRegion(ctx.index, envelope.id, value)


def _claim_id(region_id: str | None, index: int, ids: dict[str, int], ctx: RegionContext) -> None:
    if region_id is None:
        return
    if region_id in ids:
        ctx.fail_at("id", f"id {region_id!r} is already used by region {ids[region_id]}")
    else:
        ids[region_id] = index


def _field_content(
    control: Control,
    ctx: RegionContext,
    data: Mapping[str, Any] | None,
    media: Mapping[str, MediaInfo] | None,
) -> tuple[str | None, MediaInfo | None]:
    """The text and media size of the control's field, as far as the caller supplied them.

    Spans cannot be placed without their text, so a span control whose field is absent
    from given data is a problem rather than silently unchecked.
    """
    if control.field is None:
        return None, None
    size = media.get(control.field) if media is not None else None
    if data is None or not control.reads_text:
        return None, size
    text = data.get(control.field)
    if not isinstance(text, str):
        ctx.fail_at("control", f"field {control.field!r} has no text in the item data")
        return None, size
    return text, size


def _normalised(
    envelope: RegionEnvelope, value: BaseModel, attributes: dict[str, Any]
) -> dict[str, Any]:
    """The region as plain JSON-ready data in a fixed key order, absent keys left out."""
    region: dict[str, Any] = {
        "control": envelope.control,
        "value": value.model_dump(mode="json", by_alias=True, exclude_none=True),
    }
    if envelope.id is not None:
        region["id"] = envelope.id
    if envelope.score is not None:
        region["score"] = envelope.score
    if envelope.attributes is not None:
        region["attributes"] = attributes
    if envelope.note is not None:
        region["note"] = envelope.note
    return region


def _missing_required(control: Control, regions: Sequence[Mapping[str, Any]]) -> Problem:
    field = f" (field {control.field!r})" if control.field else ""
    return Problem(
        "regions",
        f"control {control.name!r}{field} is required, but none of the {len(regions)} "
        "regions answers it",
    )


def _region_order(problem: Problem) -> tuple[int, int]:
    """Sort problems by region index so the first reported is the first in the list."""
    location = problem.location
    if location.startswith("regions["):
        return (0, int(location[len("regions[") : location.index("]")]))
    return (1, 0)
