"""1,000 boxes on one image: the editor loads them and one is moved with the real mouse.

Figures (printed, never asserted): time from navigation to the first painted frame with
the boxes, and per pointer move the time from the event to the end of the frame that
shows the moved box (the canvas redraws all 1,000 boxes each frame).
"""

from __future__ import annotations

import statistics

from annota.services import annotating, assignment

SCHEMA = """
fields: [{name: image, type: image}]
controls:
  - {name: objects, type: bbox, field: image, labels: [car, person], rotation: true}
"""
W, H = 1600, 1200

MEASURE = """() => {
  window.__lat = [];
  document.addEventListener('pointermove', (e) => {
    // registered after the canvas's own handler queued its redraw: runs once it is painted
    requestAnimationFrame(() => window.__lat.push(performance.now() - e.timeStamp));
  });
}"""

VIEW = """() => {
  const st = window.annotaEditor.imageTools;
  const r = st.stage.canvas.getBoundingClientRect();
  return {left: r.left, top: r.top, ...st.stage.view};
}"""


def boxes(n: int = 1000) -> list[dict]:
    out = []
    for i in range(n):
        col, row = i % 40, i // 40
        out.append(
            {
                "control": "objects",
                "id": f"b{i + 1}",
                "value": {
                    "x": col * 40 + 2,
                    "y": row * 48 + 2,
                    "width": 30,
                    "height": 36,
                    "rotation": 0,
                    "label": "car" if i % 2 else "person",
                },
            }
        )
    return out


def test_a_thousand_boxes_load_and_one_moves(media_project, png, editor, db, people):
    pid = media_project(SCHEMA, {"crowd.png": png(W, H)})
    item = assignment.next_item(db, people.actors["ann"], pid)
    regions = boxes()
    annotating.create_annotation(db, people.actors["ann"], item.id, regions=regions, status="draft")
    page = editor(pid, ready="window.annotaEditor?.store.regions.length === 1000")
    page.wait_for_function("() => Boolean(window.annotaEditor.imageTools.size)")
    page.wait_for_timeout(100)
    loaded = page.evaluate("performance.now()")
    page.keyboard.press("v")  # select / move tool
    page.evaluate(MEASURE)
    v = page.evaluate(VIEW)
    target = regions[520]["value"]  # row 13, column 0
    cx, cy = target["x"] + 15, target["y"] + 18
    sx = round(v["left"] + v["ox"] + cx * v["scale"])
    sy = round(v["top"] + v["oy"] + cy * v["scale"])
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(sx + 40, sy + 30, steps=20)
    page.mouse.up()
    page.wait_for_timeout(100)
    latencies = page.evaluate("window.__lat")
    stored = page.evaluate("window.annotaEditor.store.regions")
    moved = stored[520]["value"]
    assert abs(moved["x"] - (target["x"] + 40 / v["scale"])) <= 0.011
    assert abs(moved["y"] - (target["y"] + 30 / v["scale"])) <= 0.011
    assert [r["value"] for i, r in enumerate(stored) if i != 520] == [
        r["value"] for i, r in enumerate(regions) if i != 520
    ]
    page.keyboard.press("Control+z")
    assert page.evaluate("window.annotaEditor.store.regions[520].value") == target
    print(  # noqa: T201  (the figure the issue asks to record; never asserted)
        f"\n1,000 boxes: editor ready {loaded:.0f} ms after navigation; moving one box: "
        f"{len(latencies)} pointer moves, event-to-painted median "
        f"{statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms"
    )
