"""IoU of time segments (audio, video), pairwise or of whole timelines."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput

__all__ = ["segment_iou", "timeline_iou"]

FloatArray = npt.NDArray[np.float64]


def _segments(values: npt.ArrayLike, location: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64).reshape(-1, 2)
    if (array[:, 1] < array[:, 0]).any():
        raise InvalidInput("a segment ends before it starts", location=location)
    return array


def segment_iou(a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Pairwise IoU of ``(start, end)`` segments, shape (n, m).

    Examples
    --------
    >>> segment_iou([[0.0, 2.0]], [[1.0, 3.0], [5.0, 6.0]]).round(4).tolist()
    [[0.3333, 0.0]]
    """
    first, second = _segments(a, "a"), _segments(b, "b")
    inter = np.clip(
        np.minimum(first[:, None, 1], second[None, :, 1])
        - np.maximum(first[:, None, 0], second[None, :, 0]),
        0,
        None,
    )
    union = (first[:, 1] - first[:, 0])[:, None] + (second[:, 1] - second[:, 0])[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def _merge(segments: FloatArray) -> FloatArray:
    ordered = segments[np.argsort(segments[:, 0])]
    merged: list[list[float]] = []
    for start, end in ordered:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return np.asarray(merged, dtype=np.float64).reshape(-1, 2)


def timeline_iou(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """IoU of the time covered by two sets of segments (overlaps within a set merged).

    Examples
    --------
    >>> timeline_iou([[0, 1], [2, 3]], [[0, 3]])
    0.6666666666666666
    """
    first, second = _merge(_segments(a, "a")), _merge(_segments(b, "b"))
    inter = float(
        np.clip(
            np.minimum(first[:, None, 1], second[None, :, 1])
            - np.maximum(first[:, None, 0], second[None, :, 0]),
            0,
            None,
        ).sum()
    )
    union = float((first[:, 1] - first[:, 0]).sum() + (second[:, 1] - second[:, 0]).sum()) - inter
    return inter / union if union > 0 else 1.0
