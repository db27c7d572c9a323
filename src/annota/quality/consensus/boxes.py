"""Consensus boxes: cluster the annotators' boxes by IoU, fuse each cluster."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput
from annota.quality.regions.boxes import box_iou, to_xyxy

__all__ = ["ConsensusBox", "box_consensus"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ConsensusBox:
    """A fused box with the evidence behind it.

    ``box`` is ``(x_min, y_min, x_max, y_max)``; ``members`` the input indices fused;
    ``annotators`` who drew them; ``agreement`` their mean IoU with the fused box.
    """

    box: tuple[float, float, float, float]
    label: Hashable
    members: list[int] = field(default_factory=list)
    annotators: list[Hashable] = field(default_factory=list)
    agreement: float = 1.0

    @property
    def support(self) -> int:
        return len(self.annotators)


def _fuse(boxes: FloatArray, fuse: str) -> FloatArray:
    return np.asarray(np.median(boxes, axis=0) if fuse == "median" else boxes.mean(axis=0))


def box_consensus(
    boxes: npt.ArrayLike,
    annotators: Sequence[Hashable],
    labels: Sequence[Hashable] | None = None,
    *,
    iou_threshold: float = 0.5,
    min_votes: int = 2,
    fuse: Literal["mean", "median"] = "mean",
) -> list[ConsensusBox]:
    """Boxes that enough annotators agree on, one per object.

    Boxes of the same label are clustered greedily, at most one box per annotator in a
    cluster: boxes overlapping many others (IoU >= ``iou_threshold``) seed clusters first,
    each box then joins the cluster whose current fused box it overlaps most. Clusters drawn by
    at least ``min_votes`` annotators are fused coordinate-wise (mean, or median against a
    stray corner), as in weighted boxes fusion with equal weights.

    Parameters
    ----------
    boxes : array-like, shape (n, 4)
        ``(x_min, y_min, x_max, y_max)`` of every box of one item, all annotators together.
    annotators : sequence, length n
        Who drew each box.
    labels : sequence, length n, optional
        Class of each box; boxes of different classes never merge.

    Returns
    -------
    list of ConsensusBox
        Sorted by support, then agreement, strongest first.

    References
    ----------
    R. Solovyev, W. Wang and T. Gabruseva, "Weighted boxes fusion: ensembling boxes from
    different object detection models", *Image and Vision Computing*, 107, 2021.
    """
    array = to_xyxy(boxes)
    if len(annotators) != len(array) or (labels is not None and len(labels) != len(array)):
        raise InvalidInput("boxes, annotators and labels differ in length", location="annotators")
    if fuse not in ("mean", "median"):
        raise InvalidInput(f"fuse must be 'mean' or 'median', got {fuse!r}", location="fuse")
    tags: Sequence[Hashable] = labels if labels is not None else [None] * len(array)
    result: list[ConsensusBox] = []
    for label in dict.fromkeys(tags):
        members = np.flatnonzero([tag == label for tag in tags])
        result.extend(_cluster(array, members, annotators, label, iou_threshold, min_votes, fuse))
    return sorted(result, key=lambda c: (-c.support, -c.agreement))


def _cluster(
    array: FloatArray,
    members: npt.NDArray[np.intp],
    annotators: Sequence[Hashable],
    label: Hashable,
    threshold: float,
    min_votes: int,
    fuse: str,
) -> list[ConsensusBox]:
    iou = box_iou(array[members], array[members])
    order = np.argsort(-(iou >= threshold).sum(axis=1), kind="stable")
    clusters: list[list[int]] = []
    fused: list[FloatArray] = []
    for position in order:
        index = int(members[position])
        best, best_iou = -1, threshold
        for c, cluster in enumerate(clusters):
            if any(annotators[k] == annotators[index] for k in cluster):
                continue
            overlap = float(box_iou(array[index], fused[c])[0, 0])
            if overlap >= best_iou:
                best, best_iou = c, overlap
        if best < 0:
            clusters.append([index])
            fused.append(array[index])
        else:
            clusters[best].append(index)
            fused[best] = _fuse(array[clusters[best]], fuse)
    out = []
    for cluster, box in zip(clusters, fused, strict=True):
        if len(cluster) >= min_votes:
            agreement = float(box_iou(array[cluster], box).mean())
            x0, y0, x1, y1 = (float(v) for v in box)
            out.append(
                ConsensusBox(
                    (x0, y0, x1, y1), label, cluster, [annotators[k] for k in cluster], agreement
                )
            )
    return out
