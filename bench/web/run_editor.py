"""Editor benchmark in headless Chromium: keyboard-only classification and a big document.

1. Classification: an annotator labels 100 items with the keyboard only (a number key, then
   Control+Enter). With no human think time, each item's wall time is the app's overhead:
   saving the answer, fetching the next item (navigation) and rendering it. Median and p90.
2. Big document: a 200 kB text carrying 2,000 spans (a saved draft). Time to interactive is
   the time from navigation start to the text with its spans written into the page
   (``performance.mark("annota:text-rendered")``); then the page is scrolled top to bottom
   frame by frame and the frame times are reported.

Run from the repository root: ``.venv/bin/python bench/web/run_editor.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import sync_playwright

from annota.app import create_app
from annota.config import Settings
from annota.formats import SourceRecord
from annota.services import annotating, assignment, importing, projects, users
from annota.services.actor import Actor

OP = Actor.operator()
PASSWORD = "bench password 123"
CLASSIFY = """
fields: [{name: text, type: text}]
controls:
  - {name: sentiment, type: choices, options: [positive, negative, neutral], required: true}
"""
NER = """
fields: [{name: text, type: text}]
controls:
  - {name: entities, type: spans, field: text, labels: [PER, ORG, LOC, MISC]}
"""
WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()  # noqa: SIM905

SCROLL = """async () => {
  const frames = [];
  const end = document.documentElement.scrollHeight - innerHeight;
  let last = performance.now();
  for (let y = 0; y <= end; y += 600) {
    scrollTo(0, y);
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  return frames;
}"""


def big_document(seed: int = 0) -> tuple[str, list[dict[str, object]]]:
    """About 200 kB of text and 2,000 non-overlapping spans on whole words."""
    rng = random.Random(seed)
    words = [rng.choice(WORDS) for _ in range(36_000)]
    text = " ".join(words)
    starts, pos = [], 0
    for w in words:
        starts.append((pos, pos + len(w)))
        pos += len(w) + 1
    chosen = sorted(rng.sample(range(len(words)), 2000))
    spans = [
        {
            "control": "entities",
            "id": f"s{i}",
            "value": {
                "start": starts[w][0],
                "end": starts[w][1],
                "label": rng.choice(["PER", "ORG", "LOC", "MISC"]),
            },
        }
        for i, w in enumerate(chosen)
    ]
    return text, spans


def serve(app: object) -> tuple[uvicorn.Server, str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    config = server.config
    import socket  # noqa: PLC0415  (bench script: pick a free port)

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        config.port = sock.getsockname()[1]
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{config.port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3, help="runs of the big-document load")
    parser.add_argument("--skip-ls", action="store_true", help="Annota only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        app = create_app(settings)
        db = app.state.db
        info = users.create_user(db, OP, username="ann", password=PASSWORD)
        ann = Actor(user_id=info.id, username="ann", is_admin=False)
        classify = projects.create_project(db, OP, name="classify", schema=CLASSIFY).id
        ner = projects.create_project(db, OP, name="ner", schema=NER).id
        for pid in (classify, ner):
            projects.set_member(db, OP, pid, username="ann", role="annotator")
        importing.import_records(
            db,
            OP,
            classify,
            [
                SourceRecord(f"r{i}", f"t{i}", {"text": f"Short review number {i}."}, {})
                for i in range(args.items + 5)
            ],
            source="bench",
        )
        text, spans = big_document()
        importing.import_records(
            db, OP, ner, [SourceRecord("r", "big", {"text": text}, {})], source="bench"
        )
        item = assignment.next_item(db, ann, ner)
        assert item is not None
        annotating.create_annotation(db, ann, item.id, regions=spans, status="draft")
        server, url = serve(app)
        results: dict[str, object] = {"text_bytes": len(text.encode()), "spans": len(spans)}
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
            page.goto(f"/projects/{classify}/label")
            page.wait_for_selector(".item-view")
            per_item = []
            for i in range(args.items):
                current = page.locator(".item-id").get_attribute("data-item-id")
                t0 = time.perf_counter()
                page.keyboard.press(str(1 + i % 3))
                page.keyboard.press("Control+Enter")
                page.locator(f'.item-id:not([data-item-id="{current}"])').wait_for()
                per_item.append(time.perf_counter() - t0)
            stored = annotating.list_project_annotations(db, OP, classify, limit=500).items
            if len(stored) != len(per_item):
                raise RuntimeError(f"Annota stored {len(stored)} of {len(per_item)} annotations")
            results["classify_items"] = len(per_item)
            results["classify_median_s"] = round(statistics.median(per_item), 4)
            results["classify_p90_s"] = round(statistics.quantiles(per_item, n=10)[-1], 4)
            tti, frames = [], []
            for _ in range(args.repeats):
                page.goto(f"/projects/{ner}/label")
                page.locator(".annota-text .seg").first.wait_for()
                mark = page.evaluate(
                    "() => performance.getEntriesByName('annota:text-rendered')"
                    ".map(e => e.startTime)"
                )
                tti.append(mark[-1] / 1000)
                frames.extend(page.evaluate(SCROLL))
            results["big_doc_tti_median_s"] = round(statistics.median(tti), 3)
            results["big_doc_segments"] = page.locator(".annota-text > span").count()
            results["scroll_frame_median_ms"] = round(statistics.median(frames), 1)
            results["scroll_frame_p95_ms"] = round(statistics.quantiles(frames, n=20)[-1], 1)
            server.should_exit = True
            report = {"annota": results}
            if not args.skip_ls:
                import ls_editor  # noqa: PLC0415  (optional: needs Label Studio's venv)

                report["label_studio"] = ls_editor.run(
                    browser, args.items, text, spans, args.repeats
                )
            browser.close()
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
