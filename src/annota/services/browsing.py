"""Listing a project's items, keyset-paged so page 10,000 is as fast as page 1."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select

from annota.errors import InvalidInput
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.assignment import item_info
from annota.services.records import ItemInfo, Page
from annota.services.roles import Need
from annota.store.db import Database
from annota.store.models import Item

ItemState = Literal["open", "complete", "annotated", "unannotated"]


def list_items(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    after: int = 0,
    limit: int = 50,
    state: ItemState | None = None,
    external_id: str | None = None,
) -> Page[ItemInfo]:
    """Items in import order after the cursor; reviewers and managers only."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        query = select(Item).where(Item.project_id == project_id, Item.id > after)
        if state == "open":
            query = query.where(Item.open.is_(True))
        elif state == "complete":
            query = query.where(Item.open.is_(False))
        elif state == "annotated":
            query = query.where(Item.done > 0)
        elif state == "unannotated":
            query = query.where(Item.done == 0)
        elif state is not None:
            raise InvalidInput(f"unknown state '{state}'", location="state")
        if external_id is not None:
            query = query.where(Item.external_id == external_id)
        rows = s.execute(query.order_by(Item.id).limit(limit + 1)).scalars().all()
        out = [item_info(i) for i in rows[:limit]]
        return Page(out, str(out[-1].id) if len(rows) > limit else None)
