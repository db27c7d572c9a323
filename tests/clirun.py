"""Running the real ``annota`` command in a subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys


def annota(
    env: dict[str, str], *args: str, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annota", *args],
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=300,
    )
