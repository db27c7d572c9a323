"""Fixtures for use-case tests: a project with items and members."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from annota.formats import SourceRecord
from annota.services import importing, projects
from annota.services.actor import Actor
from annota.store.db import Database

MakeProject = Callable[..., int]


@pytest.fixture
def make_project(db: Database, text_schema: str) -> MakeProject:
    def make(
        n_items: int = 10,
        *,
        members: dict[Actor, str] | None = None,
        name: str = "p",
        **settings: Any,
    ) -> int:
        op = Actor.operator()
        pid = projects.create_project(db, op, name=name, schema=text_schema, settings=settings).id
        if n_items:
            records = (
                SourceRecord(f"t:{i}", f"e{i}", {"text": f"item number {i}"}, {})
                for i in range(n_items)
            )
            importing.import_records(db, op, pid, records, source="t")
        for actor, role in (members or {}).items():
            projects.set_member(db, op, pid, username=actor.username, role=role)
        return pid

    return make
