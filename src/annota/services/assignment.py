"""Handing out items: next-item with leases, overlap, ordering and skip.

Guarantees, on SQLite and PostgreSQL alike, under any number of concurrent callers:
- an item is held by at most ``overlap`` annotators at once (live leases plus submitted
  answers), counted in ``Item.taken`` inside the same transaction as the lease;
- nobody is handed the same item twice (``assignments`` is unique on item and user);
- reloading returns the caller's live lease instead of a new item;
- an expired lease frees its slot for others;
- gold items never enter the regular pool: they are mixed in at the project's
  ``gold_ratio`` and make up a new annotator's qualification test (one indexed row read,
  only when either is configured; see :mod:`annota.services.qualification`).

SQLite serialises writers (``BEGIN IMMEDIATE``). PostgreSQL takes a per-(project, user)
advisory lock, so one person's concurrent calls queue, and picks the candidate item with
``FOR UPDATE SKIP LOCKED``, so different people never wait on each other's candidate.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, exists, func, insert, select, text, update

from annota.errors import InvalidInput, NotFound, PermissionDenied
from annota.services import audit, gold, qualification
from annota.services.access import item_for, item_row, project_row
from annota.services.actor import Actor
from annota.services.records import ItemInfo, PredictionInfo
from annota.services.roles import Need
from annota.store import tables
from annota.store.db import Database
from annota.store.models import Assignment, Item, Project
from annota.store.models.assignments import EXPIRED, LEASED, SKIPPED, SUBMITTED

MAX_REASON = 2000


ASSIGN = tables.assignments.c
ITEM_T = tables.items
PRED = tables.predictions.c


def item_info(
    item: Any,
    predictions: list[PredictionInfo] | None = None,
    lease_expires_at: datetime | None = None,
    *,
    done_cap: int | None = None,
) -> ItemInfo:
    """An ItemInfo from an ORM Item or a Core row with the same column names.

    ``done_cap`` bounds ``done`` for annotators: a gold item collects every annotator's
    answer, and an uncapped count would tell them it is gold. It also marks the annotator's
    view, which gets the masked copy of the data where the schema marks fields private.
    """
    masked = getattr(item, "masked", None)
    data = masked if done_cap is not None and masked is not None else item.data
    media = {k: v for k, v in (getattr(item, "media", None) or {}).items() if k in data}
    return ItemInfo(
        id=item.id,
        project_id=item.project_id,
        external_id=item.external_id,
        data=data,
        meta=item.meta,
        priority=item.priority,
        done=item.done if done_cap is None else min(item.done, done_cap),
        created_at=item.created_at,
        predictions=predictions,
        lease_expires_at=lease_expires_at,
        media=media,
    )


def predictions_of(conn: Connection, item_id: int) -> list[PredictionInfo]:
    rows = conn.execute(
        select(
            PRED.id,
            PRED.item_id,
            PRED.model_name,
            PRED.model_version,
            PRED.score,
            PRED.regions,
            PRED.schema_version,
            PRED.created_at,
        )
        .where(PRED.item_id == item_id)
        .order_by(PRED.id)
    )
    return [PredictionInfo(**row._mapping) for row in rows]


def _release(conn: Connection, item_id: int, overlap: int) -> None:
    conn.execute(
        update(ITEM_T)
        .where(ITEM_T.c.id == item_id)
        .values(taken=ITEM_T.c.taken - 1, open=ITEM_T.c.taken - 1 < overlap)
    )


def _take(conn: Connection, item_id: int, overlap: int) -> None:
    conn.execute(
        update(ITEM_T)
        .where(ITEM_T.c.id == item_id)
        .values(taken=ITEM_T.c.taken + 1, open=ITEM_T.c.taken + 1 < overlap)
    )


def expire_leases(conn: Connection, project_id: int, overlap: int, now: datetime) -> int:
    """Turn the project's overdue leases into ``expired`` and free their slots."""
    item_ids = (
        conn.execute(
            update(tables.assignments)
            .where(
                ASSIGN.project_id == project_id, ASSIGN.status == LEASED, ASSIGN.expires_at <= now
            )
            .values(status=EXPIRED)
            .returning(ASSIGN.item_id)
        )
        .scalars()
        .all()
    )
    for item_id in item_ids:
        _release(conn, item_id, overlap)
    return len(item_ids)


