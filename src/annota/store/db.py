"""Engine, connection settings and transactions, the same code for SQLite and PostgreSQL.

SQLite is the laptop default, so it is configured for durability first: WAL journal,
``synchronous=FULL`` (a 2xx means the commit reached the disk), foreign keys on and a busy
timeout, set on *every* pooled connection. Write transactions on SQLite begin with
``BEGIN IMMEDIATE`` so that two writers queue on the lock instead of failing half-way with
"database is locked" when one upgrades from a read lock.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, TypeVar

import orjson
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from annota.config import Settings

log = logging.getLogger(__name__)

_WRITE = "annota_write"
T = TypeVar("T")
#: most jobs one group commit takes; bounds the latency a batch adds to its last job
MAX_BATCH = 64


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
        self._committer: GroupCommitter | None = None
        self._committer_lock = threading.Lock()
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

    def transact(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a write transaction and return its result once it is durable.

        On SQLite the hot write paths come through here so that concurrent requests share
        one commit (one fsync): see :class:`GroupCommitter`. On PostgreSQL each call is its
        own transaction; the server already groups concurrent commits.
        """
        if not self.is_sqlite:
            with self.write() as session:
                return work(session)
        if self._committer is None:
            with self._committer_lock:
                if self._committer is None:
                    self._committer = GroupCommitter(self)
        return self._committer.run(work)

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
        if self._committer is not None:
            self._committer.stop()
            self._committer = None
        self.engine.dispose()


class GroupCommitter:
    """One writer thread that commits many callers' transactions with a single fsync.

    With ``synchronous=FULL`` every SQLite commit waits for the disk, and writers queue on
    one lock, so throughput is bound by fsyncs. Callers hand their work to this thread; it
    takes whatever has queued up (up to :data:`MAX_BATCH`), runs each job in its own
    SAVEPOINT inside one ``BEGIN IMMEDIATE`` transaction, commits once, and only then tells
    each caller its result. A job that raises is rolled back to its savepoint and gets its
    own exception; the others are unaffected. Nothing is acknowledged before the commit
    has reached the disk, so a 2xx still means durable.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._jobs: queue.SimpleQueue[tuple[Callable[[Session], Any], Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._loop, name="annota-group-commit", daemon=True)
        self._thread.start()

    def run(self, work: Callable[[Session], T]) -> T:
        done: Future[T] = Future()
        self._jobs.put((work, done))
        return done.result()

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)
                    break
                batch.append(job)
            self._commit(batch)

    def _commit(self, batch: list[tuple[Callable[[Session], Any], Future[Any]]]) -> None:
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            with self.db.write() as session:
                for work, done in batch:
                    savepoint = session.begin_nested()
                    try:
                        result = work(session)
                        savepoint.commit()
                        outcomes.append((done, result, None))
                    except Exception as exc:  # delivered to its own caller below
                        savepoint.rollback()
                        outcomes.append((done, None, exc))
        except Exception as exc:  # the commit itself failed: nobody's work is durable
            log.exception("group commit of %d jobs failed", len(batch))
            for _work, done in batch:
                done.set_exception(exc)
            return
        for done, result, error in outcomes:
            if error is not None:
                done.set_exception(error)
            else:
                done.set_result(result)
