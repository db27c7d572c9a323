"""Span candidates from rule taggers: overlap resolution and conversion to predictions.

Both span taggers (:class:`~annota.automation.GazetteerTagger` and
:class:`~annota.automation.RegexSpanTagger`) find candidate spans that may overlap; a text
span annotation may not, so :func:`select_longest` keeps the longest of any overlapping
group, the rule spaCy's ``filter_spans`` applies to its entity ruler.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from annota.automation.prediction import Item, Prediction, item_texts, span_region


class Span(NamedTuple):
    """A labelled span over code points ``[start, end)`` of one text."""

    start: int
    end: int
    label: str


def select_longest(spans: Iterable[Span]) -> list[Span]:
    """Drop overlapping spans, longest first; ties go to the leftmost, then the first given.

    Parameters
    ----------
    spans : iterable of Span
        Candidates, in any order; empty spans are ignored.

    Returns
    -------
    list of Span
        Pairwise disjoint, sorted by ``start``. Costs ``O(m log m)`` for ``m`` candidates.

    Examples
    --------
    >>> select_longest([Span(0, 3, "A"), Span(0, 8, "B"), Span(4, 12, "C"), Span(9, 12, "D")])
    [Span(start=0, end=8, label='B'), Span(start=9, end=12, label='D')]
    """
    candidates = sorted(
        enumerate(s for s in spans if s.end > s.start),
        key=lambda pair: (pair[1].start - pair[1].end, pair[1].start, pair[0]),
    )
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Span] = []
    for _, span in candidates:
        i = bisect.bisect_right(starts, span.start)
        if i > 0 and ends[i - 1] > span.start:
            continue  # overlaps the kept span that starts at or before it
        if i < len(starts) and starts[i] < span.end:
            continue  # overlaps the kept span that starts after it
        starts.insert(i, span.start)
        ends.insert(i, span.end)
        kept.insert(i, span)
    return kept


def span_predictions(
    items: Sequence[Item],
    tag: Callable[[str], list[Span]],
    *,
    field: str,
    control: str,
    model: str,
    version: str,
) -> list[Prediction]:
    """Run ``tag`` on every item's text; rule spans score 1.0.

    A prediction with no spans has ``score=None``, so a caller can skip it.
    """
    out = []
    for item, text in zip(items, item_texts(items, field), strict=True):
        regions = tuple(span_region(control, s.start, s.end, s.label, 1.0) for s in tag(text))
        out.append(Prediction(item.get("id"), regions, model, version, 1.0 if regions else None))
    return out
