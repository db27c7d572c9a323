from __future__ import annotations

import numpy as np
import pytest

from annota.errors import InvalidInput
from annota.quality.regions import box_iou, polygon_area, polygon_iou, rotated_box_iou
from annota.quality.regions.polygons import polygon_intersection_area

CONCAVE = np.array([[0, 0], [4, 0], [4, 4], [2, 1], [0, 4]], dtype=float)  # an "M"
TRIANGLE = np.array([[1, -1], [5, 2], [1, 5]], dtype=float)


def _inside(polygon: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Even-odd ray casting on a grid: an independent oracle."""
    inside = np.zeros(x.shape, dtype=bool)
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (x < at)
    return inside


def test_concave_intersection_matches_a_fine_raster() -> None:
    step = 6 / 1500
    centres = -1 + step * (np.arange(1500) + 0.5)
    x, y = np.meshgrid(centres, centres)
    raster = (_inside(CONCAVE, x, y) & _inside(TRIANGLE, x, y)).sum() * step**2
    assert polygon_intersection_area(CONCAVE, TRIANGLE) == pytest.approx(raster, abs=0.01)


def test_orientation_and_flat_coco_lists_do_not_matter() -> None:
    expected = polygon_intersection_area(CONCAVE, TRIANGLE)
    assert polygon_intersection_area(CONCAVE[::-1], TRIANGLE) == pytest.approx(expected)
    assert polygon_intersection_area(CONCAVE, TRIANGLE[::-1].ravel()) == pytest.approx(expected)
    assert polygon_area(CONCAVE) == pytest.approx(10.0)


def test_polygon_iou_known_values() -> None:
    square = [[0, 0], [2, 0], [2, 2], [0, 2]]
    assert polygon_iou(square, square) == pytest.approx(1.0)
    assert polygon_iou(square, [[1, 1], [3, 1], [3, 3], [1, 3]]) == pytest.approx(1 / 7)
    assert polygon_iou(square, [[5, 5], [6, 5], [6, 6]]) == 0.0


def test_polygon_needs_three_points() -> None:
    with pytest.raises(InvalidInput, match="at least 3"):
        polygon_iou([[0, 0], [1, 1]], [[0, 0], [1, 0], [0, 1]])


def test_box_iou_matrix_and_formats() -> None:
    iou = box_iou([[0, 0, 2, 2], [0, 0, 1, 1]], [[1, 1, 3, 3], [0, 0, 2, 2]])
    np.testing.assert_allclose(iou, [[1 / 7, 1.0], [0.0, 0.25]])
    np.testing.assert_allclose(
        box_iou([[0, 0, 2, 2]], [[1, 1, 2, 2]], box_format="xywh"), [[1 / 7]]
    )
    assert box_iou([[0, 0, 0, 0]], [[0, 0, 0, 0]])[0, 0] == 0.0
    with pytest.raises(InvalidInput, match="negative width"):
        box_iou([[2, 2, 0, 0]], [[0, 0, 1, 1]])


def test_rotated_boxes() -> None:
    # a square rotated by 90 degrees is itself; by 45 degrees, IoU of square and diamond
    square = [1.0, 1.0, 2.0, 2.0, 0.0]
    assert rotated_box_iou([square], [[1.0, 1.0, 2.0, 2.0, np.pi / 2]])[0, 0] == pytest.approx(1.0)
    diamond = rotated_box_iou([square], [[1.0, 1.0, 2.0, 2.0, np.pi / 4]])[0, 0]
    inter = 4 - 4 * (3 - 2 * np.sqrt(2)) / 2 * 2  # square minus the four corner triangles
    assert diamond == pytest.approx(inter / (8 - inter))
