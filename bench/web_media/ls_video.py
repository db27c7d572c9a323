"""Time to first frame and seek latency on a long 1080p video: Annota and Label Studio.

Both editors get the same clip (run_media.video: H.264 MP4, a frame counter drawn in each
frame) and are measured with one probe that reads the editor's own canvas, so it counts
what is on screen rather than what either editor says:

- **first frame**: navigation start to just after the first frame in which a canvas of
  the page shows frame 0 (counter 0, the moving bar at the left edge);
- **seek**: the editor's own seek call (Annota ``stage.seek(k)``, Label Studio
  ``setFrame(k + 1)``, its frames count from 1) to just after the first frame in which
  the canvas shows the counter of the target frame; a seek that shows another frame is
  counted in ``wrong_frames``.

"Just after a frame" is a MessageChannel task posted from requestAnimationFrame (as in
ls_image.py's AFTER_FRAME), so an editor that draws in its own rAF callback is seen in
the frame it draws. Label Studio 1.23.2 is started as in ls_image.py; the clip is uploaded
through its import API (its upload limit raised to fit). Run from the repository root:
``.venv/bin/python bench/web_media/ls_video.py --video-file /tmp/clip600.mp4`` (the clip is
written there first when missing: 600 s, 1080p, 25 fps).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ls_image import EMAIL, PASSWORD
from run_core import QUIET_ENV, Server, ensure_label_studio, free_port, load_average
from run_editor import serve
from run_media import BIT_LAYOUT, OP, VIDEO, project, stats, video
from run_media import PASSWORD as ANNOTA_PASSWORD

from annota.app import create_app
from annota.config import Settings
from annota.services import users

WIDTH, HEIGHT = 1920, 1080
LS_CONFIG = """<View>
  <Video name="video" value="$video" framerate="{fps}"/>
  <VideoRectangle name="box" toName="video"/>
  <Labels name="videoLabels" toName="video"><Label value="car"/></Labels>
