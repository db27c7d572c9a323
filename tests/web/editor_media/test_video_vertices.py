"""Adding, removing and dragging vertices of a polygon drawn on a video frame.

The gestures are the image ones (test_image_editing.py): Shift+click on an edge inserts a
vertex there, Alt+click on a vertex removes it (never below a polygon's 3), a vertex is
dragged; each is one store change, so one undo takes it back. The value keeps its frame.
"""

from __future__ import annotations

from tests.web.editor_media.test_frame_shapes_and_templates import click, step_to, values
from tests.web.editor_media.test_video_tracks import Mapper

SCHEMA = """
fields: [{name: video, type: video}]
controls:
  - {name: cars, type: video_track, field: video, labels: [car]}
  - {name: outline, type: polygon, field: video, labels: [car]}
  - {name: lanes, type: polyline, field: video, labels: [lane]}
"""


def alt_click(page, m: Mapper, x: float, y: float) -> None:
    page.keyboard.down("Alt")
    page.mouse.click(*m.screen(x, y))
    page.keyboard.up("Alt")


def test_polygon_vertices_are_added_removed_and_moved_on_a_frame(
    media_project, webm, editor, stored
):
    pid = media_project(SCHEMA, {"clip.webm": webm(frames=12)})
    page = editor(pid, ready="window.annotaEditor?.videoTools?.stage?.ready")
    m = Mapper(page)
    page.keyboard.press("p")
    step_to(page, 2)
    pts = [click(page, m, 40, 40), click(page, m, 200, 40), click(page, m, 120, 180)]
    click(page, m, 40, 40)  # closes the polygon, which stays selected
    assert values(page, "outline") == [{"points": pts, "label": "car", "frame": 2}]

    # Shift on the top edge: a vertex between the first two
    pts.insert(1, click(page, m, 120, 40, shift=True))
    assert values(page, "outline")[0]["points"] == pts
    # Shift on the closing edge (last vertex back to the first): appended at the end
    pts.append(click(page, m, 80, 110, shift=True))
    assert values(page, "outline")[0]["points"] == pts
    assert len(pts) == 5

    # drag the inserted top vertex up
    _, moved = m.drag(pts[1], (120, 20))
    pts[1] = list(moved)
    assert values(page, "outline")[0]["points"] == pts

    # Alt on a vertex removes it; one undo brings it back
    alt_click(page, m, *pts[2])
    assert values(page, "outline")[0]["points"] == pts[:2] + pts[3:]
    page.keyboard.press("Control+z")
    assert values(page, "outline")[0]["points"] == pts
    alt_click(page, m, *pts[2])
    del pts[2]
    alt_click(page, m, *pts[3])
    del pts[3]
    assert values(page, "outline")[0]["points"] == pts
    assert len(pts) == 3
    alt_click(page, m, *pts[0])  # a polygon keeps three vertices
    assert values(page, "outline") == [{"points": pts, "label": "car", "frame": 2}]
    assert len(page.evaluate("window.annotaEditor.store.regions")) == 1  # no new shape begun

    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    assert [r["value"] for r in annotation.regions] == [{"points": pts, "label": "car", "frame": 2}]


def test_a_polyline_gets_vertices_on_its_edges_only(media_project, webm, editor):
    pid = media_project(SCHEMA, {"clip.webm": webm(frames=12)})
    page = editor(pid, ready="window.annotaEditor?.videoTools?.stage?.ready")
    m = Mapper(page)
    page.keyboard.press("n")
    line = [click(page, m, 40, 40), click(page, m, 200, 40), click(page, m, 200, 180)]
    page.keyboard.press("Enter")
    line.insert(2, click(page, m, 200, 110, shift=True))
    assert values(page, "lanes")[0]["points"] == line
    alt_click(page, m, *line[2])
    del line[2]
    assert values(page, "lanes") == [{"points": line, "label": "lane", "frame": 0}]
    # where a closing edge would run (last point back to the first) is no edge of a line
    # (the press may start a new line; what counts is that this one gains no vertex)
    click(page, m, 120, 110, shift=True)
    assert values(page, "lanes")[0]["points"] == line
