"""Image controls: boxes, polygons, polylines, keypoints and masks.

Coordinates are pixels of the original media, origin top-left, x right and y down, so they
export to COCO and YOLO without knowing how the editor scaled the picture. Every shape must
lie inside the image when its size is known (see :mod:`annota.schema.media`).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, Field, model_validator

from annota.schema.context import RegionContext
from annota.schema.controls.base import ControlBase, RequiredLabels, Value, fail_outside
from annota.schema.fields import FieldType
from annota.schema.labels import LabelList, Name, unique_names
from annota.schema.media import MediaInfo, box_corners
from annota.schema.messages import rule_error
from annota.schema.rle import rle_problem

__all__ = [
    "BboxControl",
    "BboxValue",
    "KeypointsControl",
    "KeypointsValue",
    "MaskControl",
    "MaskValue",
    "PolygonControl",
    "PolygonValue",
    "PolylineControl",
    "PolylineValue",
]

_IMAGE = frozenset({FieldType.IMAGE})
_VISIBILITY = (0, 1, 2)
_CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")
_Point = Annotated[list[float], Field(min_length=2, max_length=2)]


class BboxValue(Value):
    """``{"x": 10, "y": 20, "width": 50, "height": 30, "rotation": 15, "label": "car"}``.

    ``(x, y)`` is the top-left corner; ``rotation`` turns the box clockwise about it, in
    degrees.
    """

    x: float
    y: float
    width: Annotated[float, Field(gt=0)]
    height: Annotated[float, Field(gt=0)]
    rotation: float | None = None
    label: str | None = None


class BboxControl(ControlBase):
    """Rectangles on an image or a single video frame; ``rotation`` allows turned boxes."""

    type: Literal["bbox"]
    field: Name
    labels: RequiredLabels
    rotation: bool = False

    field_types = frozenset({FieldType.IMAGE, FieldType.VIDEO})

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Rotation only when allowed; all four (rotated) corners inside the media."""
        value = ctx.parse(BboxValue, raw)
        if value is None:
            return None
        self.check_label(value.label, ctx)
        if value.rotation is not None and not self.rotation:
            ctx.fail("rotation", f"control {self.name!r} does not allow rotated boxes")
            return value
        corners = box_corners(value.x, value.y, value.width, value.height, value.rotation or 0.0)
        for name, corner in zip(_CORNERS, corners, strict=True):
            fail_outside(ctx, [corner], "", f"box {name} corner")
        return value


class PolygonValue(Value):
    """``{"points": [[x, y], ...], "label": "car"}``: a closed outline, 3 points or more."""

    points: Annotated[list[_Point], Field(min_length=3)]
    label: str | None = None


class PolygonControl(ControlBase):
    """Closed outlines on an image."""

    type: Literal["polygon"]
    field: Name
    labels: RequiredLabels

    field_types = _IMAGE
    value_model: ClassVar[builtins.type[PolygonValue | PolylineValue]] = PolygonValue

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Every vertex inside the image."""
        value = ctx.parse(self.value_model, raw)
        if value is not None:
            self.check_label(value.label, ctx)
            fail_outside(ctx, [(x, y) for x, y in value.points], "points[{index}]", "point")
        return value


class PolylineValue(Value):
    """``{"points": [[x, y], ...], "label": "lane"}``: an open line, 2 points or more."""

    points: Annotated[list[_Point], Field(min_length=2)]
    label: str | None = None


class PolylineControl(PolygonControl):
    """Open lines on an image (lanes, edges, wires); checked like polygon outlines."""

    type: Literal["polyline"]  # type: ignore[assignment]  # narrows the literal on purpose

    value_model = PolylineValue


class KeypointsValue(Value):
    """``{"points": {"nose": [x, y, v]}, "label": "person"}``, COCO visibility ``v``.

    ``v`` is 0 (not labelled), 1 (labelled, hidden) or 2 (labelled, visible); points left
    out count as 0.
    """

    points: Annotated[
        dict[str, Annotated[list[float], Field(min_length=3, max_length=3)]],
        Field(min_length=1),
    ]
    label: str | None = None


class KeypointsControl(ControlBase):
    """Named points of one instance, with an optional skeleton drawn between them."""

    type: Literal["keypoints"]
    field: Name
    points: Annotated[list[Name], Field(min_length=1)]
    skeleton: list[tuple[Name, Name]] = Field(default_factory=list)
    labels: LabelList = Field(default_factory=list)

    field_types = _IMAGE

    @model_validator(mode="after")
    def _skeleton_known(self) -> Self:
        """Refuse repeated point names and bones between unknown or identical points."""
        unique_names(self.points, "point name")
        known = set(self.points)
        for first, second in self.skeleton:
            for name in (first, second):
                if name not in known:
                    raise rule_error(f"skeleton names unknown point {name!r}")
            if first == second:
                raise rule_error(f"skeleton joins point {first!r} to itself")
        return self

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Names are declared, visibility is 0/1/2, labelled points lie inside the image."""
        value = ctx.parse(KeypointsValue, raw)
        if value is None:
            return None
        self.check_label(value.label, ctx)
        normalised: dict[str, list[float]] = {}
        for name, (x, y, visibility) in value.points.items():
            if name not in self.points:
                ctx.fail(
                    f"points.{name}",
                    f"unknown keypoint {name!r}; expected one of {', '.join(self.points)}",
                )
            elif visibility not in _VISIBILITY:
                ctx.fail(
                    f"points.{name}[2]",
                    f"keypoint {name!r} visibility {visibility:g} is not 0, 1 or 2",
                )
            else:
                normalised[name] = [x, y, int(visibility)]
                if visibility > 0:
                    fail_outside(ctx, [(x, y)], f"points.{name}", f"keypoint {name!r}")
        return value.model_copy(update={"points": normalised})


class _Rle(Value):
    size: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=2, max_length=2)]
    counts: list[int] | str


class MaskValue(Value):
    """``{"rle": {"size": [h, w], "counts": [...] or "..."}, "label": "road"}`` (COCO RLE)."""

    rle: _Rle
    label: str | None = None


class MaskControl(ControlBase):
    """Pixel masks (a brush) on an image, stored as COCO run-length encoding."""

    type: Literal["mask"]
    field: Name
    labels: RequiredLabels

    field_types = _IMAGE

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Counts decode and cover the mask; the size is the image's ``[height, width]``."""
        value = ctx.parse(MaskValue, raw)
        if value is None:
            return None
        self.check_label(value.label, ctx)
        height, width = value.rle.size
        problem = rle_problem(height, width, value.rle.counts)
        if problem:
            ctx.fail("rle.counts", problem)
        media = ctx.media or MediaInfo()
        if None not in (media.width, media.height) and (height, width) != (
            media.height,
            media.width,
        ):
            ctx.fail(
                "rle.size",
                f"mask size [{height}, {width}] differs from the image "
                f"[height {media.height}, width {media.width}]",
            )
        return value
