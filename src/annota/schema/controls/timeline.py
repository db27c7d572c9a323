"""Controls on a timeline: audio/video segments, transcripts and video object tracks.

Times are seconds from the start of the media as floats, the unit every audio library and
subtitle format converts from. Video frames are 0-based indices, ``0 .. frames - 1``, so a
frame number is also a position in a decoded frame array.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field, model_validator

from annota.schema.context import RegionContext
from annota.schema.controls.base import ControlBase, RequiredLabels, Value, fail_outside
from annota.schema.fields import FieldType
from annota.schema.labels import Name, unique_names
from annota.schema.media import box_corners

__all__ = [
    "SegmentValue",
    "SegmentsControl",
    "TrackFrame",
    "TranscriptControl",
    "TranscriptValue",
    "VideoTrackControl",
    "VideoTrackValue",
]

_TIMELINE = frozenset({FieldType.AUDIO, FieldType.VIDEO})


def _check_interval(ctx: RegionContext, start: float, end: float) -> None:
    """``0 <= start < end <= duration``; the duration only when known."""
    if start >= end:
        ctx.fail("end", f"end {end:g}s is not after start {start:g}s")
    duration = ctx.media.duration if ctx.media else None
    if duration is not None and end > duration:
        ctx.fail("end", f"end {end:g}s is past the media duration {duration:g}s")


class SegmentValue(Value):
    """``{"start": 1.5, "end": 3.0, "label": "speech"}`` in seconds."""

    start: Annotated[float, Field(ge=0)]
    end: float
    label: str | None = None


class SegmentsControl(ControlBase):
    """Labelled time ranges of audio or video."""

    type: Literal["segments"]
    field: Name
    labels: RequiredLabels

    field_types = _TIMELINE

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """The range is ordered and within the media."""
        value = ctx.parse(SegmentValue, raw)
        if value is not None:
            self.check_label(value.label, ctx)
            _check_interval(ctx, value.start, value.end)
        return value


class TranscriptValue(Value):
    """``{"start": 0.0, "end": 2.4, "text": "hello", "speaker": "A"}``; speaker optional."""

    start: Annotated[float, Field(ge=0)]
    end: float
    text: str
    speaker: str | None = None


class TranscriptControl(ControlBase):
    """Timed text of audio or video; ``speakers``, when listed, bounds who may speak."""

    type: Literal["transcript"]
    field: Name
    speakers: list[Name] | None = None

    field_types = _TIMELINE

    @model_validator(mode="after")
    def _speakers_unique(self) -> Self:
        """Refuse a repeated speaker name, which would make diarization exports ambiguous."""
        if self.speakers is not None:
            unique_names(self.speakers, "speaker")
        return self

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """The range is ordered and within the media; the speaker is listed."""
        value = ctx.parse(TranscriptValue, raw)
        if value is None:
            return None
        _check_interval(ctx, value.start, value.end)
        if (
            self.speakers is not None
            and value.speaker is not None
            and value.speaker not in self.speakers
        ):
            ctx.fail(
                "speaker",
                f"speaker {value.speaker!r} is not one of {', '.join(self.speakers) or 'none'}",
            )
        return value


class TrackFrame(Value):
    """The box of a tracked object in one frame.

    ``keyframe`` marks frames an annotator placed (others were interpolated); ``outside``
    means the object has left the view from this frame on.
    """

    frame: Annotated[int, Field(ge=0)]
    x: float
    y: float
    width: Annotated[float, Field(gt=0)]
    height: Annotated[float, Field(gt=0)]
    keyframe: bool = True
    outside: bool = False
    occluded: bool = False


class VideoTrackValue(Value):
    """``{"label": "car", "interpolate": true, "frames": [{"frame": 0, "x": ...}, ...]}``."""

    label: str | None = None
    interpolate: bool = True
    frames: Annotated[list[TrackFrame], Field(min_length=1)]


class VideoTrackControl(ControlBase):
    """One object followed across video frames by a box per (key)frame."""

    type: Literal["video_track"]
    field: Name
    labels: RequiredLabels

    field_types = frozenset({FieldType.VIDEO})

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Frames strictly increase, one is a keyframe, all lie inside the video."""
        value = ctx.parse(VideoTrackValue, raw)
        if value is None:
            return None
        self.check_label(value.label, ctx)
        if not any(frame.keyframe for frame in value.frames):
            ctx.fail("frames", "a track needs at least one keyframe")
        count = ctx.media.frames if ctx.media else None
        previous: int | None = None
        for index, frame in enumerate(value.frames):
            path = f"frames[{index}]"
            if previous is not None and frame.frame <= previous:
                ctx.fail(
                    f"{path}.frame", f"frame {frame.frame} does not come after frame {previous}"
                )
            previous = frame.frame
            if count is not None and frame.frame >= count:
                ctx.fail(f"{path}.frame", f"frame {frame.frame} is past the last frame {count - 1}")
            if not frame.outside:
                corners = box_corners(frame.x, frame.y, frame.width, frame.height)
                fail_outside(ctx, corners, path, f"frame {frame.frame} box corner")
        return value
