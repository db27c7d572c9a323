"""Image and video editor benchmark in headless Chromium (issue 5).

1. 1,000 boxes on a 1920 x 1080 image (a saved draft): time from navigation to the first
   frame painted with all boxes, then one box dragged with the real mouse over 60 pointer
   moves; per move, the time from the event to the end of the frame showing the box there.
2. A very large image (default 10,000 x 10,000 px): navigation to the first painted frame
   (the editor draws it from a downscaled bitmap), then a wheel zoom's frame time.
3. A long 1080p video (VP8 WebM written with PyAV; default 600 s at 25 fps): time from
   navigation to the first frame drawn, then seeks to random frames (set the frame, wait
   for the decoder's `seeked` and the next painted frame).

Label Studio is not run here (see README.md). Run from the repository root:
``.venv/bin/python bench/web_media/run_media.py [--video-seconds 600]``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

from annota.app import create_app
from annota.config import Settings
from annota.services import annotating, assignment, importing, projects, users
from annota.services.actor import Actor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "web"))
from run_editor import serve

OP = Actor.operator()
PASSWORD = "bench password 123"
IMAGE = """
fields: [{name: image, type: image}]
controls: [{name: objects, type: bbox, field: image, labels: [car, person], rotation: true}]
"""
VIDEO = """
fields: [{name: video, type: video}]
controls: [{name: cars, type: video_track, field: video, labels: [car]}]
"""
LATENCY = """() => {
  window.__lat = [];
  document.addEventListener('pointermove', (e) => {
    requestAnimationFrame(() => window.__lat.push(performance.now() - e.timeStamp));
  });
}"""
PAINTED = """() => new Promise((done) => requestAnimationFrame(() =>
  requestAnimationFrame(() => done(performance.now()))))"""
SEEK = """async (frames) => {
  const st = window.annotaEditor.videoTools;
  const out = [];
  for (const k of frames) {
    const t0 = performance.now();
    const seeked = new Promise((r) => st.stage.video.addEventListener('seeked', r, {once: true}));
    st.stage.seek(k);
    await seeked;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    out.push(performance.now() - t0);
  }
  return out;
}"""


def png(width: int, height: int) -> bytes:
    x = np.linspace(0, 255, width, dtype=np.uint8)
    row = np.broadcast_to(x, (height, width))
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(row)).convert("RGB").save(buf, format="PNG")
    return buf.getvalue()


def webm(seconds: int, fps: int = 25, width: int = 1920, height: int = 1080) -> bytes:
    import av  # noqa: PLC0415  (only this workload needs it)

    buf = io.BytesIO()
    with av.open(buf, mode="w", format="webm") as out:
        stream = out.add_stream("libvpx", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"deadline": "realtime", "cpu-used": "8", "g": str(2 * fps), "b": "2M"}
        base = np.full((height, width, 3), 50, np.uint8)
        for k in range(seconds * fps):
            img = base.copy()
            x = (k * 7) % (width - 40)
            img[:, x : x + 40] = (240, 200, 40)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def project(db, schema: str, folder: Path, files: dict[str, bytes]) -> int:
    pid = projects.create_project(db, OP, name=folder.name, schema=schema).id
    projects.set_member(db, OP, pid, username="ann", role="annotator")
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    importing.import_folder(db, OP, pid, folder)
    return pid


def boxes(n: int) -> list[dict]:
    return [
        {
            "control": "objects",
            "id": f"b{i + 1}",
            "value": {
                "x": (i % 40) * 48 + 2,
                "y": (i // 40) * 43 + 2,
                "width": 40,
                "height": 36,
                "rotation": 0,
                "label": "car",
            },
        }
        for i in range(n)
    ]


def stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values), 2),
        "p90_ms": round(statistics.quantiles(values, n=10)[-1], 2)
        if len(values) > 1
        else values[0],
        "max_ms": round(max(values), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=1000)
    parser.add_argument("--big-image", type=int, default=10_000, help="side in px; 0 skips")
    parser.add_argument("--video-seconds", type=int, default=600, help="0 skips the video")
    parser.add_argument("--seeks", type=int, default=30)
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        app = create_app(Settings(data_dir=work / "data"))
        db = app.state.db
        info = users.create_user(db, OP, username="ann", password=PASSWORD)
        ann = Actor(user_id=info.id, username="ann", is_admin=False)
        boxes_pid = project(db, IMAGE, work / "boxes", {"street.png": png(1920, 1080)})
        item = assignment.next_item(db, ann, boxes_pid)
        annotating.create_annotation(db, ann, item.id, regions=boxes(args.boxes), status="draft")
        big_pid = None
        if args.big_image:
            side = args.big_image
            big_pid = project(db, IMAGE, work / "big", {"big.png": png(side, side)})
        video_pid = None
        if args.video_seconds:
            t0 = time.perf_counter()
            clip = webm(args.video_seconds)
            results["video"] = {
                "seconds": args.video_seconds,
                "bytes": len(clip),
                "encode_s": round(time.perf_counter() - t0, 1),
            }
            video_pid = project(db, VIDEO, work / "video", {"clip.webm": clip})
        _server, url = serve(app)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=["--no-sandbox", "--disable-gpu"],
            )
            context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 860})
            assert context.request.post(
                "/api/v1/auth/login", data={"username": "ann", "password": PASSWORD}
            ).ok
            page = context.new_page()
            page.goto(f"/projects/{boxes_pid}/label")
            page.wait_for_function(
                "(n) => window.annotaEditor?.imageTools?.size"
                " && window.annotaEditor.store.regions.length === n",
                arg=args.boxes,
            )
            first_paint = page.evaluate(PAINTED)
            page.keyboard.press("v")
            page.evaluate(LATENCY)
            view = page.evaluate(
                "() => { const s = window.annotaEditor.imageTools.stage;"
                " const r = s.canvas.getBoundingClientRect();"
                " return {l: r.left, t: r.top, ...s.view}; }"
            )
            sx = view["l"] + view["ox"] + (2 + 20) * view["scale"]
            sy = view["t"] + view["oy"] + (2 + 18) * view["scale"]
            page.mouse.move(sx, sy)
            page.mouse.down()
            page.mouse.move(sx + 300, sy + 200, steps=60)
            page.mouse.up()
            page.evaluate(PAINTED)
            results["boxes"] = {
                "count": args.boxes,
                "first_paint_ms": round(first_paint),
                "move_event_to_paint": stats(page.evaluate("window.__lat")),
            }
            if big_pid:
                page.goto(f"/projects/{big_pid}/label")
                page.wait_for_function(
                    "() => window.annotaEditor?.imageTools?.size", timeout=120_000
                )
                painted = page.evaluate(PAINTED)
                canvas = page.locator("canvas.image-canvas").bounding_box()
                page.mouse.move(canvas["x"] + 200, canvas["y"] + 200)
                t0 = page.evaluate("performance.now()")
                page.mouse.wheel(0, -400)
                zoomed = page.evaluate(PAINTED) - t0
                results["big_image"] = {
                    "side_px": args.big_image,
                    "first_paint_ms": round(painted),
                    "wheel_zoom_to_paint_ms": round(zoomed, 1),
                }
            if video_pid:
                page.goto(f"/projects/{video_pid}/label")
                page.wait_for_function(
                    "() => window.annotaEditor?.videoTools?.stage?.ready", timeout=120_000
                )
                ttff = page.evaluate(PAINTED)
                frames = page.evaluate("window.annotaEditor.videoTools.frames")
                rng = random.Random(3)
                seeks = page.evaluate(SEEK, [rng.randrange(frames) for _ in range(args.seeks)])
                results["video"].update(
                    {"frames": frames, "first_frame_ms": round(ttff), "seek_to_paint": stats(seeks)}
                )
            browser.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
