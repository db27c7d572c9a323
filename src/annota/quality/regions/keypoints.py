"""Keypoint agreement: COCO's object keypoint similarity (OKS)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput

__all__ = ["COCO_PERSON_SIGMAS", "keypoint_oks"]

#: per-keypoint standard deviations of the 17 COCO person keypoints (cocoeval.py)
COCO_PERSON_SIGMAS = (
    np.array(
        [
            0.26,
            0.25,
            0.25,
            0.35,
            0.35,
            0.79,
            0.79,
            0.72,
            0.72,
            0.62,
            0.62,
            1.07,
            1.07,
            0.87,
            0.87,
            0.89,
            0.89,
        ]
    )
    / 10.0
)


def keypoint_oks(
    reference: npt.ArrayLike,
    predicted: npt.ArrayLike,
    *,
    area: float,
    sigmas: npt.ArrayLike = COCO_PERSON_SIGMAS,
) -> float:
    r"""Object keypoint similarity between two annotations of one object.

    :math:`\text{OKS} = \frac{1}{|V|}\sum_{i \in V} \exp\left(-\frac{d_i^2}{2 s^2 (2\sigma_i)^2}
    \right)` over the keypoints :math:`V` visible in the reference, :math:`s^2` the object area.

    Parameters
    ----------
    reference, predicted : array-like, shape (K, 3) or (3K,)
        COCO ``(x, y, v)`` triples; ``v > 0`` marks a labelled keypoint.
    area : float
        Object area (segment area in COCO) in squared pixels.
    sigmas : array-like, shape (K,)
        Per-keypoint falloff; COCO's person sigmas by default.

    Returns
    -------
    float
        In [0, 1]; ``NaN`` when the reference labels no keypoint.
    """
    ref = np.asarray(reference, dtype=np.float64).reshape(-1, 3)
    pred = np.asarray(predicted, dtype=np.float64).reshape(-1, 3)
    falloff = np.asarray(sigmas, dtype=np.float64)
    if ref.shape != pred.shape or len(falloff) != len(ref):
        raise InvalidInput(
            f"{len(ref)} reference, {len(pred)} predicted keypoints, {len(falloff)} sigmas",
            location="predicted",
        )
    if area <= 0:
        raise InvalidInput("area must be > 0", location="area")
    visible = ref[:, 2] > 0
    if not visible.any():
        return float("nan")
    squared = ((ref[:, :2] - pred[:, :2]) ** 2).sum(axis=1)
    error = squared / ((2 * falloff) ** 2) / (area + np.spacing(1)) / 2
    return float(np.exp(-error)[visible].mean())
