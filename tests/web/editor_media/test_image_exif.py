"""An EXIF-rotated JPEG is annotated on the grid the server probed, not the upright one.

The server stores a JPEG's size from its header (``Image.size``, Orientation ignored) and
checks regions against it; Chromium decodes the picture upright. The editor must use the
stored size and draw the file's own pixels where the stored coordinates say they are.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from tests.web.editor_media.test_image_tools import Mapper, js_round2, regions_of

SCHEMA = """
fields:
  - {name: image, type: image}
controls:
  - {name: objects, type: bbox, field: image, labels: [car]}
"""
RAW_W, RAW_H = 240, 120

PIXEL = """([x, y]) => {
  const stage = window.annotaEditor.imageTools.stage;
  const {scale, ox, oy} = stage.view;
  const dpr = window.devicePixelRatio || 1;
  const ctx = stage.canvas.getContext("2d");
  const sx = Math.round((ox + x * scale) * dpr);
  const px = ctx.getImageData(sx, Math.round((oy + y * scale) * dpr), 1, 1);
  return Array.from(px.data.slice(0, 3));
}"""


def rotated_jpeg(orientation: int) -> bytes:
    """Red picture, blue band on the left and green at the top of the stored pixels."""
    img = Image.new("RGB", (RAW_W, RAW_H), (230, 20, 20))
    img.paste((20, 20, 230), (0, 0, 40, RAW_H))
    img.paste((20, 220, 20), (100, 0, RAW_W, 25))  # a green band at the top, right part
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95, exif=exif.tobytes())
    return buf.getvalue()


def is_blue(rgb: list[int]) -> bool:
    return rgb[2] > 150 and rgb[0] < 100


def is_green(rgb: list[int]) -> bool:
    return rgb[1] > 150 and rgb[0] < 100 and rgb[2] < 100


def is_red(rgb: list[int]) -> bool:
    return rgb[0] > 150 and rgb[2] < 100


def test_rotated_jpeg_uses_the_stored_size_and_pixels(media_project, editor, stored):
    pid = media_project(SCHEMA, {"turned.jpg": rotated_jpeg(6)})
    page = editor(pid)
    media = page.evaluate("Object.values(window.annotaEditor.item.media)[0]")
    assert (media["width"], media["height"]) == (RAW_W, RAW_H)
    # the browser's own decoding is upright (120 x 240): the editor keeps the stored grid
    assert page.evaluate("window.annotaEditor.imageTools.size") == {
        "width": RAW_W,
        "height": RAW_H,
    }
    page.wait_for_timeout(100)
    assert is_blue(page.evaluate(PIXEL, [20, 60]))  # the stored left band
    assert is_red(page.evaluate(PIXEL, [200, 60]))
    assert is_green(page.evaluate(PIXEL, [200, 10]))
    assert is_red(page.evaluate(PIXEL, [100, 60]))

    m = Mapper(page)
    page.keyboard.press("b")
    page.keyboard.press("1")
    (x1, y1), (x2, y2) = m.drag((150, 20), (230, 100))  # past the upright width of 120
    box = {"x": x1, "y": y1, "width": js_round2(x2 - x1), "height": js_round2(y2 - y1)}
    assert regions_of(page, "objects") == [{**box, "label": "car"}]
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    assert [r["value"] for r in annotation.regions] == [{**box, "label": "car"}]


@pytest.mark.parametrize("orientation", [2, 3, 4, 5, 7, 8])
def test_every_orientation_draws_the_file_pixels_in_place(media_project, editor, orientation):
    pid = media_project(SCHEMA, {"turned.jpg": rotated_jpeg(orientation)})
    page = editor(pid)
    assert page.evaluate("window.annotaEditor.imageTools.size") == {
        "width": RAW_W,
        "height": RAW_H,
    }
    page.wait_for_timeout(100)
    # upright, the band would be elsewhere (right, top or bottom)
    assert is_blue(page.evaluate(PIXEL, [20, 60]))
    assert is_blue(page.evaluate(PIXEL, [20, 5]))
    assert is_red(page.evaluate(PIXEL, [220, 60]))
    assert is_red(page.evaluate(PIXEL, [120, 110]))
    assert is_green(page.evaluate(PIXEL, [200, 10]))
