"""Masks in COCO run-length encoding: decode, encode and IoU without pycocotools.

COCO RLE lists alternating run lengths (zeros first) over the mask in column-major order;
the compressed form packs each count, as a difference to the count two places back after the
third, into 5-bit groups written as characters from ``'0'`` (48), six bits per character
with the 0x20 bit meaning "more follows" (``maskApi.c``, ``rleToString``/``rleFrString``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput

__all__ = ["mask_iou", "rle_counts", "rle_decode", "rle_encode", "rle_from_counts"]

RLE = Mapping[str, object]


def rle_counts(text: str) -> list[int]:
    """Run lengths from a compressed COCO RLE string."""
    counts: list[int] = []
    position = 0
    while position < len(text):
        value, shift, more = 0, 0, True
        while more:
            if position >= len(text):
                raise InvalidInput("truncated RLE string", location="counts")
            c = ord(text[position]) - 48
            value |= (c & 0x1F) << (5 * shift)
            more = bool(c & 0x20)
            position += 1
            shift += 1
            if not more and c & 0x10:
                value |= -1 << (5 * shift)
        if len(counts) > 2:
            value += counts[-2]
        counts.append(value)
    return counts


def rle_from_counts(counts: list[int]) -> str:
    """Compressed COCO RLE string from run lengths (inverse of ``rle_counts``)."""
    chars = []
    for i, count in enumerate(counts):
        value = count - counts[i - 2] if i > 2 else count
        more = True
        while more:
            c = value & 0x1F
            value >>= 5
            more = value != -1 if c & 0x10 else value != 0
            if more:
                c |= 0x20
            chars.append(chr(c + 48))
    return "".join(chars)


def _size_and_counts(rle: RLE) -> tuple[int, int, list[int]]:
    size = rle.get("size")
    counts = rle.get("counts")
    if not isinstance(size, list | tuple) or len(size) != 2:
        raise InvalidInput("RLE needs 'size': [height, width]", location="size")
    height, width = int(size[0]), int(size[1])
    if isinstance(counts, str | bytes):
        runs = rle_counts(counts.decode() if isinstance(counts, bytes) else counts)
    elif isinstance(counts, list):
        runs = [int(c) for c in counts]
    else:
        raise InvalidInput("RLE 'counts' must be a string or a list of ints", location="counts")
    if sum(runs) != height * width or min(runs, default=0) < 0:
        raise InvalidInput(
            f"RLE counts sum to {sum(runs)}, not height x width = {height * width}",
            location="counts",
        )
    return height, width, runs


def rle_decode(rle: RLE) -> npt.NDArray[np.bool_]:
    """A boolean mask of shape (height, width) from a COCO RLE (compressed or not)."""
    height, width, runs = _size_and_counts(rle)
    values = np.arange(len(runs)) % 2 == 1
    flat = np.repeat(values, runs)
    return np.asarray(flat.reshape(width, height).T, dtype=np.bool_)


def rle_encode(mask: npt.ArrayLike) -> dict[str, object]:
    """COCO compressed RLE ``{"size": [h, w], "counts": str}`` of a 2-D boolean mask."""
    array = np.asarray(mask, dtype=bool)
    if array.ndim != 2:
        raise InvalidInput("a mask must be 2-D", location="mask")
    flat = array.T.ravel()
    change = np.flatnonzero(np.diff(flat.astype(np.int8))) + 1
    edges = np.concatenate([[0], change, [flat.size]])
    runs = np.diff(edges).tolist()
    if flat.size and flat[0]:
        runs = [0, *runs]
    return {"size": [array.shape[0], array.shape[1]], "counts": rle_from_counts(runs)}


def mask_iou(a: RLE, b: RLE) -> float:
    """IoU of two masks given as COCO RLE of the same size.

    Examples
    --------
    >>> mask_iou({"size": [2, 2], "counts": [0, 2, 2]}, {"size": [2, 2], "counts": [0, 3, 1]})
    0.6666666666666666
    """
    first, second = rle_decode(a), rle_decode(b)
    if first.shape != second.shape:
        raise InvalidInput(f"mask sizes differ: {first.shape} vs {second.shape}", location="b")
    union = int(np.logical_or(first, second).sum())
    return int(np.logical_and(first, second).sum()) / union if union else 0.0
