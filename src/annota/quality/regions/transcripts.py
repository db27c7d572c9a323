"""Transcript agreement: word and character error rates from the Levenshtein distance."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annota.errors import InvalidInput

__all__ = ["cer", "edit_distance", "wer"]


def edit_distance(reference: Sequence[object], hypothesis: Sequence[object]) -> int:
    """Levenshtein distance (substitutions, insertions, deletions all cost 1).

    One NumPy pass per reference token: the insertion chain within a row,
    ``d[j] = min_k (t[k] + j - k)``, is a running minimum of ``t - index``.

    Examples
    --------
    >>> edit_distance("kitten", "sitting")
    3
    """
    ref = list(reference)
    hyp = list(hypothesis)
    if not ref or not hyp:
        return max(len(ref), len(hyp))
    # map tokens to integer codes so that comparisons vectorise
    codes: dict[object, int] = {}
    hyp_codes = np.array([codes.setdefault(token, len(codes)) for token in hyp])
    index = np.arange(len(hyp) + 1)
    row = index.copy()
    for token in ref:
        code = codes.get(token, -1)
        substitute = row[:-1] + (hyp_codes != code)
        candidate = np.empty_like(row)
        candidate[0] = row[0] + 1
        candidate[1:] = np.minimum(row[1:] + 1, substitute)
        row = np.minimum.accumulate(candidate - index) + index
    return int(row[-1])


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: word-level edit distance over the number of reference words.

    Examples
    --------
    >>> wer("the cat sat", "the cat sat down")
    0.3333333333333333
    """
    words = reference.split()
    if not words:
        raise InvalidInput("the reference transcript has no words", location="reference")
    return edit_distance(words, hypothesis.split()) / len(words)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: character edit distance over the reference length."""
    if not reference:
        raise InvalidInput("the reference transcript is empty", location="reference")
    return edit_distance(reference, hypothesis) / len(reference)
