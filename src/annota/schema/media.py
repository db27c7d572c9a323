"""Media sizes, and whether a shape lies inside them.

The schema knows a field holds an image, not how big this item's image is; the caller that
has opened the media passes a :class:`MediaInfo` per field. Every bound is checked only when
its size is known, so an annotation can be validated before the media is probed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["TOLERANCE", "MediaInfo", "box_corners", "outside_points"]

#: Relative slack for float noise: a corner computed at -1e-14 by cos/sin is still inside.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class MediaInfo:
    """What is known about one field's media for one item; ``None`` means unknown.

    Attributes
    ----------
    width, height
        Pixels of an image or video frame.
    duration
        Seconds of audio or video.
    frames
        Number of video frames; frame indices run ``0 .. frames - 1``.
    """

    width: int | None = None
    height: int | None = None
    duration: float | None = None
    frames: int | None = None


def box_corners(
    x: float, y: float, width: float, height: float, rotation: float = 0.0
) -> list[tuple[float, float]]:
    """Corners of a box rotated ``rotation`` degrees about its top-left corner ``(x, y)``.

    Image coordinates grow right and down, so a positive angle turns the box clockwise on
    screen (the Label Studio convention). Corners come in drawing order: top-left, top-right,
    bottom-right, bottom-left of the unrotated box.

    Examples
    --------
    >>> [tuple(round(c, 6) for c in p) for p in box_corners(10.0, 10.0, 50.0, 20.0, 90.0)]
    [(10.0, 10.0), (10.0, 60.0), (-10.0, 60.0), (-10.0, 10.0)]
    """
    theta = math.radians(rotation)
    cos, sin = math.cos(theta), math.sin(theta)
    return [
        (x, y),
        (x + width * cos, y + width * sin),
        (x + width * cos - height * sin, y + width * sin + height * cos),
        (x - height * sin, y + height * cos),
    ]


def outside_points(
    points: Iterable[tuple[float, float]], media: MediaInfo | None
) -> list[tuple[int, tuple[float, float]]]:
    """The ``(index, point)`` pairs that fall outside the media, with a tiny relative slack.

    Returns nothing when the width or height is unknown: a bound we cannot know is not a
    reason to refuse an annotation.
    """
    if media is None or media.width is None or media.height is None:
        return []
    slack_x, slack_y = media.width * TOLERANCE, media.height * TOLERANCE
    low_x, high_x = -slack_x, media.width + slack_x
    low_y, high_y = -slack_y, media.height + slack_y
    return [
        (index, (px, py))
        for index, (px, py) in enumerate(points)
        if not (low_x <= px <= high_x and low_y <= py <= high_y)
    ]
