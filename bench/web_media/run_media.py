"""Image and video editor benchmark in headless Chromium (issue 5).

1. 1,000 boxes on a 1920 x 1080 image (a saved draft): time from navigation to the first
   frame painted with all boxes, then one box dragged with the real mouse over 60 pointer
   moves; per move, the time from the event to the end of the frame showing the box there.
2. A very large image (default 10,000 x 10,000 px): navigation to the first painted frame
   (the editor draws it from a downscaled bitmap), then a wheel zoom's frame time.
3. A long 1080p video (H.264 MP4 written with PyAV, or VP8 WebM; default 600 s at 25 fps,
   a frame counter drawn in each frame): time from navigation to the first frame drawn,
   then seeks to random frames (set the frame, wait for the decoder's `seeked` and the next
   painted frame), each checked by reading the counter back from the canvas.

Label Studio is run by ls_image.py and ls_video.py (see README.md). Run from the repository root:
``.venv/bin/python bench/web_media/run_media.py [--video-seconds 600]``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
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
# Per seek: the time to the frame after the one the stage paints on `seeked`, and the frame
# number read back from the counter blocks on the canvas (a wrong frame is counted, not hidden).
READ_FRAME = """(st, bits) => {
  const {canvas, view} = st.stage;
  const dpr = window.devicePixelRatio || 1;
  const ctx = canvas.getContext('2d');
  let k = 0;
  for (let b = 0; b < bits.n; b++) {
    const x = dpr * (view.ox + (bits.x + b * bits.w + 20) * view.scale);
    const y = dpr * (view.oy + (bits.y + 20) * view.scale);
    if (ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data[0] > 128) k |= 1 << b;
  }
  return k;
}"""
SEEK = f"""async ([frames, bits]) => {{
  const read = {READ_FRAME};
  const st = window.annotaEditor.videoTools;
  const out = [];
  for (const k of frames) {{
    const t0 = performance.now();
    const seeked = new Promise((r) => st.stage.video.addEventListener('seeked', r, {{once: true}}));
    st.stage.seek(k);
    await seeked;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    out.push([performance.now() - t0, read(st, bits)]);
  }}
  return out;
}}"""
BIT_LAYOUT = {"n": 16, "x": 40, "y": 40, "w": 50}


def png(width: int, height: int) -> bytes:
    x = np.linspace(0, 255, width, dtype=np.uint8)
    row = np.broadcast_to(x, (height, width))
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(row)).convert("RGB").save(buf, format="PNG")
    return buf.getvalue()


# The frame counter: 16 bits as 40 x 40 px blocks (white = 1) along the top left, so the
# frame a seek painted can be read back from the canvas.
# (BIT_LAYOUT above tells the page the same numbers.)
BITS, BIT_X, BIT_Y, BIT_W = 16, 40, 40, 50


def video_frames(count: int, width: int, height: int):  # type: ignore[no-untyped-def]
    """Frames in planar YUV 4:2:0, drawn with numpy on one pre-made picture.

    Every frame differs (a moving bar and the counter), but the background is fixed, so
    encoding costs little besides the codec itself; mild noise keeps keyframes a realistic
    size (about 3.5 Mbit/s in H.264). Writing YUV directly skips an RGB conversion per frame.
    """
    import av  # noqa: PLC0415  (only the video workload needs it)

    rng = np.random.default_rng(0)
    luma = np.linspace(16, 235, width)[None, :] + rng.integers(-3, 4, (height, width))
    base = np.vstack(
        [np.clip(luma, 16, 235).astype(np.uint8), np.full((height // 2, width), 128, np.uint8)]
    )
    for k in range(count):
        img = base.copy()
        x = (k * 7) % (width - 40)
        img[:height, x : x + 40] = 200
        for b in range(BITS):
            left = BIT_X + b * BIT_W
            img[BIT_Y : BIT_Y + 40, left : left + 40] = 235 if (k >> b) & 1 else 16
        frame = av.VideoFrame.from_ndarray(img, format="yuv420p")
        frame.pts = k
        yield frame


def video(
    path: Path,
    seconds: int,
    fps: int = 25,
    codec: str = "h264",
    size: tuple[int, int] = (1920, 1080),
) -> None:
    """Write a synthetic clip: H.264 (x264 ``ultrafast``) in MP4, or VP8 in WebM.

    A keyframe every 2 s, as a typical camera or web encode has, so a seek decodes at most
    2 s of frames. MP4 gets ``faststart`` (index first) so playback starts without reading
    the end of the file. 15,000 frames of 1080p take about 2 minutes in H.264 on 2 cores;
    VP8 at its fastest realtime setting is ~6x slower (319 s for 60 s before this change).
    """
    import av  # noqa: PLC0415

    width, height = size
    if codec == "h264":
        out = av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"})
        stream = out.add_stream("libx264", rate=fps)
        stream.options = {"preset": "ultrafast", "tune": "zerolatency", "crf": "23"}
    else:
        out = av.open(str(path), mode="w", format="webm")
        stream = out.add_stream("libvpx", rate=fps)
        stream.options = {"deadline": "realtime", "cpu-used": "16", "b": "3M"}
    stream.options = {**stream.options, "g": str(2 * fps)}
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    with out:
        for frame in video_frames(seconds * fps, width, height):
            out.mux(stream.encode(frame))
        out.mux(stream.encode())


def project(db, schema: str, folder: Path, files: dict[str, bytes | Path]) -> int:
    """A project with one item per file.

    A Path is hard-linked in (copied across file systems): the import skips symlinks that
    leave the folder, and a 10-minute clip need not be copied.
    """
    pid = projects.create_project(db, OP, name=folder.name, schema=schema).id
    projects.set_member(db, OP, pid, username="ann", role="annotator")
    folder.mkdir()
    for name, data in files.items():
        if isinstance(data, Path):
            try:
                os.link(data, folder / name)
            except OSError:
                shutil.copyfile(data, folder / name)
        else:
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


def clip_file(args: argparse.Namespace, work: Path) -> tuple[Path, float | None]:
    """The clip to load, and its encode time (None when an existing ``--video-file`` is reused)."""
    suffix = ".mp4" if args.video_codec == "h264" else ".webm"
    clip = args.video_file or work / f"clip{suffix}"
    if clip.exists():
        return clip, None
    t0 = time.perf_counter()
    video(clip, args.video_seconds, args.fps, args.video_codec)
    return clip, round(time.perf_counter() - t0, 1)


def stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values), 2),
        "p90_ms": round(statistics.quantiles(values, n=10, method="inclusive")[-1], 2)
        if len(values) > 1
        else values[0],
        "max_ms": round(max(values), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=1000)
    parser.add_argument("--big-image", type=int, default=10_000, help="side in px; 0 skips")
    parser.add_argument("--video-seconds", type=int, default=600, help="0 skips the video")
    parser.add_argument("--video-codec", choices=["h264", "vp8"], default="h264")
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--video-file", type=Path, help="write the clip here (reused if present)")
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
            clip, encode_s = clip_file(args, work)
            results["video"] = {
                "seconds": args.video_seconds,
                "codec": args.video_codec,
                "fps": args.fps,
                "bytes": clip.stat().st_size,
                "encode_s": encode_s,
            }
            video_pid = project(db, VIDEO, work / "video", {clip.name: clip})
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
                targets = [rng.randrange(frames) for _ in range(args.seeks)]
                seeks = page.evaluate(SEEK, [targets, BIT_LAYOUT])
                results["video"].update(
                    {
                        "frames": frames,
                        "first_frame_ms": round(ttff),
                        "seek_to_paint": stats([ms for ms, _ in seeks]),
                        "wrong_frames": sum(
                            k != shown for k, (_, shown) in zip(targets, seeks, strict=True)
                        ),
                    }
                )
            browser.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
