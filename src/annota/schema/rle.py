"""COCO run-length encoding: check a mask's counts without decoding it to pixels.

A mask is ``{"size": [h, w], "counts": ...}``, column-major runs alternating background and
foreground, starting with background. ``counts`` is either the plain list of run lengths or
pycocotools' compressed string (each run as 5-bit groups in characters ``'0'``..``'o'``,
runs after the second stored as differences). Both must cover exactly ``h * w`` pixels; a
wrong total means the mask was cut or built for another image size.

References
----------
pycocotools ``maskApi.c``: ``rleToString`` / ``rleFrString``.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["decode_counts", "rle_problem"]

_FIRST, _LAST = ord("0"), ord("0") + 63


def decode_counts(counts: str) -> list[int]:
    """Decode pycocotools' compressed ``counts`` string into run lengths.

    Raises
    ------
    ValueError
        If a character lies outside ``'0'..'o'`` or the string ends inside a number.
    """
    runs: list[int] = []
    position = 0
    while position < len(counts):
        number, shift, more = 0, 0, True
        while more:
            if position >= len(counts):
                raise ValueError("the string ends in the middle of a run length")
            char = counts[position]
            if not _FIRST <= ord(char) <= _LAST:
                raise ValueError(f"character {char!r} at {position} is outside '0'..'o'")
            code = ord(char) - _FIRST
            number |= (code & 0x1F) << shift
            more = bool(code & 0x20)
            position += 1
            shift += 5
            if not more and code & 0x10:
                number |= -1 << shift
        if len(runs) > 2:
            number += runs[-2]
        runs.append(number)
    return runs


def rle_problem(height: int, width: int, counts: Sequence[int] | str) -> str | None:
    """Say what is wrong with ``counts`` for an ``height x width`` mask, or ``None``."""
    if isinstance(counts, str):
        try:
            runs = decode_counts(counts)
        except ValueError as exc:
            return f"compressed counts cannot be decoded: {exc}"
    else:
        runs = list(counts)
    negative = next((index for index, run in enumerate(runs) if run < 0), None)
    if negative is not None:
        return f"run {negative} has negative length {runs[negative]}"
    total = sum(runs)
    if total != height * width:
        return f"runs cover {total} pixels, but size {height}x{width} has {height * width}"
    return None
