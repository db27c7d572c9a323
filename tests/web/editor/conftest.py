"""Editor test helpers: a project with a given schema, items and an annotator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from annota.formats import SourceRecord
from annota.services import annotating, importing, projects
from annota.services.actor import Actor

OPERATOR = Actor.operator()


@pytest.fixture
def make_project(db: Any, people: Any) -> Callable[..., int]:
    """Create a project with ``schema`` and one item per mapping in ``items``; ``ann`` joins."""

    def make(schema: str, items: list[dict[str, Any]], *, guidelines: str | None = None) -> int:
        if "ann" not in people.actors:
            people.add("ann")
        pid = projects.create_project(
            db, OPERATOR, name="Editor test", schema=schema, guidelines=guidelines
        ).id
        projects.set_member(db, OPERATOR, pid, username="ann", role="annotator")
        records = [
            SourceRecord(f"r:{i}", f"item-{i}", data, {"batch": "b1"})
            for i, data in enumerate(items)
        ]
        importing.import_records(db, OPERATOR, pid, records, source="test")
        return pid

    return make


@pytest.fixture
def stored(db: Any) -> Callable[..., list[Any]]:
    """Every annotation of a project, read back through the service layer."""

    def read(project_id: int, status: str | None = None) -> list[Any]:
        page = annotating.list_project_annotations(
            db, OPERATOR, project_id, limit=1000, status=status
        )
        return list(page.items)

    return read


@pytest.fixture
def editor(signed_in: Callable[..., Any]) -> Callable[[int], Any]:
    """A page signed in as ``ann`` showing the editor of a project, loaded and idle."""

    def open_editor(project_id: int) -> Any:
        page = signed_in("ann")
        page.goto(f"/projects/{project_id}/label")
        page.wait_for_selector(".item-view")
        return page

    return open_editor
