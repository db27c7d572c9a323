"""Editing image regions: vertices, handles, keys, hide/lock, copy/paste across items.

Every gesture is made with the real mouse or keyboard; expected values come from the
screen pixels used and the page's view, with the editor's rounding to 1/100 px.
"""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image

SCHEMA = """
fields: [{name: image, type: image}]
controls:
  - {name: objects, type: bbox, field: image, labels: [car, person], rotation: true}
  - {name: outline, type: polygon, field: image, labels: [car, person]}
"""

VIEW = """() => {
  const st = window.annotaEditor.imageTools;
  const r = st.stage.canvas.getBoundingClientRect();
  return {left: r.left, top: r.top, ...st.stage.view};
}"""


def js_round2(v: float) -> float:
    return math.floor(v * 100 + 0.5) / 100


class Mapper:
    def __init__(self, page) -> None:
        self.page = page

    def screen(self, x: float, y: float) -> tuple[int, int]:
        self.v = v = self.page.evaluate(VIEW)
        return (
            round(v["left"] + v["ox"] + x * v["scale"]),
            round(v["top"] + v["oy"] + y * v["scale"]),
        )

    def raw(self, sx: int, sy: int) -> tuple[float, float]:
        v = self.v
        return ((sx - v["left"] - v["ox"]) / v["scale"], (sy - v["top"] - v["oy"]) / v["scale"])

    def image(self, sx: int, sy: int) -> list[float]:
        return [js_round2(c) for c in self.raw(sx, sy)]

    def drag(self, a, b, *, screen_offset=(0, 0)):
        s1 = self.screen(*a)
        s1 = (s1[0] + screen_offset[0], s1[1] + screen_offset[1])
        s2 = self.screen(*b)
        self.page.mouse.move(*s1)
        self.page.mouse.down()
        self.page.mouse.move(*s2, steps=5)
        self.page.mouse.up()
        return self.image(*s1), self.image(*s2), self.raw(*s2)

    def click(self, x, y, modifier=None):
        s = self.screen(x, y)
        if modifier:
            self.page.keyboard.down(modifier)
        self.page.mouse.click(*s)
        if modifier:
            self.page.keyboard.up(modifier)
        return self.image(*s)


def value(page, control, index=0):
    return page.evaluate(
        "([c, i]) => window.annotaEditor.store.byControl(c)[i]?.value ?? null", [control, index]
    )


