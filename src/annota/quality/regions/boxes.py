"""Intersection over union of axis-aligned and rotated boxes."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput
from annota.quality.regions.polygons import polygon_iou

__all__ = ["BoxFormat", "box_iou", "rotated_box_iou", "rotated_box_polygon", "to_xyxy"]

BoxFormat = Literal["xyxy", "xywh"]
FloatArray = npt.NDArray[np.float64]


def to_xyxy(boxes: npt.ArrayLike, box_format: BoxFormat = "xyxy") -> FloatArray:
    """Boxes as ``(x_min, y_min, x_max, y_max)``, shape (n, 4); ``xywh`` is COCO's format."""
    array = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if box_format == "xywh":
        array = np.concatenate([array[:, :2], array[:, :2] + array[:, 2:]], axis=1)
    elif box_format != "xyxy":
        raise InvalidInput(f"box_format must be 'xyxy' or 'xywh', got {box_format!r}")
    if (array[:, 2:] < array[:, :2]).any():
        raise InvalidInput("a box has negative width or height", location="boxes")
    return array


def box_iou(a: npt.ArrayLike, b: npt.ArrayLike, *, box_format: BoxFormat = "xyxy") -> FloatArray:
    """Pairwise IoU of two sets of axis-aligned boxes.

    Parameters
    ----------
    a : array-like, shape (n, 4)
    b : array-like, shape (m, 4)
    box_format : {"xyxy", "xywh"}, default "xyxy"

    Returns
    -------
    numpy.ndarray, shape (n, m)
        In [0, 1]; two empty (zero-area) boxes have IoU 0.

    Examples
    --------
    >>> box_iou([[0, 0, 2, 2]], [[1, 1, 3, 3]]).round(4).tolist()
    [[0.1429]]
    """
    first, second = to_xyxy(a, box_format), to_xyxy(b, box_format)
    low = np.maximum(first[:, None, :2], second[None, :, :2])
    high = np.minimum(first[:, None, 2:], second[None, :, 2:])
    inter = np.clip(high - low, 0, None).prod(axis=2)
    area_a = (first[:, 2:] - first[:, :2]).prod(axis=1)
    area_b = (second[:, 2:] - second[:, :2]).prod(axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def rotated_box_polygon(box: npt.ArrayLike) -> FloatArray:
    """Corners of a rotated box ``(cx, cy, width, height, angle_radians)``, shape (4, 2)."""
    cx, cy, width, height, angle = np.asarray(box, dtype=np.float64)
    half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [width / 2, height / 2]
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return np.asarray(half @ rotation.T + [cx, cy], dtype=np.float64)


def rotated_box_iou(a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Pairwise IoU of rotated boxes ``(cx, cy, width, height, angle_radians)``, shape (n, m).

    Exact: each box becomes a polygon and ``polygon_iou`` clips them.
    """
    first = np.asarray(a, dtype=np.float64).reshape(-1, 5)
    second = np.asarray(b, dtype=np.float64).reshape(-1, 5)
    out = np.zeros((len(first), len(second)))
    for i, box_a in enumerate(first):
        for j, box_b in enumerate(second):
            out[i, j] = polygon_iou(rotated_box_polygon(box_a), rotated_box_polygon(box_b))
    return out
