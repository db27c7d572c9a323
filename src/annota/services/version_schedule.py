"""Dataset versions on a schedule: projects that set ``version_every_hours`` get one that often.

Checked once a minute by every server (in-process queue) and every ``annota worker``; a
version is due when the project's newest one is older than its interval and something
changed since (a project nobody touched gets no copies of the same snapshot). Two processes
racing for the same project cannot both create it: version numbers are unique per project,
and the loser's insert fails and is dropped.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from annota.errors import AnnotaError
from annota.services import versions
from annota.services.actor import Actor
from annota.store import tables
from annota.store.db import Database

log = logging.getLogger(__name__)
#: who the audit trail names for scheduled versions
SCHEDULER = Actor(user_id=None, username="scheduler", is_admin=True)


def due_projects(db: Database, now: datetime | None = None) -> list[int]:
    """Projects whose scheduled version is due."""
    now = now or datetime.now(UTC)
    p, v, a = tables.projects.c, tables.dataset_versions.c, tables.audit_events.c
    with db.read() as s:
        rows = s.execute(select(p.id, p.settings).where(p.settings.is_not(None))).all()
        due: list[int] = []
        for row in rows:
            hours = (row.settings or {}).get("version_every_hours")
            if not hours:
                continue
            last = s.execute(select(func.max(v.created_at)).where(v.project_id == row.id)).scalar()
            if last is not None and now - last < timedelta(hours=int(hours)):
                continue
            changed = s.execute(
                select(func.max(a.at)).where(a.project_id == row.id, a.action.not_like("version.%"))
            ).scalar()
            if last is None or (changed is not None and changed > last):
                due.append(row.id)
    return due


def create_due_versions(db: Database, now: datetime | None = None) -> list[int]:
    """Create every due version; returns the projects that got one."""
    made: list[int] = []
    for project_id in due_projects(db, now):
        try:
            versions.create_version(db, SCHEDULER, project_id, note="scheduled")
            made.append(project_id)
        except IntegrityError:
            log.info("project %s: another process created the scheduled version", project_id)
        except AnnotaError as exc:
            log.warning("project %s: scheduled version failed: %s", project_id, exc)
    return made
