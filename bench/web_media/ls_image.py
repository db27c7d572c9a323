"""The 1,000-box workload of run_media.py on Label Studio 1.23.2's image editor.

The same 1920 x 1080 gradient PNG is uploaded to a ``<Image>`` + ``<RectangleLabels>``
project, and one annotation holding the same 1,000 boxes (as percentages, LS's unit) is
posted through its API. The editor is opened from the data manager; time to interactive is
navigation start until the annotation store holds all 1,000 regions and a frame is painted.
Then the first box is dragged with the real mouse over 60 pointer moves, and per move the
time from the event to just after the next frame is taken (``AFTER_FRAME``). Annota is run
first in the same browser with the same boxes and the same probe, so the two figures are
comparable (run_media.py's own probe stops at the start of the frame).
Label Studio is started as in bench/web/ls_editor.py (its own venv, bench/run_core.py).

Run from the repository root: ``.venv/bin/python bench/web_media/ls_image.py``.
"""

from __future__ import annotations

import argparse
import json
import os
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
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "web"))
from run_core import QUIET_ENV, Server, ensure_label_studio, free_port
from run_editor import serve
from run_media import IMAGE, OP, PAINTED, boxes, png, project, stats
from run_media import PASSWORD as ANNOTA_PASSWORD

from annota.app import create_app
from annota.config import Settings
from annota.services import annotating, assignment, users
from annota.services.actor import Actor

EMAIL, PASSWORD = "bench@example.com", "bench-password-1"
WIDTH, HEIGHT = 1920, 1080
CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="objects" toName="image">
    <Label value="car"/><Label value="person"/>
  </RectangleLabels>
</View>"""
REGIONS = """(n) => {
  const a = window.Htx && window.Htx.annotationStore && window.Htx.annotationStore.selected;
  return a && a.regions.length >= n ? performance.now() : false;
}"""
FIRST = """() => {
  const r = window.Htx.annotationStore.selected.regions[0];
  return {x: r.x, y: r.y};
}"""
IMAGE_BOX = """() => {
  // the image is drawn into a Konva stage sized to the (fitted) picture
  const stages = [...document.querySelectorAll('.konvajs-content')];
  const r = stages.map((e) => e.getBoundingClientRect()).sort((a, b) => b.width - a.width)[0];
  return {l: r.left, t: r.top, w: r.width, h: r.height, found: stages.length};
}"""
# Per pointermove: event time to just after the frame that follows it has been produced (a
# MessageChannel task posted from requestAnimationFrame runs after that frame's rendering),
# so an editor that redraws in its own rAF callback (Konva's batchDraw, Annota's stage) is
# counted whichever callback was queued first. Capture phase: Label Studio's canvas stops
# pointer events before they reach the document.
AFTER_FRAME = """() => {
  window.__lat = [];
  const pending = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const now = performance.now();
    for (const t of pending.splice(0)) window.__lat.push(now - t);
  };
  document.addEventListener('pointermove', (e) => requestAnimationFrame(() => {
    pending.push(e.timeStamp);
    channel.port2.postMessage(0);
  }), true);
}"""


def result(n: int) -> list[dict[str, Any]]:
    """The boxes of run_media.boxes in Label Studio's percent units."""
    out = []
    for region in boxes(n):
        v = region["value"]
        out.append(
            {
                "id": region["id"],
                "from_name": "objects",
                "to_name": "image",
                "type": "rectanglelabels",
                "original_width": WIDTH,
                "original_height": HEIGHT,
                "value": {
                    "x": v["x"] / WIDTH * 100,
                    "y": v["y"] / HEIGHT * 100,
                    "width": v["width"] / WIDTH * 100,
                    "height": v["height"] / HEIGHT * 100,
                    "rotation": 0,
                    "rectanglelabels": [v["label"]],
                },
            }
        )
    return out


