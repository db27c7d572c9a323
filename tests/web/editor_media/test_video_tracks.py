"""Video: a track with two keyframes drawn with the mouse, and the box between them.

The WebM is written with PyAV (25 fps, the editor's rate when the item does not say).
"""

from __future__ import annotations

import math

SCHEMA = """
fields: [{name: video, type: video}]
controls:
  - {name: cars, type: video_track, field: video, labels: [car, bus]}
"""

VIEW = """() => {
  const st = window.annotaEditor.videoTools;
  const r = st.stage.canvas.getBoundingClientRect();
  return {left: r.left, top: r.top, ...st.stage.view};
}"""


def js_round2(v: float) -> float:
    return math.floor(v * 100 + 0.5) / 100


class Mapper:
    def __init__(self, page) -> None:
        self.page = page

    def screen(self, x: float, y: float) -> tuple[int, int]:
        v = self.page.evaluate(VIEW)
        self.v = v
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

    def drag(self, a, b):
        s1 = self.screen(*a)
        p1 = self.image(*s1)
        s2 = self.screen(*b)
        p2 = self.image(*s2)
        self.page.mouse.move(*s1)
        self.page.mouse.down()
        self.page.mouse.move(*s2, steps=6)
        self.page.mouse.up()
        return p1, p2


def at_frame(page, k: int) -> None:
    page.wait_for_function(
        "(k) => window.annotaEditor.videoTools.frame === k"
        " && !window.annotaEditor.videoTools.stage.video.seeking",
        arg=k,
    )


def test_a_track_with_two_keyframes_interpolates_between(
    media_project, webm, editor, stored, screenshots
):
    pid = media_project(SCHEMA, {"clip.webm": webm(frames=30)})
    page = editor(pid, ready="window.annotaEditor?.videoTools?.stage?.ready")
    assert page.evaluate("window.annotaEditor.videoTools.frames") == 30
    m = Mapper(page)

    page.keyboard.press("2")  # label: bus
    (x1, y1), (x2, y2) = m.drag((40, 40), (120, 100))
    first = {
        "frame": 0,
        "x": x1,
        "y": y1,
        "width": js_round2(x2 - x1),
        "height": js_round2(y2 - y1),
    }

    page.keyboard.press("Shift+ArrowRight")  # 10 frames on
    at_frame(page, 10)
    (px, py), (qx, qy) = m.drag((80, 70), (140, 110))  # move the box: a keyframe at 10
    second = {**first, "frame": 10, "x": js_round2(x1 + qx - px), "y": js_round2(y1 + qy - py)}

    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    at_frame(page, 5)
    shown = page.evaluate(
        "() => { const t = window.annotaEditor.videoTools;"
        " return t.boxAt(window.annotaEditor.store.regions[0].value, t.frame); }"
    )
    middle = {k: js_round2((first[k] + second[k]) / 2) for k in ("x", "y", "width", "height")}
    assert {k: shown[k] for k in middle} == middle
    assert shown["keyframe"] is False
    screenshots(page, "editor-video-track")

    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    (track,) = annotation.regions
    assert track["control"] == "cars"
    assert track["value"]["label"] == "bus"
    flags = {"keyframe": True, "outside": False, "occluded": False}
    assert track["value"]["frames"] == [{**first, **flags}, {**second, **flags}]


SEGMENTS = """
fields: [{name: video, type: video}]
controls:
  - {name: cars, type: video_track, field: video, labels: [car, bus]}
  - {name: events, type: segments, field: video, labels: [overtake, stop]}
"""


def test_a_timeline_segment_on_video_is_stored(media_project, webm, editor, stored):
    pid = media_project(SEGMENTS, {"clip.webm": webm(frames=50)})
    page = editor(pid, ready="window.annotaEditor?.timeline?.player")
    page.wait_for_function("() => window.annotaEditor.videoTools.stage?.ready")
    duration = page.evaluate("window.annotaEditor.timeline.player.ws.getDuration()")
    assert abs(duration - 2.0) < 0.05
    page.locator(".waveform").scroll_into_view_if_needed()
    box = page.locator(".waveform").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.25, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, y, steps=6)
    page.mouse.up()
    page.locator('.timeline-control[data-control="events"] [data-label="stop"]').click()
    (segment,) = page.evaluate("window.annotaEditor.store.byControl('events').map(r => r.value)")
    assert segment["label"] == "stop"
    assert abs(segment["start"] - 0.25 * duration) < 0.05
    assert abs(segment["end"] - 0.75 * duration) < 0.05
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    assert [r["value"] for r in annotation.regions] == [segment]