</View>"""
# Installed before the page's own scripts: after every frame, look for a canvas showing
# frame 0 of the clip, fitted and centred as both editors draw it, and remember it.
PROBE = f"""(() => {{
  const bits = {json.dumps(BIT_LAYOUT)};
  const W = {WIDTH}, H = {HEIGHT};
  const read = (c) => {{
    const ctx = c.getContext('2d');
    if (!ctx) return null;
    const s = Math.min(c.width / W, c.height / H);
    const ox = (c.width - W * s) / 2, oy = (c.height - H * s) / 2;
    const px = (x, y) =>
      ctx.getImageData(Math.round(ox + x * s), Math.round(oy + y * s), 1, 1).data;
    let k = 0;
    for (let b = 0; b < bits.n; b++) {{
      if (px(bits.x + b * bits.w + 20, bits.y + 20)[0] > 128) k |= 1 << b;
    }}
    return {{k, bar: px(20, H / 2)[0] > 150, dark: px(bits.x + 20, bits.y + 20)[0] < 60}};
  }};
  const afterFrames = (check) => new Promise((done) => {{
    const channel = new MessageChannel();
    const tick = () => requestAnimationFrame(() => channel.port2.postMessage(0));
    channel.port1.onmessage = () => {{
      const r = check();
      if (r !== undefined) done(r);
      else tick();
    }};
    tick();
  }});
  window.__video = {{read, afterFrames, canvas: null, first: null}};
  afterFrames(() => {{
    for (const c of document.querySelectorAll('canvas')) {{
      if (c.width < 200 || c.height < 100) continue;
      const r = read(c);
      if (r && r.k === 0 && r.bar && r.dark) {{
        window.__video.canvas = c;
        window.__video.first = performance.now();
        return true;
      }}
    }}
  }});
}})();"""
SEEKS = """async ([targets, seekCode]) => {
  const seek = new Function('k', seekCode);
  const v = window.__video;
  const out = [];
  for (const k of targets) {
    const t0 = performance.now();
    seek(k);
    const deadline = t0 + 10000;
    const shown = await v.afterFrames(() => {
      const r = v.read(v.canvas);
      if (r.k === k) return k;
      if (performance.now() > deadline) return r.k;
    });
    out.push([performance.now() - t0, shown]);
  }
  return out;
}"""
ANNOTA_SEEK = "window.annotaEditor.videoTools.stage.seek(k)"
LS_SEEK = "window.Htx.annotationStore.selected.names.get('video').setFrame(k + 1)"


def measure(page: Any, url: str, seek: str, targets: list[int], loads: int) -> dict[str, Any]:
    firsts = []
    for _ in range(loads):
        page.goto(url)
        page.wait_for_function("() => window.__video && window.__video.first", timeout=300_000)
        firsts.append(round(page.evaluate("window.__video.first")))
    page.wait_for_timeout(1000)
    seeks = page.evaluate(SEEKS, [targets, seek])
    return {
        "first_frame_ms": firsts,
        "seek_to_painted_frame": stats([ms for ms, _ in seeks]),
        "wrong_frames": sum(k != shown for k, (_, shown) in zip(targets, seeks, strict=True)),
    }


def annota(browser: Any, clip: Path, targets: list[int], loads: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        app = create_app(Settings(data_dir=work / "data"))
        db = app.state.db
        users.create_user(db, OP, username="ann", password=ANNOTA_PASSWORD)
        pid = project(db, VIDEO, work / "video", {clip.name: clip})
        server, url = serve(app)
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 860})
        context.add_init_script(PROBE)
        login = {"username": "ann", "password": ANNOTA_PASSWORD}
        assert context.request.post("/api/v1/auth/login", data=login).ok
        out = measure(context.new_page(), f"/projects/{pid}/label", ANNOTA_SEEK, targets, loads)
        context.close()
        server.should_exit = True
    return out


def label_studio(
    browser: Any, clip: Path, fps: int, targets: list[int], loads: int
) -> dict[str, Any]:
    exe = ensure_label_studio()
    port, token = free_port(), secrets.token_hex(20)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "ls-data"
        data.mkdir()
        limit = str(2 * clip.stat().st_size + (1 << 20))
        env = {**os.environ, **QUIET_ENV, "LABEL_STUDIO_BASE_DATA_DIR": str(data)}
        env["DATA_UPLOAD_MAX_MEMORY_SIZE"] = limit  # default 250 MiB; the clip is larger
        cmd = [str(exe), "start", "--no-browser", "--port", str(port)]
        cmd += ["--internal-host", "127.0.0.1", "--data-dir", str(data)]
        cmd += ["--username", EMAIL, "--password", PASSWORD, "--user-token", token]
        cmd += ["--enable-legacy-api-token", "--log-level", "WARNING"]
        url = f"http://127.0.0.1:{port}"
        with Server(cmd, env, Path(tmp) / "ls.log", f"{url}/api/version"):
            api = httpx.Client(
                base_url=url, headers={"Authorization": f"Token {token}"}, timeout=600
            )
            config = LS_CONFIG.format(fps=fps)
            created = api.post("/api/projects", json={"title": "video", "label_config": config})
            created.raise_for_status()
            pid = created.json()["id"]
            t0 = time.perf_counter()
            with open(clip, "rb") as fh:
                upload = api.post(
                    f"/api/projects/{pid}/import", files={"file": (clip.name, fh, "video/mp4")}
                )
            upload.raise_for_status()
            upload_s = round(time.perf_counter() - t0, 1)
            task = api.get("/api/tasks", params={"project": pid}).json()["tasks"][0]["id"]
            context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 860})
            context.add_init_script(PROBE)
            page = context.new_page()
            page.goto("/user/login/")
            page.fill('input[name="email"]', EMAIL)
            page.fill('input[name="password"]', PASSWORD)
            with page.expect_navigation():
                page.locator('button[type="submit"], input[type="submit"]').first.click()
            out = measure(page, f"/projects/{pid}/data?task={task}", LS_SEEK, targets, loads)
            context.close()
    return {"label_studio": "1.23.2", "upload_s": upload_s, **out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video-file", type=Path, default=Path("/tmp/annota-clip600.mp4"))
    parser.add_argument("--video-seconds", type=int, default=600, help="when writing the clip")
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--seeks", type=int, default=30)
    parser.add_argument("--loads", type=int, default=2, help="page loads timed per editor")
    parser.add_argument("--skip-annota", action="store_true")
    args = parser.parse_args()
    clip = args.video_file
    encode_s = None
    if not clip.exists():
        t0 = time.perf_counter()
        video(clip, args.video_seconds, args.fps)
        encode_s = round(time.perf_counter() - t0, 1)
    frames = args.video_seconds * args.fps
    rng = random.Random(3)
    # not the last frame: Label Studio's frame k + 1 must exist
    targets = [rng.randrange(frames - 1) for _ in range(args.seeks)]
    out: dict[str, Any] = {
        "clip": {"bytes": clip.stat().st_size, "fps": args.fps, "encode_s": encode_s},
        "load_average_before": load_average(),
    }
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
        )
        if not args.skip_annota:
            out["annota"] = annota(browser, clip, targets, args.loads)
        out["label_studio"] = label_studio(browser, clip, args.fps, targets, args.loads)
        browser.close()
    out["load_average_after"] = load_average()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
