"""The loop of ``annota worker``: run jobs from Redis, and sweep up after dead workers."""

from __future__ import annotations

import threading

from annota.jobs import RedisQueue
from annota.jobs.queue import REDIS_KEY
from annota.services import housekeeping, jobs
from annota.store.db import Database

#: how often a worker looks for jobs a dead worker left behind (seconds)
RECOVER_EVERY = 60.0


def work(
    db: Database,
    queue_url: str,
    stop: threading.Event,
    *,
    stale_seconds: int,
    threads: int = 1,
    name: str = REDIS_KEY,
) -> None:
    """Run jobs from the Redis list ``name`` at ``queue_url`` until ``stop`` is set."""
    queue = RedisQueue(queue_url, key=name)

    def sweep() -> None:
        while not stop.wait(RECOVER_EVERY):
            housekeeping.tick(db, queue, stale_seconds=stale_seconds)

    housekeeping.tick(db, queue, stale_seconds=stale_seconds)
    helpers = [threading.Thread(target=sweep, name="annota-recover", daemon=True)]
    helpers += [
        threading.Thread(
            target=queue.work,
            args=(lambda job_id: jobs.run_job(db, job_id), stop),
            name=f"annota-worker-{n}",
            daemon=True,
        )
        for n in range(threads)
    ]
    for t in helpers:
        t.start()
    try:
        stop.wait()
    finally:
        for t in helpers[1:]:
            t.join(timeout=30)
        queue.close()
