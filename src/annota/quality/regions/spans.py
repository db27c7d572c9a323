"""Agreement on text spans: exact or overlap matching, precision / recall / F1."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput
from annota.quality.regions.matching import MatchResult, match_by_iou

__all__ = ["Span", "SpanMode", "span_f1", "span_iou"]

#: ``(start, end, label)`` with ``end`` exclusive; label may be ``None`` for unlabelled spans
Span = tuple[int, int, Hashable]
SpanMode = Literal["exact", "overlap"]


def _check(spans: Sequence[Span], location: str) -> None:
    for k, (start, end, _) in enumerate(spans):
        if end <= start:
            raise InvalidInput(
                f"span ({start}, {end}) is empty or reversed", location=f"{location}[{k}]"
            )


def span_iou(a: Sequence[Span], b: Sequence[Span]) -> npt.NDArray[np.float64]:
    """Pairwise character IoU of spans, 0 across different labels; shape (len(a), len(b))."""
    _check(a, "a")
    _check(b, "b")
    out = np.zeros((len(a), len(b)))
    for i, (sa, ea, la) in enumerate(a):
        for j, (sb, eb, lb) in enumerate(b):
            if la == lb:
                inter = max(0, min(ea, eb) - max(sa, sb))
                out[i, j] = inter / (max(ea, eb) - min(sa, sb))
    return out


def span_f1(
    reference: Sequence[Span], predicted: Sequence[Span], *, mode: SpanMode = "exact"
) -> MatchResult:
    """Precision, recall and F1 of predicted spans against reference spans.

    ``"exact"``: a span counts only if start, end and label are equal (the CoNLL rule).
    ``"overlap"``: spans of the same label that share at least one character may match, one
    to one, chosen to maximise total overlap (Hungarian).

    Examples
    --------
    >>> ref = [(0, 5, "PER"), (10, 15, "LOC")]
    >>> span_f1(ref, [(0, 5, "PER"), (11, 15, "LOC")]).f1
    0.5
    >>> span_f1(ref, [(0, 5, "PER"), (11, 15, "LOC")], mode="overlap").f1
    1.0
    """
    if mode not in ("exact", "overlap"):
        raise InvalidInput(f"mode must be 'exact' or 'overlap', got {mode!r}", location="mode")
    iou = span_iou(reference, predicted)
    if mode == "exact":
        return match_by_iou(np.where(iou >= 1.0, 1.0, 0.0), threshold=1.0)
    return match_by_iou(iou, threshold=1e-12)
