"""Polygons and keypoints drawn on video frames, and COCO person keypoints on an image.

A shape on a video field stores the frame it was drawn on (``value.frame``) and is shown on
that frame only; a ``template: coco_person`` control reaches the editor as its 17 points.
"""

from __future__ import annotations

from tests.web.editor_media.test_image_tools import Mapper as ImageMapper
from tests.web.editor_media.test_video_tracks import Mapper, at_frame

VIDEO_SCHEMA = """
fields: [{name: video, type: video}]
controls:
  - {name: cars, type: video_track, field: video, labels: [car]}
  - {name: outline, type: polygon, field: video, labels: [car, bus]}
  - {name: pose, type: keypoints, field: video, template: coco_person}
"""

IMAGE_SCHEMA = """
fields: [{name: image, type: image}]
controls:
  - {name: pose, type: keypoints, field: image, template: coco_person}
"""

SHOWN = """async () => {
  const m = await import("/static/editor/controls/video_shapes.js");
  return m.shapesAt(window.annotaEditor.videoTools.stage).map(({r}) => r.control);
}"""


def click(page, m: Mapper, x: float, y: float, shift: bool = False) -> list[float]:
    s = m.screen(x, y)
    if shift:
        page.keyboard.down("Shift")
    page.mouse.click(*s)
    if shift:
        page.keyboard.up("Shift")
    return [*m.image(*s)]


def values(page, control: str):
    return page.evaluate(
        "(c) => window.annotaEditor.store.byControl(c).map((r) => r.value)", control
    )


def step_to(page, k: int) -> None:
    current = page.evaluate("window.annotaEditor.videoTools.frame")
    for _ in range(k - current):
        page.keyboard.press("ArrowRight")
    at_frame(page, k)


def test_polygon_and_keypoints_on_video_frames(media_project, webm, editor, stored, screenshots):
    pid = media_project(VIDEO_SCHEMA, {"clip.webm": webm(frames=30)})
    page = editor(pid, ready="window.annotaEditor?.videoTools?.stage?.ready")
    m = Mapper(page)

    page.keyboard.press("p")  # polygon tool
    page.keyboard.press("2")  # label: bus
    step_to(page, 3)
    poly = [click(page, m, 40, 40), click(page, m, 140, 50), click(page, m, 90, 150)]
    click(page, m, 40, 40)  # the first vertex closes it
    outline = {"points": poly, "label": "bus", "frame": 3}
    assert values(page, "outline") == [outline]
    page.keyboard.press("Escape")  # deselect, so the arrows step frames again

    page.keyboard.press("k")
    step_to(page, 5)
    assert page.evaluate(SHOWN) == []  # the polygon belongs to frame 3 only
    nose = click(page, m, 200, 100)
    left = click(page, m, 190, 90)
    right = click(page, m, 210, 90, shift=True)  # labelled, hidden
    page.keyboard.press("Enter")  # stop after three of the 17 points
    pose = {
        "points": {"nose": [*nose, 2], "left_eye": [*left, 2], "right_eye": [*right, 1]},
        "frame": 5,
    }
    assert values(page, "pose") == [pose]
    assert page.evaluate(SHOWN) == ["pose"]
    screenshots(page, "editor-video-frame-shapes")
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    at_frame(page, 3)
    assert page.evaluate(SHOWN) == ["outline"]

    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    by = {r["control"]: r["value"] for r in annotation.regions}
    assert by == {"outline": outline, "pose": pose}


def test_coco_person_template_places_points_by_coco_name(media_project, png, editor, stored):
    pid = media_project(IMAGE_SCHEMA, {"person.png": png(320, 240)})
    page = editor(pid)
    points = page.evaluate(
        "window.annotaEditor.schema.controls.find((c) => c.name === 'pose').points"
    )
    assert len(points) == 17
    assert points[:3] == ["nose", "left_eye", "right_eye"]
    m = ImageMapper(page)
    page.keyboard.press("k")
    placed = [m.click(160, 60), m.click(150, 50), m.click(170, 50), m.click(140, 55)]
    page.keyboard.press("Enter")
    names = ["nose", "left_eye", "right_eye", "left_ear"]
    expected = {"points": {n: [*p, 2] for n, p in zip(names, placed, strict=True)}}
    assert values(page, "pose") == [expected]
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    assert [r["value"] for r in annotation.regions] == [expected]


SHAPES_ONLY = """
fields: [{name: video, type: video}]
controls:
  - {name: outline, type: polyline, field: video, labels: [lane]}
"""


def test_a_video_with_only_frame_shapes_steps_frames_by_key(media_project, webm, editor, stored):
    pid = media_project(SHAPES_ONLY, {"clip.webm": webm(frames=12)})
    page = editor(pid, ready="window.annotaEditor?.videoTools?.stage?.ready")
    m = Mapper(page)
    step_to(page, 2)  # ArrowRight, bound without any track control
    line = [click(page, m, 10, 10), click(page, m, 200, 120)]
    page.keyboard.press("Enter")
    assert values(page, "outline") == [{"points": line, "label": "lane", "frame": 2}]
    page.keyboard.press("ArrowRight")  # the line is selected: the arrow moves it 1 px
    moved = [[x + 1, y] for x, y in line]
    assert values(page, "outline") == [{"points": moved, "label": "lane", "frame": 2}]
    assert page.evaluate("window.annotaEditor.videoTools.frame") == 2
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    assert [r["value"] for r in annotation.regions] == [
        {"points": moved, "label": "lane", "frame": 2}
    ]
