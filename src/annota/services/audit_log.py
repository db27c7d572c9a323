"""Reading the audit trail (writing it is :mod:`annota.services.audit`)."""

from __future__ import annotations

from sqlalchemy import select

from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.records import AuditInfo, Page
from annota.services.roles import Need
from annota.store.db import Database
from annota.store.models import AuditEvent


def list_events(
    db: Database, actor: Actor, project_id: int, *, after: int = 0, limit: int = 100
) -> Page[AuditInfo]:
    with db.read() as s:
        project_for(s, actor, project_id, Need.MANAGE)
        rows = (
            s.execute(
                select(AuditEvent)
                .where(AuditEvent.project_id == project_id, AuditEvent.id > after)
                .order_by(AuditEvent.id)
                .limit(limit + 1)
            )
            .scalars()
            .all()
        )
        out = [
            AuditInfo(
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
            for e in rows[:limit]
        ]
        return Page(out, str(out[-1].id) if len(rows) > limit else None)