def _candidates(project_id: int, ordering: str, user_id: int) -> Select[Any]:
    # An expired lease of one's own does not count: that item may come back to its annotator.
    mine = exists().where(
        ASSIGN.item_id == ITEM_T.c.id, ASSIGN.user_id == user_id, ASSIGN.status != EXPIRED
    )
    query = select(ITEM_T.c.id).where(
        ITEM_T.c.project_id == project_id,
        ITEM_T.c.open.is_(True),
        ~mine,
        gold.not_gold(ITEM_T.c.id),
    )
    if ordering == "random":
        return query.order_by(ITEM_T.c.rand)
    if ordering == "priority":
        return query.order_by(ITEM_T.c.priority.desc(), ITEM_T.c.id)
    return query.order_by(ITEM_T.c.id)


def next_item(
    db: Database, actor: Actor, project_id: int, *, now: datetime | None = None
) -> ItemInfo | None:
    """The caller's next item with a fresh lease, or None when nothing is left for them."""
    if actor.user_id is None:
        raise PermissionDenied("the local operator cannot annotate; sign in as a user")
    uid = actor.user_id
    when = now or datetime.now(UTC)
    return db.transact(lambda s: _lease_next(db, s.connection(), actor, uid, project_id, when))


def _lease_next(
    db: Database, conn: Connection, actor: Actor, uid: int, project_id: int, now: datetime
) -> ItemInfo | None:
    project = project_row(conn, actor, project_id, Need.ANNOTATE)
    settings = project.settings
    if not db.is_sqlite:
        conn.execute(text("SELECT pg_advisory_xact_lock(:p, :u)"), {"p": project_id, "u": uid})
    expires = now + timedelta(seconds=int(settings.get("lease_seconds", 3600)))
    overlap = int(settings.get("overlap", 1))
    current = conn.execute(
        select(ASSIGN.id, ASSIGN.item_id)
        .where(
            ASSIGN.project_id == project_id,
            ASSIGN.user_id == uid,
            ASSIGN.status == LEASED,
            ASSIGN.expires_at > now,
        )
        .order_by(ASSIGN.id)
        .limit(1)
    ).first()
    if current is not None:
        conn.execute(
            update(tables.assignments).where(ASSIGN.id == current.id).values(expires_at=expires)
        )
        item_id = current.item_id
    else:
        expire_leases(conn, project_id, overlap, now)
        item_id = _pick(db, conn, actor, project, uid)
        if item_id is None:
            return None
        renewed = conn.execute(  # only an expired lease of theirs can be there
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
        _take(conn, item_id, overlap)
    item = conn.execute(select(*ITEM_COLUMNS).where(ITEM_T.c.id == item_id)).one()
    show = bool(settings.get("show_predictions", True))
    preds = predictions_of(conn, item_id) if show else None
    return item_info(item, preds, expires, done_cap=overlap - 1)


def _pick(db: Database, conn: Connection, actor: Actor, project: Any, uid: int) -> int | None:
    """The id of the item to lease next: a gold item when the plan says so, else regular."""
    plan = qualification.plan_next(db, conn, project, uid)
    if plan != "regular":
        item_id = gold.pick(conn, project.id, uid)
        if item_id is not None:
            return item_id
        if plan == "test":
            qualification.out_of_test_items(conn, actor, project, uid)  # raises unless passed
    query = _candidates(project.id, project.settings.get("ordering", "sequential"), uid)
    if not db.is_sqlite:
        query = query.with_for_update(skip_locked=True, of=ITEM_T)
    found: int | None = conn.execute(query.limit(1)).scalar()
    return found


ITEM_COLUMNS = (
    ITEM_T.c.id,
    ITEM_T.c.project_id,
    ITEM_T.c.external_id,
    ITEM_T.c.data,
    ITEM_T.c.masked,
    ITEM_T.c.media,
    ITEM_T.c.meta,
    ITEM_T.c.priority,
    ITEM_T.c.done,
    ITEM_T.c.created_at,
)


def skip_item(db: Database, actor: Actor, item_id: int, *, reason: str | None = None) -> None:
    """Give an item back: it is not offered to this annotator again, and frees the slot."""
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidInput(f"reason is over {MAX_REASON} characters", location="reason")
    db.transact(lambda s: _skip(s.connection(), actor, item_id, reason))


def _skip(conn: Connection, actor: Actor, item_id: int, reason: str | None) -> None:
    _item, project = item_row(conn, actor, item_id, Need.ANNOTATE)
    if not project.settings.get("allow_skip", True):
        raise PermissionDenied("this project does not allow skipping", location="item")
    status = conn.execute(
        select(ASSIGN.status).where(ASSIGN.item_id == item_id, ASSIGN.user_id == actor.user_id)
    ).scalar()
    if status == SUBMITTED:
        raise InvalidInput("you already submitted this item", location="item")
    if status is None:
        conn.execute(
            insert(tables.assignments).values(
                project_id=project.id,
                item_id=item_id,
                user_id=actor.user_id,
                status=SKIPPED,
                leased_at=datetime.now(UTC),
                expires_at=datetime.now(UTC),
                skip_reason=reason,
            )
        )
    else:
        conn.execute(
            update(tables.assignments)
            .where(ASSIGN.item_id == item_id, ASSIGN.user_id == actor.user_id)
            .values(status=SKIPPED, skip_reason=reason)
        )
        if status == LEASED:
            _release(conn, item_id, int(project.settings.get("overlap", 1)))
    audit.record(
        conn,
        actor,
        "item.skip",
        object_type="item",
        object_id=item_id,
        project_id=project.id,
        details={"reason": reason} if reason else {},
    )


def mark_submitted(
    conn: Connection, project_id: int, overlap: int, item_id: int, user_id: int
) -> int:
    """Book a person's submitted answer against the item's overlap (called by annotating).

    Returns the item's number of submitted answers after this one.
    """
    status = conn.execute(
        select(ASSIGN.status).where(ASSIGN.item_id == item_id, ASSIGN.user_id == user_id)
    ).scalar()
    now = datetime.now(UTC)
    if status is None:
        conn.execute(
            insert(tables.assignments).values(
                project_id=project_id,
                item_id=item_id,
                user_id=user_id,
                status=SUBMITTED,
                leased_at=now,
                expires_at=now,
            )
        )
    elif status != SUBMITTED:
        conn.execute(
            update(tables.assignments)
            .where(ASSIGN.item_id == item_id, ASSIGN.user_id == user_id)
            .values(status=SUBMITTED)
        )
    held = status in (LEASED, SUBMITTED)  # a live (or unexpired-but-late) lease holds a slot
    done: int = conn.execute(
        update(ITEM_T)
        .where(ITEM_T.c.id == item_id)
        .values(
            done=ITEM_T.c.done + 1,
            taken=ITEM_T.c.taken + (0 if held else 1),
            open=ITEM_T.c.taken + (0 if held else 1) < overlap,
        )
        .returning(ITEM_T.c.done)
    ).scalar_one()
    return done


def get_item(db: Database, actor: Actor, item_id: int) -> ItemInfo:
    """An item: reviewers and managers see any; annotators only those handed to them."""
    with db.read() as s:
        try:
            item, project = item_for(s, actor, item_id, Need.READ_ALL)
        except PermissionDenied:
            item, project = item_for(s, actor, item_id, Need.ANNOTATE)
            handed = s.execute(
                select(Assignment.id).where(
                    Assignment.item_id == item_id, Assignment.user_id == actor.user_id
                )
            ).scalar_one_or_none()
            if handed is None:
                raise NotFound(f"item {item_id} not found", location="item") from None
            overlap = int(project.settings.get("overlap", 1))
            show = bool(project.settings.get("show_predictions", True))
            preds = predictions_of(s.connection(), item.id) if show else None
            return item_info(item, preds, done_cap=overlap)
        show = bool(project.settings.get("show_predictions", True))
        return item_info(item, predictions_of(s.connection(), item.id) if show else None)


def recount(db: Database, project_id: int) -> list[int]:
    """Item ids whose stored counters differ from a recomputation (empty when consistent)."""
    with db.read() as s:
        overlap = int(s.get_one(Project, project_id).settings.get("overlap", 1))
        held = (
            select(func.count())
            .where(Assignment.item_id == Item.id, Assignment.status.in_([SUBMITTED, LEASED]))
            .scalar_subquery()
        )
        rows = s.execute(
            select(Item.id).where(
                Item.project_id == project_id,
                (Item.taken != held) | (Item.open != (held < overlap)),
            )
        ).scalars()
        return list(rows)
