"""Annota's side: ``annota import`` / ``annota export`` as whole processes, and the HTTP
JSONL export of ``annota serve`` (the same kind of request Label Studio's export is).

Each repeat uses a fresh data dir, so every import starts from an empty database. Every
command is timed as a whole process (Python start-up included) with its peak RSS; the CLI's
start-up alone (``annota --help``) is measured too, so the table can say how much of a small
export is start-up.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from pathlib import Path
from typing import Any

import httpx
from measure import Timed, TreeRss, median, timed

ANNOTA = Path(sys.executable).with_name("annota")
STEPS = ("import_coco", "export_jsonl", "export_coco", "import_back", "export_jsonl_general")


def annota_env(data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ANNOTA_DATA_DIR": str(data),
        # Cheap password hashing: only the untimed HTTP set-up creates a user.
        "ANNOTA_ARGON2_TIME_COST": "1",
        "ANNOTA_ARGON2_MEMORY_KIB": "1024",
        "ANNOTA_PASSWORD": "bench-password-" + secrets.token_hex(8),
    }


def startup_seconds(repeats: int) -> float | None:
    """Median wall time of ``annota --help``: the CLI's fixed start-up cost."""
    env = dict(os.environ)
    return median([timed([str(ANNOTA), "--help"], env).seconds for _ in range(repeats)])


def count_in_file(path: Path, marker: bytes) -> int:
    """Occurrences of ``marker`` in a file, read in chunks (memory flat at any size)."""
    count, tail = 0, b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            joined = tail + chunk
            count += joined.count(marker)
            tail = joined[-(len(marker) - 1) :]
    return count


def _step(name: str, t: Timed, **extra: object) -> dict[str, Any]:
    return {"step": name, "seconds": t.seconds, "peak_rss_mib": t.peak_rss_mib, **extra}


def one_repeat(coco: Path, boxes: int, work: Path) -> tuple[list[dict[str, Any]], Path]:
    """Import, export JSONL and COCO, import the COCO back, export the general JSONL path.

    Returns the steps and the data dir (kept for the HTTP export; the caller removes it).
    """
    data = work / "annota-data"
    env = annota_env(data)
    a = str(ANNOTA)
    steps = []
    t = timed([a, "import", "src", str(coco), "--format", "coco", "--create"], env)
    steps.append(_step("import_coco", t, project_id=int(t.stdout.split()[0])))
    jsonl, out_coco = work / "out.jsonl", work / "out.json"
    t = timed([a, "export", "src", "--format", "jsonl", "-o", str(jsonl)], env)
    steps.append(
        _step(
            "export_jsonl",
            t,
            bytes=jsonl.stat().st_size,
            items=count_in_file(jsonl, b"\n"),
            boxes=count_in_file(jsonl, b'"control":"bbox"'),
        )
    )
    t = timed([a, "export", "src", "--format", "coco", "-o", str(out_coco)], env)
    steps.append(
        _step(
            "export_coco",
            t,
            bytes=out_coco.stat().st_size,
            boxes=count_in_file(out_coco, b'"bbox":'),
        )
    )
    t = timed([a, "import", "back", str(out_coco), "--format", "coco", "--create"], env)
    steps.append(_step("import_back", t, summary=t.stderr.strip().splitlines()[-1:]))
    general = work / "general.jsonl"
    t = timed(
        [a, "export", "src", "--format", "jsonl", "--with-predictions", "-o", str(general)], env
    )
    steps.append(_step("export_jsonl_general", t, bytes=general.stat().st_size))
    for f in (jsonl, out_coco, general):
        f.unlink()
    for s in steps:
        if "boxes" in s and s["boxes"] != boxes:
            raise RuntimeError(f"{s['step']}: {s['boxes']} boxes exported, {boxes} imported")
    return steps, data


def http_export(data: Path, project_id: int, repeats: int, port: int, server: type) -> dict:
    """``GET /api/v1/projects/{id}/export?format=jsonl`` from ``annota serve``, streamed.

    ``server`` is :class:`run_core.Server` (started in its own session, stopped group-wide).
    """
    env = annota_env(data)
    admin = "bench-admin"
    timed([str(ANNOTA), "admin", "create", admin], env)
    token = timed([str(ANNOTA), "token", "create", admin], env).stdout.strip()
    url = f"http://127.0.0.1:{port}"
    cmd = [str(ANNOTA), "serve", "--data-dir", str(data), "--port", str(port)]
    runs = []
    with server(cmd, env, data.parent / "serve.log", f"{url}/api/v1/projects") as s:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url + "/api/v1", headers=headers, timeout=3600) as c:
            for _ in range(repeats):
                sampler = TreeRss(s.pid)
                sampler.start()
                size = 0
                t0 = os.times().elapsed
                with c.stream(
                    "GET", f"/projects/{project_id}/export", params={"format": "jsonl"}
                ) as r:
                    r.raise_for_status()
                    for chunk in r.iter_bytes(1 << 16):
                        size += len(chunk)
                seconds = os.times().elapsed - t0
                runs.append(
                    {
                        "seconds": round(seconds, 3),
                        "bytes": size,
                        "server_rss_before_mib": sampler.before,
                        "server_rss_peak_mib": sampler.stop(),
                    }
                )
    return {
        "runs": runs,
        "seconds": median([r["seconds"] for r in runs]),
        "server_rss_peak_mib": max(r["server_rss_peak_mib"] for r in runs),
    }


def run_size(
    coco: Path, boxes: int, repeats: int, work: Path, http_port: int | None, server: type
) -> dict:
    """All steps ``repeats`` times at one size; medians per step, the largest peak RSS."""
    runs: list[list[dict[str, Any]]] = []
    http = None
    for k in range(repeats):
        folder = work / f"annota-{boxes}-{k}"
        folder.mkdir()
        steps, data = one_repeat(coco, boxes, folder)
        runs.append(steps)
        print(f"  annota {boxes:,} boxes, repeat {k + 1}: {_brief(steps)}", file=sys.stderr)
        if k == 0 and http_port is not None:
            project_id = int(steps[0]["project_id"])
            http = http_export(data, project_id, repeats, http_port, server)
            print(f"  annota HTTP export: {http['seconds']} s", file=sys.stderr)
        shutil.rmtree(folder)
    summary = {}
    for name in STEPS:
        mine = [s for r in runs for s in r if s["step"] == name]
        summary[name] = {
            "seconds": median([s["seconds"] for s in mine]),
            "peak_rss_mib": max(s["peak_rss_mib"] for s in mine),
        }
    return {"boxes": boxes, "repeats": repeats, "runs": runs, "summary": summary, "http": http}


def _brief(steps: list[dict[str, Any]]) -> str:
    return ", ".join(f"{s['step']} {s['seconds']} s / {s['peak_rss_mib']} MiB" for s in steps)
