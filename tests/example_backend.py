"""examples/model_backend/server.py as a real process on a free loopback port."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from live import free_port

SERVER = Path(__file__).resolve().parents[1] / "examples" / "model_backend" / "server.py"


@contextmanager
def running_example_backend(token: str) -> Iterator[str]:
    """Start the example backend, wait until /health answers, yield its URL, stop it."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", str(port), "--token", token],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                auth = {"Authorization": f"Bearer {token}"}
                if httpx.get(f"{url}/health", headers=auth, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the example backend did not start")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
