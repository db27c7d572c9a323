"""Consensus spans by character-level overlap voting."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from annota.errors import InvalidInput
from annota.quality.regions.spans import Span

__all__ = ["span_consensus"]


def span_consensus(
    spans_by_annotator: Mapping[Hashable, Sequence[Span]], *, quorum: float = 0.5
) -> list[Span]:
    """Spans whose characters more than ``quorum`` of the annotators marked with one label.

    Each annotator votes for every character inside its spans, per label; a character is kept
    for a label when its share of votes exceeds ``quorum``, and maximal runs of kept characters
    become the consensus spans. Annotators who marked nothing still count in the denominator:
    an empty answer is a vote for "no span".

    Parameters
    ----------
    spans_by_annotator : mapping
        ``annotator -> [(start, end, label), ...]`` for one text, ``end`` exclusive.
    quorum : float, default 0.5
        Share of annotators that must agree (strictly more than it); 0.5 = majority.

    Returns
    -------
    list of (start, end, label)
        Sorted by start, then label.

    Examples
    --------
    >>> span_consensus({"a": [(0, 5, "PER")], "b": [(0, 4, "PER")], "c": [(1, 6, "PER")]})
    [(0, 5, 'PER')]
    """
    if not spans_by_annotator:
        raise InvalidInput("no annotator", location="spans_by_annotator")
    if not 0.0 <= quorum < 1.0:
        raise InvalidInput("quorum must be in [0, 1)", location="quorum")
    n_annotators = len(spans_by_annotator)
    all_spans = [span for spans in spans_by_annotator.values() for span in spans]
    for start, end, _ in all_spans:
        if end <= start or start < 0:
            raise InvalidInput(f"span ({start}, {end}) is empty or reversed", location="spans")
    if not all_spans:
        return []
    length = max(end for _, end, _ in all_spans)
    result: list[Span] = []
    for label in dict.fromkeys(span[2] for span in all_spans):
        votes = np.zeros(length + 1, dtype=np.int64)
        for spans in spans_by_annotator.values():
            # one vote per annotator and character, even where its own spans overlap
            covered = np.zeros(length + 1, dtype=np.int64)
            for start, end, tag in spans:
                if tag == label:
                    covered[start] += 1
                    covered[end] -= 1
            votes += np.cumsum(covered) > 0
        kept = np.concatenate([[False], votes[:length] > quorum * n_annotators, [False]])
        edges = np.flatnonzero(np.diff(kept.astype(np.int8)))
        result.extend((int(s), int(e), label) for s, e in zip(edges[::2], edges[1::2], strict=True))
    return sorted(result, key=lambda span: (span[0], str(span[2])))
