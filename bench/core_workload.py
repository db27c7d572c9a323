#!/usr/bin/env python3
"""Annota REST workload benchmark: the phases of ../shared/bench/ls_workload.py, for Annota.

Drives an already running ``annota serve`` through ``/api/v1`` with ``Authorization: Bearer``
tokens; users, tokens and memberships are made with the ``annota`` CLI against the server's
data directory (as an operator would), and are not timed.

Phases (each repeated ``--repeats`` times where it is a measurement; medians at the end)
  1. create a project with a one-field text schema and a 3-way ``choices`` control
  2. import N synthetic texts (the same generator and seed as ls_workload.py) by uploading
     JSONL files to ``POST /projects/{id}/import``; files hold at most ``--file-items``
     records so each stays under the server's 64 MiB upload cap
  3. one annotator: ``GET /projects/{id}/next`` then ``POST /items/{id}/annotations`` for
     the item it returned, ``--annotations`` times; next and submit are timed apart
  4. ``--concurrency`` annotators (distinct users, project members), in waves: all ask
     for their next item at once, then all submit at once; submit throughput is the
     submits divided by the time spent in submit waves (next likewise), so a slow next
     never inflates or deflates the submit figure
  5. export ``GET /projects/{id}/export?format=jsonl`` streamed, ``--repeats`` times: with
     the annotations of phases 3-4 (the state Label Studio is exported in), then, with
     ``--fill``, after annotating every remaining item (16 free-running annotators, the
     rate reported as ``fill``), so that annotations/s is measured at one per item
  6. server RSS (VmRSS / VmHWM from /proc, pid and descendants) at checkpoints, sampled
     every 0.1 s during export; SQLite file sizes at checkpoints
  7. with ``--cli-import``: ``annota import`` of the same N records (one file) into a second
     project, timed as a whole process (it writes to the database directly)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from server_memory import RssSampler, db_size, rss_kib, with_cpu
from synthetic_texts import write_jsonl_files

SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "controls": [
        {
            "name": "label",
            "type": "choices",
            "field": "text",
            "options": ["positive", "negative", "neutral"],
        }
    ],
}
CLASSES = ["positive", "negative", "neutral"]
PASSWORD = "bench-password-not-secret"


def pct(values: list[float]) -> dict[str, float]:
    """p50/p95/p99 in ms, computed like ls_workload.pct (inclusive quantiles)."""
    if not values:
        return {}
    v = sorted(values)
    if len(v) >= 2:
        q = statistics.quantiles(v, n=100, method="inclusive")
        p50, p95, p99 = q[49], q[94], q[98]
    else:
        p50 = p95 = p99 = v[0]
    return {
        "count": len(v),
        "p50_ms": round(p50 * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "p99_ms": round(p99 * 1000, 2),
        "mean_ms": round(statistics.fmean(v) * 1000, 2),
        "max_ms": round(v[-1] * 1000, 2),
    }


def log(*a: object) -> None:
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


# --- set-up through the CLI (untimed) -----------------------------------------------------
class Cli:
    def __init__(self, exe: str, data_dir: str) -> None:
        self.exe, self.data_dir = exe, data_dir
        self.env = {**os.environ, "ANNOTA_PASSWORD": PASSWORD}

    def __call__(self, *args: str) -> str:
        cmd = [self.exe, "--data-dir", self.data_dir, *args]
        done = subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()


def make_annotators(cli: Cli, project_id: int, count: int) -> list[str]:
    """``count`` distinct users, annotators in the project, one API token each."""
    stamp = int(time.time())

    def one(k: int) -> str:
        name = f"ann{stamp}-{k:02d}"
        cli("user", "create", name)
        cli("member", "add", str(project_id), name, "--role", "annotator")
        return cli("token", "create", name)

    with ThreadPoolExecutor(max_workers=4) as ex:
        return list(ex.map(one, range(count)))


# --- the HTTP side --------------------------------------------------------------------------
def client(url: str, token: str, timeout: float) -> httpx.Client:
    """One keep-alive connection pool per client thread."""
    return httpx.Client(
        base_url=url.rstrip("/") + "/api/v1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeout,
        limits=httpx.Limits(max_connections=2, max_keepalive_connections=2),
    )


def body_for(item_id: int) -> dict[str, object]:
    return {"regions": [{"control": "label", "value": {"choices": [CLASSES[item_id % 3]]}}]}


class Tally:
    """Latencies and status codes of one phase, shared by its threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next_s: list[float] = []
        self.submit_s: list[float] = []
        self.codes: dict[str, int] = {}
        self.ok = 0

    def code(self, what: str, status: int) -> None:
        with self.lock:
            key = f"{what}:{status}"
            self.codes[key] = self.codes.get(key, 0) + 1
            if what == "submit" and status == 201:
                self.ok += 1


