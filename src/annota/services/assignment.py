"""Handing out items: next-item with leases, overlap, ordering and skip.

Guarantees, on SQLite and PostgreSQL alike, under any number of concurrent callers:
- an item is held by at most ``overlap`` annotators at once (live leases plus submitted
  answers), counted in ``Item.taken`` inside the same transaction as the lease;
- nobody is handed the same item twice (``assignments`` is unique on item and user);
- reloading returns the caller's live lease instead of a new item;
- an expired lease frees its slot for others.

SQLite serialises writers (``BEGIN IMMEDIATE``). PostgreSQL takes a per-(project, user)
advisory lock, so one person's concurrent calls queue, and picks the candidate item with
``FOR UPDATE SKIP LOCKED``, so different people never wait on each other's candidate.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, exists, func, select, text, update
from sqlalchemy.orm import Session

from annota.errors import InvalidInput, NotFound, PermissionDenied
from annota.services import audit
from annota.services.access import item_for, project_for
from annota.services.actor import Actor
from annota.services.records import ItemInfo, PredictionInfo
from annota.services.roles import Need
from annota.store.db import Database
from annota.store.models import Assignment, Item, Prediction, Project
from annota.store.models.assignments import EXPIRED, LEASED, SKIPPED, SUBMITTED

MAX_REASON = 2000


def item_info(
    item: Item,
    predictions: list[PredictionInfo] | None = None,
    lease_expires_at: datetime | None = None,
) -> ItemInfo:
    return ItemInfo(
        id=item.id,
        project_id=item.project_id,
        external_id=item.external_id,
        data=item.data,
        meta=item.meta,
        priority=item.priority,
        done=item.done,
        created_at=item.created_at,
        predictions=predictions,
        lease_expires_at=lease_expires_at,
    )


def predictions_of(s: Session, item_id: int) -> list[PredictionInfo]:
    rows = s.execute(
        select(Prediction).where(Prediction.item_id == item_id).order_by(Prediction.id)
    ).scalars()
    return [
        PredictionInfo(
            id=p.id,
            item_id=p.item_id,
            model_name=p.model_name,
            model_version=p.model_version,
            score=p.score,
            regions=p.regions,
            schema_version=p.schema_version,
            created_at=p.created_at,
        )
        for p in rows
    ]


def _release(s: Session, item_id: int, overlap: int) -> None:
    s.execute(
        update(Item)
        .where(Item.id == item_id)
        .values(taken=Item.taken - 1, open=Item.taken - 1 < overlap)
    )


def _take(s: Session, item_id: int, overlap: int) -> None:
    s.execute(
        update(Item)
        .where(Item.id == item_id)
        .values(taken=Item.taken + 1, open=Item.taken + 1 < overlap)
    )


def expire_leases(s: Session, project: Project, now: datetime) -> int:
    """Turn the project's overdue leases into ``expired`` and free their slots."""
    overlap = int(project.settings.get("overlap", 1))
    item_ids = (
        s.execute(
            update(Assignment)
            .where(
                Assignment.project_id == project.id,
                Assignment.status == LEASED,
                Assignment.expires_at <= now,
            )
            .values(status=EXPIRED)
            .returning(Assignment.item_id)
        )
        .scalars()
        .all()
    )
    for item_id in item_ids:
        _release(s, item_id, overlap)
    return len(item_ids)


def _candidates(project: Project, user_id: int) -> Select[tuple[int]]:
    ordering = project.settings.get("ordering", "sequential")
    # An expired lease of one's own does not count: that item may come back to its annotator.
    mine = exists().where(
        Assignment.item_id == Item.id,
        Assignment.user_id == user_id,
        Assignment.status != EXPIRED,
    )
    query = select(Item.id).where(Item.project_id == project.id, Item.open.is_(True), ~mine)
    if ordering == "random":
        return query.order_by(Item.rand)
    if ordering == "priority":
        return query.order_by(Item.priority.desc(), Item.id)
    return query.order_by(Item.id)


