#!/usr/bin/env python3
"""Where the Annota server spends its time, phase by phase: py-spy attached to the server.

Starts ``annota serve`` on a fresh data dir, sets up the project of core_workload.py and runs
its phases one at a time, each under ``py-spy record --pid`` (sampling the server only, not
this client). For every phase it prints the top frames by inclusive share of samples (where
the time goes) and by self share (what burns it), and keeps the collapsed stacks in
``--out-dir`` for flame graphs. py-spy is installed in ``bench/.venvs/profile`` if missing.

    .venv/bin/python bench/profile_core.py --n 20000 --annotations 400
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import core_workload as wl
from run_core import BENCH, Server, free_port

PYSPY = BENCH / ".venvs" / "profile" / "bin" / "py-spy"


def ensure_pyspy() -> Path:
    if not PYSPY.exists():
        venv = PYSPY.parent.parent
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "py-spy"], check=True)
    return PYSPY


class Recording:
    """``py-spy record`` on the server for the duration of a with-block."""

    def __init__(self, pid: int, dest: Path, *, idle: bool) -> None:
        cmd = [
            str(PYSPY),
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--rate",
            "200",
            "--nonblocking",
            "-o",
            str(dest),
        ]
        if idle:
            cmd.append("--idle")
        self.cmd, self.dest = cmd, dest

    def __enter__(self) -> Recording:
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1.0)  # let it attach
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.send_signal(2)  # SIGINT: py-spy writes its output and exits
        self.proc.wait(60)


def _short(frame: str) -> str:
    name, _, where = frame.partition(" (")
    path = where.rstrip(")")
    for marker in ("site-packages/", "src/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def top(dest: Path, k: int) -> str:
    """Top inclusive and self frames of a collapsed-stack file, as percentages of samples."""
    total = 0
    incl: collections.Counter[str] = collections.Counter()
    self_: collections.Counter[str] = collections.Counter()
    for line in dest.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = [
            _short(f)
            for f in stack.split(";")
            if f and not f.startswith("process ") and not f.startswith("thread ")
        ]
        if not frames:
            continue
        total += n
        for f in set(frames):
            incl[f] += n
        self_[frames[-1]] += n
    if not total:
        return "  (no samples)\n"
    out = [f"  {total} samples\n  inclusive:\n"]
    keep = [
        (f, c)
        for f, c in incl.most_common()
        if "annota/" in f
        or "sqlite" in f.lower()
        or "starlette" in f
        or "anyio" in f
        or "fastapi" in f
        or "pydantic" in f
    ]
    out += [f"    {100 * c / total:5.1f}%  {f}\n" for f, c in keep[:k]]
    out.append("  self:\n")
    out += [f"    {100 * c / total:5.1f}%  {f}\n" for f, c in self_.most_common(k)]
    return "".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--annotations", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--top", type=int, default=18)
    ap.add_argument("--idle", action="store_true", help="count waiting threads too")
    ap.add_argument("--out-dir", default="")
    a = ap.parse_args()
    ensure_pyspy()
    out_dir = Path(a.out_dir or tempfile.mkdtemp(prefix="core-profile-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="core-profile-data-"))
    exe = str(Path(sys.executable).with_name("annota"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = work / "data"
    cmd = [exe, "serve", "--data-dir", str(data), "--port", str(port)]
    with Server(cmd, dict(os.environ), work / "server.log", f"{url}/api/v1/projects") as server:
        cli = wl.Cli(exe, str(data))
        cli("admin", "create", "prof-admin")
        c = wl.client(url, cli("token", "create", "prof-admin"), 600)
        pid = c.post("/projects", json={"name": "prof", "schema": wl.SCHEMA}).json()["id"]
        tokens = wl.make_annotators(cli, pid, a.concurrency)
        annotators = [wl.client(url, t, 600) for t in tokens]
        ns = argparse.Namespace(
            n=a.n,
            file_items=100_000,
            annotations=a.annotations,
            phase_time_limit=300,
            fill_time_limit=300,
            server_pid=server.pid,
        )
        files = wl.write_jsonl_files(a.n, 1234, 100_000, work)
        phases = [
            ("import", lambda: wl.import_via_api(ns, c, pid, files)),
            ("next+submit, 1 annotator", lambda: wl.sequential_run(ns, annotators[0], pid, "s")),
            (f"waves of {a.concurrency}", lambda: wl.wave_run(ns, annotators, pid, "w")),
            ("export", lambda: wl.export_run(ns, c, pid, "e")),
        ]
        for name, run in phases:
            dest = out_dir / (name.replace(" ", "_").replace(",", "") + ".txt")
            with Recording(server.pid, dest, idle=a.idle):
                t0 = time.perf_counter()
                run()
                dt = time.perf_counter() - t0
            print(f"== {name}: {dt:.2f} s\n{top(dest, a.top)}", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    print("collapsed stacks in", out_dir)


if __name__ == "__main__":
    main()
