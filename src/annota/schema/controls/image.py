"""Image controls: boxes, polygons, polylines, keypoints and masks.

Coordinates are pixels of the original media, origin top-left, x right and y down, so they
export to COCO and YOLO without knowing how the editor scaled the picture. Every shape must
lie inside the image when its size is known (see :mod:`annota.schema.media`). Polygons,
polylines and keypoints may also mark one frame of a video: the value's ``frame`` (0-based)
names it, is required on a video field (a shape on no particular frame of a video cannot be
shown, tracked or exported) and is checked against the frame count when that is known. On
an image field ``frame`` stays optional and unchecked, as it always was.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

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
_IMAGE_OR_FRAME = frozenset({FieldType.IMAGE, FieldType.VIDEO})
_VISIBILITY = (0, 1, 2)
_CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")
_Point = Annotated[list[float], Field(min_length=2, max_length=2)]
_Frame = Annotated[int, Field(ge=0)]


def _check_frame(ctx: RegionContext, frame: int | None) -> None:
    """On a video field: a frame is given and lies before the last frame (when known)."""
    if ctx.field_type is not FieldType.VIDEO:
        return
    if frame is None:
        ctx.fail("frame", "a shape on a video needs the frame it is drawn on ('frame', 0-based)")
        return
    count = ctx.media.frames if ctx.media else None
    if frame is not None and count is not None and frame >= count:
        ctx.fail("frame", f"frame {frame} is past the last frame {count - 1}")


class BboxValue(Value):
    """``{"x": 10, "y": 20, "width": 50, "height": 30, "rotation": 15, "label": "car"}``.

    ``(x, y)`` is the top-left corner; ``rotation`` turns the box clockwise about it, in
    degrees. On a video field ``frame`` (0-based) says which frame the box is on.
    """

    x: float
    y: float
    width: Annotated[float, Field(gt=0)]
    height: Annotated[float, Field(gt=0)]
    rotation: float | None = None
    label: str | None = None
    frame: _Frame | None = None


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
        _check_frame(ctx, value.frame)
        if value.rotation is not None and not self.rotation:
            ctx.fail("rotation", f"control {self.name!r} does not allow rotated boxes")
            return value
        corners = box_corners(value.x, value.y, value.width, value.height, value.rotation or 0.0)
        for name, corner in zip(_CORNERS, corners, strict=True):
            fail_outside(ctx, [corner], "", f"box {name} corner")
        return value


class PolygonValue(Value):
    """``{"points": [[x, y], ...], "label": "car"}``: a closed outline, 3 points or more.

    On a video field ``frame`` (0-based) says which frame the outline is drawn on.
    """

    points: Annotated[list[_Point], Field(min_length=3)]
    label: str | None = None
    frame: _Frame | None = None


class PolygonControl(ControlBase):
    """Closed outlines on an image, or on one frame of a video (the value's ``frame``)."""

    type: Literal["polygon"]
    field: Name
    labels: RequiredLabels

    field_types = _IMAGE_OR_FRAME
    value_model: ClassVar[builtins.type[PolygonValue | PolylineValue]] = PolygonValue

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Every vertex inside the image."""
        value = ctx.parse(self.value_model, raw)
        if value is not None:
            self.check_label(value.label, ctx)
            _check_frame(ctx, value.frame)
            fail_outside(ctx, [(x, y) for x, y in value.points], "points[{index}]", "point")
        return value


class PolylineValue(Value):
    """``{"points": [[x, y], ...], "label": "lane"}``: an open line, 2 points or more."""

    points: Annotated[list[_Point], Field(min_length=2)]
    label: str | None = None
    frame: _Frame | None = None


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
    frame: _Frame | None = None


_COCO_PERSON = [
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
]
#: Point names and bones of each ``template``, as the datasets name them, so an export
#: lines up with models trained on them (COCO: ``person_keypoints`` category).
KEYPOINT_TEMPLATES: dict[str, tuple[list[str], list[tuple[str, str]]]] = {
    "coco_person": (
        _COCO_PERSON,
        [
            ("left_ankle", "left_knee"),
            ("left_knee", "left_hip"),
            ("right_ankle", "right_knee"),
            ("right_knee", "right_hip"),
            ("left_hip", "right_hip"),
            ("left_shoulder", "left_hip"),
            ("right_shoulder", "right_hip"),
            ("left_shoulder", "right_shoulder"),
            ("left_shoulder", "left_elbow"),
            ("right_shoulder", "right_elbow"),
            ("left_elbow", "left_wrist"),
            ("right_elbow", "right_wrist"),
            ("left_eye", "right_eye"),
            ("nose", "left_eye"),
            ("nose", "right_eye"),
            ("left_eye", "left_ear"),
            ("right_eye", "right_ear"),
            ("left_ear", "left_shoulder"),
            ("right_ear", "right_shoulder"),
        ],
    ),
}


class KeypointsControl(ControlBase):
    """Named points of one instance, with an optional skeleton drawn between them.

    ``template: coco_person`` stands for the 17 COCO person points and their skeleton; it
    is expanded into ``points`` and ``skeleton`` on load (an explicit ``skeleton`` is kept,
    to draw fewer bones), so every later reader sees plain points.
    """

    type: Literal["keypoints"]
    field: Name
    # declared before ``points`` so the points validator can see it
    template: Literal["coco_person"] | None = None
    points: Annotated[list[Name], Field(min_length=1)]
    skeleton: list[tuple[Name, Name]] = Field(default_factory=list)
    labels: LabelList = Field(default_factory=list)

    field_types = _IMAGE_OR_FRAME

    @model_validator(mode="before")
    @classmethod
    def _expand_template(cls, data: Any) -> Any:
        """Replace a known ``template`` by its points and skeleton (unless points are given)."""
        if not isinstance(data, Mapping) or "points" in data:
            return data
        template = KEYPOINT_TEMPLATES.get(data.get("template"))  # type: ignore[arg-type]
        if template is None:
            return data
        points, skeleton = template
        expanded = {k: v for k, v in data.items() if k != "template"}
        expanded["points"] = list(points)
        expanded.setdefault("skeleton", [list(bone) for bone in skeleton])
        return expanded

    @field_validator("points")
    @classmethod
    def _points_or_template(cls, points: list[str], info: ValidationInfo) -> list[str]:
        """Points given next to a template are refused: which list wins would be a guess."""
        template = info.data.get("template")
        if template is not None:
            raise rule_error(
                f"points are given by template {template!r}; leave points out "
                "(or leave the template out and list the points)"
            )
        return points

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
        _check_frame(ctx, value.frame)
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
