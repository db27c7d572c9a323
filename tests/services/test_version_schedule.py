"""Scheduled dataset versions: due by interval and by change, never duplicated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from annota.formats import SourceRecord
from annota.services import importing, projects, version_schedule, versions
from annota.services.actor import Actor
from annota.store.db import Database

OP = Actor.operator()


def test_versions_follow_the_schedule_and_skip_untouched_projects(
    db: Database, text_schema: str
) -> None:
    hourly = projects.create_project(
        db, OP, name="hourly", schema=text_schema, settings={"version_every_hours": 1}
    ).id
    projects.create_project(db, OP, name="manual", schema=text_schema)
    importing.import_records(
        db, OP, hourly, [SourceRecord("a", "a", {"text": "x"}, {})], source="s"
    )
    assert version_schedule.create_due_versions(db) == [hourly]
    assert version_schedule.create_due_versions(db) == []  # just made one
    later = datetime.now(UTC) + timedelta(hours=2)
    assert version_schedule.due_projects(db, later) == []  # nothing changed since
    importing.import_records(
        db, OP, hourly, [SourceRecord("b", "b", {"text": "y"}, {})], source="s"
    )
    assert version_schedule.due_projects(db, datetime.now(UTC)) == []  # too soon
    assert version_schedule.create_due_versions(db, later) == [hourly]
    made = versions.list_versions(db, OP, hourly)
    assert [(v.number, v.item_count, v.note) for v in made] == [
        (1, 1, "scheduled"),
        (2, 2, "scheduled"),
    ]
