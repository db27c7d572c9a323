"""Exact area and IoU of simple polygons (convex or not), without shapely.

A simple polygon's indicator equals the signed sum of the triangles of its fan from any
point: ``1_P = sum_i s_i 1_{T_i}`` with ``T_i = (o, p_i, p_{i+1})`` and ``s_i`` the sign of
its orientation. So ``area(A & B) = sum_ij s_i s_j area(T_i & U_j)``, and each term is the
intersection of two triangles: convex, clipped exactly by Sutherland-Hodgman. No
rasterisation, no approximation; O(n m) triangle pairs for polygons of n and m vertices.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput

__all__ = ["polygon_area", "polygon_intersection_area", "polygon_iou"]

FloatArray = npt.NDArray[np.float64]


def _as_polygon(points: npt.ArrayLike, location: str) -> FloatArray:
    array = np.asarray(points, dtype=np.float64)
    if array.ndim == 1 and len(array) % 2 == 0:
        array = array.reshape(-1, 2)  # COCO's flat [x0, y0, x1, y1, ...]
    if array.ndim != 2 or array.shape[1] != 2 or len(array) < 3:
        raise InvalidInput("a polygon needs at least 3 (x, y) points", location=location)
    return array


def polygon_area(points: npt.ArrayLike) -> float:
    """Area of a simple polygon by the shoelace formula (either orientation)."""
    p = _as_polygon(points, "points")
    x, y = p[:, 0], p[:, 1]
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2.0


def _signed_area(p: FloatArray) -> float:
    x, y = p[:, 0], p[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0


def _clip(subject: list[FloatArray], clipper: FloatArray) -> list[FloatArray]:
    """Sutherland-Hodgman: ``subject`` clipped by the counter-clockwise convex ``clipper``."""
    output = subject
    for k in range(len(clipper)):
        a, b = clipper[k], clipper[(k + 1) % len(clipper)]
        edge = b - a
        points, output = output, []
        if not points:
            break
        side = [edge[0] * (p[1] - a[1]) - edge[1] * (p[0] - a[0]) for p in points]
        for i, current in enumerate(points):
            previous, side_prev, side_cur = points[i - 1], side[i - 1], side[i]
            if side_cur >= 0:
                if side_prev < 0:
                    output.append(
                        previous + (current - previous) * side_prev / (side_prev - side_cur)
                    )
                output.append(current)
            elif side_prev >= 0:
                output.append(previous + (current - previous) * side_prev / (side_prev - side_cur))
    return output


def _fan(polygon: FloatArray) -> list[tuple[FloatArray, float]]:
    """Counter-clockwise fan triangles from the first vertex and their orientation signs."""
    triangles = []
    origin = polygon[0]
    for i in range(1, len(polygon) - 1):
        triangle = np.stack([origin, polygon[i], polygon[i + 1]])
        area = _signed_area(triangle)
        if area != 0:
            triangles.append((triangle if area > 0 else triangle[::-1], float(np.sign(area))))
    return triangles


def polygon_intersection_area(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Exact area of the intersection of two simple polygons, each a (n, 2) array of points."""
    first, second = _as_polygon(a, "a"), _as_polygon(b, "b")
    fan_b = _fan(second)
    total = 0.0
    for triangle_a, sign_a in _fan(first):
        for triangle_b, sign_b in fan_b:
            clipped = _clip(list(triangle_a), triangle_b)
            if len(clipped) >= 3:
                total += sign_a * sign_b * _signed_area(np.stack(clipped))
    # the fans of a clockwise polygon have negative total sign: normalise to a positive area
    orientation = np.sign(_signed_area(first)) * np.sign(_signed_area(second))
    return max(float(total * orientation), 0.0)


def polygon_iou(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """IoU of two simple polygons (concave allowed, self-intersecting not).

    Examples
    --------
    >>> round(polygon_iou([[0, 0], [2, 0], [2, 2], [0, 2]], [[1, 1], [3, 1], [3, 3], [1, 3]]), 4)
    0.1429
    """
    inter = polygon_intersection_area(a, b)
    union = polygon_area(a) + polygon_area(b) - inter
    return inter / union if union > 0 else 0.0