def annota(browser: Any, n: int, repeats: int) -> dict[str, Any]:
    """The same boxes as a saved draft in Annota, measured with the same probe."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        app = create_app(Settings(data_dir=work / "data"))
        db = app.state.db
        info = users.create_user(db, OP, username="ann", password=ANNOTA_PASSWORD)
        ann = Actor(user_id=info.id, username="ann", is_admin=False)
        pid = project(db, IMAGE, work / "boxes", {"street.png": png(WIDTH, HEIGHT)})
        item = assignment.next_item(db, ann, pid)
        annotating.create_annotation(db, ann, item.id, regions=boxes(n), status="draft")
        server, url = serve(app)
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 860})
        login = {"username": "ann", "password": ANNOTA_PASSWORD}
        assert context.request.post("/api/v1/auth/login", data=login).ok
        page = context.new_page()
        tti = []
        for _ in range(repeats):
            page.goto(f"/projects/{pid}/label")
            page.wait_for_function(
                "(n) => window.annotaEditor?.imageTools?.size"
                " && window.annotaEditor.store.regions.length === n",
                arg=n,
            )
            tti.append(page.evaluate(PAINTED) / 1000)
        page.keyboard.press("v")
        first = boxes(1)[0]["value"]
        before = page.evaluate("window.annotaEditor.store.regions[0].value")
        view = page.evaluate(
            "() => { const s = window.annotaEditor.imageTools.stage;"
            " const r = s.canvas.getBoundingClientRect();"
            " return {l: r.left, t: r.top, ...s.view}; }"
        )
        sx = view["l"] + view["ox"] + (first["x"] + 20) * view["scale"]
        sy = view["t"] + view["oy"] + (first["y"] + 18) * view["scale"]
        page.evaluate(AFTER_FRAME)
        page.mouse.move(sx, sy)
        page.mouse.down()
        page.mouse.move(sx + 300, sy + 200, steps=60)
        page.mouse.up()
        page.evaluate(PAINTED)
        after = page.evaluate("window.annotaEditor.store.regions[0].value")
        lat = page.evaluate("window.__lat")
        context.close()
        server.should_exit = True
    return {
        "count": n,
        "tti_s": [round(t, 2) for t in tti],
        "box_moved": {"before": before, "after": after},
        "move_event_to_after_frame": stats(lat),
    }


def run(
    browser: Any, n: int, repeats: int, timeout_s: float, shot: str | None = None
) -> dict[str, Any]:
    exe = ensure_label_studio()
    port, token = free_port(), secrets.token_hex(20)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "ls-data"
        data.mkdir()
        env = {**os.environ, **QUIET_ENV, "LABEL_STUDIO_BASE_DATA_DIR": str(data)}
        cmd = [str(exe), "start", "--no-browser", "--port", str(port)]
        cmd += ["--internal-host", "127.0.0.1", "--data-dir", str(data)]
        cmd += ["--username", EMAIL, "--password", PASSWORD, "--user-token", token]
        cmd += ["--enable-legacy-api-token", "--log-level", "WARNING"]
        url = f"http://127.0.0.1:{port}"
        with Server(cmd, env, Path(tmp) / "ls.log", f"{url}/api/version"):
            api = httpx.Client(
                base_url=url, headers={"Authorization": f"Token {token}"}, timeout=300
            )
            pid = api.post("/api/projects", json={"title": "boxes", "label_config": CONFIG})
            pid.raise_for_status()
            project = pid.json()["id"]
            upload = api.post(
                f"/api/projects/{project}/import",
                files={"file": ("street.png", png(WIDTH, HEIGHT), "image/png")},
            )
            upload.raise_for_status()
            task = api.get("/api/tasks", params={"project": project}).json()["tasks"][0]["id"]
            t0 = time.perf_counter()
            posted = api.post(f"/api/tasks/{task}/annotations", json={"result": result(n)})
            posted.raise_for_status()
            post_s = time.perf_counter() - t0
            context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 860})
            page = context.new_page()
            page.set_default_timeout(timeout_s * 1000)
            page.goto("/user/login/")
            page.fill('input[name="email"]', EMAIL)
            page.fill('input[name="password"]', PASSWORD)
            with page.expect_navigation():
                page.locator('button[type="submit"], input[type="submit"]').first.click()
            tti = []
            for _ in range(repeats):
                page.goto(f"/projects/{project}/data?task={task}")
                page.wait_for_function(REGIONS, arg=n, polling=100)
                tti.append(page.evaluate(PAINTED) / 1000)
            page.wait_for_timeout(500)
            before = page.evaluate(FIRST)
            img = page.evaluate(IMAGE_BOX)
            first = boxes(1)[0]["value"]
            sx = img["l"] + (first["x"] + 20) / WIDTH * img["w"]
            sy = img["t"] + (first["y"] + 18) / HEIGHT * img["h"]
            page.evaluate(AFTER_FRAME)
            if shot:
                page.screenshot(path=shot)
            page.mouse.move(sx, sy)
            page.mouse.down()
            page.mouse.move(sx + 300, sy + 200, steps=60)
            page.mouse.up()
            page.evaluate(PAINTED)
            after = page.evaluate(FIRST)
            lat = page.evaluate("window.__lat")
            context.close()
    return {
        "label_studio": "1.23.2",
        "count": n,
        "annotation_post_s": round(post_s, 2),
        "tti_s": [round(t, 2) for t in tti],
        "image_on_screen": img,
        "box_moved": {"before": before, "after": after},
        "move_event_to_after_frame": stats(lat) if lat else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300, help="seconds per page wait")
    parser.add_argument("--screenshot", help="save the loaded editor as this PNG")
    args = parser.parse_args()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
        )
        out = {
            "annota": annota(browser, args.boxes, args.repeats),
            "label_studio": run(browser, args.boxes, args.repeats, args.timeout, args.screenshot),
        }
        browser.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
