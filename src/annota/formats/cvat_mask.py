"""CVAT mask run-lengths to and from COCO RLE of the whole image.

CVAT for images 1.1 stores a mask as ``<mask rle="..." left top width height>``: run lengths
over the mask's bounding box only, **row-major**, starting with a run of background (CVAT's
``cvat/apps/dataset_manager/formats/cvat.py`` writes ``width = right - left + 1``). Annota,
like COCO, stores a mask over the **whole image**, column-major (pycocotools' layout), so both
directions go through one boolean image: memory is one byte per pixel of one mask at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from annota.schema.rle import decode_counts

__all__ = ["coco_rle_to_cvat", "cvat_rle_to_coco", "runs_of"]


def cvat_rle_to_coco(
    runs: Sequence[int],
    box: tuple[int, int, int, int],
    image: tuple[int, int],
) -> dict[str, Any]:
    """Turn CVAT's cropped, row-major runs into COCO ``{"size": [h, w], "counts": [...]}``.

    Parameters
    ----------
    runs : sequence of int
        Alternating background and foreground run lengths, background first.
    box : (left, top, width, height)
        Where the runs lie in the image, in whole pixels.
    image : (width, height)
        The image size.

    Raises
    ------
    ValueError
        The runs do not cover ``width * height`` pixels, a run is negative, or the box does
        not lie inside the image; the message says which.
    """
    left, top, width, height = box
    image_width, image_height = image
    if width <= 0 or height <= 0:
        raise ValueError(f"the mask box {width}x{height} has no area")
    if left < 0 or top < 0 or left + width > image_width or top + height > image_height:
        raise ValueError(
            f"the mask box {width}x{height} at ({left}, {top}) is outside the "
            f"{image_width}x{image_height} image"
        )
    lengths = np.asarray(runs, dtype=np.int64)
    if (lengths < 0).any():
        raise ValueError("a run length is negative")
    if int(lengths.sum()) != width * height:
        raise ValueError(
            f"runs cover {int(lengths.sum())} pixels, but the box has {width * height}"
        )
    values = np.arange(len(lengths)) % 2 == 1
    crop = np.repeat(values, lengths).reshape(height, width)
    full = np.zeros((image_height, image_width), dtype=bool)
    full[top : top + height, left : left + width] = crop
    return {"size": [image_height, image_width], "counts": runs_of(full.ravel(order="F"))}


def coco_rle_to_cvat(rle: dict[str, Any]) -> tuple[list[int], tuple[int, int, int, int]] | None:
    """Turn a COCO RLE into CVAT's runs over the mask's tight box; ``None`` for an empty mask.

    Raises
    ------
    ValueError
        Compressed counts cannot be decoded, or the runs do not cover the image.
    """
    image_height, image_width = (int(v) for v in rle["size"])
    counts = rle["counts"]
    lengths = np.asarray(decode_counts(counts) if isinstance(counts, str) else counts, np.int64)
    if int(lengths.sum()) != image_height * image_width:
        raise ValueError(
            f"runs cover {int(lengths.sum())} pixels, "
            f"but the {image_width}x{image_height} image has {image_height * image_width}"
        )
    values = np.arange(len(lengths)) % 2 == 1
    full = np.repeat(values, lengths).reshape((image_height, image_width), order="F")
    rows = np.flatnonzero(full.any(axis=1))
    columns = np.flatnonzero(full.any(axis=0))
    if not len(rows):
        return None
    top, bottom, left, right = int(rows[0]), int(rows[-1]), int(columns[0]), int(columns[-1])
    crop = full[top : bottom + 1, left : right + 1]
    return runs_of(crop.ravel()), (left, top, right - left + 1, bottom - top + 1)


def runs_of(flat: Any) -> list[int]:
    """Run lengths of a flat boolean array, starting with a (possibly empty) background run."""
    if not len(flat):
        return []
    changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate(([0], changes, [len(flat)]))
    lengths = np.diff(bounds).tolist()
    return [0, *lengths] if flat[0] else lengths