def test_edit_vertices_handles_keys_and_copy_paste(media_project, png, editor, stored, screenshots):
    pid = media_project(SCHEMA, {"a.png": png(300, 200), "b.png": png(300, 200)})
    page = editor(pid)
    m = Mapper(page)

    # polygon: draw, move a vertex, insert one on an edge (Shift), remove one (Alt)
    page.keyboard.press("p")
    pts = [m.click(50, 50), m.click(150, 50), m.click(100, 150)]
    page.keyboard.press("Enter")
    assert value(page, "outline")["points"] == pts
    _, moved, _ = m.drag(pts[2], (110, 160))
    pts[2] = moved
    assert value(page, "outline")["points"] == pts
    inserted = m.click(100, 50, "Shift")
    pts.insert(1, inserted)
    assert value(page, "outline")["points"] == pts
    m.click(*pts[1], "Alt")
    del pts[1]
    assert value(page, "outline")["points"] == pts

    # box: draw, resize by the bottom-right handle, turn by the rotation handle
    page.keyboard.press("b")
    (x1, y1), (x2, y2), _ = m.drag((160, 100), (220, 140))
    box = {"x": x1, "y": y1, "width": js_round2(x2 - x1), "height": js_round2(y2 - y1)}
    assert value(page, "objects") == {**box, "rotation": 0, "label": "car"}
    _, _, (rx, ry) = m.drag((box["x"] + box["width"], box["y"] + box["height"]), (230, 150))
    box["width"], box["height"] = js_round2(rx - box["x"]), js_round2(ry - box["y"])
    assert value(page, "objects") == {**box, "rotation": 0, "label": "car"}
    handle = (box["x"] + box["width"] + 20 / m.v["scale"], box["y"])
    _, _, (hx, hy) = m.drag(handle, (box["x"] + 40, box["y"] + 40))
    turn = js_round2(math.degrees(math.atan2(hy - box["y"], hx - box["x"])))
    assert value(page, "objects") == {**box, "rotation": turn, "label": "car"}
    page.keyboard.press("Control+z")
    assert value(page, "objects")["rotation"] == 0

    # keys: nudge, lock (nudges do nothing), unlock, hide
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    box["x"], box["y"] = js_round2(box["x"] + 3), js_round2(box["y"] + 10)
    assert value(page, "objects") == {**box, "rotation": 0, "label": "car"}
    page.keyboard.press("l")
    page.keyboard.press("ArrowLeft")
    assert value(page, "objects")["x"] == box["x"]
    page.keyboard.press("l")
    page.keyboard.press("h")
    assert page.locator('.region-list li[data-region="b2"] .eye.on').count() == 1
    page.keyboard.press("Shift+h")
    assert page.locator(".region-list .eye.on").count() == 0

    page.locator("input.brightness").fill("160")
    assert page.evaluate("window.annotaEditor.imageTools.brightness") == 160
    page.keyboard.press("Escape")  # leave the slider: keys go to the editor again
    page.keyboard.press("?")
    help_text = page.locator(".dialog").inner_text()
    for words in ("Rotate the selected box", "Copy the selected region", "Brush larger"):
        assert words in help_text
    page.keyboard.press("Escape")

    # copy the box, submit, paste it on the next item
    page.locator('.region-list li[data-region="b2"] .pick').click()
    page.keyboard.press("Control+c")
    screenshots(page, "editor-image-editing")
    first_item = page.evaluate("window.annotaEditor.item.id")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        f"() => window.annotaEditor.item && window.annotaEditor.item.id !== {first_item}"
    )
    page.wait_for_function("() => Boolean(window.annotaEditor.imageTools.size)")
    page.keyboard.press("Control+v")
    assert value(page, "objects") == {**box, "rotation": 0, "label": "car"}
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    first, second = sorted(stored(pid, status="submitted"), key=lambda a: a.item_id)
    assert [r["value"] for r in first.regions if r["control"] == "outline"] == [
        {"points": pts, "label": "car"}
    ]
    assert [r["value"] for r in second.regions] == [{**box, "rotation": 0, "label": "car"}]


LARGE = """
fields: [{name: image, type: image}]
controls:
  - {name: lanes, type: polyline, field: image, labels: [lane]}
  - {name: objects, type: bbox, field: image, labels: [car]}
"""


def gray_png(width: int, height: int) -> bytes:
    row = np.linspace(0, 255, width, dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(np.broadcast_to(row, (height, width)))).save(
        buf, format="PNG", compress_level=1
    )
    return buf.getvalue()


def test_a_large_image_is_drawn_downscaled_and_stores_full_size_pixels(
    media_project, editor, stored, screenshots
):
    width, height = 6000, 4500  # over 4,096 px: drawn from a downscaled copy when fitted
    pid = media_project(LARGE, {"big.png": gray_png(width, height)})
    page = editor(pid)
    assert page.evaluate("window.annotaEditor.imageTools.size") == {
        "width": width,
        "height": height,
    }
    page.wait_for_function("() => Boolean(window.annotaEditor.imageTools.stage.small)")
    m = Mapper(page)
    page.keyboard.press("b")
    (x1, y1), (x2, y2), _ = m.drag((1000, 1000), (4000, 3000))
    assert m.v["scale"] < 0.2
    box = {"x": x1, "y": y1, "width": js_round2(x2 - x1), "height": js_round2(y2 - y1)}
    page.keyboard.press("n")  # polyline: two clicks and Enter
    line = [m.click(500, 4000), m.click(5500, 4200)]
    page.keyboard.press("Enter")
    screenshots(page, "editor-image-large")
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    assert [(r["control"], r["value"]) for r in annotation.regions] == [
        ("objects", {**box, "label": "car"}),
        ("lanes", {"points": line, "label": "lane"}),
    ]
