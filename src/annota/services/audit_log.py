"""Reading the audit trail: query it, export it, verify its hash chain.

Writing it is :mod:`annota.services.audit`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select

from annota.errors import PermissionDenied
from annota.services.access import project_row
from annota.services.actor import Actor
from annota.services.audit import EVENTS, event_hash
from annota.services.records import AuditInfo, Page
from annota.services.roles import Need
from annota.store.db import Database


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which events: any combination of project, user, object and time window."""

    project_id: int | None = None
    actor_id: int | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of :func:`verify_chain`."""

    events: int
    ok: bool
    first_bad_id: int | None = None
    problem: str | None = None
    head: str = ""


def _info(e: Any) -> AuditInfo:
    return AuditInfo(
        id=e.id,
        at=e.at,
        actor_id=e.actor_id,
        actor_name=e.actor_name,
        project_id=e.project_id,
        action=e.action,
        object_type=e.object_type,
        object_id=e.object_id,
        details=e.details,
    )


def _check_scope(db: Database, actor: Actor, where: AuditFilter) -> None:
    """Admins query everything; a project's managers query that project only."""
    if actor.is_admin:
        return
    if where.project_id is None:
        raise PermissionDenied(
            "only admins may query the audit trail across projects", location="project_id"
        )
    with db.read() as s:
        project_row(s.connection(), actor, where.project_id, Need.MANAGE)


def _select(where: AuditFilter, after: int) -> Any:
    query = select(EVENTS).where(EVENTS.c.id > after)
    if where.project_id is not None:
        query = query.where(EVENTS.c.project_id == where.project_id)
    if where.actor_id is not None:
        query = query.where(EVENTS.c.actor_id == where.actor_id)
    if where.object_type is not None:
        query = query.where(EVENTS.c.object_type == where.object_type)
    if where.object_id is not None:
        query = query.where(EVENTS.c.object_id == where.object_id)
    if where.since is not None:
        query = query.where(EVENTS.c.at >= where.since)
    if where.until is not None:
        query = query.where(EVENTS.c.at < where.until)
    return query.order_by(EVENTS.c.id)


def query_events(
    db: Database, actor: Actor, where: AuditFilter, *, after: int = 0, limit: int = 100
) -> Page[AuditInfo]:
    """One page of events matching ``where``, oldest first (keyset paging by id)."""
    _check_scope(db, actor, where)
    with db.read() as s:
        rows = s.execute(_select(where, after).limit(limit + 1)).all()
    out = [_info(e) for e in rows[:limit]]
    return Page(out, str(out[-1].id) if len(rows) > limit else None)


def list_events(
    db: Database, actor: Actor, project_id: int, *, after: int = 0, limit: int = 100
) -> Page[AuditInfo]:
    """A project's events (its managers)."""
    return query_events(db, actor, AuditFilter(project_id=project_id), after=after, limit=limit)


def export_events(db: Database, actor: Actor, where: AuditFilter) -> Iterator[bytes]:
    """Every matching event as JSON lines, hashes included, streamed in id order.

    The caller's scope is checked here, when called, not when the stream is first read: a
    response that has already started cannot turn into a refusal.
    """
    _check_scope(db, actor, where)
    return _event_lines(db, where)


def _event_lines(db: Database, where: AuditFilter) -> Iterator[bytes]:
    after = 0
    while True:
        with db.read() as s:
            rows = s.execute(_select(where, after).limit(5000)).all()
        for e in rows:
            yield (
                orjson.dumps(
                    {
                        "id": e.id,
                        "at": e.at.isoformat(),
                        "actor_id": e.actor_id,
                        "actor_name": e.actor_name,
                        "project_id": e.project_id,
                        "action": e.action,
                        "object_type": e.object_type,
                        "object_id": e.object_id,
                        "details": e.details,
                        "prev_hash": e.prev_hash,
                        "hash": e.hash,
                    }
                )
                + b"\n"
            )
        if len(rows) < 5000:
            return
        after = rows[-1].id


def verify_chain(db: Database, actor: Actor, *, batch: int = 5000) -> ChainReport:
    """Recompute every event's hash in order; the first mismatch names the tampered event.

    Catches an edited event (its hash no longer matches its content), a deleted one (the next
    event's ``prev_hash`` no longer matches) and a reordered one. Admins only: the chain
    spans every project.
    """
    if not actor.is_admin:
        raise PermissionDenied("only admins may verify the whole audit trail")
    prev, count, after = "", 0, 0
    while True:
        with db.read() as s:
            rows = s.execute(
                select(EVENTS).where(EVENTS.c.id > after).order_by(EVENTS.c.id).limit(batch)
            ).all()
        for e in rows:
            count += 1
            if e.prev_hash != prev:
                return ChainReport(
                    count, False, e.id, "its link to the previous event is broken", prev
                )
            if event_hash(prev, e._asdict()) != e.hash:
                return ChainReport(count, False, e.id, "its content does not match its hash", prev)
            prev = e.hash
        if len(rows) < batch:
            return ChainReport(count, True, head=prev)
        after = rows[-1].id
