"""Label Studio's side: the same boxes as tasks with annotations, imported through its REST
API and exported with ``GET /api/projects/{id}/export?exportType=JSON`` and ``=COCO``.

The server is the one ``bench/run_core.py`` starts (its ``Server`` and start-up flags: a
fresh data dir, loopback, a legacy API token, analytics and version checks off); one server
serves every size, each size in its own project.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from collections.abc import Iterator
from itertools import islice

import httpx
import orjson
from measure import TreeRss, median
from synthetic_coco import label_studio_config, label_studio_tasks

BATCH = 500  # tasks per import request (5,000 boxes)


def _batches(tasks: Iterator[dict], size: int) -> Iterator[list[dict]]:
    while batch := list(islice(tasks, size)):
        yield batch


def _export(c: httpx.Client, pid: int, server_pid: int, kind: str) -> dict:
    """One streamed export; its seconds, bytes, server RSS peak and boxes found in it."""
    sampler = TreeRss(server_pid)
    sampler.start()
    body = bytearray()
    t0 = os.times().elapsed
    params = {"exportType": kind, "download_all_tasks": "true"}
    with c.stream("GET", f"/api/projects/{pid}/export", params=params) as r:
        r.raise_for_status()
        for chunk in r.iter_bytes(1 << 16):
            body += chunk
    seconds = os.times().elapsed - t0
    peak = sampler.stop()
    if kind == "JSON":
        boxes = sum(len(a["result"]) for t in orjson.loads(body) for a in t["annotations"])
    else:  # a zip holding result.json (and an empty images/ folder)
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            name = next(n for n in z.namelist() if n.endswith(".json"))
            boxes = len(orjson.loads(z.read(name))["annotations"])
    return {
        "seconds": round(seconds, 3),
        "bytes": len(body),
        "boxes": boxes,
        "server_rss_before_mib": sampler.before,
        "server_rss_peak_mib": peak,
    }


def run_size(
    url: str, token: str, server_pid: int, n_images: int, per_image: int, seed: int, repeats: int
) -> dict:
    """Create a project, import the tasks, export JSON and COCO ``repeats`` times each."""
    headers = {"Authorization": f"Token {token}"}
    boxes = n_images * per_image
    with httpx.Client(base_url=url, headers=headers, timeout=3600) as c:
        r = c.post(
            "/api/projects/",
            json={"title": f"data-io-{boxes}", "label_config": label_studio_config()},
        )
        r.raise_for_status()
        pid = r.json()["id"]
        sampler = TreeRss(server_pid)
        sampler.start()
        t0 = os.times().elapsed
        for batch in _batches(label_studio_tasks(n_images, per_image, seed), BATCH):
            r = c.post(
                f"/api/projects/{pid}/import",
                content=orjson.dumps(batch),
                headers={"Content-Type": "application/json"},
            )
            r.raise_for_status()
        import_s = os.times().elapsed - t0
        import_peak = sampler.stop()
        project = c.get(f"/api/projects/{pid}/").json()
        counts = {k: project.get(k) for k in ("task_number", "total_annotations_number")}
        print(f"  LS {boxes:,} boxes: import {import_s:.1f} s {counts}", file=sys.stderr)
        result: dict = {
            "boxes": boxes,
            "project_id": pid,
            "import": {
                "seconds": round(import_s, 3),
                "server_rss_peak_mib": import_peak,
                "counts": counts,
            },
        }
        for kind in ("JSON", "COCO"):
            runs = []
            for _ in range(repeats):
                runs.append(_export(c, pid, server_pid, kind))
                print(f"  LS {boxes:,} boxes: export {kind} {runs[-1]}", file=sys.stderr)
                if runs[-1]["boxes"] != boxes:
                    raise RuntimeError(f"LS {kind} export has {runs[-1]['boxes']} of {boxes} boxes")
            result[f"export_{kind.lower()}"] = {
                "runs": runs,
                "seconds": median([x["seconds"] for x in runs]),
                "server_rss_peak_mib": max(x["server_rss_peak_mib"] for x in runs),
            }
    return result
