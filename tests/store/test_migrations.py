"""The migrations build exactly the modelled schema, and go down and up again cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from annota.store.db import Database
from annota.store.migrate import alembic_config, upgrade
from annota.store.models import Base


def _diffs(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        found = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Full-text search lives outside the models (an FTS5 table on SQLite, an expression
    # index on PostgreSQL), made by migration 0005.
    return [d for d in found if "fts" not in repr(d)]


def test_migrations_match_the_models_and_round_trip(db: Database) -> None:
    assert _diffs(db) == []
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    upgrade(db)
    assert _diffs(db) == []