def timed_next(c: httpx.Client, project_id: int, tally: Tally) -> int | None:
    t0 = time.perf_counter()
    r = c.get(f"/projects/{project_id}/next")
    dt = time.perf_counter() - t0
    with tally.lock:
        tally.next_s.append(dt)
    tally.code("next", r.status_code)
    return int(r.json()["id"]) if r.status_code == 200 else None


def timed_submit(c: httpx.Client, item_id: int, tally: Tally) -> None:
    t0 = time.perf_counter()
    r = c.post(f"/items/{item_id}/annotations", json=body_for(item_id))
    dt = time.perf_counter() - t0
    with tally.lock:
        tally.submit_s.append(dt)
    tally.code("submit", r.status_code)
    if r.status_code != 201:
        log("submit error", r.status_code, r.text[:200])


def sequential_run(a: argparse.Namespace, c: httpx.Client, project_id: int, tag: str) -> dict:
    """One annotator: next, submit, next, ... ``--annotations`` times."""
    tally = Tally()
    t_start = time.perf_counter()
    deadline = t_start + a.phase_time_limit
    for _ in range(a.annotations):
        item_id = timed_next(c, project_id, tally)
        if item_id is None or time.perf_counter() > deadline:
            break
        timed_submit(c, item_id, tally)
    wall = time.perf_counter() - t_start
    out = summarise(tally, tag, 1, wall, sum(tally.next_s), sum(tally.submit_s))
    log("sequential", out)
    return out


