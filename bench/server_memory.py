"""A server's memory and database size, read from /proc and the file system.

The figures match ../shared/bench/ls_workload.py: VmRSS and VmHWM summed over a pid and its
descendants (Label Studio may fork; ``annota serve`` is one process), in MiB.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def process_tree(pid: int) -> list[int]:
    kids = _children_map()
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(kids.get(p, []))
    return out


def rss_kib(pid: int) -> dict[str, float] | None:
    """VmRSS and VmHWM (MiB) summed over ``pid`` and its descendants."""
    if not pid:
        return None
    tot = {"VmRSS": 0, "VmHWM": 0}
    processes = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    k = line.split(":", 1)[0]
                    if k in tot:
                        tot[k] += int(line.split()[1])
            processes += 1
        except OSError:
            pass
    return {
        "rss_mib": round(tot["VmRSS"] / 1024, 1),
        "hwm_mib": round(tot["VmHWM"] / 1024, 1),
        "processes": processes,
    }


class RssSampler(threading.Thread):
    """Samples the tree's VmRSS every ``every`` seconds; ``peak_mib`` is the highest seen."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_mib = pid, every, 0.0
        self._stop_ev = threading.Event()

    def run(self) -> None:
        while not self._stop_ev.is_set():
            r = rss_kib(self.pid)
            if r:
                self.peak_mib = max(self.peak_mib, r["rss_mib"])
            self._stop_ev.wait(self.every)

    def stop(self) -> None:
        self._stop_ev.set()
        self.join(timeout=5)


def db_size(path: str) -> dict[str, float] | None:
    """Bytes of the SQLite file and its -wal / -shm companions, and their total in MiB."""
    if not path:
        return None
    out: dict[str, float] = {}
    for suffix in ("", "-wal", "-shm"):
        p = path + suffix
        if os.path.exists(p):
            out["file" + (suffix or "")] = os.path.getsize(p)
    out["total_mib"] = round(sum(out.values()) / (1024 * 1024), 2)
    return out


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds used so far by ``pid`` and its descendants."""
    if not pid:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError, IndexError):
            pass
    return total / ticks


def with_cpu(pid: int, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run a phase and add the server's CPU time over it, in all and per submitted annotation."""
    before = cpu_seconds(pid)
    out = run()
    after = cpu_seconds(pid)
    if before is not None and after is not None:
        out["server_cpu_s"] = round(after - before, 2)
        ok = out.get("ok") or 0
        out["server_cpu_ms_per_cycle"] = round(1000 * (after - before) / ok, 2) if ok else None
    return out