def next_item(
    db: Database, actor: Actor, project_id: int, *, now: datetime | None = None
) -> ItemInfo | None:
    """The caller's next item with a fresh lease, or None when nothing is left for them."""
    if actor.user_id is None:
        raise PermissionDenied("the local operator cannot annotate; sign in as a user")
    now = now or datetime.now(UTC)
    with db.write() as s:
        project = project_for(s, actor, project_id, Need.ANNOTATE)
        if not db.is_sqlite:
            s.execute(
                text("SELECT pg_advisory_xact_lock(:p, :u)"), {"p": project_id, "u": actor.user_id}
            )
        lease = timedelta(seconds=int(project.settings.get("lease_seconds", 3600)))
        overlap = int(project.settings.get("overlap", 1))
        current = s.execute(
            select(Assignment)
            .where(
                Assignment.project_id == project_id,
                Assignment.user_id == actor.user_id,
                Assignment.status == LEASED,
                Assignment.expires_at > now,
            )
            .order_by(Assignment.id)
            .limit(1)
        ).scalar_one_or_none()
        if current is not None:
            current.expires_at = now + lease
            item = s.get_one(Item, current.item_id)
            return _handout(s, project, item, current.expires_at)
        expire_leases(s, project, now)
        query = _candidates(project, actor.user_id).limit(1)
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True, of=Item)
        item_id = s.execute(query).scalar_one_or_none()
        if item_id is None:
            return None
        expires = now + lease
        earlier = s.execute(
            select(Assignment).where(
                Assignment.item_id == item_id, Assignment.user_id == actor.user_id
            )
        ).scalar_one_or_none()
        if earlier is None:
            s.add(
                Assignment(
                    project_id=project_id,
                    item_id=item_id,
                    user_id=actor.user_id,
                    status=LEASED,
                    leased_at=now,
                    expires_at=expires,
                )
            )
        else:  # only an expired lease of theirs: the candidate query skips the others
            earlier.status, earlier.leased_at, earlier.expires_at = LEASED, now, expires
        _take(s, item_id, overlap)
        item = s.get_one(Item, item_id)
        return _handout(s, project, item, expires)


def _handout(s: Session, project: Project, item: Item, expires: datetime) -> ItemInfo:
    show = bool(project.settings.get("show_predictions", True))
    return item_info(item, predictions_of(s, item.id) if show else None, expires)


def skip_item(db: Database, actor: Actor, item_id: int, *, reason: str | None = None) -> None:
    """Give an item back: it is not offered to this annotator again, and frees the slot."""
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidInput(f"reason is over {MAX_REASON} characters", location="reason")
    with db.write() as s:
        _item, project = item_for(s, actor, item_id, Need.ANNOTATE)
        if not project.settings.get("allow_skip", True):
            raise PermissionDenied("this project does not allow skipping", location="item")
        assignment = s.execute(
            select(Assignment).where(
                Assignment.item_id == item_id, Assignment.user_id == actor.user_id
            )
        ).scalar_one_or_none()
        overlap = int(project.settings.get("overlap", 1))
        if assignment is None:
            assignment = Assignment(
                project_id=project.id,
                item_id=item_id,
                user_id=actor.user_id,
                status=SKIPPED,
                expires_at=datetime.now(UTC),
            )
            s.add(assignment)
        elif assignment.status == SUBMITTED:
            raise InvalidInput("you already submitted this item", location="item")
        elif assignment.status != SKIPPED:
            live = assignment.status == LEASED
            assignment.status = SKIPPED
            if live:
                _release(s, item_id, overlap)
        assignment.skip_reason = reason
        audit.record(
            s,
            actor,
            "item.skip",
            object_type="item",
            object_id=item_id,
            project_id=project.id,
            details={"reason": reason} if reason else {},
        )


def mark_submitted(s: Session, project: Project, item_id: int, user_id: int) -> None:
    """Book a person's submitted answer against the item's overlap (called by annotating)."""
    overlap = int(project.settings.get("overlap", 1))
    assignment = s.execute(
        select(Assignment).where(Assignment.item_id == item_id, Assignment.user_id == user_id)
    ).scalar_one_or_none()
    now = datetime.now(UTC)
    if assignment is None:
        s.add(
            Assignment(
                project_id=project.id,
                item_id=item_id,
                user_id=user_id,
                status=SUBMITTED,
                leased_at=now,
                expires_at=now,
            )
        )
        _take(s, item_id, overlap)
    elif assignment.status == LEASED:
        assignment.status = SUBMITTED
    elif assignment.status != SUBMITTED:
        assignment.status = SUBMITTED
        _take(s, item_id, overlap)
    s.execute(update(Item).where(Item.id == item_id).values(done=Item.done + 1))


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
        show = bool(project.settings.get("show_predictions", True))
        return item_info(item, predictions_of(s, item.id) if show else None)


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
