"""The same editor workloads on Label Studio 1.23.2 (its own venv, see bench/run_core.py).

Classification: the labeling stream of a <Text> + <Choices> project whose choices carry the
hotkeys 1, 2, 3 (Annota gives them by default); press one, then Ctrl+Enter (Label Studio's
submit key) and wait for the next task's text. Big document: a task imported with one
annotation of 2,000 labelled spans, opened from the data manager; time to interactive is
navigation start to all 2,000 highlights being in the page.
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from run_core import QUIET_ENV, Server, ensure_label_studio, free_port

EMAIL, PASSWORD = "bench@example.com", "bench-password-1"
CHOICES = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single">
    <Choice value="positive" hotkey="1"/>
    <Choice value="negative" hotkey="2"/>
    <Choice value="neutral" hotkey="3"/>
  </Choices>
</View>"""
NER = """<View>
  <Labels name="entities" toName="text">
    <Label value="PER"/><Label value="ORG"/><Label value="LOC"/><Label value="MISC"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>"""

NEXT_TEXT = """(old) => {
  const t = document.body.innerText;
  return !t.includes(old) && /Short review number \\d+\\./.test(t);
}"""
HIGHLIGHTS = """(n) => document.querySelectorAll('.htx-highlight').length >= n
  ? performance.now() : false"""


def _api(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=120)


def run(
    browser: Any, items: int, text: str, spans: list[dict[str, Any]], repeats: int
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
            api = _api(url, token)
            classify = api.post(
                "/api/projects", json={"title": "classify", "label_config": CHOICES}
            )
            cid = classify.json()["id"]
            tasks = [{"text": f"Short review number {i}."} for i in range(items + 5)]
            api.post(f"/api/projects/{cid}/import", json=tasks).raise_for_status()
            nid = api.post("/api/projects", json={"title": "ner", "label_config": NER}).json()["id"]
            result = [
                {
                    "id": s["id"],
                    "from_name": "entities",
                    "to_name": "text",
                    "type": "labels",
                    "value": {**_span(s, text)},
                }
                for s in spans
            ]
            big = [{"data": {"text": text}, "annotations": [{"result": result}]}]
            api.post(f"/api/projects/{nid}/import", json=big).raise_for_status()
            task_id = api.get("/api/tasks", params={"project": nid}).json()["tasks"][0]["id"]
            context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 860})
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto("/user/login/")
            page.fill('input[name="email"]', EMAIL)
            page.fill('input[name="password"]', PASSWORD)
            with page.expect_navigation():
                page.locator('button[type="submit"], input[type="submit"]').first.click()
            page.goto(f"/projects/{cid}/data?labeling=1")
            page.wait_for_function(NEXT_TEXT, arg="no such text")
            per_item = []
            for i in range(items):
                shown = page.evaluate(
                    "() => /Short review number \\d+\\./.exec(document.body.innerText)[0]"
                )
                t0 = time.perf_counter()
                page.keyboard.press(str(1 + i % 3))
                page.keyboard.press("Control+Enter")
                page.wait_for_function(NEXT_TEXT, arg=shown, polling="raf")
                per_item.append(time.perf_counter() - t0)
            done = api.get(f"/api/projects/{cid}").json().get("num_tasks_with_annotations")
            if done != len(per_item):
                raise RuntimeError(f"Label Studio stored {done} of {len(per_item)} annotations")
            tti = []
            for _ in range(repeats):
                page.goto(f"/projects/{nid}/data?task={task_id}")
                at = page.wait_for_function(HIGHLIGHTS, arg=len(spans), polling="raf")
                tti.append(at.json_value() / 1000)
            context.close()
    return {
        "classify_items": len(per_item),
        "classify_annotated_tasks": done,
        "classify_median_s": round(statistics.median(per_item), 4),
        "classify_p90_s": round(statistics.quantiles(per_item, n=10)[-1], 4),
        "big_doc_tti_median_s": round(statistics.median(tti), 3),
    }


def _span(span: dict[str, Any], text: str) -> dict[str, Any]:
    v = span["value"]
    return {
        "start": v["start"],
        "end": v["end"],
        "text": text[v["start"] : v["end"]],
        "labels": [v["label"]],
    }
