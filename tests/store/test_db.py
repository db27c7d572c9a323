"""The engine runs with the durability settings we promise, on every pooled connection."""

from __future__ import annotations

import stat
import threading

import pytest
from sqlalchemy import inspect, text

from annota.config import Settings
from annota.store.db import Database
from annota.store.migrate import is_current, upgrade


def test_every_pooled_sqlite_connection_is_durable(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite pragmas")
    seen: list[tuple[object, ...]] = []
    barrier = threading.Barrier(6)

    def grab() -> None:
        with db.engine.connect() as conn:
            barrier.wait()  # hold six connections at once, so six are really opened
            row = tuple(
                conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            )
            seen.append(row)

    threads = [threading.Thread(target=grab) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [("wal", 2, 1, 30000)] * 6  # synchronous 2 == FULL


def test_postgres_reports_durable_settings(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL settings")
    assert db.connection_settings() == {"synchronous_commit": "on", "fsync": "on"}


def test_write_transaction_rolls_back_on_error(db: Database) -> None:
    def insert_then_fail() -> None:
        with db.write() as s:
            s.execute(
                text(
                    "INSERT INTO users (username, is_admin, is_active, created_at, "
                    "credentials_version) VALUES ('ghost', false, true, "
                    "CURRENT_TIMESTAMP, 1)"
                )
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        insert_then_fail()
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM users")).scalar() == 0


def test_migrations_reach_head_and_create_every_table(db: Database) -> None:
    assert is_current(db)
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "users",
        "projects",
        "items",
        "annotations",
        "assignments",
        "audit_events",
        "predictions",
        "media",
        "schema_versions",
        "guidelines_versions",
    } <= tables
    upgrade(db)  # idempotent
    assert is_current(db)


def test_secret_is_generated_once_with_owner_only_permissions(tmp_path) -> None:
    first = Settings(data_dir=tmp_path / "a")
    key = first.signing_secret()
    assert len(key) >= 32
    assert Settings(data_dir=tmp_path / "a").signing_secret() == key
    mode = stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert Settings(data_dir=tmp_path / "b").signing_secret() != key
