"""The audit trail's hash chain: every change recorded, tampering found, appends serialised."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from annota.errors import PermissionDenied
from annota.services import audit_log, projects
from annota.services.actor import Actor
from annota.store import tables
from annota.store.db import Database
from clirun import annota

OP = Actor.operator()


def _history(db: Database, schema: str) -> int:
    pid = projects.create_project(db, OP, name="audited", schema=schema).id
    for i in range(5):
        projects.update_project(db, OP, pid, description=f"take {i}")
    return pid


def test_a_clean_trail_verifies(db: Database, text_schema: str) -> None:
    _history(db, text_schema)
    report = audit_log.verify_chain(db, OP)
    assert report.ok, report
    assert report.events >= 6
    assert len(report.head) == 64


@pytest.mark.parametrize("field", ["details", "actor_name", "at"])
def test_an_edited_event_is_found(db: Database, text_schema: str, field: str) -> None:
    _history(db, text_schema)
    with db.write() as s:
        victim = s.execute(
            select(tables.audit_events.c.id).order_by(tables.audit_events.c.id).offset(2).limit(1)
        ).scalar_one()
        row = s.execute(select(tables.audit_events).where(tables.audit_events.c.id == victim)).one()
        changed: dict[str, Any] = {
            "details": {**row.details, "forged": True},
            "actor_name": "someone else",
            "at": row.at.replace(year=2020),
        }
        s.execute(
            update(tables.audit_events)
            .where(tables.audit_events.c.id == victim)
            .values({field: changed[field]})
        )
    report = audit_log.verify_chain(db, OP)
    assert not report.ok
    assert report.first_bad_id == victim
    assert report.problem == "its content does not match its hash"


def test_a_deleted_event_is_found(db: Database, text_schema: str) -> None:
    _history(db, text_schema)
    with db.write() as s:
        ids = (
            s.execute(select(tables.audit_events.c.id).order_by(tables.audit_events.c.id))
            .scalars()
            .all()
        )
        s.execute(delete(tables.audit_events).where(tables.audit_events.c.id == ids[3]))
    report = audit_log.verify_chain(db, OP)
    assert (report.ok, report.first_bad_id) == (False, ids[4])
    assert report.problem == "its link to the previous event is broken"


def test_concurrent_writers_keep_one_line(db: Database, text_schema: str) -> None:
    pid = projects.create_project(db, OP, name="busy", schema=text_schema).id
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                projects.update_project(db, OP, pid, description=f"w{n}-{i}")
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = audit_log.verify_chain(db, OP)
    assert report.ok, report
    assert report.events >= 61


def test_queries_filter_and_only_admins_see_everything(
    db: Database, people: Any, text_schema: str
) -> None:
    pid = _history(db, text_schema)
    other = projects.create_project(db, OP, name="other", schema=text_schema).id
    boss = people.add("boss")
    projects.set_member(db, OP, pid, username="boss", role="manager")
    mine = audit_log.query_events(db, boss, audit_log.AuditFilter(project_id=pid), limit=500).items
    assert mine
    assert {e.project_id for e in mine} == {pid}
    with pytest.raises(PermissionDenied):
        audit_log.query_events(db, boss, audit_log.AuditFilter())
    by_object = audit_log.query_events(
        db, OP, audit_log.AuditFilter(object_type="project", object_id=str(other))
    ).items
    assert by_object
    assert all(e.object_id == str(other) for e in by_object)
    later = audit_log.query_events(db, OP, audit_log.AuditFilter(since=mine[-1].at)).items
    assert all(e.at >= mine[-1].at for e in later)


def test_api_query_export_and_verify(
    client: TestClient, db: Database, people: Any, text_schema: str
) -> None:
    pid = _history(db, text_schema)
    people.add("root", admin=True)
    people.add("nobody")
    h = people.headers("root")
    page = client.get("/api/v1/audit", params={"project_id": pid, "limit": 3}, headers=h).json()
    assert len(page["items"]) == 3
    assert page["next_cursor"]
    lines = client.get(
        "/api/v1/audit/export", params={"project_id": pid}, headers=h
    ).text.splitlines()
    assert len(lines) >= 6
    assert '"hash"' in lines[0]
    assert client.get("/api/v1/audit/verify", headers=h).json()["ok"] is True
    assert client.get("/api/v1/audit/verify", headers=people.headers("nobody")).status_code == 403


def test_cli_verify_exits_nonzero_on_tampering(
    cli_env: dict[str, str], db: Database, text_schema: str
) -> None:
    _history(db, text_schema)
    ok = annota(cli_env, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ok: ")
    with db.write() as s:
        s.execute(
            update(tables.audit_events).where(tables.audit_events.c.id == 2).values(action="forged")
        )
    bad = annota(cli_env, "audit", "verify")
    assert bad.returncode == 1
    assert "TAMPERED" in bad.stderr
    assert "event 2" in bad.stderr
