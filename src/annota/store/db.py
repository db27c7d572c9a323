"""Engine, connection settings and transactions, the same code for SQLite and PostgreSQL.

SQLite is the laptop default, so it is configured for durability first: WAL journal,
``synchronous=FULL`` (a 2xx means the commit reached the disk), foreign keys on and a busy
timeout, set on *every* pooled connection. Write transactions on SQLite begin with
``BEGIN IMMEDIATE`` so that two writers queue on the lock instead of failing half-way with
"database is locked" when one upgrades from a read lock.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from annota.config import Settings

log = logging.getLogger(__name__)

_WRITE = "annota_write"


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class Database:
    """The one handle on the database: an engine and sessions for reads and for writes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        url = settings.effective_database_url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            settings.ensure_data_dir()
            engine = create_engine(
                url,
                json_serializer=_json_dumps,
                json_deserializer=orjson.loads,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_size=8,
                max_overflow=16,
            )
            self._configure_sqlite(engine)
        else:
            engine = create_engine(
                url,
                json_serializer=_json_dumps,
                json_deserializer=orjson.loads,
                pool_size=10,
                max_overflow=20,
                pool_pre_ping=True,
            )
        self.engine: Engine = engine
        #: memo of immutable rows (schema versions) keyed by the service that reads them
        self.cache: dict[Any, Any] = {}
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(**{_WRITE: True}), expire_on_commit=False
        )

    def _configure_sqlite(self, engine: Engine) -> None:
        synchronous = self.settings.sqlite_synchronous
        busy = self.settings.sqlite_busy_timeout_ms

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when transactions begin (see "begin").
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(busy)}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            immediate = conn.get_execution_options().get(_WRITE, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction: one consistent snapshot for the whole block."""
        with self._read() as session, session.begin():
            yield session

    def connection_settings(self) -> dict[str, Any]:
        """What a pooled connection actually runs with (checked by tests and ``annota doctor``)."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                return {
                    name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                    for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
                }
            return {
                "synchronous_commit": conn.execute(text("SHOW synchronous_commit")).scalar(),
                "fsync": conn.execute(text("SHOW fsync")).scalar(),
            }

    def warn_if_not_durable(self) -> None:
        """Warn at start-up when PostgreSQL may drop acknowledged commits on a crash."""
        if self.is_sqlite:
            return
        current = self.connection_settings()
        if current.get("synchronous_commit") == "off" or current.get("fsync") == "off":
            log.warning("PostgreSQL durability is reduced: %s", current)

    def dispose(self) -> None:
        self.engine.dispose()
