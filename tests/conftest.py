"""Shared fixtures: a real database (SQLite by default, PostgreSQL when
``ANNOTA_TEST_DATABASE_URL`` is set), the real app and an in-process HTTP client.

SQLite tests each get a fresh data directory, copied from one migrated template so the
migration runs once. PostgreSQL tests share one freshly created database per test worker,
migrated once and truncated after every test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from annota.app import create_app
from annota.config import Settings
from annota.services import users
from annota.services.actor import Actor
from annota.store.db import Database
from annota.store.migrate import upgrade
from annota.store.models import Base

PG_URL = os.environ.get("ANNOTA_TEST_DATABASE_URL")


def _pg_database(worker: str) -> str:
    """Create an empty database for this test worker; returns its URL."""
    assert PG_URL is not None
    base = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"annota_test_{worker}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The PostgreSQL URL tests run against, or None for SQLite."""
    if not PG_URL:
        yield None
        return
    # ``worker_id`` comes from pytest-xdist, which may be disabled (``-p no:xdist``).
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    url = _pg_database(worker)
    upgrade(Database(Settings(database_url=url, data_dir=Path("/nonexistent-unused"))))
    yield url
    _drop_pg_database(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite data directory, copied into every test's own folder."""
    folder = tmp_path_factory.mktemp("template")
    db = Database(Settings(data_dir=folder))
    upgrade(db)
    db.dispose()
    return folder


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None, sqlite_template: Path) -> Settings:
    data_dir = tmp_path / "data"
    if database_url is None:
        shutil.copytree(sqlite_template, data_dir)
    else:
        data_dir.mkdir()
    # cheap password hashing keeps the suite fast; production keeps the RFC 9106 cost
    return Settings(
        data_dir=data_dir, database_url=database_url, argon2_time_cost=1, argon2_memory_kib=1024
    )


def _truncate(db: Database) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings)
    yield database
    if not database.is_sqlite:
        _truncate(database)
    database.dispose()


@pytest.fixture
def app(settings: Settings, db: Database) -> Any:
    return create_app(settings, db=db, migrate=False)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def operator() -> Actor:
    return Actor.operator()


class People:
    """Creates users and hands out their actors and bearer headers."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.tokens: dict[str, str] = {}
        self.actors: dict[str, Actor] = {}

    def add(self, username: str, *, admin: bool = False) -> Actor:
        info = users.create_user(
            self.db,
            Actor.operator(),
            username=username,
            password="correct horse battery",
            is_admin=admin,
        )
        actor = Actor(user_id=info.id, username=info.username, is_admin=admin)
        self.actors[username] = actor
        return actor

    def headers(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            actor = self.actors[username]
            assert actor.user_id is not None
            token = users.create_token(self.db, Actor.operator(), user_id=actor.user_id)
            assert token.token is not None
            self.tokens[username] = token.token
        return {"Authorization": f"Bearer {self.tokens[username]}"}


@pytest.fixture
def people(db: Database) -> People:
    return People(db)


TEXT_SCHEMA = """
fields:
  - {name: text, type: text}
controls:
  - {name: sentiment, type: choices, field: text, options: [positive, negative, neutral]}
  - {name: entities, type: spans, field: text, labels: [PER, ORG, LOC]}
"""


@pytest.fixture
def text_schema() -> str:
    return TEXT_SCHEMA
