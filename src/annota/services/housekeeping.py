"""Once a minute, in every server and worker: recover lost jobs, make scheduled versions."""

from __future__ import annotations

import logging
import threading

from annota.jobs import JobQueue
from annota.services import jobs, version_schedule
from annota.store.db import Database

log = logging.getLogger(__name__)
EVERY_SECONDS = 60.0


def tick(db: Database, queue: JobQueue, *, stale_seconds: int) -> None:
    """One round; never raises (a failing round is logged and the next one tries again)."""
    try:
        jobs.recover(db, queue, stale_seconds=stale_seconds)
        version_schedule.create_due_versions(db)
    except Exception:
        log.exception("housekeeping round failed")


def start(db: Database, queue: JobQueue, *, stale_seconds: int) -> threading.Event:
    """Run :func:`tick` now and then every minute on a daemon thread; set the event to stop."""
    stop = threading.Event()

    def loop() -> None:
        tick(db, queue, stale_seconds=stale_seconds)
        while not stop.wait(EVERY_SECONDS):
            tick(db, queue, stale_seconds=stale_seconds)

    threading.Thread(target=loop, name="annota-housekeeping", daemon=True).start()
    return stop