def wave_run(a: argparse.Namespace, clients: list[httpx.Client], project_id: int, tag: str) -> dict:
    """``len(clients)`` annotators in lock-step waves: all ask next, then all submit."""
    conc = len(clients)
    waves = max(1, a.annotations // conc)
    tally = Tally()
    marks: list[float] = []
    stop = threading.Event()
    deadline = time.perf_counter() + a.phase_time_limit

    def mark() -> None:  # runs once per barrier trip, before the threads are released
        marks.append(time.perf_counter())
        if time.perf_counter() > deadline:
            stop.set()

    barrier = threading.Barrier(conc, action=mark)

    def annotator(c: httpx.Client) -> None:
        for _ in range(waves):
            barrier.wait()
            if stop.is_set():
                return
            item_id = timed_next(c, project_id, tally)
            barrier.wait()
            if item_id is not None:
                timed_submit(c, item_id, tally)
        barrier.wait()

    with ThreadPoolExecutor(max_workers=conc) as ex:
        for f in [ex.submit(annotator, c) for c in clients]:
            f.result()
    next_time = sum(marks[k + 1] - marks[k] for k in range(0, len(marks) - 1, 2))
    submit_time = sum(marks[k + 1] - marks[k] for k in range(1, len(marks) - 1, 2))
    out = summarise(tally, tag, conc, marks[-1] - marks[0], next_time, submit_time)
    log("waves", out)
    return out


def summarise(
    tally: Tally, tag: str, conc: int, wall: float, next_time: float, submit_time: float
) -> dict:
    return {
        "phase": tag,
        "concurrency": conc,
        "next": pct(tally.next_s),
        "submit": pct(tally.submit_s),
        "ok": tally.ok,
        "status_codes": tally.codes,
        "wall_s": round(wall, 3),
        "submit_time_s": round(submit_time, 3),
        "submit_per_s": round(tally.ok / submit_time, 1) if submit_time else None,
        "next_per_s": round(len(tally.next_s) / next_time, 1) if next_time else None,
        "cycles_per_s": round(tally.ok / wall, 1) if wall else None,
    }


def fill_run(a: argparse.Namespace, clients: list[httpx.Client], project_id: int) -> dict:
    """Annotate every item left, annotators free-running (no waves), bounded in time."""
    tally = Tally()
    deadline = time.perf_counter() + a.fill_time_limit
    t_start = time.perf_counter()

    def annotator(c: httpx.Client) -> None:
        while time.perf_counter() < deadline:
            item_id = timed_next(c, project_id, tally)
            if item_id is None:
                return
            timed_submit(c, item_id, tally)

    with ThreadPoolExecutor(max_workers=len(clients)) as ex:
        for f in [ex.submit(annotator, c) for c in clients]:
            f.result()
    wall = time.perf_counter() - t_start
    out = summarise(tally, "fill", len(clients), wall, wall, wall)
    out["submit_per_s"] = out["next_per_s"] = None  # free-running: only cycles/s is meaningful
    log("fill", out)
    return out


def export_run(a: argparse.Namespace, c: httpx.Client, project_id: int, tag: str) -> dict:
    sampler = RssSampler(a.server_pid, every=0.1) if a.server_pid else None
    before = rss_kib(a.server_pid)
    if sampler:
        sampler.start()
    size = lines = annotations = 0
    t0 = time.perf_counter()
    first_byte = None
    marker = b'"regions":'  # once per exported annotation; the texts never hold it
    tail = b""
    with c.stream("GET", f"/projects/{project_id}/export", params={"format": "jsonl"}) as r:
        status = r.status_code
        for chunk in r.iter_bytes(1 << 16):
            if first_byte is None:
                first_byte = time.perf_counter() - t0
            size += len(chunk)
            lines += chunk.count(b"\n")
            joined = tail + chunk  # a marker may straddle two chunks
            annotations += joined.count(marker)
            tail = joined[-(len(marker) - 1) :]
    dt = time.perf_counter() - t0
    if sampler:
        sampler.stop()
    out = {
        "phase": tag,
        "status": status,
        "seconds": round(dt, 3),
        "first_byte_s": round(first_byte or 0.0, 3),
        "bytes": size,
        "items": lines,
        "annotations": annotations,
        "items_per_s": round(lines / dt, 1),
        "annotations_per_s": round(annotations / dt, 1),
        "rss_before": before,
        "rss_peak_sampled_mib": sampler.peak_mib if sampler else None,
    }
    log("export", out)
    return out


def import_via_api(a: argparse.Namespace, c: httpx.Client, project_id: int, files: list[Path]):
    times, created, errors = [], 0, []
    t0 = time.perf_counter()
    for path in files:
        tb = time.perf_counter()
        with open(path, "rb") as fh:
            r = c.post(
                f"/projects/{project_id}/import",
                files={"file": (path.name, fh, "application/x-ndjson")},
            )
        times.append(time.perf_counter() - tb)
        if r.status_code != 200:
            errors.append({"file": path.name, "status": r.status_code, "body": r.text[:300]})
            log("import error", r.status_code, r.text[:200])
        else:
            created += r.json()["created"]
        el = time.perf_counter() - t0
        log(f"imported {created}/{a.n} in {el:.1f}s ({created / el:.0f}/s)")
    total = time.perf_counter() - t0
    return {
        "items_imported": created,
        "files": len(files),
        "items_per_file": a.file_items,
        "total_s": round(total, 2),
        "items_per_s": round(created / total, 1) if total else None,
        "file_s": [round(x, 2) for x in times],
        "errors": errors,
    }


def import_via_cli(a: argparse.Namespace, cli: Cli, files: list[Path], folder: Path) -> dict:
    """``annota import`` of all N records from one file into a second project."""
    schema_file = folder / "schema.json"
    schema_file.write_text(json.dumps(SCHEMA))
    one = folder / "all-items.jsonl"
    with open(one, "wb") as out:
        for path in files:
            out.write(path.read_bytes())
    pid = cli(
        "project", "create", f"bench-cli-n{a.n}-{int(time.time())}", "--schema", str(schema_file)
    )
    t0 = time.perf_counter()
    cli("import", pid, str(one))
    total = time.perf_counter() - t0
    t1 = time.perf_counter()
    cli("project", "list")
    startup = time.perf_counter() - t1
    one.unlink()
    out = {
        "project_id": int(pid),
        "total_s": round(total, 2),
        "items_per_s": round(a.n / total, 1),
        "cli_startup_s": round(startup, 2),
        "items_per_s_excluding_startup": round(a.n / max(total - startup, 1e-9), 1),
    }
    log("cli import", out)
    return out


def medians(runs: list[dict], *path: str) -> float | None:
    vals = []
    for run in runs:
        v: object = run
        for key in path:
            v = v.get(key) if isinstance(v, dict) else None
        if isinstance(v, (int, float)):
            vals.append(float(v))
    return round(statistics.median(vals), 2) if vals else None


def summary(res: dict) -> dict:
    out: dict[str, dict] = {}
    for name in ("annotations_sequential", "annotations_concurrent"):
        runs = res[name]
        out[name] = {
            "next_p50_ms": medians(runs, "next", "p50_ms"),
            "next_p95_ms": medians(runs, "next", "p95_ms"),
            "next_p99_ms": medians(runs, "next", "p99_ms"),
            "submit_p50_ms": medians(runs, "submit", "p50_ms"),
            "submit_p99_ms": medians(runs, "submit", "p99_ms"),
            "submit_per_s": medians(runs, "submit_per_s"),
            "cycles_per_s": medians(runs, "cycles_per_s"),
            "server_cpu_ms_per_cycle": medians(runs, "server_cpu_ms_per_cycle"),
        }
    for name in ("export", "export_filled"):
        if res.get(name):
            runs = res[name]
            out[name] = {
                k: medians(runs, k)
                for k in (
                    "seconds",
                    "items",
                    "annotations",
                    "items_per_s",
                    "annotations_per_s",
                    "rss_peak_sampled_mib",
                )
            }
    return out


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--url", required=True)
    ap.add_argument("--data-dir", required=True, help="the server's data directory (CLI set-up)")
    ap.add_argument("--annota", default=str(Path(sys.executable).with_name("annota")))
    ap.add_argument("--n", type=int, default=10000, help="items to import")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--file-items", type=int, default=100_000, help="records per uploaded file")
    ap.add_argument("--annotations", type=int, default=1000, help="submits per run and mode")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--fill", action="store_true", help="annotate all items, export again")
    ap.add_argument("--fill-time-limit", type=float, default=600.0)
    ap.add_argument("--cli-import", action="store_true")
    ap.add_argument("--phase-time-limit", type=float, default=600.0)
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--server-pid", type=int, default=0)
    ap.add_argument("--out", default="")
    return ap.parse_args()


def main() -> None:
    a = parse_args()
    db_path = str(Path(a.data_dir) / "annota.sqlite3")
    cli = Cli(a.annota, a.data_dir)
    res: dict = {"params": {k: v for k, v in vars(a).items() if k not in ("url", "data_dir")}}
    admin = f"bench-admin-{int(time.time())}"
    cli("admin", "create", admin)
    c = client(a.url, cli("token", "create", admin), a.timeout)
    r = c.get("/projects")
    r.raise_for_status()
    res["rss_start"] = rss_kib(a.server_pid)
    res["db_start"] = db_size(db_path)

    r = c.post("/projects", json={"name": f"bench-n{a.n}-{int(time.time())}", "schema": SCHEMA})
    r.raise_for_status()
    project_id = r.json()["id"]
    res["project_id"] = project_id
    tokens = make_annotators(cli, project_id, a.concurrency)
    log("project", project_id, "annotators", len(tokens))

    with tempfile.TemporaryDirectory(prefix="annota-bench-") as tmp:
        folder = Path(tmp)
        files = write_jsonl_files(a.n, a.seed, a.file_items, folder)
        res["import"] = import_via_api(a, c, project_id, files)
        res["import"]["stats"] = c.get(f"/projects/{project_id}/stats").json()
        res["rss_after_import"] = rss_kib(a.server_pid)
        res["db_after_import"] = db_size(db_path)
        log("import", {k: v for k, v in res["import"].items() if k != "file_s"})

        annotators = [client(a.url, t, a.timeout) for t in tokens]
        res["annotations_sequential"] = [
            with_cpu(
                a.server_pid, lambda k=k: sequential_run(a, annotators[0], project_id, f"seq-{k}")
            )
            for k in range(a.repeats)
        ]
        res["annotations_concurrent"] = [
            with_cpu(
                a.server_pid,
                lambda k=k: wave_run(a, annotators, project_id, f"c{a.concurrency}-{k}"),
            )
            for k in range(a.repeats)
        ]
        res["rss_after_annotations"] = rss_kib(a.server_pid)
        res["db_after_annotations"] = db_size(db_path)

        res["export"] = [export_run(a, c, project_id, f"export-{k}") for k in range(a.repeats)]
        if a.fill:
            res["fill"] = fill_run(a, annotators, project_id)
            res["export_filled"] = [
                export_run(a, c, project_id, f"export-filled-{k}") for k in range(a.repeats)
            ]
        res["project_stats_end"] = c.get(f"/projects/{project_id}/stats").json()
        res["rss_end"] = rss_kib(a.server_pid)
        res["db_end"] = db_size(db_path)
        if a.cli_import:
            res["cli_import"] = import_via_cli(a, cli, files, folder)
    res["summary_medians"] = summary(res)
    txt = json.dumps(res, indent=2)
    if a.out:
        Path(a.out).write_text(txt)
    print(txt)


if __name__ == "__main__":
    main()
