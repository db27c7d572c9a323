"""The derived numbers of a COCO annotation: its box and area from its segmentation.

COCO stores ``bbox`` and ``area`` next to the segmentation that determines them. An export
computes them rather than trusting stale copies, the same way pycocotools does for results
(``loadRes``): polygon boxes are the bounds of the vertices and polygon areas the shoelace
formula (which is what the COCO 2017 files hold, to float precision); a run-length mask's box
and area come from its pixels, exactly as ``maskUtils.toBbox`` and ``maskUtils.area`` give
them.

References
----------
pycocotools ``maskApi.c``: ``rleToBbox``, ``rleArea``.
"""

from __future__ import annotations

from collections.abc import Sequence

from annota.schema.rle import decode_counts

__all__ = ["Box", "points_box", "polygon_area", "rle_box_and_area", "rle_runs"]

#: ``[x, y, width, height]`` in pixels, top-left origin.
Box = list[float]


def points_box(points: Sequence[Sequence[float]]) -> Box:
    """The smallest upright box around ``(x, y, ...)`` points; ``[0, 0, 0, 0]`` for none."""
    if not points:
        return [0.0, 0.0, 0.0, 0.0]
    xs = [point[0] for point in points]
    ys = [point[1] for point in points]
    left, top = min(xs), min(ys)
    return [left, top, max(xs) - left, max(ys) - top]


def polygon_area(points: Sequence[Sequence[float]]) -> float:
    """Area enclosed by one ring of ``(x, y)`` vertices (shoelace formula, orientation-free)."""
    count = len(points)
    twice = sum(
        points[i][0] * points[(i + 1) % count][1] - points[(i + 1) % count][0] * points[i][1]
        for i in range(count)
    )
    return abs(twice) / 2.0


def rle_runs(counts: Sequence[int] | str) -> list[int]:
    """Run lengths of a COCO RLE, whichever of its two ``counts`` forms it uses."""
    return decode_counts(counts) if isinstance(counts, str) else list(counts)


def rle_box_and_area(height: int, counts: Sequence[int] | str) -> tuple[Box, int]:
    """Box and pixel count of a column-major COCO RLE mask ``height`` pixels tall.

    Runs alternate background and foreground, starting with background; a foreground run that
    crosses a column boundary covers the full height of the box between.
    """
    left, top, right, bottom = -1, height, -1, -1
    position = area = 0
    for index, run in enumerate(rle_runs(counts)):
        if index % 2 and run > 0:
            area += run
            first_x, first_y = divmod(position, height)
            last_x, last_y = divmod(position + run - 1, height)
            left = first_x if left < 0 else min(left, first_x)
            right = max(right, last_x)
            if first_x == last_x:
                top, bottom = min(top, first_y), max(bottom, last_y)
            else:
                top, bottom = 0, height - 1
        position += run
    if area == 0:
        return [0.0, 0.0, 0.0, 0.0], 0
    return [float(left), float(top), float(right - left + 1), float(bottom - top + 1)], area
