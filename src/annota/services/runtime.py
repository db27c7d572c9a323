"""The database handle as the front doors (api, web, cli) see it.

They may not import ``annota.store`` themselves (an import contract keeps them off it), so
this module is their one way to open the database and bring its schema up to date.
"""

from __future__ import annotations

from annota.config import Settings
from annota.jobs import JobQueue, make_queue
from annota.store.db import Database
from annota.store.migrate import is_current, upgrade

__all__ = ["Database", "JobQueue", "is_current", "make_queue", "open_database", "upgrade"]


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """Connect with ``settings`` and, unless told not to, migrate to the newest schema."""
    db = Database(settings)
    if migrate:
        upgrade(db)
    return db
