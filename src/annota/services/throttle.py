"""Login throttling: too many failures per client address or per username → RateLimited.

Kept in process memory: it guards one server process against brute force; it is not a
distributed quota. A 429 is always safe to retry after ``Retry-After`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from annota.errors import RateLimited


class LoginThrottle:
    def __init__(self, *, max_failures: int, window_seconds: int) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def check(self, *keys: str) -> None:
        """Raise RateLimited if any key has used up its failures in the window."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                q = self._recent(key, now)
                if len(q) >= self.max_failures:
                    raise RateLimited(
                        "too many failed sign-ins; try again later",
                        retry_after=max(1, int(q[0] + self.window - now) + 1),
                        location="credentials",
                    )

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._fails.pop(key, None)
