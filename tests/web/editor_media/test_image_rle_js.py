"""The editor's COCO RLE encoder (controls/image_rle.js) against pycocotools and the schema.

The browser runs the real module; pycocotools encodes the same masks in Python, and
annota.schema.rle must accept the counts for the mask's size.
"""

from __future__ import annotations

import numpy as np
from pycocotools import mask as mask_util

from annota.schema.rle import rle_problem

ENCODE = """async (masks) => {
  const m = await import('/static/editor/controls/image_rle.js');
  return masks.map(([h, w, bits]) => {
    const rle = m.encodeMask(Uint8Array.from(bits), h, w);
    const back = Array.from(m.decodeMask(rle));
    return { rle, back };
  });
}"""


def masks() -> list[np.ndarray]:
    rng = np.random.default_rng(5)
    out = [
        np.zeros((4, 5), np.uint8),
        np.ones((3, 7), np.uint8),
        np.eye(6, dtype=np.uint8),
        np.pad(np.ones((3, 3), np.uint8), 2),
    ]
    corner = np.zeros((5, 4), np.uint8)
    corner[0, 0] = 1  # a set first pixel: the counts start with an empty background run
    out.append(corner)
    for h, w, p in ((17, 23, 0.5), (40, 31, 0.1), (64, 64, 0.9)):
        out.append((rng.random((h, w)) < p).astype(np.uint8))
    return out


def test_js_rle_matches_pycocotools(new_page):
    page = new_page()
    page.goto("/login")
    cases = masks()
    results = page.evaluate(
        ENCODE, [[int(m.shape[0]), int(m.shape[1]), m.ravel().tolist()] for m in cases]
    )
    for mask, got in zip(cases, results, strict=True):
        h, w = mask.shape
        rle = got["rle"]
        assert rle["size"] == [h, w]
        assert all(isinstance(c, int) for c in rle["counts"])
        assert rle_problem(h, w, rle["counts"]) is None
        reference = mask_util.encode(np.asfortranarray(mask))
        ours = mask_util.frPyObjects(rle, h, w)
        assert ours["counts"] == reference["counts"], (h, w)
        assert np.array_equal(mask_util.decode(ours), mask)
        assert np.array_equal(np.array(got["back"], np.uint8).reshape(h, w), mask)
