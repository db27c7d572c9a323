"""One-to-one matching of regions by IoU (Hungarian) and the F1 it implies."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from annota.errors import InvalidInput

__all__ = ["MatchResult", "match_by_iou"]


@dataclass(frozen=True)
class MatchResult:
    """Optimal one-to-one matching between reference and predicted regions.

    ``pairs`` holds ``(reference index, predicted index)`` with IoU at or above the threshold;
    ``ious`` their IoU.
    """

    pairs: list[tuple[int, int]]
    ious: list[float]
    n_reference: int
    n_predicted: int

    @property
    def true_positives(self) -> int:
        return len(self.pairs)

    @property
    def precision(self) -> float:
        return self.true_positives / self.n_predicted if self.n_predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.n_reference if self.n_reference else 1.0

    @property
    def f1(self) -> float:
        """F1 at the threshold; 1.0 when both sides are empty."""
        total = self.n_reference + self.n_predicted
        return 2 * self.true_positives / total if total else 1.0

    @property
    def mean_iou(self) -> float:
        """Mean IoU of the matched pairs (``NaN`` when none)."""
        return float(np.mean(self.ious)) if self.ious else float("nan")


def match_by_iou(iou: npt.ArrayLike, *, threshold: float = 0.5) -> MatchResult:
    """Match reference and predicted regions to maximise total IoU (Hungarian algorithm).

    Parameters
    ----------
    iou : array-like, shape (n_reference, n_predicted)
        Pairwise IoU (from ``box_iou``, ``polygon_iou``, ``segment_iou``, ``mask_iou``...).
    threshold : float, default 0.5
        Matched pairs below it do not count (the usual "F1@0.5").

    Examples
    --------
    >>> result = match_by_iou([[0.9, 0.6], [0.7, 0.0]], threshold=0.5)
    >>> result.pairs, result.f1
    ([(0, 1), (1, 0)], 1.0)
    """
    matrix = np.asarray(iou, dtype=np.float64)
    if matrix.ndim != 2:
        raise InvalidInput(f"iou must be 2-D, got shape {matrix.shape}", location="iou")
    if not 0.0 <= threshold <= 1.0:
        raise InvalidInput("threshold must be in [0, 1]", location="threshold")
    n_reference, n_predicted = matrix.shape
    pairs: list[tuple[int, int]] = []
    ious: list[float] = []
    if matrix.size:
        rows, columns = linear_sum_assignment(matrix, maximize=True)
        for r, c in zip(rows, columns, strict=True):
            if matrix[r, c] >= threshold and matrix[r, c] > 0:
                pairs.append((int(r), int(c)))
                ious.append(float(matrix[r, c]))
    return MatchResult(pairs, ious, n_reference, n_predicted)
