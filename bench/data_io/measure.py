"""Wall time and peak memory of a command, and the RSS of a running server's process tree.

``timed`` waits for the child with ``os.wait4``, whose rusage gives the kernel's own peak
RSS (``ru_maxrss``) of the child: exact, with no sampling interval to miss a short peak.
Linux counts in a child's ``ru_maxrss`` the image it had before ``exec``, which is a copy of
the process that forked it; so the command is started from a small launcher process
(``_LAUNCHER``), not from this one, which grows while it checks exports.
``TreeRss`` samples VmRSS of a server and its descendants from /proc (Label Studio, and
``annota serve``), which is what ``bench/run_core.py`` does too.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Timed:
    """One finished command: wall seconds, peak RSS in MiB, exit status and its stdout."""

    seconds: float
    peak_rss_mib: float
    returncode: int
    stdout: str
    stderr: str


# Forks and execs the command, waits for it, writes the command's own ru_maxrss (KiB) to the
# file descriptor it is given and passes on the exit status. The launcher is itself a fork of
# this process (so its own peak is not the command's): the number comes from its wait4.
_LAUNCHER = (
    "import os, sys\n"
    "fd = int(sys.argv[1])\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.close(fd)\n"
    "    os.execvp(sys.argv[2], sys.argv[2:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "os.write(fd, str(usage.ru_maxrss).encode())\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def timed(cmd: list[str], env: dict[str, str]) -> Timed:
    """Run ``cmd`` to the end; raise if it fails (its stderr in the message)."""
    t0 = time.perf_counter()
    read_end, write_end = os.pipe()
    launched = [sys.executable, "-S", "-c", _LAUNCHER, str(write_end), *cmd]
    proc = subprocess.Popen(
        launched,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=(write_end,),
    )
    os.close(write_end)
    # Read both pipes in threads so a chatty child never blocks on a full pipe.
    out: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda k=k, s=s: out.__setitem__(k, s.read()))
        for k, s in (("out", proc.stdout), ("err", proc.stderr))
    ]
    for r in readers:
        r.start()
    _, status, _ = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    with os.fdopen(read_end, "rb") as pipe:
        maxrss_kib = int(pipe.read() or 0)
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
    result = Timed(
        round(seconds, 3),
        round(maxrss_kib / 1024, 1),  # KiB on Linux
        proc.returncode,
        out.get("out", b"").decode(),
        out.get("err", b"").decode(),
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}: {result.stderr[-2000:]}")
    return result


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree_rss_mib(pid: int) -> float:
    """VmRSS of ``pid`` and all its descendants, MiB."""
    kids, stack, total = _children(), [pid], 0
    while stack:
        p = stack.pop()
        stack.extend(kids.get(p, []))
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


class TreeRss(threading.Thread):
    """Peak of :func:`tree_rss_mib` sampled every ``every`` seconds until :meth:`stop`."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.before = tree_rss_mib(pid)
        self.peak = self.before
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, tree_rss_mib(self.pid))
            self._halt.wait(self.every)

    def stop(self) -> float:
        self._halt.set()
        self.join(timeout=5)
        return self.peak


def median(values: list[float]) -> float | None:
    """The median rounded to 3 places, or None for no values."""
    return round(statistics.median(values), 3) if values else None
