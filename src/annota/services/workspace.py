"""The annotator's workspace: the item after the current one, leased ahead, and progress.

Moving on after a submit is instant in the editor because the next item is already leased
and loaded. :func:`lease_ahead` gives the caller's current item (exactly what
:func:`annota.services.assignment.next_item` gives) plus up to ``size - 1`` further live
leases of theirs, leasing new items when needed. Each extra lease holds an overlap slot
like any lease and expires like any lease, so an abandoned tab frees them in time.

Projects that mix gold items in or run a qualification test get no lease ahead: which item
comes next there depends on the answers given so far (see :mod:`annota.services.qualification`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, exists, func, insert, select, text, update

from annota.errors import InvalidInput, PermissionDenied
from annota.services import assignment, qualification
from annota.services.access import project_row
from annota.services.actor import Actor
from annota.services.records import ItemInfo
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database
from annota.store.models.assignments import EXPIRED, LEASED, SKIPPED, SUBMITTED

MAX_AHEAD = 3
ASSIGN = tables.assignments.c
ITEMS = tables.items


@dataclass(frozen=True, slots=True)
class Progress:
    """The caller's own counts in a project, and how many items are still open to them."""

    submitted: int
    skipped: int
    remaining: int


def lease_ahead(db: Database, actor: Actor, project_id: int, *, size: int = 2) -> list[ItemInfo]:
    """The caller's current item first, then up to ``size - 1`` items leased ahead."""
    if not 1 <= size <= MAX_AHEAD:
        raise InvalidInput(f"size must be 1 to {MAX_AHEAD}", location="size")
    current = assignment.next_item(db, actor, project_id)
    if current is None or size == 1:
        return [current] if current else []
    assert actor.user_id is not None  # next_item refuses the operator
    uid = actor.user_id
    now = datetime.now(UTC)
    ahead = db.transact(
        lambda s: _ahead(db, s.connection(), actor, uid, project_id, current.id, size - 1, now)
    )
    return [current, *ahead]


def _plain_pool(settings: dict[str, Any]) -> bool:
    """Whether the next item can be chosen before the current one is answered."""
    no_gold = float(settings.get("gold_ratio", 0.0)) <= 0
    return no_gold and qualification.test_settings(settings)[0] == 0


def _ahead(
    db: Database,
    conn: Connection,
    actor: Actor,
    uid: int,
    project_id: int,
    current_id: int,
    wanted: int,
    now: datetime,
) -> list[ItemInfo]:
    project = project_row(conn, actor, project_id, Need.ANNOTATE)
    settings = project.settings
    if not _plain_pool(settings):
        return []
    if not db.is_sqlite:  # the same per-(project, user) lock as next_item
        conn.execute(text("SELECT pg_advisory_xact_lock(:p, :u)"), {"p": project_id, "u": uid})
    expires = now + timedelta(seconds=int(settings.get("lease_seconds", 3600)))
    overlap = int(settings.get("overlap", 1))
    held = (
        conn.execute(
            select(ASSIGN.item_id)
            .where(
                ASSIGN.project_id == project_id,
                ASSIGN.user_id == uid,
                ASSIGN.status == LEASED,
                ASSIGN.expires_at > now,
                ASSIGN.item_id != current_id,
            )
            .order_by(ASSIGN.id)
            .limit(wanted)
        )
        .scalars()
        .all()
    )
    item_ids = list(held)
    if held:
        conn.execute(
            update(tables.assignments)
            .where(ASSIGN.user_id == uid, ASSIGN.item_id.in_(held))
            .values(expires_at=expires)
        )
    while len(item_ids) < wanted:
        item_id = assignment._pick(db, conn, actor, project, uid)  # the pool rules of next_item
        if item_id is None:
            break
        _lease(conn, project_id, uid, item_id, now, expires)
        assignment._take(conn, item_id, overlap)  # its slot counting
        item_ids.append(item_id)
    show = bool(settings.get("show_predictions", True))
    out = []
    for item_id in item_ids:
        row = conn.execute(select(*assignment.ITEM_COLUMNS).where(ITEMS.c.id == item_id)).one()
        preds = assignment.predictions_of(conn, item_id) if show else None
        out.append(assignment.item_info(row, preds, expires, done_cap=overlap - 1))
    return out


def _lease(
    conn: Connection, project_id: int, uid: int, item_id: int, now: datetime, expires: datetime
) -> None:
    """Lease ``item_id`` to the caller, reusing their expired lease row if there is one."""
    renewed = conn.execute(
        update(tables.assignments)
        .where(ASSIGN.item_id == item_id, ASSIGN.user_id == uid)
        .values(status=LEASED, leased_at=now, expires_at=expires)
    ).rowcount
    if not renewed:
        conn.execute(
            insert(tables.assignments).values(
                project_id=project_id,
                item_id=item_id,
                user_id=uid,
                status=LEASED,
                leased_at=now,
                expires_at=expires,
            )
        )


def progress(db: Database, actor: Actor, project_id: int) -> Progress:
    """The caller's submitted and skipped counts, and the open items they have not had."""
    if actor.user_id is None:
        raise PermissionDenied("the local operator has no workspace; sign in as a user")
    uid = actor.user_id
    with db.read() as s:
        conn = s.connection()
        project_row(conn, actor, project_id, Need.ANNOTATE)
        rows = conn.execute(
            select(ASSIGN.status, func.count())
            .where(
                ASSIGN.project_id == project_id,
                ASSIGN.user_id == uid,
                ASSIGN.status.in_([SUBMITTED, SKIPPED]),
            )
            .group_by(ASSIGN.status)
        )
        # not dict(rows): a Result has .keys(), so dict() would take it for a mapping
        counts: dict[str, int] = {row[0]: row[1] for row in rows}
        mine = exists().where(
            ASSIGN.item_id == ITEMS.c.id, ASSIGN.user_id == uid, ASSIGN.status != EXPIRED
        )
        remaining = conn.execute(
            select(func.count()).where(
                ITEMS.c.project_id == project_id, ITEMS.c.open.is_(True), ~mine
            )
        ).scalar_one()
    return Progress(
        submitted=int(counts.get(SUBMITTED, 0)),
        skipped=int(counts.get(SKIPPED, 0)),
        remaining=int(remaining),
    )
