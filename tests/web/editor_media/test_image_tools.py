"""Drawing on an image with the real mouse stores exact geometry in image pixels.

The editor maps screen to image pixels through its view (scale and offset, read from the
page); the test turns chosen screen pixels into image pixels with the same formula and
expects exactly those values back from the server, whatever the zoom.
"""

from __future__ import annotations

import math

import numpy as np
from pycocotools import mask as mask_util

SCHEMA = """
fields:
  - {name: image, type: image}
controls:
  - {name: objects, type: bbox, field: image, labels: [car, person], rotation: true}
  - {name: outline, type: polygon, field: image, labels: [car, person]}
  - {name: pose, type: keypoints, field: image, points: [nose, left_eye, right_eye],
     skeleton: [[nose, left_eye], [nose, right_eye]]}
  - {name: paint, type: mask, field: image, labels: [road]}
"""
WIDTH, HEIGHT = 320, 240

VIEW = """() => {
  const st = window.annotaEditor.imageTools;
  const r = st.stage.canvas.getBoundingClientRect();
  return {left: r.left, top: r.top, ...st.stage.view};
}"""


def js_round2(v: float) -> float:
    """JavaScript's Math.round(v * 100) / 100."""
    return math.floor(v * 100 + 0.5) / 100


class Mapper:
    """Screen <-> image pixels for the page's current view (read at each gesture)."""

    def __init__(self, page) -> None:
        self.page = page
        self.refresh()

    def refresh(self) -> None:
        self.page.wait_for_timeout(50)  # the view settles on the next frame
        self.v = self.page.evaluate(VIEW)

    def screen(self, x: float, y: float) -> tuple[int, int]:
        self.v = v = self.page.evaluate(VIEW)  # the page may have moved the canvas
        return (
            round(v["left"] + v["ox"] + x * v["scale"]),
            round(v["top"] + v["oy"] + y * v["scale"]),
        )

    def image(self, sx: int, sy: int) -> tuple[float, float]:
        v = self.v
        return (
            js_round2((sx - v["left"] - v["ox"]) / v["scale"]),
            js_round2((sy - v["top"] - v["oy"]) / v["scale"]),
        )

    def drag(self, a: tuple[float, float], b: tuple[float, float], steps: int = 6):
        s1, s2 = self.screen(*a), self.screen(*b)
        self.page.mouse.move(*s1)
        self.page.mouse.down()
        self.page.mouse.move(*s2, steps=steps)
        self.page.mouse.up()
        return self.image(*s1), self.image(*s2)

    def click(self, x: float, y: float, shift: bool = False):
        s = self.screen(x, y)
        if shift:
            self.page.keyboard.down("Shift")
        self.page.mouse.click(*s)
        if shift:
            self.page.keyboard.up("Shift")
        return [*self.image(*s)]


def regions_of(page, control: str):
    return page.evaluate(
        "(c) => window.annotaEditor.store.byControl(c).map((r) => r.value)", control
    )


def capsule(height: int, width: int, a, b, radius: float) -> np.ndarray:
    """Pixels whose centre lies within ``radius`` of the segment a-b (the brush rule)."""
    yy, xx = np.mgrid[0:height, 0:width] + 0.5
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = np.clip(((xx - ax) * dx + (yy - ay) * dy) / (dx * dx + dy * dy), 0, 1)
    return ((xx - (ax + t * dx)) ** 2 + (yy - (ay + t * dy)) ** 2 <= radius**2).astype(np.uint8)


def test_box_rotated_box_polygon_keypoints_and_mask_are_stored_exactly(
    media_project, editor, stored, screenshots, png
):
    pid = media_project(SCHEMA, {"street.png": png(WIDTH, HEIGHT)})
    page = editor(pid)
    assert page.evaluate("window.annotaEditor.imageTools.size") == {
        "width": WIDTH,
        "height": HEIGHT,
    }
    m = Mapper(page)

    page.keyboard.press("b")
    page.keyboard.press("2")  # person
    (x1, y1), (x2, y2) = m.drag((40, 30), (140, 110))
    box = {"x": x1, "y": y1, "width": js_round2(x2 - x1), "height": js_round2(y2 - y1)}
    assert regions_of(page, "objects") == [{**box, "rotation": 0, "label": "person"}]

    page.keyboard.press("1")  # the new box is selected: relabel it car, then back
    assert regions_of(page, "objects")[0]["label"] == "car"
    page.keyboard.press("2")
    page.keyboard.press("Escape")
    page.keyboard.press("1")  # no selection: the label of the next box

    (r1, s1), (r2, s2) = m.drag((200, 40), (260, 80))
    page.keyboard.press("}")
    page.keyboard.press("}")  # 2 x 15 degrees about the top-left corner
    page.keyboard.press("[")  # minus 1
    rotated = {"x": r1, "y": s1, "width": js_round2(r2 - r1), "height": js_round2(s2 - s1)}
    assert regions_of(page, "objects")[1] == {**rotated, "rotation": 29, "label": "car"}

    # zoom in at the mouse (wheel) and pan: stored values do not move, new ones map anew
    page.mouse.move(*m.screen(160, 120))
    page.mouse.wheel(0, -300)
    m.refresh()
    assert m.v["scale"] > 1.5 * 2.5 * 0.9
    assert regions_of(page, "objects")[0] == {**box, "rotation": 0, "label": "person"}
    page.keyboard.press("f")
    m.refresh()

    page.keyboard.press("p")
    page.keyboard.press("1")
    poly = [m.click(50, 150), m.click(120, 150), m.click(90, 210)]
    m.click(50, 150)  # the first vertex closes the outline
    assert regions_of(page, "outline") == [{"points": poly, "label": "car"}]

    page.keyboard.press("k")
    nose = m.click(200, 150)
    left = m.click(190, 140, shift=True)  # labelled but hidden
    right = m.click(210, 140)
    assert regions_of(page, "pose") == [
        {"points": {"nose": [*nose, 2], "left_eye": [*left, 1], "right_eye": [*right, 2]}}
    ]

    page.keyboard.press("m")
    a, b = m.drag((30, 200), (100, 200), steps=10)
    (painted,) = regions_of(page, "paint")
    assert painted["label"] == "road"
    assert painted["rle"]["size"] == [HEIGHT, WIDTH]
    page.keyboard.press("Control+z")
    assert regions_of(page, "paint") == []
    page.keyboard.press("Control+Shift+z")
    assert regions_of(page, "paint") == [painted]
    page.keyboard.press("e")  # the eraser cuts the selected mask
    c, d = m.drag((60, 185), (60, 215), steps=6)
    screenshots(page, "editor-image-tools")

    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    by = {}
    for r in annotation.regions:
        by.setdefault(r["control"], []).append(r["value"])
    assert by["objects"] == [
        {**box, "rotation": 0, "label": "person"},
        {**rotated, "rotation": 29, "label": "car"},
    ]
    assert by["outline"] == [{"points": poly, "label": "car"}]
    assert by["pose"] == [
        {"points": {"nose": [*nose, 2], "left_eye": [*left, 1], "right_eye": [*right, 2]}}
    ]
    (mask,) = by["paint"]
    rle = mask_util.frPyObjects(mask["rle"], HEIGHT, WIDTH)
    decoded = mask_util.decode(rle)
    expected = capsule(HEIGHT, WIDTH, a, b, radius=8) & (1 - capsule(HEIGHT, WIDTH, c, d, radius=8))
    assert 0 < decoded.sum() < capsule(HEIGHT, WIDTH, a, b, radius=8).sum()
    assert np.array_equal(decoded, expected)
