"""Label Studio brush masks: its RLE of an RGBA image, turned into COCO RLE.

Label Studio's ``brushlabels`` results store the painted layer as ``{"format": "rle",
"rle": [bytes...]}``: the RGBA pixels of the whole image (``original_width x original_height
x 4`` bytes, row-major) packed with the thi.ng ``rle-pack`` bit stream, which
``label_studio_converter.brush.decode_rle`` reads. The stream is, in big-endian bits:

- 32 bits: number of values; 5 bits: word size minus 1; 4 x 4 bits: the four run-length
  field sizes minus 1;
- then chunks: 1 flag bit, 2 bits choosing a run-length field size, that many bits giving the
  chunk length minus 1; a set flag means one word repeated that many times, a clear flag that
  many literal words.

A pixel belongs to the mask when its alpha byte is non-zero, as the converter's PNG export
does. The result is column-major COCO RLE of the whole image.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from annota.formats.cvat_mask import runs_of

__all__ = ["brush_to_coco"]


class _Bits:
    """Reads big-endian unsigned fields from a bit string."""

    def __init__(self, data: bytes) -> None:
        self._bits = "".join(f"{byte:08b}" for byte in data)
        self._position = 0

    def read(self, size: int) -> int:
        end = self._position + size
        if end > len(self._bits):
            raise ValueError("the RLE stream ends early")
        value = int(self._bits[self._position : end], 2)
        self._position = end
        return value


def brush_to_coco(rle: Sequence[int], width: int, height: int) -> dict[str, Any]:
    """Decode a Label Studio brush RLE of a ``width x height`` image into COCO RLE.

    Raises
    ------
    ValueError
        The stream is cut short, a byte is out of range, or it does not hold
        ``width * height * 4`` values.
    """
    if any(not 0 <= byte <= 255 for byte in rle):
        raise ValueError("rle values must be bytes (0-255)")
    bits = _Bits(bytes(rle))
    count = bits.read(32)
    if count != width * height * 4:
        raise ValueError(
            f"the RLE holds {count} values, but a {width}x{height} RGBA image has "
            f"{width * height * 4}"
        )
    word = bits.read(5) + 1
    sizes = [bits.read(4) + 1 for _ in range(4)]
    out = np.zeros(count, dtype=np.uint8)
    position = 0
    while position < count:
        repeated = bits.read(1)
        end = position + 1 + bits.read(sizes[bits.read(2)])
        if end > count:
            raise ValueError("a run goes past the end of the image")
        if repeated:
            out[position:end] = bits.read(word)
        else:
            out[position:end] = [bits.read(word) for _ in range(end - position)]
        position = end
    mask = out.reshape(height, width, 4)[:, :, 3] > 0
    return {"size": [height, width], "counts": runs_of(mask.ravel(order="F"))}
