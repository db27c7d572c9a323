"""Queues of job ids: :class:`InProcessQueue` (default) and :class:`RedisQueue` (scale-out)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import redis

log = logging.getLogger(__name__)

Runner = Callable[[int], None]

#: the Redis list the API pushes to and ``annota worker`` pops from
REDIS_KEY = "annota:jobs"


class JobQueue(Protocol):
    """Where a freshly committed job's id goes to be picked up by a worker."""

    def submit(self, job_id: int) -> None: ...

    def close(self) -> None: ...


class InProcessQueue:
    """Runs jobs on a small thread pool inside the server process (the laptop set-up).

    Threads, not processes: jobs spend their time in SQLite/PostgreSQL, NumPy and file I/O,
    which release the GIL, and a thread shares the server's database handle.
    """

    def __init__(self, run: Runner, *, workers: int = 2) -> None:
        self._run = run
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="annota-job")

    def submit(self, job_id: int) -> None:
        self._pool.submit(self._safe_run, job_id)

    def _safe_run(self, job_id: int) -> None:
        try:
            self._run(job_id)
        except Exception:  # the runner records failures; this only guards the pool thread
            log.exception("job %s crashed its runner", job_id)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)


class RedisQueue:
    """A Redis list of job ids; any number of ``annota worker`` processes pop from it."""

    def __init__(self, url: str, *, key: str = REDIS_KEY) -> None:
        self._client = redis.Redis.from_url(url)
        self._key = key

    def submit(self, job_id: int) -> None:
        self._client.lpush(self._key, str(job_id))

    def work(self, run: Runner, stop: threading.Event, *, poll_seconds: float = 1.0) -> None:
        """Pop ids and run them until ``stop`` is set; one job at a time per worker."""
        while not stop.is_set():
            popped = self._client.brpop([self._key], timeout=poll_seconds)
            if popped is None:
                continue
            raw = popped[1]
            try:
                job_id = int(raw)
            except ValueError:
                log.warning("ignoring a malformed job id on the queue: %r", raw)
                continue
            try:
                run(job_id)
            except Exception:
                log.exception("job %s crashed its runner", job_id)

    def close(self) -> None:
        self._client.close()


def make_queue(url: str, run: Runner, *, workers: int = 2, name: str = REDIS_KEY) -> JobQueue:
    """``inprocess`` (or empty) gives threads in this process; ``redis://…`` a Redis list."""
    if not url or url == "inprocess":
        return InProcessQueue(run, workers=workers)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisQueue(url, key=name)
    raise ValueError(f"ANNOTA_JOB_QUEUE must be 'inprocess' or a redis:// URL, not {url!r}")
