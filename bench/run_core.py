#!/usr/bin/env python3
"""Annota beside Label Studio on the same workload, in one run; prints the table, saves JSON.

1. makes ``bench/.venvs/labelstudio`` and installs ``label-studio==1.23.2`` there if missing
   (Label Studio runs only from that virtualenv; none of its code lives in this repository);
2. starts Label Studio on loopback (temporary data dir, ``--enable-legacy-api-token``, a
   ``--user-token``, analytics and version checks off) and runs
   ``../shared/bench/ls_workload.py`` against it;
3. starts ``annota serve`` on a fresh data dir and runs ``core_workload.py`` with the same N;
4. prints Annota | Label Studio | ratio (medians over ``--repeats``) and writes everything to
   ``bench/results/core-n{N}-{time}.json``.

Usage (from the repository root)::

    .venv/bin/python bench/run_core.py --n 10000
    .venv/bin/python bench/run_core.py --n 1000000 --skip-ls      # Annota alone
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from core_table import render, rows

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
LS_VERSION = "1.23.2"
LS_VENV = BENCH / ".venvs" / "labelstudio"
LS_WORKLOAD = REPO.parent / "shared" / "bench" / "ls_workload.py"
QUIET_ENV = {"COLLECT_ANALYTICS": "false", "LATEST_VERSION_CHECK": "false"}


def log(*a: object) -> None:
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def wait_for_quiet(limit: float, max_wait: float) -> dict[str, float]:
    """Wait (bounded) until the 1-minute load average is under ``limit``; say what it was."""
    t0 = time.time()
    while load_average() >= limit and time.time() - t0 < max_wait:
        log(f"load {load_average()} >= {limit}; waiting")
        time.sleep(20)
    return {"load_1min": load_average(), "waited_s": round(time.time() - t0)}


class LoadSampler(threading.Thread):
    """The 1-minute load average every 10 s while a side runs: its mean and maximum."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.values: list[float] = []
        self._stop_ev = threading.Event()

    def run(self) -> None:
        while not self._stop_ev.is_set():
            self.values.append(load_average())
            self._stop_ev.wait(10)

    def result(self) -> dict[str, float]:
        self._stop_ev.set()
        self.join(timeout=5)
        v = self.values or [load_average()]
        return {"mean": round(sum(v) / len(v), 2), "max": max(v), "samples": len(v)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_label_studio() -> Path:
    exe = LS_VENV / "bin" / "label-studio"
    pip = LS_VENV / "bin" / "pip"
    if exe.exists():
        shown = subprocess.run([str(pip), "show", "label-studio"], capture_output=True, text=True)
        if f"Version: {LS_VERSION}" in shown.stdout:
            return exe
    log("installing label-studio", LS_VERSION, "into", LS_VENV)
    if not (LS_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(LS_VENV)], check=True)
    subprocess.run([str(pip), "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(pip), "install", "-q", f"label-studio=={LS_VERSION}"], check=True)
    return exe


class Server:
    """A server process in its own session, stopped (group-wide) when the block ends."""

    def __init__(self, cmd: list[str], env: dict[str, str], logfile: Path, ready_url: str):
        self.cmd, self.env, self.logfile, self.ready_url = cmd, env, logfile, ready_url
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self._log = open(self.logfile, "wb")
        self.proc = subprocess.Popen(
            self.cmd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 600
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited; see {self.logfile}")
            try:
                if httpx.get(self.ready_url, timeout=5).status_code < 500:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise RuntimeError(f"server not ready after 600 s; see {self.logfile}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._log.close()


def run_label_studio(a: argparse.Namespace, work: Path) -> dict:
    exe = ensure_label_studio()
    port, token = free_port(), secrets.token_hex(20)
    data = work / "ls-data"
    data.mkdir()
    env = {**os.environ, **QUIET_ENV, "LABEL_STUDIO_BASE_DATA_DIR": str(data)}
    cmd = [
        str(exe),
        "start",
        "--no-browser",
        "--port",
        str(port),
        "--internal-host",
        "127.0.0.1",
        "--data-dir",
        str(data),
        "--username",
        "bench@example.com",
        "--password",
        "bench-password-1",
        "--user-token",
        token,
        "--enable-legacy-api-token",
        "--log-level",
        "WARNING",
    ]
    out = work / "ls.json"
    url = f"http://127.0.0.1:{port}"
    log("starting Label Studio on", url)
    with Server(cmd, env, work / "ls-server.log", f"{url}/api/version") as server:
        db = next(iter(data.rglob("label_studio.sqlite3")), data / "label_studio.sqlite3")
        workload = [
            str(LS_VENV / "bin" / "python"),
            str(LS_WORKLOAD),
            "--url",
            url,
            "--token",
            token,
            "--n",
            str(a.n),
            "--annotations",
            str(a.annotations),
            "--concurrency",
            str(a.concurrency),
            "--repeats",
            str(a.repeats),
            "--server-pid",
            str(server.pid),
            "--db-path",
            str(db),
            "--out",
            str(out),
        ]
        subprocess.run(workload, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def run_annota(a: argparse.Namespace, work: Path) -> dict:
    exe = Path(sys.executable).with_name("annota")
    port = free_port()
    data = work / "annota-data"
    out = work / "annota.json"
    url = f"http://127.0.0.1:{port}"
    cmd = [str(exe), "serve", "--data-dir", str(data), "--port", str(port)]
    if a.annota_workers > 1:
        cmd += ["--workers", str(a.annota_workers)]
    log("starting Annota on", url)
    with Server(cmd, dict(os.environ), work / "annota-server.log", f"{url}/api/v1/projects") as s:
        workload = [
            sys.executable,
            str(BENCH / "core_workload.py"),
            "--url",
            url,
            "--data-dir",
            str(data),
            "--annota",
            str(exe),
            "--n",
            str(a.n),
            "--annotations",
            str(a.annotations),
            "--concurrency",
            str(a.concurrency),
            "--repeats",
            str(a.repeats),
            "--file-items",
            str(a.file_items),
            "--server-pid",
            str(s.pid),
            "--out",
            str(out),
            "--fill-time-limit",
            str(a.fill_time_limit),
        ]
        if not a.no_fill:
            workload.append("--fill")
        if not a.no_cli_import:
            workload.append("--cli-import")
        subprocess.run(workload, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def source_version() -> dict[str, object]:
    """The Annota commit measured, and whether src/ had uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "src_changed": bool(git("status", "-s", "src"))}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--annotations", type=int, default=1000, help="submits per run and mode")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--file-items", type=int, default=100_000)
    ap.add_argument("--fill-time-limit", type=float, default=600.0)
    ap.add_argument("--no-fill", action="store_true", help="skip annotating every item")
    ap.add_argument("--no-cli-import", action="store_true")
    ap.add_argument("--annota-workers", type=int, default=1, help="annota serve --workers")
    ap.add_argument("--skip-ls", action="store_true", help="Annota alone")
    ap.add_argument("--skip-annota", action="store_true", help="Label Studio alone")
    ap.add_argument("--quiet-load", type=float, default=1.5, help="wait for a 1-min load below")
    ap.add_argument("--quiet-wait", type=float, default=600.0, help="but no longer than (s)")
    ap.add_argument("--keep", action="store_true", help="keep the data dirs and server logs")
    a = ap.parse_args()

    results: dict = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "load_1min_at_start": load_average()},
        "params": vars(a),
    }
    work = Path(tempfile.mkdtemp(prefix="core-bench-"))
    try:
        if not a.skip_ls:
            ensure_label_studio()
            results["machine"]["before_ls"] = wait_for_quiet(a.quiet_load, a.quiet_wait)
            sampler = LoadSampler()
            sampler.start()
            results["label_studio"] = run_label_studio(a, work)
            results["machine"]["load_during_ls"] = sampler.result()
            results["machine"]["load_1min_after_ls"] = load_average()
        if not a.skip_annota:
            results["machine"]["before_annota"] = wait_for_quiet(a.quiet_load, a.quiet_wait)
            sampler = LoadSampler()
            sampler.start()
            results["annota_source"] = source_version()  # what the server is about to load
            results["annota"] = run_annota(a, work)
            results["machine"]["load_during_annota"] = sampler.result()
        results["machine"]["load_1min_at_end"] = load_average()
    finally:
        if a.keep:
            log("kept", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    table = rows(results.get("annota"), results.get("label_studio"), a.n)
    results["table"] = table
    dest = BENCH / "results" / f"core-n{a.n}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(results, indent=2))
    print(render(table, a.n, results["machine"]))
    log("results in", dest)


if __name__ == "__main__":
    main()
