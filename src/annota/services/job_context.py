"""What a job handler gets: its parameters, its caller, and a way to report progress.

Kept apart from :mod:`annota.services.jobs` so handler modules can import it without an
import cycle through the table of handlers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from annota.errors import AnnotaError
from annota.services.actor import Actor
from annota.store import tables
from annota.store.db import Database

#: progress is written at most this often (seconds), plus once at the end
PROGRESS_EVERY = 0.5


class JobCancelled(AnnotaError):
    """Raised inside a handler when the job was cancelled; the runner records it."""

    code = "cancelled"


@dataclass
class JobContext:
    """A running job as its handler sees it."""

    db: Database
    job_id: int
    kind: str
    project_id: int | None
    actor: Actor
    params: dict[str, Any]
    _last_write: float = field(default=0.0, repr=False)
    _cancelled: bool = field(default=False, repr=False)

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record how far the job got (throttled); raises :class:`JobCancelled` if asked to stop."""
        now = time.monotonic()
        if now - self._last_write < PROGRESS_EVERY and (total is None or done < total):
            return
        self._last_write = now
        values: dict[str, Any] = {"done": done, "heartbeat_at": datetime.now(UTC)}
        if total is not None:
            values["total"] = total
        if message is not None:
            values["message"] = message[:500]
        with self.db.write() as s:
            s.execute(update(tables.jobs).where(tables.jobs.c.id == self.job_id).values(**values))
            status = s.execute(
                select(tables.jobs.c.status).where(tables.jobs.c.id == self.job_id)
            ).scalar_one()
        if status == "cancelling":
            self._cancelled = True
            raise JobCancelled("the job was cancelled", location=f"job {self.job_id}")

    def cancelled(self) -> bool:
        """Whether someone asked this job to stop (checked when progress is written)."""
        return self._cancelled


Handler = Callable[[Database, JobContext], dict[str, Any]]
